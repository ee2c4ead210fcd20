"""Domain adaptation of the embedding model on pairs made from the corpus (issue 15)."""
