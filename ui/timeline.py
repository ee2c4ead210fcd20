"""The timeline ("Op datum"): an answer's passages under date headings, oldest first, undated last.

The same passages as the answer by relevance, only ordered by their document's date, so a staff
member sees how a position moved from letter to letter. Within one date, relevance decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.present import citations


def by_date(passages: Sequence, lang: str = "nl") -> list[tuple[str, list]]:
    """(heading, passages) groups: dated documents oldest first, each date once, then "ongedateerd"."""
    dated = sorted((p for p in passages if p.date), key=lambda p: (p.date, p.rank))
    groups: list[tuple[str, list]] = []
    for p in dated:
        heading = citations.format_date(p.date, p.date_precision or "day", lang) or p.date
        if groups and groups[-1][0] == heading:
            groups[-1][1].append(p)
        else:
            groups.append((heading, [p]))
    undated = [p for p in passages if not p.date]
    if undated:
        groups.append((citations.undated_word(lang), sorted(undated, key=lambda p: p.rank)))
    return groups
