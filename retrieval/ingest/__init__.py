"""Ingestion: read files (text, Markdown, HTML, PDF) into Documents with dated metadata."""
