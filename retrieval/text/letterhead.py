"""Letterheads: the address blocks at the top of a letter's pages, as layout noise.

On a first page: everything from the page start to the salutation ("Geachte ...") when only short
lines with letterhead labels come before it. Elsewhere (later pages repeat "Datum" and "Ons
kenmerk", often placed by pdftotext after the first paragraph): clusters of label lines with their
values, plus a few short name lines right at the page start ("Bureau Nationaal").
"""

from __future__ import annotations

import re

from retrieval.text.spans import Span, trim

LETTERHEAD_LINE_CHARS = 75  # letterhead lines are short; body lines of a letter run to ~80 characters
LETTERHEAD_SEARCH_LINES = 60  # a salutation further down the page is not under a letterhead
MAX_CLUSTER_GAP = 3  # short lines (names, titles) allowed between two letterhead labels
SHORT_NAME_CHARS = 45  # such a line: "Corinne Dettmeijer-Vermeulen", "Beleidsmedewerker seksueel"
LETTERHEAD_MIN_LABELS = 2  # distinct letterhead labels needed (one "Datum" in a table is not a letterhead)
_SALUTATION = re.compile(r"^\s*(?:(?:zeer\s+|hoog)?geachte|beste|dear|excellentie"
                         r"|(?:mevrouw|mijnheer) de voorzitter)\b[^\n]{0,80}$", re.IGNORECASE)
# Labels of Dutch (government) letterheads; each pattern is one kind.
_LABELS = [re.compile(p, re.IGNORECASE) for p in (
    r"^\W*retouradres\b",
    r"^\s*postbus\s+\d",
    r"^\s*datum\b\s*:?\s*(?:\d|$)",
    r"^\s*(?:ons|uw)\s+kenmerk\b",
    r"^\s*(?:onderwerp|betreft)\b",
    r"^\s*contactpersoon\b",
    r"^\s*(?:telefoon|doorkiesnummer|fax|t|m|e)\s*:?\s*\+?[\d(][\d ()-]{6,}$",
    r"^\s*(?:e-?mail|bezoekadres|postadres|bijlagen?|kopie aan)\b",
    r"^\s*(?:www\.|https?://)\S+$",
    r"^\s*\d{4}\s?[A-Z]{2}\s+[A-Z]",  # postcode and place: "2500 EH Den Haag"
    r"^\s*bij beantwoording\b|^\s*en ons kenmerk vermelden|^\s*wilt u slechts\b|^\s*brief behandelen\.?$",
)]
_FIELD_LABEL = re.compile(
    r"^\s*(?:datum|ons kenmerk|uw kenmerk|onderwerp|betreft|contactpersoon|telefoon)\s*:?\s*$", re.IGNORECASE)


def _label_kind(line: str) -> int | None:
    for kind, pattern in enumerate(_LABELS):
        if pattern.search(line):
            return kind
    return None


def letterhead_spans(text: str, a: int, b: int) -> list[Span]:
    """Letterhead blocks near the top of the page text[a:b] (see the module docstring)."""
    lines: list[Span] = []
    pos = a
    while pos < b and len(lines) < LETTERHEAD_SEARCH_LINES:
        j = text.find("\n", pos, b)
        j = b if j < 0 else j
        lines.append((pos, j))
        pos = j + 1
    marks = _marks(text, lines)
    head = _up_to_salutation(text, a, lines, marks)
    return head if head is not None else _clusters(text, lines, marks)


def _marks(text: str, lines: list[Span]) -> list[tuple[str, int | None]]:
    """Per line: (mark, label kind); mark in L(abel) V(alue) B(lank) S(hort) X (other)."""
    marks: list[tuple[str, int | None]] = []
    for idx, (s, e) in enumerate(lines):
        line = text[s:e]
        stripped = line.strip()
        kind = _label_kind(line)
        if not stripped:
            marks.append(("B", None))
        elif kind is not None:
            marks.append(("L", kind))
        elif idx and marks[-1][0] == "L" and _FIELD_LABEL.match(text[slice(*lines[idx - 1])]):
            marks.append(("V", None))
        elif len(stripped) <= LETTERHEAD_LINE_CHARS:
            marks.append(("S", None))
        else:
            marks.append(("X", None))
    return marks


def _up_to_salutation(text: str, a: int, lines: list[Span], marks: list) -> list[Span] | None:
    """A first page's head: everything before the salutation, when only short letterhead lines
    with enough distinct labels come before it; None when the page does not start so."""
    kinds_before: set[int] = set()
    for idx, (s, e) in enumerate(lines):
        if marks[idx][0] == "X":
            return None
        if marks[idx][0] == "S" and _SALUTATION.match(text[s:e]):
            return [trim(text, a, s)] if len(kinds_before) >= LETTERHEAD_MIN_LABELS else None
        if marks[idx][1] is not None:
            kinds_before.add(marks[idx][1])
    return None


def _clusters(text: str, lines: list[Span], marks: list) -> list[Span]:
    """Clusters of label lines with their values, anywhere in the lines searched."""
    out: list[Span] = []
    idx = 0
    while idx < len(lines):
        if marks[idx][0] != "L":
            idx += 1
            continue
        first = last = idx
        kinds = {marks[idx][1]}
        gap = 0
        k = idx + 1
        while k < len(lines) and gap <= MAX_CLUSTER_GAP:
            mark, kind = marks[k]
            if mark in "LV":
                last, gap = k, 0
                if kind is not None:
                    kinds.add(kind)
            elif mark == "S" and len(text[slice(*lines[k])].strip()) <= SHORT_NAME_CHARS:
                gap += 1
            elif mark != "B":
                break
            k += 1
        if len(kinds) >= LETTERHEAD_MIN_LABELS:
            lead = [m for m, _ in marks[:first] if m != "B"]
            if len(lead) <= MAX_CLUSTER_GAP and all(
                    m == "S" and len(text[slice(*ln)].strip()) <= SHORT_NAME_CHARS
                    for (m, _), ln in zip(marks[:first], lines[:first], strict=True) if m != "B"):
                first = 0  # "Bureau Nationaal / Rapporteur Mensenhandel" above the block
            else:
                first = _names_above(text, lines, marks, first)
            out.append(trim(text, lines[first][0], lines[last][1]))
        idx = k
    return out


def _names_above(text: str, lines: list[Span], marks: list, first: int) -> int:
    """Extend a letterhead cluster up over a few very short name lines set off by a blank line."""
    k, names = first - 1, 0
    while k >= 0 and marks[k][0] == "B":
        k -= 1
    top = first
    while k >= 0 and marks[k][0] == "S" and names < MAX_CLUSTER_GAP:
        line = text[slice(*lines[k])].strip()
        if len(line) > 30 or line[-1] in ".,:;?!":
            return first
        names, top, k = names + 1, k, k - 1
    return top if names and (k < 0 or marks[k][0] == "B") else first
