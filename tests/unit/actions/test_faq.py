"""action_did_you_mean and action_answer_chosen_faq."""

import json

from actions.faq import ActionAnswerChosenFaq, ActionDidYouMean
from tests.unit.actions.conftest import make_tracker, run


def test_did_you_mean_offers_the_candidates_and_something_else(domain):
    tracker = make_tracker("the pads thing", "did_you_mean", extra={"answer_candidates": ["how_it_works", "what_is"]})
    events, messages = run(ActionDidYouMean(), tracker, domain)
    assert events == []
    [message] = messages
    assert message["response"] == "utter_did_you_mean"
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["How does it work?", "What is iontophoresis?", "Something else"]
    first = message["buttons"][0]["payload"]
    assert first.startswith("/choose_faq")
    assert json.loads(first[len("/choose_faq") :]) == {"faq_topic": "how_it_works"}
    assert message["buttons"][-1]["payload"] == "/out_of_scope"


def test_did_you_mean_without_candidates_is_out_of_scope(domain):
    _, messages = run(ActionDidYouMean(), make_tracker("hmm", "did_you_mean"), domain)
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]


def test_did_you_mean_skips_unknown_topics(domain):
    tracker = make_tracker("x", "did_you_mean", extra={"answer_candidates": ["no_such_topic", "safety"]})
    _, [message] = run(ActionDidYouMean(), tracker, domain)
    assert [b["title"] for b in message["buttons"]] == ["Is it safe?", "Something else"]


def test_chosen_topic_gets_its_leaflet_answer(domain):
    tracker = make_tracker(
        '/choose_faq{"faq_topic": "does_it_hurt"}',
        "choose_faq",
        entities=[{"entity": "faq_topic", "value": "does_it_hurt"}],
    )
    _, messages = run(ActionAnswerChosenFaq(), tracker, domain)
    assert [m["response"] for m in messages] == ["utter_faq/does_it_hurt"]


def test_unknown_chosen_topic_is_out_of_scope(domain):
    tracker = make_tracker("/choose_faq", "choose_faq", entities=[{"entity": "faq_topic", "value": "../etc"}])
    _, messages = run(ActionAnswerChosenFaq(), tracker, domain)
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]
