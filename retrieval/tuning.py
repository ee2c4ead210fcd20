"""Calibrated retrieval constants, in one place. The evaluation work sets them by measurement on
eval/dev.jsonl (see the README's ablation table); the search code only reads them.

(Provisional values until then.)
"""

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150
