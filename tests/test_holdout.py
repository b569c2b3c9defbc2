"""The held-out gate: run by `make holdout` after training.

Nothing is tuned on tests/nlu_holdout.yml; it only decides whether a model is
good enough to ship: at least 90% of its messages take the right path, and no
urgent or crisis message gets a non-urgent answer.
"""

import json
from pathlib import Path

import pytest

from nlu_eval.scoring import agent_parser, load_examples, score

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"
MIN_ACCURACY = 0.90


@pytest.fixture(scope="module")
def result():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    outcome = score(load_examples(ROOT / "tests" / "nlu_holdout.yml"), agent_parser(MODEL))
    print(json.dumps(outcome.summary(), indent=2))
    return outcome


def test_answer_accuracy_is_at_least_90_percent(result):
    assert result.accuracy >= MIN_ACCURACY, result.summary()


def test_no_urgent_message_gets_a_non_urgent_answer(result):
    assert result.urgent_misses == []
