"""Similarity of a message to each path's own training examples (rasa_addons/nlu/nearest_examples.py)."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.nlu.minilm_featurizer import SENTENCES_KEY
from rasa_addons.nlu.nearest_examples import NEAREST_KEY, SIMILARITIES_KEY, NearestExamples

CONFIG = {**NearestExamples.get_default_config(), "featurizer": "test_vectors"}


def embedded(text: str, vector: list[float], intent: str | None = None, topic: str | None = None) -> Message:
    data = {TEXT: text}
    if intent:
        data["intent"] = intent
    if topic:
        data["intent_response_key"] = f"{intent}/{topic}"
    message = Message(data=data)
    message.add_features(Features(np.array([vector], dtype=np.float32), "sentence", TEXT, "test_vectors"))
    return message


def test_similarity_to_each_path_is_that_of_its_nearest_example(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("nearest_examples")
    context = ExecutionContext(graph_schema=None, node_name="nearest")  # type: ignore[arg-type]
    scorer = NearestExamples.create(CONFIG, storage, resource, context)
    training = TrainingData(
        [
            embedded("does it hurt", [1, 0, 0], "faq", "does_it_hurt"),
            embedded("is it painful", [0.8, 0.6, 0], "faq", "does_it_hurt"),
            embedded("is it new", [0, 1, 0], "faq", "history"),
            embedded("blisters", [0, 0, 1], "urgent"),
        ]
    )
    scorer.train(training)
    loaded = NearestExamples.load(CONFIG, storage, resource, context)

    message = embedded("sore?", [0.6, 0.8, 0])
    loaded.process([message])
    similarities = message.get(SIMILARITIES_KEY)
    assert similarities["faq/does_it_hurt"] == pytest.approx(0.96, abs=1e-5)  # the nearer of its two examples
    assert similarities["faq/history"] == pytest.approx(0.8, abs=1e-5)
    assert similarities["urgent"] == pytest.approx(0.0, abs=1e-5)
    assert message.get(NEAREST_KEY)["path"] == "faq/does_it_hurt"
    assert [r["path"] for r in message.get(NEAREST_KEY)["ranking"]] == ["faq/does_it_hurt", "faq/history", "urgent"]


def test_a_message_without_the_features_is_left_alone(tmp_path) -> None:
    scorer = NearestExamples(CONFIG, LocalModelStorage(tmp_path), Resource("x"))
    message = Message(data={TEXT: "hello"})
    scorer.process([message])
    assert message.get(SIMILARITIES_KEY) is None


def test_a_story_is_as_near_to_a_path_as_its_nearest_sentence(tmp_path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("nearest_examples")
    scorer = NearestExamples(CONFIG, storage, resource)
    scorer.train(TrainingData([embedded("is it new", [0, 1, 0], "faq", "history"), embedded("hi", [1, 0, 0], "greet")]))
    loaded = NearestExamples.load(CONFIG, storage, resource, None)  # type: ignore[arg-type]
    story = embedded("My grandad says it is quack stuff. How long has it been around?", [0.9, 0.1, 0.42])
    story.set(SENTENCES_KEY, np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32))
    loaded.process([story])
    assert story.get(SIMILARITIES_KEY)["faq/history"] == pytest.approx(1.0, abs=1e-5)  # the question sentence
