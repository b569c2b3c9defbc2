"""`make quality`: the trained model on every evaluation set, with the figures that matter for patients.

    python -m nlu_eval.quality [--model models/current.tar.gz] [--out var/quality/quality.json] [--errors]

Per set: accuracy (overall and by group), the bluff rate (leaflet answers to
messages that should get none), the false-alarm rate (urgent answers to
messages that are not urgent) and urgent recall. The sets (tests/sets/README.md):

- tests/nlu_dev.yml          dev set: tuning happens against it
- tests/sets/dev_faq.yml     tuning set: leaflet questions, and near misses the leaflet does not answer
- tests/sets/dev_emergencies.yml  tuning set for the safety net: 999 signs in plain words, and look-alikes
- tests/sets/dev_emergencies_2.yml  the same in other voices: carers, older patients, second language, clinicians
- tests/sets/dev_emergencies_3.yml  and in more: teenagers, parents, what people see without naming it
- the other tuning sets: nlu_eval/sets.py's TUNING, each described in tests/sets/README.md
- tests/nlu_holdout.yml      held-out questions in the style of the training data
- tests/sets/hwu64_validation.tsv   5,008 general-domain messages (HWU64's validation half), none about us
- tests/sets/near_miss.yml   what patients ask that the leaflet does not answer, and answerable controls
- tests/sets/emergencies.yml 999-type emergencies (about the patient or someone else) and false alarms
- tests/sets/narratives.yml  patients' own words: stories with a question or a report inside
- tests/sets/forget_me.yml   requests to delete the conversation, and look-alikes (an appointment, a scar...)

The last four were written by someone who never saw the training data, before any tuning, and are never
edited to fit. Nothing is trained or tuned on the held-out ones.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from clinic.settings import PROJECT_ROOT
from nlu_eval.scoring import Score, agent_parser, load_set, score
from nlu_eval.sets import HELD_OUT, TUNING

# The tuning sets patients' figures are read from, then every held-out set.
SETS = {name: path for name, path in TUNING.items() if name != "hwu64 fit"} | HELD_OUT


def evaluate(model: Path, sets: dict[str, Path] = SETS) -> dict[str, Score]:
    parse = agent_parser(model)
    return {name: score(load_set(path), parse) for name, path in sets.items()}


def table(results: dict[str, Score]) -> str:
    """One row per set: the figures the issue tracker and bench/RESULTS.md quote."""
    rows = [
        "| set | messages | accuracy | bluff rate | false alarms | urgent recall | did you mean |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        recall, caught = result.urgent_recall, result.urgent_total - len(result.urgent_misses)
        recall_text = "n/a" if recall is None else f"{recall:.1%} ({caught}/{result.urgent_total})"
        rows.append(
            f"| {name} | {result.total} | {result.accuracy:.1%} | {result.bluff_rate:.1%} "
            f"({len(result.bluffs)}/{result.no_leaflet_total}) | {result.false_alarm_rate:.2%} "
            f"({len(result.false_alarms)}/{result.not_urgent_total}) | {recall_text} | "
            f"{result.paths.get('did_you_mean', 0)} |"
        )
    return "\n".join(rows)


def groups(results: dict[str, Score]) -> str:
    lines = []
    for name, result in results.items():
        per_group = ", ".join(f"{g} {c}/{n}" for g, (c, n) in sorted(result.per_group.items()) if n)
        lines.append(f"- {name}: {per_group}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "current.tar.gz")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "quality" / "quality.json")
    parser.add_argument("--errors", action="store_true", help="list every wrong path")
    args = parser.parse_args()
    started = time.monotonic()
    results = evaluate(args.model)
    seconds = time.monotonic() - started
    print(table(results))
    print()
    print(groups(results))
    if args.errors:
        for name, result in results.items():
            for text, expected, predicted in result.errors:
                print(f"[{name}] {expected:>28} -> {predicted:<24} {text[:150]}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary = {name: result.summary() for name, result in results.items()}
    summary["_model"] = str(args.model)
    summary["_seconds_per_message"] = round(seconds / sum(r.total for r in results.values()), 4)
    args.out.write_text(json.dumps(summary, indent=2))
    print(f"\nwrote {args.out} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
