"""The spaCy model loader keeps Rasa's tokens and entities while doing less (rasa_addons/nlu/spacy_nlp.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.nlu.utils.spacy_utils import SpacyModel

from rasa_addons.nlu.spacy_nlp import SpacyNLP

DEV_SET = Path(__file__).resolve().parents[2] / "nlu_dev.yml"


def dev_messages() -> list[str]:
    blocks = yaml.safe_load(DEV_SET.read_text())["nlu"]
    lines = [line for block in blocks for line in block["examples"].splitlines()]
    return [line.removeprefix("- ").strip() for line in lines if line.strip()]


@pytest.fixture(scope="module")
def spacy_model() -> SpacyModel:
    return SpacyNLP.load_model("en_core_web_md")


def tokens(doc) -> list[tuple]:
    return [(t.text, t.idx, t.lemma_, t.tag_, t.is_space) for t in doc]


def test_the_model_is_loaded_once_per_process(spacy_model: SpacyModel) -> None:
    assert SpacyNLP.load_model("en_core_web_md") is spacy_model
    assert "parser" not in spacy_model.model.pipe_names
    assert "ner" in spacy_model.model.pipe_names


def test_tokens_at_prediction_are_the_tokens_the_model_was_trained_on(spacy_model: SpacyModel) -> None:
    """Training runs the whole pipeline; prediction only tokenizes. SpacyTokenizer must see no difference."""
    component = SpacyNLP(spacy_model, SpacyNLP.get_default_config())
    messages = dev_messages()
    assert len(messages) > 100
    for text in messages:
        trained_on = spacy_model.model(text.lower())
        assert tokens(component._doc_for_text(spacy_model.model, text)) == tokens(trained_on), text
