"""The held-out gate: run by `make holdout` after training, on every set nobody tuned on.

Nothing is tuned on these sets (tests/sets/README.md); they only decide
whether a model is good enough to ship. Each gate sits under what the
shipped model measures (`make quality`; issue 12's targets where they are
met: HWU64 under 1% leaflet answers and 0.3% urgent ones), by about the
spread between two trainings that differ by one training example (measured:
narratives' bluffs 3.0% and 5.1%, false alarms 3.7% and 6.8%; the near
misses' bluffs 4.2% and 5.2%): a change that makes the assistant bluff,
raise false alarms or miss an emergency fails here.
"""

from __future__ import annotations

import json

import pytest

from clinic.settings import PROJECT_ROOT
from nlu_eval.quality import evaluate
from nlu_eval.scoring import Score
from nlu_eval.sets import HELD_OUT

MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
# set -> (lowest accuracy, highest bluff rate, highest false-alarm rate, lowest urgent recall)
GATES = {
    "holdout": (0.94, 0.02, 0.01, 1.0),  # measured 95.8%, 0%, 0%, 29/29
    "hwu64 validation": (0.98, 0.01, 0.003, None),  # 98.4%, 0.20%, 0.14%
    "near miss": (0.88, 0.07, 0.02, None),  # 92.5%, 4.2%, 0%
    "emergencies": (0.86, 0.02, 0.24, 0.99),  # 89.6%, 0.5%, 17%, 122/122
    "narratives": (0.72, 0.07, 0.08, 1.0),  # 78.3%, 3.0%, 4.3%, 17/17
    "forget me": (0.75, 0.03, 0.03, 1.0),  # 81.2%, 1.0%, 0.9%, all urgent look-alikes
}


@pytest.fixture(scope="module")
def results() -> dict[str, Score]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    outcome = evaluate(MODEL, HELD_OUT)
    print(json.dumps({name: score.summary() for name, score in outcome.items()}, indent=2))
    return outcome


@pytest.mark.parametrize("name", HELD_OUT)
def test_accuracy_bluffs_and_false_alarms_stay_within_their_gates(results, name):
    lowest_accuracy, highest_bluff, highest_false_alarm, _ = GATES[name]
    result = results[name]
    assert result.accuracy >= lowest_accuracy, result.summary()
    assert result.bluff_rate <= highest_bluff, result.bluffs
    assert result.false_alarm_rate <= highest_false_alarm, result.false_alarms


@pytest.mark.parametrize("name", [name for name in HELD_OUT if GATES[name][3] is not None])
def test_urgent_messages_get_the_urgent_answer(results, name):
    assert results[name].urgent_recall >= GATES[name][3], results[name].urgent_misses


def test_requests_to_delete_the_conversation_are_recognised_and_look_alikes_are_not(results):
    """Missed, a patient gets "I can only help with..." (the widget's button still works); taken wrongly, a
    look-alike ("delete my appointment") gets the question, never a deletion: both are kept rare."""
    result = results["forget me"]
    recognised, requests = result.per_group["forget_me"]
    offered = [(text, predicted) for text, accept, predicted in result.errors if predicted == "forget_me"]
    assert recognised / requests >= 0.93, [e for e in result.errors if e[1] == "forget_me"]  # measured 54/55
    assert len(offered) / result.per_group["look_alike"][1] <= 0.16, offered  # measured 8/62
