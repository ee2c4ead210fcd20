"""The promise tracker as one object: promises, follow-ups and the user's judgements, read together.

The Toezeggingen page and `bronwijzer promises` / `bronwijzer judgements` use it, so both show the
same statuses. Reading never writes; judging writes only to the judgement store (never to the index).
"""

from __future__ import annotations

from datetime import date as Date
from typing import TYPE_CHECKING

from retrieval.promises import judgements as jd
from retrieval.promises.followups import FollowUp
from retrieval.promises.status import Tracked, track

if TYPE_CHECKING:
    from retrieval.config import Settings
    from retrieval.search.searcher import Searcher


class PromiseTracker:
    """Over a Searcher (promises, follow-ups, texts) and a JudgementStore."""

    def __init__(self, searcher: Searcher, store: jd.JudgementStore) -> None:
        self.searcher = searcher
        self.store = store

    @classmethod
    def open(cls, searcher: Searcher, settings: Settings) -> PromiseTracker:
        """The tracker over `searcher` with the judgement store the settings' engine keeps."""
        return cls(searcher, jd.open_store(settings, searcher.index))

    def read(self, as_of: Date | None = None) -> tuple[str, list[Tracked], list[jd.Judgement]]:
        """(follow-up state: current | missing | stale; every promise tracked; judgements whose
        promise is no longer found)."""
        state, follow = self.searcher.read_follow_ups()
        judged = jd.in_force(self.store.all())
        tracked, orphans = track(self.searcher.promises(as_of), follow, judged, self.searcher.document_text,
                                 self.searcher.documents)
        return state, tracked, orphans

    def judge_follow_up(self, t: Tracked, follow_up: FollowUp, verdict: str, note: str = "") -> jd.Judgement:
        """"Klopt" (confirmed), "Klopt niet" (rejected) or "cleared" for one follow-up of `t`."""
        j = jd.new(t.key, follow_up.key, verdict, note=note, passage=(follow_up.doc_id, follow_up.text),
                   about=(t.promise.doc_id, t.promise.text))
        self.store.add(j)
        return j

    def mark_done(self, t: Tracked, note: str = "", passage: FollowUp | None = None,
                  undo: bool = False) -> jd.Judgement:
        """"Afgedaan" for the promise itself (optionally with the passage that settles it), or undone."""
        j = jd.new(t.key, "", jd.CLEARED if undo else "done", note=note,
                   passage=(getattr(passage, "doc_id", ""), getattr(passage, "text", "")),
                   about=(t.promise.doc_id, t.promise.text))
        self.store.add(j)
        return j
