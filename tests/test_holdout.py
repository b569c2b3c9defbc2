"""The held-out gate: run by `make holdout` after training, on every set nobody tuned on.

Nothing is tuned on these sets (tests/sets/README.md); they only decide
whether a model is good enough to ship. Each gate sits just under what the
shipped model measures (`make quality`; issue 12's targets where they are
met: HWU64 under 1% leaflet answers and 0.3% urgent ones): a change that
makes the assistant bluff, raise false alarms or miss an emergency fails here.
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
    "holdout": (0.92, 0.02, 0.01, 1.0),  # measured 93.0%, 0%, 0%, 29/29
    "hwu64 validation": (0.98, 0.01, 0.003, None),  # 99.0%, 0.14%, 0.02%
    "near miss": (0.88, 0.06, 0.02, None),  # 91.2%, 4.2%, 0%
    "emergencies": (0.87, 0.02, 0.2, 0.99),  # 90.5%, 0%, 16%, 121/122
    "narratives": (0.75, 0.05, 0.06, 1.0),  # 78.9%, 3.0%, 3.7%, 17/17
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
