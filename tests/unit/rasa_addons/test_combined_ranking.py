"""The classifiers' ranking mixed with the nearest-examples ranking (rasa_addons/nlu/combined_ranking.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.combined_ranking import CLASSIFIER_KEY, CombinedRanking, classifier_paths, neighbour_paths
from rasa_addons.nlu.nearest_examples import SIMILARITIES_KEY


def parsed(intents: dict[str, float], answers: dict[str, float], similarities: dict[str, float]) -> Message:
    top = max(intents, key=intents.get)
    ranking = [{"name": n, "confidence": c} for n, c in sorted(intents.items(), key=lambda i: -i[1])]
    answer_ranking = [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in answers.items()]
    selector = {"faq": {"response": {"intent_response_key": answer_ranking[0]["intent_response_key"],
                                     "utter_action": f"utter_{answer_ranking[0]['intent_response_key']}"},
                        "ranking": answer_ranking}}  # fmt: skip
    return Message(
        data={
            "text": "x",
            "intent": {"name": top, "confidence": intents[top]},
            "intent_ranking": ranking,
            "response_selector": selector,
            SIMILARITIES_KEY: similarities,
        }
    )


def test_a_leaflet_answers_probability_is_the_intents_times_the_answers() -> None:
    message = parsed({"faq": 0.8, "urgent": 0.2}, {"history": 0.75, "what_is": 0.25}, {})
    assert classifier_paths(message, "faq") == pytest.approx({"faq/history": 0.6, "faq/what_is": 0.2, "urgent": 0.2})


def test_the_nearer_path_wins_when_the_classifiers_are_unsure() -> None:
    message = parsed(
        {"faq": 0.55, "leaflet_gap": 0.45},
        {"course_length": 0.9, "when_results": 0.1},
        {"faq/course_length": 0.45, "faq/when_results": 0.3, "leaflet_gap": 0.85},
    )
    CombinedRanking({**CombinedRanking.get_default_config(), "classifier_weight": 0.5, "temperature": 0.05}).process(
        [message]
    )
    assert message.get("intent")["name"] == "leaflet_gap"
    assert message.get(CLASSIFIER_KEY)["name"] == "faq"  # the classifiers' own opinion is kept


def test_the_chosen_leaflet_answer_follows_the_mixture() -> None:
    message = parsed(
        {"faq": 0.9, "greet": 0.1}, {"what_is": 0.6, "history": 0.4}, {"faq/history": 0.9, "faq/what_is": 0.5}
    )
    CombinedRanking({**CombinedRanking.get_default_config(), "classifier_weight": 0.5}).process([message])
    response = message.get("response_selector")["faq"]["response"]
    assert message.get("intent")["name"] == "faq"
    assert response["intent_response_key"] == "faq/history"
    assert response["utter_action"] == "utter_faq/history"  # what Rasa's retrieval action sends


def test_the_neighbours_opinion_is_a_softmax_over_similarities() -> None:
    opinion = neighbour_paths({"a": 0.9, "b": 0.8}, temperature=0.1)
    assert sum(opinion.values()) == pytest.approx(1.0)
    assert opinion["a"] / opinion["b"] == pytest.approx(2.718, abs=0.01)
