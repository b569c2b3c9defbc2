"""FAQ answers the patient picks from "Did you mean...?" buttons.

The answer-confidence gate (components/answer_gate.py) marks a question whose
best two leaflet answers are close as `did_you_mean` and keeps the candidates
in the parse data. `ActionDidYouMean` offers them as buttons, plus "something
else"; a button sends `/choose_faq{"faq_topic": ...}` and
`ActionAnswerChosenFaq` sends that topic's `utter_faq/<topic>` answer.
"""

from __future__ import annotations

import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

CANDIDATES_KEY = "answer_candidates"


def topic_question(domain: DomainDict, topic: str) -> str:
    """The short question staff wrote for a topic (response metadata), for a button."""
    variations = domain.get("responses", {}).get(f"utter_faq/{topic}") or [{}]
    return (variations[0].get("metadata") or {}).get("question") or topic.replace("_", " ").capitalize()


def did_you_mean_buttons(domain: DomainDict, topics: list[str]) -> list[dict[str, str]]:
    buttons = [
        {"title": topic_question(domain, topic), "payload": "/choose_faq" + json.dumps({"faq_topic": topic})}
        for topic in topics
        if f"utter_faq/{topic}" in domain.get("responses", {})
    ]
    return buttons + [{"title": "Something else", "payload": "/out_of_scope"}]


class ActionDidYouMean(Action):
    """Asks which of the close leaflet answers the patient meant."""

    def name(self) -> str:
        return "action_did_you_mean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        topics = tracker.latest_message.get(CANDIDATES_KEY) or []
        if not topics:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        dispatcher.utter_message(response="utter_did_you_mean", buttons=did_you_mean_buttons(domain, topics))
        return []


class ActionAnswerChosenFaq(Action):
    """Sends the leaflet answer for the topic the patient chose."""

    def name(self) -> str:
        return "action_answer_chosen_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        topic = next(tracker.get_latest_entity_values("faq_topic"), None)
        response = f"utter_faq/{topic}"
        if topic is None or response not in domain.get("responses", {}):
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response=response)
        return []
