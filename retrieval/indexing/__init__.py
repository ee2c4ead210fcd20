"""Indexing as its own pipeline: load → chunk → promises → terms → embed → write → follow-ups.

`sync.py` brings any engine's writer up to date with the corpus folders; `indexer.py` runs the
whole pipeline for the engine the settings name.
"""
