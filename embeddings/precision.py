"""Choosing the model's precision: bfloat16 only where the CPU computes it natively.

bfloat16 roughly doubles CPU throughput where the CPU has AMX or AVX512-BF16, and is slower than
float32 where it has to be emulated. torch's `get_cpu_capability()` only reports "AVX512", so the
flags in /proc/cpuinfo decide.
"""

from __future__ import annotations

import os

DTYPES = ("auto", "float32", "bfloat16")
_NATIVE_BF16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


def cpu_flags(cpuinfo: str | os.PathLike = "/proc/cpuinfo") -> frozenset[str]:
    """The CPU's feature flags (empty where /proc/cpuinfo is absent)."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[-1].split())
    except OSError:
        pass
    return frozenset()


def cpu_has_native_bf16(cpuinfo: str | os.PathLike = "/proc/cpuinfo") -> bool:
    """True if the CPU flags include amx_bf16 or avx512_bf16."""
    return bool(_NATIVE_BF16_FLAGS & cpu_flags(cpuinfo))


def resolve_dtype(dtype: str | None = None, cpuinfo: str | os.PathLike = "/proc/cpuinfo") -> str:
    """"float32" or "bfloat16" from the argument, else env BRONWIJZER_DTYPE, else "auto"."""
    chosen = (dtype or os.environ.get("BRONWIJZER_DTYPE") or "auto").strip().lower()
    if chosen not in DTYPES:
        raise ValueError(f"unknown dtype {chosen!r}; choose one of: {', '.join(DTYPES)}")
    if chosen == "auto":
        return "bfloat16" if cpu_has_native_bf16(cpuinfo) else "float32"
    return chosen
