"""Which tuning messages a change moved: record each message's path, change something, compare.

    python -m nlu_eval.compare --save var/compare/before.json
    (edit config.yml or data/, then make train)
    python -m nlu_eval.compare --against var/compare/before.json [--save var/compare/after.json]

Prints every message whose path changed, marked + (now right), - (now wrong) or
= (wrong before and after), then the number right before and after in each set.
A change to the phrase lists or the floors should move only the messages it was
made for; this shows whether it did. Only the tuning sets (nlu_eval/sets.py's
TUNING, HWU64's fitting part included): a held-out set is scored, never read
message by message (tests/sets/README.md).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from clinic.settings import PROJECT_ROOT
from nlu_eval.scoring import Example, agent_parser, is_right, load_set, predicted_label
from nlu_eval.sets import TUNING

Paths = dict[str, dict[str, str]]  # set name -> message text -> the path it took
Messages = dict[str, dict[str, Example]]  # set name -> message text -> the message (a text written twice: once)


@dataclass(frozen=True)
class Change:
    set_name: str
    example: Example
    before: str
    after: str

    @property
    def mark(self) -> str:
        if is_right(self.example.accept, self.after):
            return "+"
        return "-" if is_right(self.example.accept, self.before) else "="


def messages_of(sets: dict[str, Path] = TUNING) -> Messages:
    """Each set read once, for recording and comparing alike."""
    return {name: {ex.text: ex for ex in load_set(path)} for name, path in sets.items()}


def record(model: Path, messages: Messages) -> Paths:
    """The path each message takes with this model."""
    parse = agent_parser(model)
    return {name: {text: predicted_label(parse(text)) for text in texts} for name, texts in messages.items()}


def changes(before: Paths, after: Paths, messages: Messages) -> list[Change]:
    """Messages whose path differs; a message or a set only one side has is left out."""
    found = []
    for name, texts in messages.items():
        old, new = before.get(name, {}), after.get(name, {})
        for text, example in texts.items():
            if text in old and text in new and old[text] != new[text]:
                found.append(Change(name, example, old[text], new[text]))
    return found


def right_counts(paths: Paths, messages: Messages) -> dict[str, int]:
    """How many of each set's recorded messages took an accepted path."""
    return {
        name: sum(is_right(texts[text].accept, taken) for text, taken in paths[name].items() if text in texts)
        for name, texts in messages.items()
        if name in paths
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "current.tar.gz")
    parser.add_argument("--save", type=Path, help="write this model's paths here")
    parser.add_argument("--against", type=Path, help="paths saved earlier, to compare this model's with")
    args = parser.parse_args()
    if not args.save and not args.against:
        parser.error("give --save, --against or both")
    messages = messages_of()
    now = record(args.model, messages)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(now, indent=1))
    if args.against:
        before = json.loads(args.against.read_text())
        for change in changes(before, now, messages):
            print(f"{change.mark} [{change.set_name}] {change.before} -> {change.after} | {change.example.text[:150]}")
        right_before, right_now = right_counts(before, messages), right_counts(now, messages)
        for name, count in right_now.items():
            print(f"{name}: {right_before.get(name, '-')} -> {count} right of {len(now[name])}")


if __name__ == "__main__":
    main()
