"""The base of the graph components here that are built from their config.yml settings alone (nothing trained)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier


class ConfigOnlyClassifier(GraphComponent, IntentClassifier):
    """An intent-deciding step after the classifiers, made from its settings: nothing to train or store."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConfigOnlyClassifier:
        return cls(config)
