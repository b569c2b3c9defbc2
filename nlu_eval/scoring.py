"""Scores a trained model on labelled message sets: which path each message takes, and whether that path is right.

Shared by the held-out gate (tests/test_holdout.py), `make quality` and
`make bench` (bench/), and `make report` (tools/report.py), so all of them
judge the assistant the same way.

A message's path is the intent after the answer gate, and for `faq` the
leaflet answer chosen (`faq/<topic>`). It is right when it is one of the
paths its set accepts for it. "Out of scope" and "the leaflet doesn't cover
that" (`out_of_scope`, `nlu_fallback`, `leaflet_gap`: the paths answered by
a response named `utter_out_of_scope...`) accept each other, and a question
the leaflet does not answer also accepts the clinic's contact details
(`contact_clinic`). Beyond accuracy:
- a **bluff** is a leaflet answer given to a message that should get none;
- a **false alarm** is the urgent (or crisis) answer given to a message that should get neither;
- **urgent recall** is the share of urgent and crisis messages that get the urgent or the crisis answer.

    python -m nlu_eval.scoring tests/nlu_dev.yml [--model models/current.tar.gz] [--errors]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Paths answered by a response whose name contains "out_of_scope" (utter_out_of_scope,
# utter_out_of_scope_leaflet_gap): an honest "I can't answer that", with the clinic's number.
OUT_OF_SCOPE_PATHS = {"out_of_scope", "nlu_fallback", "leaflet_gap"}
ACCEPTED_AS = {
    "out_of_scope": OUT_OF_SCOPE_PATHS,
    "leaflet_gap": OUT_OF_SCOPE_PATHS | {"contact_clinic"},
}
URGENT_PATHS = {"urgent", "crisis"}
GROUPS = {
    "faq": lambda label: label.startswith("faq/"),
    "out_of_scope": lambda label: label == "out_of_scope",
    "leaflet gap": lambda label: label == "leaflet_gap",
    "urgent": lambda label: label in URGENT_PATHS,
    "referral": lambda label: label in ("ask_your_doctor", "contact_clinic"),
    "personal advice": lambda label: label in ("flare_report", "progress_report"),
    "other": lambda label: label in ("greet", "goodbye", "thankyou", "bot_challenge", "non_english", "forget_me"),
}


@dataclass(frozen=True)
class Example:
    """A message, the paths accepted for it, and the group it is counted in."""

    text: str
    accept: tuple[str, ...]
    group: str


def group_of(label: str) -> str:
    return next((name for name, member in GROUPS.items() if member(label)), "other")


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, label) pairs from a Rasa NLU YAML file (training data, tests/nlu_dev.yml, tests/nlu_holdout.yml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), block["intent"]))
    return pairs


def load_set(path: Path) -> list[Example]:
    """Any of the evaluation sets: Rasa NLU YAML, the `messages:` YAML of tests/sets/, or HWU64's TSV."""
    if path.suffix == ".tsv":
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t"))
        return [Example(text, ("out_of_scope",), f"general domain: {scenario}") for text, scenario, _ in rows[1:]]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "messages" in data:
        return [Example(m["text"], tuple(m["accept"]), m["group"]) for m in data["messages"]]
    return [Example(text, (label,), group_of(label)) for text, label in load_examples(path)]


def predicted_label(parse_data: dict) -> str:
    """The path the assistant takes: `faq/<topic>` for leaflet answers, else the intent."""
    intent = (parse_data.get("intent") or {}).get("name") or "nlu_fallback"
    if intent != "faq":
        return intent
    selectors = parse_data.get("response_selector") or {}
    # A ResponseSelector without `retrieval_intent` (Rasa's default config) reports under "default".
    selected = (selectors.get("faq") or selectors.get("default") or {}).get("response", {})
    return selected.get("intent_response_key") or "faq/?"


def is_right(accept: Iterable[str], predicted: str) -> bool:
    return any(predicted in ACCEPTED_AS.get(label, {label}) for label in accept)


@dataclass
class Score:
    total: int = 0
    correct: int = 0
    per_group: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    urgent_total: int = 0
    urgent_misses: list[tuple[str, str]] = field(default_factory=list)
    no_leaflet_total: int = 0
    bluffs: list[tuple[str, str]] = field(default_factory=list)
    not_urgent_total: int = 0
    false_alarms: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    paths: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def bluff_rate(self) -> float:
        """Leaflet answers given to messages that should get none."""
        return len(self.bluffs) / self.no_leaflet_total if self.no_leaflet_total else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.not_urgent_total if self.not_urgent_total else 0.0

    @property
    def urgent_recall(self) -> float | None:
        return 1 - len(self.urgent_misses) / self.urgent_total if self.urgent_total else None

    def add(self, example: Example, predicted: str) -> None:
        right = is_right(example.accept, predicted)
        self.total += 1
        self.correct += right
        group = self.per_group[example.group]
        group[0] += right
        group[1] += 1
        self.paths[predicted.split("/")[0]] += 1
        if not right:
            self.errors.append((example.text, "|".join(example.accept), predicted))
        if URGENT_PATHS & set(example.accept):
            self.urgent_total += 1
            # Self-harm may get either answer; a red flag needs the urgent one, not the crisis line.
            caught = URGENT_PATHS if "crisis" in example.accept else {"urgent"}
            if predicted not in caught:
                self.urgent_misses.append((example.text, predicted))
        else:
            self.not_urgent_total += 1
            if predicted in URGENT_PATHS:
                self.false_alarms.append((example.text, predicted))
        if not any(label.startswith("faq/") for label in example.accept):
            self.no_leaflet_total += 1
            if predicted.startswith("faq/"):
                self.bluffs.append((example.text, predicted))

    def summary(self) -> dict:
        recall = self.urgent_recall
        return {
            "messages": self.total,
            "accuracy": round(self.accuracy, 4),
            "per_group": {g: f"{c}/{n} ({c / n:.1%})" for g, (c, n) in sorted(self.per_group.items())},
            "urgent_recall": None if recall is None else round(recall, 4),
            "urgent_misses": len(self.urgent_misses),
            "bluff_rate": round(self.bluff_rate, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
            "did_you_mean": self.paths.get("did_you_mean", 0),
        }


def score(examples: Iterable[Example | tuple[str, str]], parse: Callable[[str], dict]) -> Score:
    """Scores with `parse(text) -> parse_data`; (text, label) pairs are read as one accepted label each."""
    result = Score()
    for example in examples:
        if isinstance(example, tuple):
            example = Example(example[0], (example[1],), group_of(example[1]))
        result.add(example, predicted_label(parse(example.text)))
    return result


def agent_parser(model_path: Path) -> Callable[[str], dict]:
    """A synchronous `parse(text)` backed by the trained model, in-process."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from rasa_addons import patches

    patches.install()  # the model loads as the server loads it
    logging.getLogger().setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)
    loop = asyncio.new_event_loop()
    agent = Agent.load(str(model_path))
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", type=Path)
    parser.add_argument("--model", type=Path, default=Path("models/current.tar.gz"))
    parser.add_argument("--errors", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    result = score(load_set(args.examples), agent_parser(args.model))
    print(json.dumps(result.summary(), indent=2))
    for text, predicted in result.urgent_misses:
        print(f"URGENT MISSED: {text!r} -> {predicted}")
    if args.errors:
        for text, expected, predicted in result.errors:
            print(f"{expected:>22} -> {predicted:<22} {text}")


if __name__ == "__main__":
    main()
