"""action_progress_check: every advice branch, from the number of treatments."""

import pytest

from actions.progress import ActionProgressCheck, choose_progress_advice
from clinic.content import ProgressRules
from tests.unit.actions.conftest import make_tracker, run

RULES = ProgressRules(improvement_after=4, course_treatments=6)


@pytest.mark.parametrize(
    ("treatments", "partly", "expected"),
    [
        (1, False, "utter_progress_early"),
        (3, False, "utter_progress_early"),
        (4, False, "utter_progress_midway"),
        (5, False, "utter_progress_midway"),
        (6, False, "utter_progress_course_done"),
        (9, False, "utter_progress_course_done"),
        (6, True, "utter_progress_partial"),
        (None, False, "utter_progress_unknown"),
    ],
)
def test_choose_progress_advice(treatments, partly, expected):
    assert choose_progress_advice(treatments, partly, RULES) == expected


def test_thresholds_come_from_configuration():
    assert choose_progress_advice(4, False, ProgressRules(improvement_after=5, course_treatments=8)) == (
        "utter_progress_early"
    )


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("ive had 3 treatments and no change", [{"entity": "CARDINAL", "value": "3"}], "utter_progress_early"),
        (
            "this was my fifth session, still no better",
            [{"entity": "ORDINAL", "value": "fifth"}],
            "utter_progress_midway",
        ),
        ("had my third and nothing", [], "utter_progress_early"),
        ("finished the whole course, no change", [], "utter_progress_course_done"),
        ("done all 6 and only a bit better", [{"entity": "CARDINAL", "value": "6"}], "utter_progress_partial"),
        ("it's not working", [], "utter_progress_unknown"),
    ],
)
def test_action_progress_check(domain, text, entities, expected):
    events, messages = run(ActionProgressCheck(), make_tracker(text, "progress_report", entities=entities), domain)
    assert events == []
    assert [m["response"] for m in messages] == [expected]
    assert messages[0]["improvement_after"] == 4
