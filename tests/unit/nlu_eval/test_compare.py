"""What a change moved, on a small set and hand-written paths (nlu_eval/compare.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu_eval.compare import Messages, changes, messages_of, right_counts

SET = """messages:
  - text: "my skin has blistered under the pad"
    accept: [urgent]
    group: emergency
  - text: "does it hurt"
    accept: [faq/does_it_hurt]
    group: faq
  - text: "burnt the toast again"
    accept: [out_of_scope]
    group: false_alarm
  - text: "who invented it"
    accept: [faq/history, leaflet_gap]
    group: faq
"""


@pytest.fixture
def sets(tmp_path: Path) -> Messages:
    path = tmp_path / "set.yml"
    path.write_text(SET)
    return messages_of({"small": path})


def test_each_moved_message_is_marked_by_whether_it_is_right_now(sets: Messages) -> None:
    before = {
        "small": {
            "my skin has blistered under the pad": "faq/pain_after",
            "does it hurt": "faq/does_it_hurt",
            "burnt the toast again": "faq/what_is",
            "who invented it": "faq/history",
        }
    }
    after = {
        "small": {
            "my skin has blistered under the pad": "urgent",
            "does it hurt": "faq/does_it_hurt",
            "burnt the toast again": "urgent",
            "who invented it": "did_you_mean",
        }
    }
    moved = {change.example.text: (change.before, change.after, change.mark) for change in changes(before, after, sets)}
    assert moved == {
        "my skin has blistered under the pad": ("faq/pain_after", "urgent", "+"),
        "burnt the toast again": ("faq/what_is", "urgent", "="),
        "who invented it": ("faq/history", "did_you_mean", "-"),
    }


def test_right_counts_read_each_set_as_scoring_does(sets: Messages) -> None:
    # "the leaflet doesn't cover that" (leaflet_gap) is a right answer where out of scope is expected.
    paths = {
        "small": {
            "my skin has blistered under the pad": "urgent",
            "does it hurt": "faq/how_it_works",
            "burnt the toast again": "leaflet_gap",
            "who invented it": "contact_clinic",
        }
    }
    assert right_counts(paths, sets) == {"small": 3}


def test_a_message_only_one_side_has_is_not_a_change(sets: Messages) -> None:
    before = {"small": {"does it hurt": "faq/does_it_hurt"}}
    after = {"small": {"does it hurt": "faq/does_it_hurt", "who invented it": "faq/history"}}
    assert changes(before, after, sets) == []
    assert changes({}, after, sets) == []


def test_a_message_written_twice_in_a_set_counts_once(tmp_path: Path) -> None:
    path = tmp_path / "twice.yml"
    path.write_text(SET + SET.split("\n", 1)[1])
    twice = messages_of({"twice": path})
    assert right_counts({"twice": {"does it hurt": "faq/does_it_hurt"}}, twice) == {"twice": 1}
