"""Evaluation: evaluation sets, metrics, TREC runs and qrels."""
