"""Scores a trained model on a labelled message set (tests/nlu_dev.yml, tests/nlu_holdout.yml).

A message counts as answered correctly when the assistant would take the
right path: the right intent after the answer gate, and for `faq` the right
leaflet answer. Off-topic messages are right when they end out of scope
(`out_of_scope` or `nlu_fallback`); one answered with any leaflet answer is a
"bluff". An urgent message that does not get `urgent` is a miss, always.

    python -m tests.nlu_scoring tests/nlu_dev.yml [--model models/current.tar.gz] [--errors]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

OUT_OF_SCOPE_PATHS = {"out_of_scope", "nlu_fallback"}
GROUPS = {
    "faq": lambda label: label.startswith("faq/"),
    "out_of_scope": lambda label: label == "out_of_scope",
    "urgent": lambda label: label in ("urgent", "crisis"),
    "referral": lambda label: label in ("ask_your_doctor", "contact_clinic"),
    "personal advice": lambda label: label in ("flare_report", "progress_report"),
    "other": lambda label: label in ("greet", "goodbye", "thankyou", "bot_challenge", "non_english"),
}


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, label) pairs from a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), block["intent"]))
    return pairs


def predicted_label(parse_data: dict) -> str:
    """The path the assistant takes: `faq/<topic>` for leaflet answers, else the intent."""
    intent = (parse_data.get("intent") or {}).get("name") or "nlu_fallback"
    if intent != "faq":
        return intent
    selectors = parse_data.get("response_selector") or {}
    # A ResponseSelector without `retrieval_intent` (Rasa's default config) reports under "default".
    selected = (selectors.get("faq") or selectors.get("default") or {}).get("response", {})
    return selected.get("intent_response_key") or "faq/?"


def is_correct(expected: str, predicted: str) -> bool:
    if expected == "out_of_scope":
        return predicted in OUT_OF_SCOPE_PATHS
    return expected == predicted


def group_of(label: str) -> str:
    return next((name for name, member in GROUPS.items() if member(label)), "other")


@dataclass
class Score:
    total: int = 0
    correct: int = 0
    per_group: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    urgent_misses: list[tuple[str, str]] = field(default_factory=list)
    bluffs: list[tuple[str, str]] = field(default_factory=list)
    out_of_scope_total: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    paths: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def bluff_rate(self) -> float:
        return len(self.bluffs) / self.out_of_scope_total if self.out_of_scope_total else 0.0

    def add(self, text: str, expected: str, predicted: str) -> None:
        right = is_correct(expected, predicted)
        self.total += 1
        self.correct += right
        group = self.per_group[group_of(expected)]
        group[0] += right
        group[1] += 1
        self.paths[predicted.split("/")[0]] += 1
        if not right:
            self.errors.append((text, expected, predicted))
        if expected == "urgent" and predicted != "urgent":
            self.urgent_misses.append((text, predicted))
        if expected == "crisis" and predicted not in ("crisis", "urgent"):
            self.urgent_misses.append((text, predicted))
        if expected == "out_of_scope":
            self.out_of_scope_total += 1
            if predicted.startswith("faq/"):
                self.bluffs.append((text, predicted))

    def summary(self) -> dict:
        return {
            "messages": self.total,
            "accuracy": round(self.accuracy, 4),
            "per_group": {g: f"{c}/{n} ({c / n:.1%})" for g, (c, n) in sorted(self.per_group.items())},
            "urgent_misses": len(self.urgent_misses),
            "bluff_rate": round(self.bluff_rate, 4),
            "did_you_mean": self.paths.get("did_you_mean", 0),
        }


def score(pairs: Iterable[tuple[str, str]], parse) -> Score:
    """Scores with `parse(text) -> parse_data`."""
    result = Score()
    for text, expected in pairs:
        result.add(text, expected, predicted_label(parse(text)))
    return result


def agent_parser(model_path: Path):
    """A synchronous `parse(text)` backed by the trained model, in-process."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

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
    result = score(load_examples(args.examples), agent_parser(args.model))
    print(json.dumps(result.summary(), indent=2))
    for text, predicted in result.urgent_misses:
        print(f"URGENT MISSED: {text!r} -> {predicted}")
    if args.errors:
        for text, expected, predicted in result.errors:
            print(f"{expected:>22} -> {predicted:<22} {text}")


if __name__ == "__main__":
    main()
