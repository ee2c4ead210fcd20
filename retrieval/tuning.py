"""Calibrated retrieval constants, in one place. The evaluation work sets them by measurement on
eval/dev.jsonl (see the README's ablation table); the search code only reads them.

(Provisional values until then.)
"""

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150

# --- Search (index & search engineer; provisional until calibrated on eval/dev.jsonl) ---
# Score ranges: dense = cosine similarity of normalised vectors, in [-1, 1] (e5: about 0.7-0.95);
# lexical = BM25 / the query's attainable BM25 (sum over query terms of each term's best score
# in the corpus), in [0, 1]; hybrid = DENSE_WEIGHT * dense' + (1 - DENSE_WEIGHT) * lexical, in
# [0, 1], where dense' = cosine mapped linearly from DENSE_RANGE to [0, 1] and clipped.
EMBED_BATCH = 32  # passages per model call when indexing (sorted by length)
CANDIDATE_DEPTH = 100  # candidates taken from each side before fusion
DENSE_RANGE = (0.75, 0.92)  # cosine -> [0, 1] for fusion
DENSE_WEIGHT = {"nl": 0.6, "en": 0.85}  # per question language; English counts only names/numbers lexically
ABSTAIN_THRESHOLD = {"hybrid": 0.35, "dense": 0.82, "lexical": 0.25}  # by eye: 20 on- vs 10 off-topic
NUMBER_MATCH_SCORE = 1.0  # score given to the passage of a document asked for by its number
