"""Which training examples the trained model sends somewhere other than their own label.

    python -m nlu_eval.agreement [--model models/current.tar.gz]

The training data says what each of its examples should get. The classifiers learn that, and then the
answer gate's phrase lists overrule them. A phrase that sends the training data's own examples elsewhere
disagrees with the labels written beside it, and it will do the same to new messages in the same words.
Two examples: "whats next after 6 sessions" was read as a progress report, and "my 15 year old is dreading
it, will it hurt her" was sent to the doctor. Issue 12's eleventh session found 46 such examples of 5,663;
fixing their phrase lists moved 21 tuning messages the right way and none the wrong way.

The training data is not a test set: the classifiers have seen every example, and each example is its own
nearest neighbour (similarity 1.0), so the similarity floors are never tested here. What this finds is the
phrase lists, and any examples the classifiers did not learn.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from clinic.settings import PROJECT_ROOT
from nlu_eval.floors import Parsed, Tail, parse_all, step_configs
from nlu_eval.scoring import is_right

TRAINING_DATA = PROJECT_ROOT / "data" / "nlu"


def disagreements(items: Iterable[Parsed], path_of: Callable[[Parsed], str]) -> list[tuple[Parsed, str]]:
    """Each example whose path is not one its label accepts, with the path it took."""
    taken = ((item, path_of(item)) for item in items)
    return [(item, path) for item, path in taken if not is_right(item.example.accept, path)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "current.tar.gz")
    args = parser.parse_args()
    files = {path.stem: path for path in sorted(TRAINING_DATA.glob("*.yml"))}
    items = parse_all(args.model, files)
    found = disagreements(items, Tail(step_configs()).path)
    for item, path in sorted(found, key=lambda pair: (pair[1], pair[0].set_name)):
        print(f"{path} (label {item.example.accept[0]}) [{item.set_name}] {item.example.text[:150]}")
    print(f"\n{len(found)} of {len(items)} training examples took a path their label does not accept")
    for path, count in Counter(path for _, path in found).most_common():
        print(f"  {path}: {count}")


if __name__ == "__main__":
    main()
