"""The note's words, Dutch first, English selectable (ui/note.py, ui/pages/notitie.py)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Notitie",
        "made": "Samengesteld met Bronwijzer op {date}; elk citaat staat letterlijk in de bron.",
        "url": "De notitie staat in het adres van deze pagina: herladen houdt haar vast, en met de link "
               "neemt u haar mee.",
        "empty": "Nog geen passages. Voeg ze toe met 'Aan notitie toevoegen' bij een citaat.",
        "count": "{n} van maximaal {max} passages.",
        "own_line": "Eigen regel boven dit citaat",
        "up": "Omhoog",
        "down": "Omlaag",
        "remove": "Verwijderen",
        "clear": "Notitie wissen",
        "gone": "Deze passage staat niet meer in de index en komt niet in de download.",
        "page": "p. {page}",
        "file": "notitie",
        "add": "Aan notitie toevoegen",
        "added": "In de notitie",
        "full": "De notitie is vol ({max} passages).",
        "damaged": "De notitie in deze link is beschadigd of verwijst naar passages die niet meer bestaan; "
                   "wat leesbaar was, staat hieronder.",
        "removed": "Passage verwijderd.",
        "cleared": "Notitie gewist.",
        "undo": "Ongedaan maken",
        "back": "Terug naar zoeken",
    },
    "en": {
        "title": "Note",
        "made": "Compiled with Bronwijzer on {date}; every quote is verbatim from its source.",
        "url": "The note is kept in this page's address: reloading keeps it, and the link takes it with "
               "you.",
        "empty": "No passages yet. Add them with 'Add to note' on a citation.",
        "count": "{n} of at most {max} passages.",
        "own_line": "Your own line above this quote",
        "up": "Up",
        "down": "Down",
        "remove": "Remove",
        "clear": "Clear note",
        "gone": "This passage is no longer in the index and is left out of the download.",
        "page": "p. {page}",
        "file": "note",
        "add": "Add to note",
        "added": "In the note",
        "full": "The note is full ({max} passages).",
        "damaged": "The note in this link is damaged or points at passages that no longer exist; what "
                   "could be read is below.",
        "removed": "Passage removed.",
        "cleared": "Note cleared.",
        "undo": "Undo",
        "back": "Back to search",
    },
}
