"""all-MiniLM-L6-v2 on ONNX Runtime gives sentence-transformers' embeddings (rasa_addons/nlu/minilm.py)."""

from __future__ import annotations

import numpy as np
import pytest

from rasa_addons.nlu import minilm

TEXTS = ["does it hurt?", "is the treatment painful", "how do I get red wine out of a couch cushion"]
# Cosine similarities sentence-transformers gives for TEXTS[0] with the other two
# (../shared/facts/sentence-embeddings.md).
REFERENCE = (0.605, 0.129)


@pytest.fixture(scope="module")
def model() -> minilm.MiniLM:
    return minilm.load_once()


def test_the_graph_computes_what_sentence_transformers_computes(tmp_path) -> None:
    graph = tmp_path / "float32.onnx"
    minilm.build_graph(minilm.model_dir(), graph)
    float32 = minilm.MiniLM(graph, minilm.tokenizer())
    hurt, painful, cushion = (float32.encode(text) for text in TEXTS)
    assert (float(hurt @ painful), float(hurt @ cushion)) == pytest.approx(REFERENCE, abs=0.001)


def test_the_quantised_model_keeps_the_embeddings(model, tmp_path) -> None:
    hurt, painful, cushion = (model.encode(text) for text in TEXTS)
    assert (float(hurt @ painful), float(hurt @ cushion)) == pytest.approx(REFERENCE, abs=0.04)
    graph = tmp_path / "float32.onnx"
    minilm.build_graph(minilm.model_dir(), graph)
    float32 = minilm.MiniLM(graph, minilm.tokenizer())
    for text in [*TEXTS, "my husband's face has dropped on one side", "set an alarm for seven"]:
        assert float(model.encode(text) @ float32.encode(text)) > 0.98
        assert np.linalg.norm(model.encode(text)) == pytest.approx(1.0, abs=1e-5)


def test_the_tokenizer_splits_as_berts_uncased_tokenizer(model) -> None:
    pieces = model.tokenizer
    assert pieces.words("Iontophoresis: does it HURT?!") == ["iontophoresis", ":", "does", "it", "hurt", "?", "!"]
    assert pieces.words("café naïve") == ["cafe", "naive"]
    ids = pieces.encode("iontophoresis")
    assert ids[0] == pieces.start and ids[-1] == pieces.end and len(ids) > 3  # split into word pieces
    assert len(pieces.encode("word " * 500)) == minilm.MAX_TOKENS
