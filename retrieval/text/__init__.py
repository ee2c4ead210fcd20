"""Text analysis: layout noise, structure (headings, footnotes), tokens, sentences and chunks."""
