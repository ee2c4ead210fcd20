"""Promises: commitments and requests in documents, with their deadlines."""
