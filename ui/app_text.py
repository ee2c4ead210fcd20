"""The chat page's interface words, Dutch first, English selectable. Words about passages themselves
(dates, relevance, filters) live in retrieval.present.citations so the CLI can use them too."""

from __future__ import annotations

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "nl": {
        "subtitle": "Letterlijke passages uit Kamerstukken over mensenhandel. Elk citaat staat woordelijk "
                    "in de bron; Bronwijzer vat niets samen en verzint niets.",
        "ask": "Stel een vraag, in het Nederlands of Engels …",
        "loading": "Model en index laden … (een verouderde index wordt nu bijgewerkt)",
        "index_fresh": "Index is actueel: {documents} documenten, {chunks} passages.",
        "index_updated": "Index bijgewerkt ({reason}): {documents} documenten, {chunks} passages, "
                         "{embedded} nieuw ingebed, in {seconds:.0f} s.",
        "load_error": "Bronwijzer kan niet starten: {error}",
        "skipped": "{n} bestand(en) overgeslagen bij het inlezen.",
        "filters": "Filters",
        "since": "Vanaf",
        "until": "Tot en met",
        "types": "Documentsoort",
        "docs": "Documenten",
        "undated": "Ongedateerde documenten meenemen",
        "undated_help": "Bij een datumfilter vallen documenten zonder datum anders weg.",
        "n": "Passages per antwoord",
        "clear": "Gesprek wissen",
        "language": "Taal / Language",
        "active_filters": "Filters: {filters}",
        "abstain": "De documenten lijken deze vraag niet te beantwoorden. Hieronder staan de passages die "
                   "er het dichtst bij komen; ze zijn zwak en geven waarschijnlijk geen antwoord.",
        "no_results": "Geen passages gevonden bij deze filters.",
        "more": "Meer passages",
        "context": "Omringende tekst",
        "copy": "Citaat kopiëren",
        "copy_help": "Kopieert bron en passage: de woorden van het document, in hun volgorde, ongewijzigd; "
                     "nadruk en regelafbreking kunnen verschillen.",
        "copied": "Gekopieerd",
        "copy_failed": "Kopiëren lukte niet",
        "details": "Details",
        "nothing": "Stel een vraag: typ een of meer woorden waarop gezocht kan worden.",
        "about": "Over Bronwijzer",
        "about_text": "{documents} documenten · {chunks} passages · model {model}. Bronwijzer toont alleen "
                      "letterlijke passages en werkt zonder internetverbinding.",
        "source": "Bron openen",
        "file": "bestand",
        "section": "Sectie",
        "footnote": "voetnoot",
        "author": "Auteur",
        "organisation": "Organisatie",
        "empty": "De vraag is leeg. Typ een vraag om te zoeken.",
        "too_long": "De vraag was erg lang; alleen de eerste {n} tekens zijn gebruikt.",
        "query_error": "Deze zoekopdracht kan niet: {error}",
        "truncated": "De vraag is langer dan het model kan lezen; alleen het begin is gebruikt.",
        "warning": "Let op: {warning}",
        "context_title": "Passage in context",
        "context_close": "Sluiten",
        "bad_link": "Deze link verwijst niet naar een bestaande passage.",
        "share": "Link naar dit antwoord",
        "took": "{n} passages · {seconds:.2f} s",
        "welcome": "Stel hieronder een vraag. Voorbeeld: *Hoe betrekt het kabinet ervaringsdeskundigen bij "
                   "de aanpak van seksuele uitbuiting?*",
        "page": "p. {page}",
        "choose": "Kies …",
        "chat_page": "Zoeken",
        "promise_badge": "toezegging",
        "request_badge": "verzoek aan de regering",
        "in_tracker": "in de tracker",
        "no_promise": "Geen toezegging over dit onderwerp gevonden. Hieronder staan de passages die er het "
                      "dichtst bij komen.",
        "searched_as": "Gezocht als: {text}",
        "searched_as_help": "Een korte of verwijzende vervolgvraag wordt samen met de eerdere vragen van dit "
                            "gesprek gezocht (alleen de vragen, niet de antwoorden).",
        "own_words": "Alleen op deze vraag zoeken",
        "follows": "Vervolg op: {questions}",
        "bad_range": "'Vanaf' ligt na 'Tot en met': pas een van beide datums aan.",
        "kept_answer": "Het antwoord hieronder is niet opnieuw gezocht.",
        "cleared": "Gesprek gewist.",
        "undo": "Ongedaan maken",
        "refiltered": "opnieuw gezocht met de gewijzigde filters",
        "filters_help": "Een gewijzigd filter zoekt het laatste antwoord opnieuw.",
        "order": "Volgorde",
        "order_relevance": "Op relevantie",
        "order_date": "Op datum",
        "damaged_conversation": "Het gesprek in deze link is beschadigd of onvolledig; wat leesbaar was, "
                                "staat hieronder.",
    },
    "en": {
        "subtitle": "Verbatim passages from Dutch parliamentary documents on human trafficking. Every quote "
                    "is word for word from the source; Bronwijzer summarises nothing and makes nothing up.",
        "ask": "Ask a question, in Dutch or English …",
        "loading": "Loading model and index … (a stale index is being updated now)",
        "index_fresh": "Index is up to date: {documents} documents, {chunks} passages.",
        "index_updated": "Index updated ({reason}): {documents} documents, {chunks} passages, "
                         "{embedded} newly embedded, in {seconds:.0f} s.",
        "load_error": "Bronwijzer cannot start: {error}",
        "skipped": "{n} file(s) skipped while reading.",
        "filters": "Filters",
        "since": "From",
        "until": "Up to and including",
        "types": "Document type",
        "docs": "Documents",
        "undated": "Include undated documents",
        "undated_help": "Otherwise a date filter leaves out documents without a date.",
        "n": "Passages per answer",
        "clear": "Clear conversation",
        "language": "Taal / Language",
        "active_filters": "Filters: {filters}",
        "abstain": "The documents do not seem to answer this question. Below are the closest passages; "
                   "they are weak and probably do not answer it.",
        "no_results": "No passages found with these filters.",
        "more": "More passages",
        "context": "Surrounding text",
        "copy": "Copy citation",
        "copy_help": "Copies source and passage: the document's words, in order, unchanged; emphasis and "
                     "line wrapping may differ.",
        "copied": "Copied",
        "copy_failed": "Copying failed",
        "details": "Details",
        "nothing": "Ask a question: type one or more words to search for.",
        "about": "About Bronwijzer",
        "about_text": "{documents} documents · {chunks} passages · model {model}. Bronwijzer shows verbatim "
                      "passages only and works without an internet connection.",
        "source": "Open source",
        "file": "file",
        "section": "Section",
        "footnote": "footnote",
        "author": "Author",
        "organisation": "Organisation",
        "empty": "The question is empty. Type a question to search.",
        "too_long": "The question was very long; only its first {n} characters were used.",
        "query_error": "This search is not possible: {error}",
        "truncated": "The question is longer than the model can read; only its beginning was used.",
        "warning": "Note: {warning}",
        "context_title": "Passage in context",
        "context_close": "Close",
        "bad_link": "This link does not point to an existing passage.",
        "share": "Link to this answer",
        "took": "{n} passages · {seconds:.2f} s",
        "welcome": "Ask a question below. Example: *How does the government involve people with lived "
                   "experience in tackling sexual exploitation?*",
        "page": "p. {page}",
        "choose": "Choose …",
        "chat_page": "Search",
        "promise_badge": "promise",
        "request_badge": "request to the government",
        "in_tracker": "in the tracker",
        "no_promise": "No promise on this topic was found. Below are the passages that come closest.",
        "searched_as": "Searched as: {text}",
        "searched_as_help": "A short or referring follow-up is searched together with this conversation's "
                            "earlier questions (the questions only, not the answers).",
        "own_words": "Search this question alone",
        "follows": "Follows: {questions}",
        "bad_range": "'From' is after 'Up to and including': change one of the dates.",
        "kept_answer": "The answer below was not searched again.",
        "cleared": "Conversation cleared.",
        "undo": "Undo",
        "refiltered": "searched again with the changed filters",
        "filters_help": "Changing a filter searches the last answer again.",
        "order": "Order",
        "order_relevance": "By relevance",
        "order_date": "By date",
        "damaged_conversation": "The conversation in this link is damaged or incomplete; what could be read "
                                "is below.",
    },
}

# Library warnings (English, from retrieval.search.searcher) that the page says in its own words.
KNOWN_WARNINGS = {"the question is longer than the model can read": "truncated"}


def strings(lang: str) -> dict[str, str]:
    """The interface words for `lang` ("nl" for anything unknown)."""
    return STRINGS.get(lang, STRINGS["nl"])


def warning_text(warning: str, lang: str) -> str:
    """A library warning in the interface language when it is a known one, else as the library said it."""
    words = strings(lang)
    for prefix, key in KNOWN_WARNINGS.items():
        if warning.startswith(prefix):
            return words[key]
    return words["warning"].format(warning=warning)
