"""Split a document into verbatim chunks: structure first, then sentences, offsets exact.

Every chunk satisfies `chunk.text == doc.text[chunk.start:chunk.end]`: a passage shown to a user
is the document's own words. Sections (see `retrieval.text.structure`) are cut at their headings, so a
question stays with its answer and every chunk knows its heading path; footnote blocks become
chunks of their own (kind "footnote"); layout noise (`retrieval.noise.noise_spans`) is kept out of
body chunks. A section longer than `size` is cut by langchain-text-splitters at paragraph, list
item, sentence, line and word boundaries (a hard line wrap is only used inside an over-long
sentence); the offsets come from our own bookkeeping, never from searching the text again.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.records import Chunk, Document
from retrieval.text.spans import Span, clip, merge, trim
from retrieval.text.structure import Heading, analyse

NOISE_GLUE_CHARS = 250  # a noise span this short, cutting a sentence (page break), stays inside the chunk
MAX_NOISE_SHARE = 0.5  # a piece that is more noise than text is not a chunk
FRONT_JOIN_CHARS = 200  # text before the first heading shorter than this joins the first section

_SENTENCE_END = r"(?<=[.!?…])[»”’\"')\]]*(?:[¹²³⁰⁴-⁹]+|\d{1,3}(?=\s))?"
_SEPARATORS = [
    r"\n[ \t\r\f\v]*\n\s*",  # paragraph (blank line)
    r"\n(?=[ \t]*(?:[-•·▪*–]|\d{1,2}[.)])\s)",  # list item
    _SENTENCE_END + r"\s+(?=[«“‘\"'(\[]?[A-ZÀ-ÖØ-Þ0-9•\-])",  # sentence
    r"\n",  # line (hard wraps: only inside an over-long sentence)
    r"\s+",  # word
    "",  # characters: only for text without any whitespace
]
_SENTENCE_START = re.compile(r"(?:^|(?<=\n)\s*\n|" + _SENTENCE_END + r"\s+)(?=\S)")
_RULE_PREFIX = re.compile(r"(?:-{3,}|_{3,}|\*{3,})\s*")
_LETTER = re.compile(r"[^\W\d_]")


# Set by measurement (bench/ablation.py on eval/dev.jsonl): the README's ablation table.
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150


@dataclass(frozen=True)
class ChunkSettings:
    """How to cut. Sizes in characters.

    `context`: put the document title and heading path in front of the embedded text.
    """

    size: int = CHUNK_SIZE
    overlap: int = CHUNK_OVERLAP
    context: bool = True

    def __post_init__(self) -> None:
        if self.size < 50:
            raise ValueError(f"chunk size must be at least 50 characters, not {self.size}")
        if not 0 <= self.overlap <= self.size // 2:
            raise ValueError(f"chunk overlap must be between 0 and size/2 ({self.size // 2}), "
                             f"not {self.overlap}")


@lru_cache(maxsize=8)
def _splitter(size: int):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=_SEPARATORS, is_separator_regex=True, keep_separator="end",
        chunk_size=size, chunk_overlap=0, strip_whitespace=False,
    )


def chunk(doc: Document, settings: ChunkSettings | None = None,
          noise: Sequence[Span] | None = None) -> list[Chunk]:
    """Chunks of `doc` in document order. `noise`: layout-noise spans (default: `noise_spans`)."""
    from retrieval.text import noise as noise_mod

    settings = settings or ChunkSettings()
    text = doc.text
    if not text.strip():
        return []
    spans = _clean_spans(noise_mod.noise_spans(text) if noise is None else noise, len(text))
    structure = analyse(text, doc.meta.title, spans)
    out: list[Chunk] = []
    for start, end, path, kind, heading in _sections(text, structure.headings, structure.footnotes):
        for seg_start, seg_end in _segments(text, start, end, spans):
            overlap = settings.overlap if kind == "body" else 0  # notes are cut between notes, whole
            for a, b in _pieces(text, seg_start, seg_end, settings.size, overlap):
                if kind == "footnote":
                    m = _RULE_PREFIX.match(text, a, b)
                    a = m.end() if m else a
                a, b = trim(text, a, b)
                if b <= a or _skip(text, a, b, spans, heading):
                    continue
                out.append(_make(doc, a, b, path, kind, spans, settings))
    return out


def _clean_spans(spans: Sequence[Span], n: int) -> list[Span]:
    """Sorted, clipped, merged spans: another module's output is not trusted blindly."""
    return merge(clip(spans, n))


def _sections(text: str, headings: Sequence[Heading], footnotes: Sequence[Span]):
    """(start, end, heading path, kind, heading) for body sections and footnote blocks, in order."""
    bounds: list[tuple[int, int, tuple[str, ...], Heading | None]] = []
    stack: list[Heading] = []
    first = headings[0].start if headings else len(text)
    # A short front (a title line) goes with the first section rather than standing alone.
    tiny_front = bool(headings) and len(text[:first].strip()) < FRONT_JOIN_CHARS
    if first > 0 and not tiny_front:
        bounds.append((0, first, (), None))
    for i, h in enumerate(headings):
        while stack and stack[-1].level >= h.level:
            stack.pop()
        stack.append(h)
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        bounds.append((0 if i == 0 and tiny_front else h.start, end, tuple(x.label for x in stack), h))
    fn = list(footnotes)
    for start, end, path, heading in bounds:
        pos = start
        for fa, fb in fn:
            if fb <= pos or fa >= end:
                continue
            if fa > pos:
                yield pos, fa, path, "body", heading
            yield max(fa, pos), min(fb, end), path, "footnote", None
            pos = min(fb, end)
        if pos < end:
            yield pos, end, path, "body", heading


