"""Calibrated retrieval constants, in one place, set by measurement on eval/dev.jsonl with
bench/ablation.py (the README's ablation table); the search code only reads them.
"""

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150

# Score ranges: dense = cosine similarity of normalised vectors, in [-1, 1] (e5: about 0.7-0.95);
# lexical = BM25 / the query's attainable BM25 (sum over query terms of each term's best score
# in the corpus), in [0, 1]; hybrid = DENSE_WEIGHT * dense' + (1 - DENSE_WEIGHT) * lexical, in
# [0, 1], where dense' = cosine mapped linearly from DENSE_RANGE to [0, 1] and clipped.
EMBED_BATCH = 32  # passages per model call when indexing (sorted by length)
CANDIDATE_DEPTH = 100  # candidates taken from each side before fusion
DENSE_RANGE = (0.75, 0.92)  # cosine -> [0, 1] for fusion
DENSE_WEIGHT = {"nl": 0.4, "en": 0.5}  # per question language; English terms via retrieval.glossary
# Calibrated on eval/dev.jsonl (bench/ablation.py): the highest top score that keeps answerable
# questions abstained at <= 5%. It catches questions outside the corpus's subject; on-topic questions
# asking for a fact the corpus lacks score like answerable ones (see the README).
ABSTAIN_THRESHOLD = {"hybrid": 0.3443, "dense": 0.8104, "lexical": 0.0}
ENGLISH_GLOSSARY = True  # translate the field's English vocabulary for lexical matching (retrieval.glossary)
FOOTNOTE_WEIGHT = 0.9  # hybrid score factor for footnote chunks (a prior: notes cite, bodies answer)
PROMISE_QUESTION_WEIGHT = 0.6  # hybrid score factor, for a question about promises, of passages without one
NUMBER_MATCH_SCORE = 1.0  # score given to the passage of a document asked for by its number
