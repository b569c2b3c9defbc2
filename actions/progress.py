"""Progress through the course: "I've had 3 treatments and no change".

`choose_progress_advice` applies the leaflet's "When will I see a difference?"
and "What if it doesn't work?" rules, with the numbers from content/advice.yml.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing
from clinic.content import ProgressRules, load_advice_rules


def choose_progress_advice(treatments: int | None, partly_better: bool, rules: ProgressRules) -> str:
    """The response for a patient who has had `treatments` and sees little change."""
    if partly_better:
        return "utter_progress_partial"
    if treatments is None:
        return "utter_progress_unknown"
    if treatments < rules.improvement_after:
        return "utter_progress_early"
    if treatments < rules.course_treatments:
        return "utter_progress_midway"
    return "utter_progress_course_done"


class ActionProgressCheck(Action):
    """Answers a progress report from the number of treatments the patient names."""

    def name(self) -> str:
        return "action_progress_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rules = load_advice_rules().progress
        text = tracker.latest_message.get("text") or ""
        numbers = [
            e.get("value", "")
            for e in tracker.latest_message.get("entities", [])
            if e.get("entity") in ("CARDINAL", "ORDINAL")
        ]
        treatments = parsing.treatment_count(text, numbers, rules.course_treatments)
        response = choose_progress_advice(treatments, parsing.partial_improvement(text), rules)
        dispatcher.utter_message(
            response=response,
            treatments=treatments if treatments is not None else "",
            improvement_after=rules.improvement_after,
            course_treatments=rules.course_treatments,
        )
        return []
