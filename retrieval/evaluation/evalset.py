"""Evaluation sets: reading and checking them, and the relevance rule they are judged by.

Format (JSON lines, one question each; a contract others write sets in):
    {"id": "q1", "lang": "nl", "question": "...", "answers": [{"doc": "<doc id>", "quote": "<verbatim>"}],
     "split": "heldout"}
The id is unique in the set and holds no whitespace (it is a field in TREC run and qrels files).
`answers` are alternatives (any one answers the question); `[]` means the corpus does not answer it.
`split` is optional: "calibration" or "heldout" (evaluation/splits.py). `history` is optional: the
conversation's earlier questions, oldest first, for a follow-up question (eval/dialogues.jsonl); the
search is given them as `Searcher.search(question, history=…)`. Other fields (e.g. "tags") are
allowed and ignored.

Relevance: a passage is relevant to an answer when it comes from the answer's document and holds at
least half of the quote's characters as one contiguous run, after folding every whitespace run to
one space (case kept). The rule reads only text, never chunk offsets, so sets survive re-chunking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from retrieval.errors import EvalSetError
from retrieval.evaluation.splits import SPLITS

REQUIRED = ("id", "lang", "question", "answers")
_SPACE = re.compile(r"\s+")
MAX_REPORTED = 50  # errors listed in one EvalSetError message


@dataclass(frozen=True)
class Answer:
    doc: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    answers: tuple[Answer, ...]
    line: int = 0  # 1-based line in the set file; 0 when built in code
    tags: tuple[str, ...] = ()
    split: str | None = None  # "calibration" | "heldout"; None when the set has no split
    history: tuple[str, ...] = ()  # earlier questions of the conversation, oldest first

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def fold(text: str) -> str:
    """Whitespace runs (spaces, tabs, line breaks, no-break spaces) become one space; case is kept."""
    return _SPACE.sub(" ", text)


def longest_run(passage: str, quote: str) -> int:
    """Length of the longest substring shared by `passage` and `quote` (both already folded).

    SequenceMatcher without junk heuristics finds the true longest common block; indexing the
    (short) quote keeps it to about len(passage) * (repeats of a character in the quote) steps.
    """
    if not passage or not quote:
        return 0
    if quote in passage:
        return len(quote)
    match = SequenceMatcher(None, passage, quote, autojunk=False).find_longest_match(
        0, len(passage), 0, len(quote)
    )
    return match.size


def holds_half(passage_text: str, quote: str) -> bool:
    """True when the passage holds at least half of the quote's characters in one run (folded)."""
    q = fold(quote).strip()
    if not q:
        return False
    return 2 * longest_run(fold(passage_text), q) >= len(q)


def is_relevant(doc_id: str, text: str, answers: Iterable[Answer]) -> bool:
    """The relevance rule for one passage against a question's alternative answers."""
    return any(a.doc == doc_id and holds_half(text, a.quote) for a in answers)


# --- reading and checking set files ---------------------------------------------------------------


def parse_lines(lines: Iterable[str]) -> tuple[list[Question], list[str]]:
    """Questions from JSON lines, plus one error message per bad line ("line N: ...").

    Blank lines are skipped. Only shape is checked here; `check_against_corpus` checks documents.
    """
    questions: list[Question] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: not JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {n}: not a JSON object")
            continue
        problems = _shape_problems(obj)
        if problems:
            errors.extend(f"line {n}: {p}" for p in problems)
            continue
        qid = obj["id"]
        if qid in seen:
            errors.append(f"line {n}: duplicate id {qid!r} (first on line {seen[qid]})")
            continue
        seen[qid] = n
        answers = tuple(Answer(a["doc"], a["quote"]) for a in obj["answers"])
        tags = obj.get("tags")
        tags = tuple(str(t) for t in tags) if isinstance(tags, list) else ()
        questions.append(Question(qid, obj["lang"], obj["question"], answers, n, tags, obj.get("split"),
                                  tuple(obj.get("history") or ())))
    return questions, errors


