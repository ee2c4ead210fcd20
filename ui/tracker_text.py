"""The Toezeggingen page's words, Dutch and English (the statuses' stored values stay Dutch: they are
the CLI's and JSON's stable values; the page shows them in the interface language)."""

from __future__ import annotations

from retrieval.promises.rule import STRENGTH_WORDS as RULE_WORDS

STATUS_WORDS = {
    "nl": {
        "opgevolgd": "opgevolgd",
        "mogelijk opgevolgd": "mogelijk opgevolgd",
        "verlopen": "verlopen",
        "open": "open",
    },
    "en": {
        "opgevolgd": "followed up",
        "mogelijk opgevolgd": "possibly followed up",
        "verlopen": "overdue",
        "open": "open",
    },
}
JUDGEMENT_WORDS = {
    "nl": {
        "afgedaan": "afgedaan",
        "bevestigd": "bevestigd",
        "afgewezen": "afgewezen",
        "none": "niet beoordeeld",
    },
    "en": {"afgedaan": "done", "bevestigd": "confirmed", "afgewezen": "rejected", "none": "not judged"},
}
KIND_WORDS = {
    "nl": {"promise": "toezegging", "request": "verzoek"},
    "en": {"promise": "promise", "request": "request"},
}
STRENGTH_WORDS = {
    "nl": {**RULE_WORDS, "judged": "door u beoordeeld"},
    "en": {"strong": "strong evidence", "possible": "weaker evidence", "judged": "judged by you"},
}

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Toezeggingen",
        "intro": "Wat bewindspersonen en publieke organen toezegden, met hun termijn, en of er iets op "
        "volgde. Elke zin staat letterlijk in de bron; een status is een aanwijzing om te lezen, geen "
        "oordeel, tenzij iemand hem beoordeelde.",
        "open_error": "De index kon niet worden geopend: {error}",
        "read_error": "De opvolging kon niet worden gelezen: {error}",
        "stale": "De opvolging is voor deze stand van de index nog niet berekend (dat doet "
        "`bronwijzer index`; het kan nu bezig zijn). Tot dan tellen alleen uw eigen oordelen.",
        "filters": "Filters",
        "kind": "Soort",
        "as_of": "Verlopen op",
        "as_of_help": "Een toezegging is verlopen als haar termijn vóór deze datum ligt.",
        "kinds": "Toezeggingen|Verzoeken aan de regering|Alle",
        "cabinet": "Alleen het kabinet",
        "who": "Wie",
        "choose": "Kies …",
        "status": "Status",
        "all": "Alle",
        "status_help": "opgevolgd: een gebruiker bevestigde een opvolging of zette de toezegging op "
        "afgedaan, of de regel vond een sterke aanwijzing; mogelijk opgevolgd: alleen zwakkere "
        "aanwijzingen; verlopen: de termijn is voorbij zonder opvolging; open: geen van beide.",
        "judged": "Oordeel",
        "since": "Gedaan vanaf",
        "date_help": "Toezeggingen uit ongedateerde documenten blijven zichtbaar bij een datumfilter.",
        "until": "Gedaan tot en met",
        "counts": "**{shown}** van {total} · {counts} · verlopen gerekend op {as_of}",
        "none": "Geen toezeggingen bij deze filters.",
        "pick": "Kies een rij voor de zin in context, haar opvolging en uw oordeel.",
        "csv": "Download .csv",
        "detail": "Toezegging in context",
        "follow_ups": "Opvolging ({n})",
        "no_follow_ups": "Geen passage van een later document die hierop lijkt in te gaan.",
        "in_context": "in context",
        "source": "Bron openen",
        "right": "Klopt",
        "wrong": "Klopt niet",
        "clear": "Oordeel wissen",
        "note": "Notitie bij uw oordeel (optioneel)",
        "done": "Afgedaan",
        "undone": "Niet meer afgedaan",
        "done_help": "De toezegging is nagekomen of anderszins afgedaan; de status wordt opgevolgd "
        "(afgedaan).",
        "right_help": "Deze passage gaat echt in op de toezegging: de status wordt opgevolgd (bevestigd).",
        "wrong_help": "Deze passage gaat niet in op de toezegging: ze telt niet meer mee voor de status.",
        "saved": "Opgeslagen: {what}.",
        "your": "Uw oordeel: {what}",
        "at": "op {at}",
        "elsewhere": "Door u beoordeeld, niet (meer) door de regel gevonden",
        "not_found": "zin niet meer gevonden",
        "orphans": "{n} oordeel/oordelen over toezeggingen die niet meer in de index staan (zin niet meer "
        "gevonden)",
        "bad_link": "De link noemt geen toezegging die in deze index staat.",
        "outside": "De toezegging uit de link valt buiten de filters; ze staat hiernaast toch.",
        "store_error": "Uw oordeel kon niet worden opgeslagen: {error}",
        "deadline": "termijn: {d}",
        "no_date": "geen datum",
        "columns": "Datum|Wie|Toezegging|Termijn|Status|Opvolging|Soort|Document|Onderwerp|Passage|Oordeel|"
        "Eerste opvolging|Link eerste opvolging",
    },
    "en": {
        "title": "Promises",
        "intro": "What ministers and public bodies promised, with their deadlines, and whether anything "
        "followed. Every sentence is verbatim from its source; a status is a lead to read, not a verdict, "
        "unless someone judged it.",
        "open_error": "The index could not be opened: {error}",
        "read_error": "The follow-ups could not be read: {error}",
        "stale": "The follow-ups have not been found for this state of the index yet (`bronwijzer index` "
        "finds them; it may be running). Until then only your own judgements count.",
        "filters": "Filters",
        "kind": "Kind",
        "as_of": "Overdue on",
        "as_of_help": "A promise is overdue when its deadline is before this day.",
        "kinds": "Promises|Requests to the government|All",
        "cabinet": "Cabinet only",
        "who": "Who",
        "choose": "Choose …",
        "status": "Status",
        "all": "All",
        "status_help": "followed up: a user confirmed a follow-up or marked the promise done, or the rule "
        "found strong evidence; possibly followed up: weaker evidence only; overdue: the "
        "deadline passed without a follow-up; open: neither.",
        "judged": "Judgement",
        "since": "Made from",
        "date_help": "Promises of undated documents stay visible with a date filter.",
        "until": "Made until",
        "counts": "**{shown}** of {total} · {counts} · overdue as of {as_of}",
        "none": "No promises with these filters.",
        "pick": "Choose a row for the sentence in context, its follow-ups and your judgement.",
        "csv": "Download .csv",
        "detail": "Promise in context",
        "follow_ups": "Follow-ups ({n})",
        "no_follow_ups": "No passage of a later document appears to act on it.",
        "in_context": "in context",
        "source": "Open source",
        "right": "Correct",
        "wrong": "Not correct",
        "clear": "Clear judgement",
        "note": "Note on your judgement (optional)",
        "done": "Done",
        "undone": "No longer done",
        "done_help": "The promise was kept or otherwise settled; its status becomes followed up (done).",
        "right_help": "This passage really acts on the promise: the status becomes followed up (confirmed).",
        "wrong_help": "This passage does not act on the promise: it no longer counts for the status.",
        "saved": "Saved: {what}.",
        "your": "Your judgement: {what}",
        "at": "on {at}",
        "elsewhere": "Judged by you, not (or no longer) found by the rule",
        "not_found": "sentence no longer found",
        "orphans": "{n} judgement(s) of promises no longer in the index (sentence no longer found)",
        "bad_link": "The link names no promise in this index.",
        "outside": "The promise in the link is outside the filters; it is shown beside the table anyway.",
        "store_error": "Your judgement could not be saved: {error}",
        "deadline": "deadline: {d}",
        "no_date": "no date",
        "columns": "Date|Who|Promise|Deadline|Status|Follow-ups|Kind|Document|Subject|Passage|Judgement|"
        "First follow-up|First follow-up link",
    },
}
COLUMN_KEYS = (
    "date",
    "who",
    "text",
    "deadline",
    "status",
    "count",
    "kind",
    "document",
    "subject",
    "passage",
    "judgement",
    "first",
    "first_link",
)


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["nl"])


def columns(lang: str) -> dict[str, str]:
    """Column key -> its header in the interface language."""
    return dict(zip(COLUMN_KEYS, words(lang)["columns"].split("|"), strict=True))


def status_label(t, lang: str) -> str:
    """ "opgevolgd (bevestigd)" / "followed up (confirmed)"."""
    status = STATUS_WORDS.get(lang, STATUS_WORDS["nl"])[t.status]
    if not t.judgement:
        return status
    return f"{status} ({JUDGEMENT_WORDS.get(lang, JUDGEMENT_WORDS['nl'])[t.judgement]})"
