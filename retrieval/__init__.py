"""Bronwijzer's retrieval library: corpus loading, chunking, index, search, evaluation, promises."""