def _shape_problems(obj: dict) -> list[str]:
    missing = [f for f in REQUIRED if f not in obj]
    if missing:
        return ["missing field" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)]
    out = []
    for name in ("id", "lang", "question"):
        if not isinstance(obj[name], str) or not obj[name].strip():
            out.append(f"{name!r} must be a non-empty string")
    if isinstance(obj["id"], str) and obj["id"].strip() and _SPACE.search(obj["id"]):
        # TREC run and qrels files separate fields by whitespace: such an id cannot be written there
        out.append(f"'id' must not contain whitespace: {obj['id']!r}")
    if "split" in obj and obj["split"] not in SPLITS:
        out.append(f"'split' must be one of {', '.join(SPLITS)}, not {obj['split']!r}")
    history = obj.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
        out.append("'history' must be a list of earlier questions (non-empty strings), oldest first")
    answers = obj["answers"]
    if not isinstance(answers, list):
        return out + ["'answers' must be a list (empty when the corpus does not answer the question)"]
    for i, a in enumerate(answers, 1):
        if not isinstance(a, dict) or "doc" not in a or "quote" not in a:
            out.append(f"answer {i}: must be an object with 'doc' and 'quote'")
        elif not isinstance(a["doc"], str) or not a["doc"]:
            out.append(f"answer {i}: 'doc' must be a non-empty string")
        elif not isinstance(a["quote"], str) or not a["quote"].strip():
            out.append(f"answer {i}: 'quote' must be a non-empty string")
    return out


def check_against_corpus(questions: Iterable[Question], text_of: Mapping[str, str] | Callable[[str], str],
                         doc_ids: Iterable[str] | None = None) -> list[str]:
    """Errors for answers naming an unknown document or quoting text that is not in it.

    `text_of` maps doc id to full text (a dict, or a function such as Searcher.document_text with
    `doc_ids` listing the known ids). Quotes are compared whitespace-folded, case kept.
    """
    if isinstance(text_of, Mapping):
        known = set(text_of)
        get = text_of.__getitem__
    else:
        known = set(doc_ids or ())
        get = text_of
    folded: dict[str, str] = {}
    errors = []
    for q in questions:
        for i, a in enumerate(q.answers, 1):
            if a.doc not in known:
                errors.append(f"line {q.line}: answer {i}: unknown document id {a.doc!r}")
                continue
            if a.doc not in folded:
                folded[a.doc] = fold(get(a.doc))
            quote = fold(a.quote).strip()
            if quote not in folded[a.doc]:
                short = quote if len(quote) <= 60 else quote[:57] + "..."
                errors.append(f"line {q.line}: answer {i}: quote not found in {a.doc}: {short!r}")
    return errors


def read_lines(path: str | Path) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalSetError(f"evaluation set not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise EvalSetError(f"cannot read evaluation set {path}: {reason}") from None


def raise_if_errors(path: str | Path, errors: list[str]) -> None:
    if not errors:
        return
    shown = errors[:MAX_REPORTED]
    more = f"\n  ... and {len(errors) - MAX_REPORTED} more" if len(errors) > MAX_REPORTED else ""
    raise EvalSetError(f"{path}: {len(errors)} bad line(s):\n  " + "\n  ".join(shown) + more)


def load_eval_set(path: str | Path, text_of: Mapping[str, str] | Callable[[str], str] | None = None,
                  doc_ids: Iterable[str] | None = None) -> list[Question]:
    """Read and check a set file; raise EvalSetError listing every bad line.

    Without `text_of` only the shape is checked (cheap, no corpus needed).
    """
    questions, errors = parse_lines(read_lines(path))
    if text_of is not None:
        errors += check_against_corpus(questions, text_of, doc_ids)
        errors.sort(key=_line_number)
    if not questions and not errors:
        errors.append("no questions in the file")
    raise_if_errors(path, errors)
    return questions


def _line_number(message: str) -> int:
    m = re.match(r"line (\d+):", message)
    return int(m.group(1)) if m else 0
