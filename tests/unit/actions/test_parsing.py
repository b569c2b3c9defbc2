"""The patient's words -> hours, pain severity, warning signs, treatment counts."""

from datetime import datetime

import pytest

from actions import parsing

NOW = datetime(2026, 11, 24, 15, 0)  # a Tuesday afternoon


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("yesterday", 24, 24),
        ("yday", 24, 24),
        ("i had it yesterday afternoon", 24, 24),
        ("20 hours ago", 20, 20),
        ("twenty hours ago", 20, 20),
        ("3 days ago", 60, 84),
        ("2 days ago", 36, 60),
        ("a couple of days ago", 36, 60),
        ("the day before yesterday", 36, 60),
        ("a week ago", 156, 180),
        ("about 48 hours ago", 43.2, 52.8),
        ("this morning", 0, 15),
        ("last night", 6, 24),
        ("monday", 12, 36),
        ("on tuesday", 0, 15),
    ],
)
def test_hours_since_reads_times(text, low, high):
    found = parsing.hours_since(text, NOW)
    assert found is not None
    assert found.low == pytest.approx(low)
    assert found.high == pytest.approx(high)


@pytest.mark.parametrize("text", ["no", "not sure", "it's really sore", "7", ""])
def test_hours_since_is_none_when_no_time_is_given(text):
    assert parsing.hours_since(text, NOW) is None


def test_an_answer_straddling_48_hours_reaches_beyond_it():
    assert parsing.hours_since("2 days ago", NOW).high > 48
    assert parsing.hours_since("about 48 hours ago", NOW).high > 48
    assert parsing.hours_since("48 hours ago", NOW).high == 48


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("7", True, "severe"),
        ("7", False, None),
        ("6", True, "moderate"),
        ("3", True, "mild"),
        ("8/10", False, "severe"),
        ("its a 6 out of 10", False, "moderate"),
        ("about a five", True, "moderate"),
        ("mild", False, "mild"),
        ("not too bad", False, "mild"),
        ("a bit sore", True, "mild"),
        ("severe", False, "severe"),
        ("excruciating", False, "severe"),
        ("really sore", True, "severe"),
        ("really sore", False, None),
        ("quite sore", True, "moderate"),
        ("pain 2 days after", False, None),
        ("the pain has been there for two days", True, None),
    ],
)
def test_pain_severity(text, asked, expected):
    assert parsing.pain_severity(text, severe_score=7, moderate_score=4, asked=asked) == expected


def test_severe_cut_off_comes_from_the_caller():
    assert parsing.pain_severity("6/10", severe_score=6, moderate_score=4) == "severe"
    assert parsing.pain_severity("6/10", severe_score=7, moderate_score=4) == "moderate"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("yeah a bit red and spreading", True),
        ("the skin is raw", True),
        ("no, but there is a blister", True),
        ("no", False),
        ("nope", False),
        ("not really", False),
        ("no blisters or fever", False),
        ("i have no blisters", False),
        ("i dont have a fever", False),
        ("maybe", None),
    ],
)
def test_warning_signs(text, expected):
    assert parsing.warning_signs(text) is expected


def test_unasked_only_named_signs_count():
    assert parsing.warning_sign_mention("yes") is None
    assert parsing.warning_sign_mention("no fever, just sore") is False
    assert parsing.warning_sign_mention("there's a blister") is True


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("ive had 3 treatments and no change", [], 3),
        ("this was my fifth session", [], 5),
        ("3rd one today and nothing", [], 3),
        ("had four and still sore", [], 4),
        ("third treatment over 2 weeks", [], 3),
        ("had a couple of sessions", [], 2),
        ("no change after 5", [], 5),
        ("finished the course and no better", [], 6),
        ("all of them done, nothing", [], 6),
        ("been going a while, nothing", [], None),
        ("had my second one", ["second"], 2),
    ],
)
def test_treatment_count(text, entities, expected):
    assert parsing.treatment_count(text, entities, course_treatments=6) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("finished the course and only a bit better", True),
        ("its only partly helped", True),
        ("some improvement but not right", True),
        ("no change at all", False),
        ("nothing yet", False),
    ],
)
def test_partial_improvement(text, expected):
    assert parsing.partial_improvement(text) is expected
