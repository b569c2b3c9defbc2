"""The training data's size per topic, and that the test sets stay apart from it."""

from collections import Counter
from pathlib import Path

from nlu_eval.scoring import load_examples, load_set

ROOT = Path(__file__).resolve().parents[3]
TRAINING = [pair for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for pair in load_examples(path)]
DEV = load_examples(ROOT / "tests" / "nlu_dev.yml")
HOLDOUT = load_examples(ROOT / "tests" / "nlu_holdout.yml")
# The independent sets, tuning and held-out alike (tests/sets/README.md).
INDEPENDENT = {path.name: load_set(path) for path in sorted((ROOT / "tests" / "sets").glob("*.yml"))}
FAQ_TOPICS = {
    "what_is", "history", "benefits", "safety", "how_it_works", "course_length", "does_it_hurt",
    "pain_after", "activity", "when_results", "not_working", "medication", "follow_up",
}  # fmt: skip


def test_every_contract_topic_has_at_least_40_examples():
    counts = Counter(label for _, label in TRAINING)
    assert {f"faq/{t}" for t in FAQ_TOPICS} <= set(counts)
    assert min(counts[f"faq/{t}"] for t in FAQ_TOPICS) >= 40


def test_safety_and_refusal_intents_have_enough_examples():
    counts = Counter(label for _, label in TRAINING)
    assert counts["out_of_scope"] >= 200
    for intent in ("urgent", "ask_your_doctor", "flare_report"):
        assert counts[intent] >= 60, intent


def test_dev_and_holdout_sets_are_big_enough():
    assert len(DEV) >= 150
    assert len(HOLDOUT) >= 250


def test_no_test_message_is_in_the_training_data():
    trained = {text.lower() for text, _ in TRAINING}
    assert not [t for t, _ in DEV if t.lower() in trained]
    assert not [t for t, _ in HOLDOUT if t.lower() in trained]
    assert {
        name: [e.text for e in examples if e.text.lower() in trained] for name, examples in INDEPENDENT.items()
    } == {name: [] for name in INDEPENDENT}


def test_dev_and_holdout_do_not_share_messages():
    assert not {t.lower() for t, _ in DEV} & {t.lower() for t, _ in HOLDOUT}
