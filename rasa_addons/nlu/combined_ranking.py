"""One ranking of answer paths from two opinions: the classifiers' and the nearest training examples'.

Named in config.yml after DIET, the ResponseSelector and NearestExamples,
before the fallback and the answer gate. DIET and the ResponseSelector judge
a message by its words (sparse features: words and character n-grams);
nearest_examples.py by how close its meaning is to each path's own examples.
Each is wrong in its own way: the classifiers on wordings they never saw,
the neighbours on short or ambiguous text. Their mixture,

    p(path) = w * p_classifiers(path) + (1 - w) * softmax(similarity(path) / temperature)

(`classifier_weight` w and `temperature` in config.yml, chosen on the tuning
sets by `python -m nlu_eval.floors`), replaces the intent, the intent
ranking and the leaflet-answer ranking, so that everything after it (the
fallback, the gate's thresholds, the rules) reads one opinion. For a leaflet
question, p_classifiers(faq/<topic>) is DIET's p(faq) times the
ResponseSelector's p(topic). The classifiers' own results stay in the parse
data (`classifier_intent`) for the record and for `make report`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.config_only import ConfigOnlyClassifier
from rasa_addons.nlu.nearest_examples import SIMILARITIES_KEY

CLASSIFIER_KEY = "classifier_intent"
FALLBACK_INTENT = "nlu_fallback"


def classifier_paths(message: Message, retrieval_intent: str) -> dict[str, float]:
    """p(path) from DIET's intent ranking and the ResponseSelector's answer ranking."""
    paths: dict[str, float] = {}
    selector = (message.get("response_selector") or {}).get(retrieval_intent) or {}
    for entry in message.get(INTENT_RANKING_KEY) or []:
        name, confidence = entry.get(INTENT_NAME_KEY), entry.get(PREDICTED_CONFIDENCE_KEY, 0.0)
        if name == retrieval_intent:
            for answer in selector.get("ranking") or []:
                paths[answer["intent_response_key"]] = confidence * answer["confidence"]
        elif name and name != FALLBACK_INTENT:
            paths[name] = confidence
    return paths


def neighbour_paths(similarities: dict[str, float], temperature: float) -> dict[str, float]:
    """A softmax over each path's nearest-example similarity."""
    names = list(similarities)
    scores = np.array([similarities[n] for n in names]) / temperature
    weights = np.exp(scores - scores.max())
    return dict(zip(names, (weights / weights.sum()).tolist(), strict=True))


def combine(classifier: dict[str, float], neighbours: dict[str, float], weight: float) -> dict[str, float]:
    return {
        path: weight * classifier.get(path, 0.0) + (1 - weight) * neighbours.get(path, 0.0)
        for path in classifier.keys() | neighbours.keys()
    }


def set_answer_ranking(message: Message, retrieval_intent: str, ranking: list[dict[str, Any]]) -> None:
    """Makes `ranking` the leaflet-answer ranking, its first entry the answer Rasa's retrieval action gives."""
    selectors = message.get("response_selector") or {}
    selector = selectors.setdefault(retrieval_intent, {})
    top = ranking[0]
    # Rasa's retrieval action reads the chosen answer from `response`; its texts live in the domain.
    selector["response"] = {
        **selector.get("response", {}),
        "intent_response_key": top["intent_response_key"],
        "utter_action": f"utter_{top['intent_response_key']}",
        "confidence": top["confidence"],
        "responses": [],
    }
    selector["ranking"] = ranking
    message.set("response_selector", selectors, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CombinedRanking(ConfigOnlyClassifier):
    """Replaces the classifiers' ranking with its mixture with the nearest-examples ranking."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"retrieval_intent": "faq", "classifier_weight": 0.5, "temperature": 0.05, "ranking_length": 10}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            similarities = message.get(SIMILARITIES_KEY)
            classifier = classifier_paths(message, self.config["retrieval_intent"])
            if not similarities or not classifier:
                continue  # a button payload, or nothing to combine
            combined = combine(
                classifier, neighbour_paths(similarities, self.config["temperature"]), self.config["classifier_weight"]
            )
            self._apply(message, combined)
        return messages

    def _apply(self, message: Message, combined: dict[str, float]) -> None:
        retrieval = self.config["retrieval_intent"]
        by_intent: dict[str, float] = {}
        for path, p in combined.items():
            intent = retrieval if path.startswith(f"{retrieval}/") else path
            by_intent[intent] = by_intent.get(intent, 0.0) + p
        ranking = sorted(by_intent.items(), key=lambda item: -item[1])[: self.config["ranking_length"]]
        message.set(CLASSIFIER_KEY, message.get(INTENT), add_to_output=True)
        message.set(
            INTENT, {INTENT_NAME_KEY: ranking[0][0], PREDICTED_CONFIDENCE_KEY: ranking[0][1]}, add_to_output=True
        )
        message.set(
            INTENT_RANKING_KEY,
            [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in ranking],
            add_to_output=True,
        )
        answers = sorted(((p, c) for p, c in combined.items() if p.startswith(f"{retrieval}/")), key=lambda i: -i[1])
        total = sum(c for _, c in answers)
        selectors = message.get("response_selector") or {}
        selector = selectors.get(retrieval)
        if not answers or not total or not selector:
            return
        set_answer_ranking(
            message, retrieval, [{"intent_response_key": p, "confidence": c / total} for p, c in answers]
        )
