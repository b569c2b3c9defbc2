"""Dense sentence features from all-MiniLM-L6-v2 (rasa_addons/nlu/minilm.py), as a Rasa featurizer.

Named in config.yml. Each message gets one 384-number sentence feature (no
per-token features: the classifiers here read sentence features, and
MiniLM's word pieces do not line up with spaCy's tokens). The nearest-examples
scorer (nearest_examples.py) reads them under this featurizer's `alias`.
Training examples are encoded one by one, exactly as messages are (see
minilm.py): about 10 s for the training data.

A patient's message is often a story with the question at the end. Mean
pooling over a whole story blurs the question into the story, so a message
of several sentences also gets each sentence's embedding (not stored, for
the components after this one: nearest_examples.py compares each).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.nlu import minilm

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_SENTENCE_WORDS = 3
SENTENCES_KEY = "sentence_embeddings"


def sentences(text: str) -> list[str]:
    """The sentences of a message worth embedding on their own (three words or more)."""
    parts = [part.strip() for part in SENTENCE_END.split(text)]
    return [part for part in parts if len(part.split()) >= MIN_SENTENCE_WORDS]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds MiniLM's sentence embedding of the text to each message."""

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.model = minilm.load_once()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def _add_embedding(self, message: Message) -> str | None:
        """The whole text's embedding as the message's sentence feature; the text, if there is one."""
        text = message.get(TEXT)
        if text:
            self.add_features_to_message(None, self.model.encode(text)[None, :], TEXT, message)
        return text

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            parts = sentences(self._add_embedding(message) or "")
            if len(parts) > 1:
                message.set(SENTENCES_KEY, np.stack([self.model.encode(part) for part in parts]))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples are compared as wholes: their sentences are not separately labelled.
        for message in training_data.training_examples:
            self._add_embedding(message)
        return training_data
