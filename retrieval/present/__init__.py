"""Presentation shared by the CLI and the app: citations, date labels, relevance words, best sentences."""
