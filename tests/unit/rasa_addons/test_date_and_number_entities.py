"""spaCy's entities are only skipped where spaCy would find none (rasa_addons/nlu/date_and_number_entities.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.date_and_number_entities import DateAndNumberEntities, may_hold_date_or_number
from rasa_addons.nlu.spacy_nlp import SpacyNLP

DATA = Path(__file__).resolve().parents[3] / "data" / "nlu"
LABELS = ["DATE", "TIME", "CARDINAL", "ORDINAL"]
# General-domain messages and other languages: no patient's date or count is in them.
NOT_PATIENTS = {"out_of_scope_general.yml", "not_english.yml"}


def patient_examples() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.yml")):
        if path.name in NOT_PATIENTS:
            continue
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            lines = block.get("examples", "").splitlines()
            texts += [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line[2:].strip()) for line in lines if line.strip()]
    return texts


@pytest.fixture(scope="module")
def spacy_model() -> SpacyModel:
    return SpacyNLP.load_model("en_core_web_md")


@pytest.fixture(scope="module")
def extractor() -> DateAndNumberEntities:
    return DateAndNumberEntities({"dimensions": LABELS})


def test_spacy_finds_no_date_or_number_in_any_example_the_cue_skips(spacy_model: SpacyModel) -> None:
    skipped = [text for text in patient_examples() if not may_hold_date_or_number(text)]
    assert len(skipped) > 1000
    found = {
        text: [(e.text, e.label_) for e in doc.ents if e.label_ in LABELS]
        for text, doc in zip(skipped, spacy_model.model.pipe(skipped), strict=True)
    }
    assert {text: ents for text, ents in found.items() if ents} == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my elbow has hurt since 3 days ago", ("3 days ago", "DATE")),
        ("that was my second session", ("second", "ORDINAL")),
        ("sore since thursdays session", ("thursdays", "DATE")),
        ("i've had five so far", ("five", "CARDINAL")),
    ],
)
def test_messages_with_a_date_or_number_still_get_spacys_entities(
    extractor: DateAndNumberEntities, spacy_model: SpacyModel, text: str, expected: tuple[str, str]
) -> None:
    [message] = extractor.process([Message({TEXT: text})], spacy_model)
    assert expected in [(e["value"], e["entity"]) for e in message.get(ENTITIES)]


def test_a_message_without_a_cue_is_not_read_by_spacy(extractor: DateAndNumberEntities) -> None:
    class NoSpacy:
        def model(self, text: str):  # pragma: no cover - failing is the point
            raise AssertionError(f"spaCy ran on {text!r}")

    message = Message({TEXT: "does it hurt?"})
    assert extractor.process([message], NoSpacy()) == [message]
    assert message.get(ENTITIES) is None