def _segments(text: str, start: int, end: int, noise: Sequence[Span]) -> list[Span]:
    """Parts of [start, end) between noise spans; a short noise span that cuts a sentence in two
    (a page break) stays inside, so the sentence is not torn apart."""
    i = bisect_right(noise, (start, len(text) + 1)) - 1
    i = max(i, 0)
    segs: list[Span] = []
    pos = start
    for a, b in noise[i:]:
        if a >= end:
            break
        if b <= pos:
            continue
        a, b = max(a, pos), min(b, end)
        before = text[pos:a].rstrip()
        glue = (b - a <= NOISE_GLUE_CHARS and before and b < end
                and before[-1] not in ".!?:;" and text[b:end].strip())
        if glue:
            continue
        if a > pos:
            segs.append((pos, a))
        pos = b
    if pos < end:
        segs.append((pos, end))
    return segs


def _pieces(text: str, start: int, end: int, size: int, overlap: int) -> list[Span]:
    """Cut [start, end) into spans of about `size - overlap` characters, each then reaching back up
    to `overlap` characters into the previous one (from a sentence start).

    langchain cuts the text into parts of at most half a chunk at the best boundaries it finds
    (paragraph, list item, sentence, line, word); we pack consecutive parts greedily, so a short
    question is packed with the start of its long answer instead of standing alone.
    """
    start, end = trim(text, start, end)
    if end <= start:
        return []
    if end - start <= size:
        return [(start, end)]
    step = size - overlap  # >= size / 2: ChunkSettings refuses a larger overlap
    segment = text[start:end]
    parts = _splitter(max(1, step // 2)).split_text(segment)
    if "".join(parts) != segment:  # never expected; keep offsets exact regardless
        parts = _plain_windows(segment, step // 2)
    spans: list[Span] = []
    cur_a = cur_b = pos = start
    for part in parts:
        nxt = pos + len(part)
        if cur_b > cur_a and trim(text, cur_a, nxt)[1] - trim(text, cur_a, nxt)[0] > step:
            spans.append(trim(text, cur_a, cur_b))
            cur_a = pos
        cur_b = pos = nxt
    if cur_b > cur_a:
        spans.append(trim(text, cur_a, cur_b))
    spans = [(a, b) for a, b in spans if b > a]
    tail = spans[-1][1] - spans[-1][0] if len(spans) > 1 else size
    if overlap:
        spans = [spans[0]] + [(_overlap_start(text, spans[k - 1][0], a, overlap), b)
                              for k, (a, b) in enumerate(spans[1:], 1)]
    if tail < size // 4 and spans[-1][1] - spans[-2][0] <= size:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]  # a short tail joins the chunk before it
    return spans


def _plain_windows(s: str, step: int) -> list[str]:
    """Fallback cut at the last whitespace before each `step` characters."""
    parts, pos = [], 0
    while pos < len(s):
        end = min(len(s), pos + step)
        if end < len(s):
            cut = max(s.rfind(" ", pos, end), s.rfind("\n", pos, end))
            end = cut + 1 if cut > pos else end
        parts.append(s[pos:end])
        pos = end
    return parts


def _overlap_start(text: str, floor: int, start: int, overlap: int) -> int:
    """Earliest sentence start in the `overlap` characters before `start`; `start` when there is
    none (a chunk never opens in the middle of a sentence just to overlap)."""
    lo = max(floor + 1, start - overlap)
    for m in _SENTENCE_START.finditer(text, lo, start) if lo < start else ():
        if m.end() < start:
            return m.end()
    return start


def _noise_in(spans: Sequence[Span], a: int, b: int) -> int:
    i = max(bisect_right(spans, (a, 1 << 62)) - 1, 0)
    total = 0
    for x, y in spans[i:]:
        if x >= b:
            break
        total += max(0, min(y, b) - max(x, a))
    return total


def _skip(text: str, a: int, b: int, noise: Sequence[Span], heading: Heading | None) -> bool:
    """Pieces that are not worth a chunk: no letters (a page number, a rule), mostly noise, a bare
    heading line."""
    if not _LETTER.search(text, a, b):
        return True
    if noise and _noise_in(noise, a, b) > MAX_NOISE_SHARE * (b - a):
        return True
    return heading is not None and a == heading.start and b <= heading.end


def _without_noise(text: str, a: int, b: int, noise: Sequence[Span]) -> str:
    if not noise or not _noise_in(noise, a, b):
        return text[a:b]
    out, pos = [], a
    i = max(bisect_right(noise, (a, 1 << 62)) - 1, 0)
    for x, y in noise[i:]:
        if x >= b:
            break
        if y <= pos:
            continue
        out.append(text[pos:max(x, pos)])
        out.append(" ")
        pos = min(y, b)
    out.append(text[pos:b])
    return "".join(out)


def context_line(title: str | None, path: tuple[str, ...]) -> str:
    """What goes in front of the embedded text: "Titel — Vraag 5\\n" (empty when nothing is known)."""
    parts = [p for p in (title, " > ".join(path)) if p]
    return " — ".join(parts) + "\n" if parts else ""


def _make(doc: Document, a: int, b: int, path: tuple[str, ...], kind: str, noise: Sequence[Span],
          settings: ChunkSettings) -> Chunk:
    from retrieval.text.noise import match_text

    body = match_text(_without_noise(doc.text, a, b, noise))
    context = context_line(doc.meta.title, path) if settings.context else ""
    page = None
    if doc.page_starts:
        page = max(1, bisect_right(doc.page_starts, a))  # same as doc.page_at(a), without the linear scan
    return Chunk(doc.doc_id, a, b, doc.text[a:b], heading=path, page=page, kind=kind,
                 embed_text=context + body)
