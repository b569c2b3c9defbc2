"""Per-token counts cost training time and change no answer (rasa_addons/nlu/sentence_counts.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.nlu.sentence_counts import SentenceCountVectorsFeaturizer, placeholder

EXAMPLES = {
    "faq": ["does iontophoresis hurt", "how many sessions will I need", "when will I see a difference"],
    "urgent": ["the skin under the pad has blistered", "my chest feels tight", "there's a burn where the pad was"],
    "out_of_scope": ["what's the weather tomorrow", "play some music", "book me a taxi"],
}
# As config.yml's `chars` featurizer counts them.
CHARACTER_NGRAMS = {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}
UNSEEN = ["will the pads hurt", "a blister came up after the session", "what's on at the cinema"]


def training_data() -> TrainingData:
    return TrainingData(
        [Message(data={TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    )


def featurized(
    featurizer_class: type[CountVectorsFeaturizer], tmp_path: Path, counting: dict | None = None
) -> tuple[TrainingData, list[Message]]:
    """Tokenized and counted training data, and unseen messages counted by the same featurizer."""
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    data = training_data()
    tokenizer.process_training_data(data)
    (tmp_path / "storage").mkdir(parents=True)
    featurizer = featurizer_class.create(
        {**featurizer_class.get_default_config(), **(CHARACTER_NGRAMS if counting is None else counting)},
        LocalModelStorage(tmp_path / "storage"),
        Resource("counts"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    featurizer.train(data)
    featurizer.process_training_data(data)
    messages = [Message(data={TEXT: text}) for text in UNSEEN]
    tokenizer.process(messages)
    featurizer.process(messages)
    return data, messages


def test_sentence_counts_are_rasas_and_each_token_keeps_only_its_place(tmp_path: Path) -> None:
    _, rasas = featurized(CountVectorsFeaturizer, tmp_path / "rasa")
    _, ours = featurized(SentenceCountVectorsFeaturizer, tmp_path / "ours")
    for rasa_message, message in zip(rasas, ours, strict=True):
        rasa_tokens, rasa_sentence = rasa_message.get_sparse_features(TEXT)
        tokens, sentence = message.get_sparse_features(TEXT)
        assert (sentence.features != rasa_sentence.features).nnz == 0
        assert rasa_tokens.features.shape[1] > 300 and rasa_tokens.features.nnz > 0
        assert tokens.features.shape == (rasa_tokens.features.shape[0], 1)
        assert tokens.features.nnz == 0


def test_intents_keep_their_per_token_features(tmp_path: Path) -> None:
    data, _ = featurized(SentenceCountVectorsFeaturizer, tmp_path, counting={})
    tokens, sentence = data.training_examples[0].get_sparse_features(INTENT)
    assert tokens is not None and tokens.features.nnz == 1
    assert sentence is None


def intent_rankings(featurizer_class: type[CountVectorsFeaturizer], tmp_path: Path) -> list[list[tuple[str, float]]]:
    data, messages = featurized(featurizer_class, tmp_path)
    config = {
        **DIETClassifier.get_default_config(),
        # As config.yml has it: no transformer layers, no entities.
        "epochs": 5,
        "number_of_transformer_layers": 0,
        "entity_recognition": False,
        "constrain_similarities": True,
        "random_seed": 2026,
    }
    (tmp_path / "diet").mkdir()
    classifier = DIETClassifier.create(
        config, LocalModelStorage(tmp_path / "diet"), Resource("diet"), ExecutionContext(GraphSchema({}), "test")
    )
    classifier.train(data)
    classifier.process(messages)
    return [[(item[INTENT_NAME_KEY], item["confidence"]) for item in m.get("intent_ranking")] for m in messages]


def test_diet_ranks_intents_the_same_without_per_token_counts(tmp_path: Path) -> None:
    rasas = intent_rankings(CountVectorsFeaturizer, tmp_path / "rasa")
    ours = intent_rankings(SentenceCountVectorsFeaturizer, tmp_path / "ours")
    assert [[name for name, _ in ranking] for ranking in ours] == [[name for name, _ in r] for r in rasas]
    np.testing.assert_allclose(
        [[confidence for _, confidence in ranking] for ranking in ours],
        [[confidence for _, confidence in ranking] for ranking in rasas],
        atol=1e-5,
    )
    assert len({ranking[0][0] for ranking in ours}) > 1, "the classifier learnt something"


def test_a_message_without_tokens_gets_no_placeholder() -> None:
    assert placeholder(None) is None
