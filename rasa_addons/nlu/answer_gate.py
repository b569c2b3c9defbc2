"""The answer-confidence gate: the last NLU step before the dialogue sees a message.

Rasa's FallbackClassifier reads only the intent's confidence. With retrieval
intents the `faq` intent can be confident while the chosen leaflet answer is a
guess (RasaHQ/rasa#9751, #9723), so an off-topic question would get a confident
leaflet answer. This component looks at the ResponseSelector's answer ranking:

- best answer below `min_suggest_confidence`         -> nlu_fallback (out of scope)
- best answer below `min_answer_confidence`, or the
  best two within `ambiguity_margin`                  -> did_you_mean, with candidates
- a personal-medical term in an FAQ question          -> ask_your_doctor (never "it is safe")
- a red-flag phrase anywhere                          -> urgent  (safety wins over everything)
- a self-harm phrase anywhere                         -> crisis
- mostly non-Latin script                             -> non_english

The phrase lists live in config.yml so that clinicians can review them there.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

CANDIDATES_KEY = "answer_candidates"
GATE_KEY = "answer_gate"
FAQ_INTENT = "faq"
# Messages that are button payloads ("/choose_faq{...}") are not NLU's to judge.
PAYLOAD_PREFIX = "/"


def _compile(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


def non_latin_share(text: str) -> float:
    """Share of letters outside the Latin script (Arabic, Cyrillic, Han, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    non_latin = [ch for ch in letters if not unicodedata.name(ch, "LATIN").startswith("LATIN")]
    return len(non_latin) / len(letters)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerGate(GraphComponent, IntentClassifier):
    """Turns unsafe or unsure NLU results into the safe intent (see module docstring)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "retrieval_intent": FAQ_INTENT,
            "min_answer_confidence": 0.6,
            "min_suggest_confidence": 0.35,
            "ambiguity_margin": 0.1,
            "max_candidates": 3,
            "candidate_min_confidence": 0.15,
            "non_latin_share": 0.5,
            "red_flag_patterns": [],
            "crisis_patterns": [],
            "ask_your_doctor_patterns": [],
            # "no blisters", "not burnt": a negation shortly before the phrase.
            "negation_pattern": (
                r"\b(?:no|not|without|never|nor|don'?t|didn'?t|haven'?t|hasn'?t|isn'?t|aren'?t)\b[^.,;!?]{0,25}$"
            ),
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.red_flags = _compile(config["red_flag_patterns"])
        self.crisis = _compile(config["crisis_patterns"])
        self.ask_doctor = _compile(config["ask_your_doctor_patterns"])
        self.negation = re.compile(config["negation_pattern"], re.IGNORECASE)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerGate:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith(PAYLOAD_PREFIX):
                continue
            decision, candidates = self.decide(message)
            if decision:
                self._set_intent(message, decision)
                message.set(GATE_KEY, decision, add_to_output=True)
            if candidates:
                message.set(CANDIDATES_KEY, candidates, add_to_output=True)
        return messages

    def _mentions(self, pattern: re.Pattern | None, text: str) -> bool:
        """True if the pattern occurs and is not negated just before ("no blisters")."""
        if pattern is None:
            return False
        return any(not self.negation.search(text[: m.start()]) for m in pattern.finditer(text))

    def decide(self, message: Message) -> tuple[str | None, list[str]]:
        """The intent this message must have instead of NLU's, and answer candidates."""
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if self._mentions(self.crisis, text):
            return "crisis", []
        if intent != "crisis" and self._mentions(self.red_flags, text):
            return "urgent", []
        if intent in ("urgent", "crisis"):
            return None, []
        if non_latin_share(text) >= self.config["non_latin_share"]:
            return "non_english", []
        if intent != self.config["retrieval_intent"]:
            return None, []
        if self._mentions(self.ask_doctor, text):
            return "ask_your_doctor", []
        return self._judge_answer(message)

    def _judge_answer(self, message: Message) -> tuple[str | None, list[str]]:
        selector = (message.get("response_selector") or {}).get(self.config["retrieval_intent"]) or {}
        ranking = selector.get("ranking") or []
        if not ranking:
            return "nlu_fallback", []
        topics = [r["intent_response_key"].split("/", 1)[-1] for r in ranking]
        confidences = [r["confidence"] for r in ranking]
        plausible = [
            t for t, c in zip(topics, confidences, strict=False) if c >= self.config["candidate_min_confidence"]
        ][: self.config["max_candidates"]]
        best, runner_up = confidences[0], (confidences[1] if len(confidences) > 1 else 0.0)
        if best < self.config["min_suggest_confidence"]:
            return "nlu_fallback", []
        if best < self.config["min_answer_confidence"] or best - runner_up < self.config["ambiguity_margin"]:
            return "did_you_mean", plausible
        return None, []

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        """Puts `name` on top, keeping NLU's own ranking beneath for the record."""
        previous = message.get(INTENT) or {}
        new_intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, new_intent, add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT_RANKING_KEY, [new_intent, *ranking], add_to_output=True)
        message.set("nlu_intent", previous, add_to_output=True)
