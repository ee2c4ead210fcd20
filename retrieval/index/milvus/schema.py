"""The collections of one Milvus index, and their schemas.

`<name>_meta` holds the pointer to the live version, each version's manifest and its corpus file
hashes. Each version `v` has three collections, written by a full build and switched to as one:
- `<name>_v<v>_chunks`: one row per chunk and document version: span, filter and prior fields,
  the vector, and the lexical tokens (`retrieval.text.tokens.tokenize`, joined by spaces) with
  Milvus's BM25 function over the `whitespace` tokenizer, so tokenising stays in one place;
- `<name>_v<v>_docs`: one row per document: its keys, path and chunk count;
- `<name>_v<v>_texts`: long strings in pieces (a VARCHAR holds at most 65,535 bytes): each
  document's text with its character offsets, and its metadata, page starts, promises and terms
  (retrieval.text.terms.document_terms) as JSON;
- `<name>_v<v>_terms`: the corpus's Dutch vocabulary, one row per stem with its surface form and
  that form's vector (retrieval.text.terms), for `term_neighbours`;
- `<name>_v<v>_sentences`: one row per sentence of each chunk (and document version) with its
  vector, searched only among a search's candidates (`sentence_scores`).

Milvus needs a vector field in every collection: the meta, docs and texts collections carry a
2-dimensional placeholder.
"""

from __future__ import annotations

FORMAT = 4
BM25_K1, BM25_B = 1.5, 0.75  # bm25s's defaults, which the local engine uses
PIECE_CHARS = 16_000  # 4 bytes per character at most: a piece always fits a VARCHAR
DENSE_INDEXES = ("FLAT", "IVF_FLAT", "HNSW")  # Milvus Lite has the first two; HNSW needs a server
_PLACEHOLDER = "placeholder"
PARTS = ("chunks", "docs", "texts", "terms", "sentences")


def meta_name(collection: str) -> str:
    return f"{collection}_meta"


def names(collection: str, version: int) -> dict[str, str]:
    """The collections of one version: {"chunks": …, "docs": …, "texts": …, "terms": …}."""
    return {part: f"{collection}_v{version}_{part}" for part in PARTS}


def version_of(name: str, collection: str) -> int | None:
    """The version a collection name belongs to, or None when it is not one of this index's."""
    prefix = f"{collection}_v"
    if not name.startswith(prefix):
        return None
    number, _, part = name[len(prefix):].partition("_")
    return int(number) if number.isdigit() and part in PARTS else None


def _placeholder(schema) -> None:
    from pymilvus import DataType

    schema.add_field(_PLACEHOLDER, DataType.FLOAT_VECTOR, dim=2)


def placeholder_rows(rows: list[dict]) -> list[dict]:
    for row in rows:
        row[_PLACEHOLDER] = [0.0, 0.0]
    return rows


def _flat(client, field: str = _PLACEHOLDER, params=None):
    index = params or client.prepare_index_params()
    index.add_index(field, index_type="FLAT", metric_type="IP")
    return index


def create_meta(client, collection: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=4096)
    schema.add_field("value", DataType.VARCHAR, max_length=65535)
    _placeholder(schema)
    client.create_collection(meta_name(collection), schema=schema, index_params=_flat(client),
                             consistency_level="Strong")


def create_version(client, collection: str, version: int, dimension: int, dense_index: str = "FLAT",
                   nlist: int = 128) -> None:
    """The collections of a new version (dropping leftovers of the same name first)."""
    for name in names(collection, version).values():
        if client.has_collection(name):
            client.drop_collection(name)
    parts = names(collection, version)
    _create_chunks(client, parts["chunks"], dimension, dense_index, nlist)
    _create_docs(client, parts["docs"])
    _create_texts(client, parts["texts"])
    _create_terms(client, parts["terms"], dimension)
    _create_sentences(client, parts["sentences"], dimension)


