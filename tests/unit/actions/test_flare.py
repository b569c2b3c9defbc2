"""flare_form extraction and action_flare_advice: every advice branch."""

import pytest
from rasa_sdk.events import SlotSet

from actions.flare import (
    HOURS_SLOT,
    SEVERITY_SLOT,
    WARNING_SLOT,
    ActionFlareAdvice,
    ValidateFlareForm,
    choose_flare_advice,
)
from clinic.content import FlareRules, load_advice_rules
from tests.unit.actions.conftest import make_tracker, run

RULES = FlareRules(expected_hours=48, severe_score=7, moderate_score=4)


@pytest.mark.parametrize(
    ("hours", "severity", "warning", "expected"),
    [
        (24, "mild", True, "utter_urgent"),
        (72, "severe", True, "utter_urgent"),
        (24, "mild", False, "utter_flare_reassure"),
        (48, "moderate", False, "utter_flare_reassure"),
        (60, "mild", False, "utter_flare_contact_clinic"),
        (10, "severe", False, "utter_flare_contact_clinic"),
        (None, "mild", False, "utter_flare_contact_clinic"),
    ],
)
def test_choose_flare_advice(hours, severity, warning, expected):
    assert choose_flare_advice(hours, severity, warning, RULES) == expected


def test_the_48_hour_limit_comes_from_configuration():
    assert choose_flare_advice(30, "mild", False, FlareRules(24, 7, 4)) == "utter_flare_contact_clinic"
    assert load_advice_rules().flare.expected_hours == 48


def _advice(domain, **slots):
    tracker = make_tracker("no", "deny", slots=slots)
    return run(ActionFlareAdvice(), tracker, domain)


def test_advice_reassures_within_48_hours_and_clears_the_form(domain):
    events, messages = _advice(domain, flare_hours=24.0, flare_severity="moderate", flare_warning_signs=False)
    assert [m["response"] for m in messages] == ["utter_flare_reassure"]
    assert messages[0]["expected_hours"] == "48"
    assert {e["name"]: e["value"] for e in events} == {HOURS_SLOT: None, SEVERITY_SLOT: None, WARNING_SLOT: None}


def test_advice_sends_severe_pain_to_the_clinic(domain):
    _, messages = _advice(domain, flare_hours=5.0, flare_severity="severe", flare_warning_signs=False)
    assert messages[0]["response"] == "utter_flare_contact_clinic"


def test_advice_sends_pain_beyond_48_hours_to_the_clinic(domain):
    _, messages = _advice(domain, flare_hours=60.0, flare_severity="mild", flare_warning_signs=False)
    assert messages[0]["response"] == "utter_flare_contact_clinic"


def test_advice_escalates_warning_signs(domain):
    _, messages = _advice(domain, flare_hours=5.0, flare_severity="mild", flare_warning_signs=True)
    assert messages[0]["response"] == "utter_urgent"


def _validate(domain, text, intent="inform", **kwargs):
    events, messages = run(ValidateFlareForm(), make_tracker(text, intent, active_loop="flare_form", **kwargs), domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, messages


def test_the_report_itself_fills_what_it_says(domain):
    slots, messages = _validate(
        domain,
        "had my treatment yesterday and the pain is 8 out of 10",
        "flare_report",
        entities=[{"entity": "DATE", "value": "yesterday"}],
    )
    assert slots[HOURS_SLOT] == 24
    assert slots[SEVERITY_SLOT] == "severe"
    assert WARNING_SLOT not in slots
    assert messages == []


def test_a_report_without_details_fills_nothing(domain):
    slots, messages = _validate(domain, "my elbow is sore since the session", "flare_report")
    assert slots == {}
    assert messages == []


@pytest.mark.parametrize(("intent", "expected"), [("affirm", True), ("deny", False)])
def test_yes_no_buttons_answer_the_warning_question(domain, intent, expected):
    slots, _ = _validate(domain, "/" + intent, intent, requested_slot=WARNING_SLOT)
    assert slots[WARNING_SLOT] is expected


def test_warning_signs_end_the_form_at_once(domain):
    slots, _ = _validate(domain, "yes", "affirm", requested_slot=WARNING_SLOT)
    assert slots[WARNING_SLOT] is True
    assert slots["requested_slot"] is None


def test_a_bare_number_is_a_pain_score_only_when_asked(domain):
    asked, _ = _validate(domain, "7", slots={WARNING_SLOT: False, HOURS_SLOT: 24.0}, requested_slot=SEVERITY_SLOT)
    assert asked[SEVERITY_SLOT] == "severe"
    unasked, _ = _validate(domain, "7", slots={WARNING_SLOT: False}, requested_slot=HOURS_SLOT)
    assert SEVERITY_SLOT not in unasked


def test_the_severity_button_fills_severity(domain):
    slots, _ = _validate(
        domain,
        '/inform{"pain_level": "mild"}',
        entities=[{"entity": "pain_level", "value": "mild"}],
        slots={WARNING_SLOT: False, HOURS_SLOT: 24.0},
        requested_slot=SEVERITY_SLOT,
    )
    assert slots[SEVERITY_SLOT] == "mild"


def test_an_unreadable_answer_is_explained_and_asked_again(domain):
    slots, messages = _validate(domain, "dunno really", slots={WARNING_SLOT: False}, requested_slot=HOURS_SLOT)
    assert slots[HOURS_SLOT] is None
    assert [m["response"] for m in messages] == ["utter_flare_hours_not_understood"]


@pytest.mark.parametrize("intent", ["faq", "urgent", "crisis", "stop", "ask_your_doctor"])
def test_questions_red_flags_and_stop_are_left_to_their_rules(domain, intent):
    # Nothing extracted means the form rejects, so the rule for `intent` runs.
    slots, messages = _validate(
        domain, "how long does a flare last, mine started 2 days ago", intent, requested_slot=HOURS_SLOT
    )
    assert slots == {}
    assert messages == []


def test_events_are_slot_sets(domain):
    events, _ = run(ValidateFlareForm(), make_tracker("yesterday", requested_slot=HOURS_SLOT), domain)
    assert SlotSet(HOURS_SLOT, 24) in events
