"""Pain flare-up after treatment: the flare_form's slot extraction and the advice.

The form asks only what the patient has not said yet: how long ago the last
treatment was, how bad the pain is, and whether there are warning signs.
`choose_flare_advice` applies the leaflet's rules (thresholds from
content/advice.yml, read through clinic/content.py); `ActionFlareAdvice` says it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing
from clinic.content import FlareRules, load_advice_rules

HOURS_SLOT = "flare_hours"
SEVERITY_SLOT = "flare_severity"
WARNING_SLOT = "flare_warning_signs"
FLARE_SLOTS = (HOURS_SLOT, SEVERITY_SLOT, WARNING_SLOT)

# A form answer is only read from messages NLU took as an answer or a report.
# A question ("how long does a flare last?"), a red flag or "stop" mid-form is
# left to its own rule: the form rejects, the rule answers, the form resumes.
FORM_ANSWER_INTENTS = {"inform", "affirm", "deny", "flare_report", "out_of_scope", "nlu_fallback"}


def choose_flare_advice(
    hours_ago: float | None, severity: str | None, warning_signs: bool | None, rules: FlareRules
) -> str:
    """The response that answers this flare, by the leaflet's rules."""
    if warning_signs:
        return "utter_urgent"
    if severity == "severe" or hours_ago is None or hours_ago > rules.expected_hours:
        return "utter_flare_contact_clinic"
    return "utter_flare_reassure"


def _is_form_answer(tracker: Tracker) -> bool:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return intent in FORM_ANSWER_INTENTS


def _entity_texts(tracker: Tracker, *labels: str) -> list[str]:
    return [e.get("value", "") for e in tracker.latest_message.get("entities", []) if e.get("entity") in labels]


class ValidateFlareForm(FormValidationAction):
    """Fills the flare slots from whatever the patient says, whenever they say it.

    Warning signs come first: once the patient says yes, nothing else matters
    and the form ends so that the urgent advice is given at once.
    """

    def name(self) -> str:
        return "validate_flare_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot(WARNING_SLOT):
            return [WARNING_SLOT]
        return domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Each extract_ method below already parsed and checked its value.
        return [SlotSet(slot, value) for slot, value in tracker.slots_to_validate().items()]

    async def extract_flare_hours(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not _is_form_answer(tracker):
            return {}
        text = tracker.latest_message.get("text") or ""
        # spaCy's DATE/TIME finds first ("3 days ago"), then the whole message.
        found = next((h for h in map(parsing.hours_since, [*_entity_texts(tracker, "DATE", "TIME"), text]) if h), None)
        return _answer(HOURS_SLOT, found.high if found else None, dispatcher, tracker)

    async def extract_flare_severity(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not _is_form_answer(tracker):
            return {}
        rules = load_advice_rules().flare
        button = next(iter(_entity_texts(tracker, "pain_level")), None)
        severity = parsing.pain_severity(
            button or tracker.latest_message.get("text") or "",
            rules.severe_score,
            rules.moderate_score,
            asked=tracker.get_slot("requested_slot") == SEVERITY_SLOT,
        )
        return _answer(SEVERITY_SLOT, severity, dispatcher, tracker)

    async def extract_flare_warning_signs(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not _is_form_answer(tracker):
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("requested_slot") == WARNING_SLOT:
            answer = intent == "affirm" if intent in ("affirm", "deny") else parsing.warning_signs(text)
        else:
            # Unasked, only a named sign counts ("no blisters"), not a bare "yes".
            answer = parsing.warning_sign_mention(text)
        return _answer(WARNING_SLOT, answer, dispatcher, tracker)


def _answer(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The slot's new value; if the patient's answer to this very question
    could not be read, say how to answer and ask again."""
    if value is not None:
        return {slot: value}
    if tracker.get_slot("requested_slot") == slot:
        dispatcher.utter_message(response=f"utter_{slot}_not_understood")
        return {slot: None}
    return {}


class ActionFlareAdvice(Action):
    """Gives the advice for the completed flare_form and clears it for next time."""

    def name(self) -> str:
        return "action_flare_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        rules = load_advice_rules().flare
        response = choose_flare_advice(
            tracker.get_slot(HOURS_SLOT),
            tracker.get_slot(SEVERITY_SLOT),
            tracker.get_slot(WARNING_SLOT),
            rules,
        )
        dispatcher.utter_message(response=response, expected_hours=f"{rules.expected_hours:g}")
        return [SlotSet(slot, None) for slot in FLARE_SLOTS]