def _create_chunks(client, name: str, dimension: int, dense_index: str, nlist: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    # The row id carries the document version: while a document is rewritten in place, its old and
    # new rows stand side by side (readers trust the version they know) until the run ends.
    schema.add_field("row_id", DataType.VARCHAR, is_primary=True, max_length=4200)
    schema.add_field("chunk_id", DataType.VARCHAR, max_length=4096)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=2048)
    schema.add_field("doc_key", DataType.VARCHAR, max_length=64)
    schema.add_field("span_start", DataType.INT64)
    schema.add_field("span_end", DataType.INT64)
    schema.add_field("heading", DataType.VARCHAR, max_length=65535)
    schema.add_field("page", DataType.INT64)  # -1: no pages
    schema.add_field("kind", DataType.VARCHAR, max_length=16)
    schema.add_field("promise", DataType.BOOL)
    schema.add_field("vec_key", DataType.VARCHAR, max_length=64)
    schema.add_field("doc_type", DataType.VARCHAR, max_length=512)  # lowercase; "" unknown
    schema.add_field("date_first", DataType.INT64)  # YYYYMMDD of the period the date covers; 0: undated
    schema.add_field("date_last", DataType.INT64)
    schema.add_field("tokens", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                     analyzer_params={"tokenizer": "whitespace"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=int(dimension))
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["tokens"], output_field_names=["sparse"]))
    index = client.prepare_index_params()
    params = {"nlist": int(nlist)} if dense_index == "IVF_FLAT" else (
        {"M": 16, "efConstruction": 200} if dense_index == "HNSW" else {})
    index.add_index("vector", index_type=dense_index, metric_type="IP", params=params)
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                    params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
    index.add_index("doc_id", index_type="INVERTED")
    index.add_index("chunk_id", index_type="INVERTED")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def _create_docs(client, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=2048)
    schema.add_field("doc_key", DataType.VARCHAR, max_length=64)  # the document's chunk key
    schema.add_field("promise_key", DataType.VARCHAR, max_length=64)
    schema.add_field("path", DataType.VARCHAR, max_length=8192)
    schema.add_field("chunks", DataType.INT64)
    schema.add_field("chars", DataType.INT64)
    _placeholder(schema)
    client.create_collection(name, schema=schema, index_params=_flat(client), consistency_level="Strong")


def _create_texts(client, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("piece_id", DataType.VARCHAR, is_primary=True, max_length=128)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=2048)
    schema.add_field("doc_key", DataType.VARCHAR, max_length=64)
    schema.add_field("field", DataType.VARCHAR, max_length=16)  # text | meta | pages | promises | terms
    schema.add_field("seq", DataType.INT64)
    schema.add_field("piece_start", DataType.INT64)  # character offsets of the piece in its string
    schema.add_field("piece_end", DataType.INT64)
    schema.add_field("body", DataType.VARCHAR, max_length=65535)
    _placeholder(schema)
    index = _flat(client)
    index.add_index("doc_id", index_type="INVERTED")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def _create_terms(client, name: str, dimension: int) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("stem", DataType.VARCHAR, is_primary=True, max_length=1024)
    schema.add_field("surface", DataType.VARCHAR, max_length=1024)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=int(dimension))
    client.create_collection(name, schema=schema, index_params=_flat(client, "vector"),
                             consistency_level="Strong")


def _create_sentences(client, name: str, dimension: int) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("row_id", DataType.VARCHAR, is_primary=True, max_length=4300)  # chunk row id#n
    schema.add_field("chunk_id", DataType.VARCHAR, max_length=4096)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=2048)
    schema.add_field("doc_key", DataType.VARCHAR, max_length=64)
    schema.add_field("vec_key", DataType.VARCHAR, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=int(dimension))
    index = _flat(client, "vector")
    index.add_index("chunk_id", index_type="INVERTED")
    index.add_index("doc_id", index_type="INVERTED")
    index.add_index("vec_key", index_type="INVERTED")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def create_judgements(client, name: str) -> None:
    """The judgement log (retrieval.index.milvus.judgements): an event id, its promise, its JSON."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("promise", DataType.VARCHAR, max_length=4200)
    schema.add_field("body", DataType.VARCHAR, max_length=65535)
    _placeholder(schema)
    client.create_collection(name, schema=schema, index_params=_flat(client), consistency_level="Strong")


def drop_version(client, collection: str, version: int) -> None:
    for name in names(collection, version).values():
        if client.has_collection(name):
            client.drop_collection(name)
