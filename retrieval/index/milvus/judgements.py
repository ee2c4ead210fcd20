"""The Milvus engine's judgement store: a collection of its own, `<collection>_judgements`.

No build touches it: versions are `<collection>_v<N>_<part>` and the pointer lives in the meta
collection, so a rebuild, a new model or dropping a version leaves judgements alone. Rows are
appended (each event has its own id), so two app servers judging at once never overwrite each other.
`add` flushes the collection before returning: when the page confirms, the row is persisted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from retrieval.index.milvus.connect import Target, explain
from retrieval.index.milvus.schema import create_judgements, placeholder_rows
from retrieval.promises.judgements import Judgement, JudgementError, from_record


def name_for(collection: str) -> str:
    return f"{collection}_judgements"


class MilvusJudgements:
    """JudgementStore over one Milvus collection, through the reader's client."""

    def __init__(self, client, where: Target) -> None:
        self.client = client
        self.where = where
        self.name = name_for(where.collection)
        self.location = f"collection {self.name!r} at {where.uri}"

    def _ensure(self) -> None:
        if not self.client.has_collection(self.name):
            create_judgements(self.client, self.name)

    def add(self, judgement: Judgement) -> None:
        self.add_all([judgement])

    def add_all(self, judgements: Sequence[Judgement]) -> None:
        """One insert, then one flush. A server may limit how often a collection is flushed; the
        insert is acknowledged from its write-ahead log, so a refused flush is not a lost judgement."""
        rows = []
        for j in judgements:
            body = json.dumps(asdict(j), ensure_ascii=False)
            if len(body.encode("utf-8")) > 65535:
                raise JudgementError("the judgement is too long to store (shorten its note)")
            rows.append({"id": j.id, "promise": j.promise, "body": body})
        try:
            self._ensure()
            self.client.insert(self.name, placeholder_rows(rows))
        except Exception as exc:
            raise JudgementError(f"the judgement could not be stored: {explain(exc, self.where)}") from None
        try:
            self.client.flush(self.name)
        except Exception as exc:  # noqa: BLE001 - rate-limited flushes on a server: the insert stands
            if "rate" not in str(exc).lower():
                raise JudgementError(f"the judgement could not be flushed: {explain(exc, self.where)}"
                                     ) from None

    def all(self) -> list[Judgement]:
        from retrieval.index.milvus.texts import query_all

        try:
            if not self.client.has_collection(self.name):
                return []
            rows = query_all(self.client, self.name, 'id != ""', ["body"])
        except Exception as exc:
            raise JudgementError(f"the judgements could not be read: {explain(exc, self.where)}") from None
        try:
            return [from_record(json.loads(r["body"])) for r in rows]
        except json.JSONDecodeError as exc:
            raise JudgementError(f"a stored judgement in {self.location} is damaged: {exc.msg}") from None

    def close(self) -> None:
        """The client belongs to the reader."""
