"""Chooses the decision settings in config.yml on the tuning sets only: mixture weight, fallback, similarity floors.

    python -m nlu_eval.floors [--model models/current.tar.gz]

The tuning sets are tests/nlu_dev.yml, tests/sets/dev_tuning.yml, dev_faq.yml,
dev_emergencies*.yml, dev_near_miss.yml, dev_faq_2.yml and HWU64's fitting part
(nlu_eval/hwu64_fit.tsv); the held-out sets are never read here.
Each message is parsed once, and what the pipeline knows just before the
decision steps is kept: the classifiers' rankings and the similarity to
every path. The decision steps (CombinedRanking, FallbackClassifier,
AnswerGate) are then replayed on it for each candidate setting, which takes
milliseconds instead of a parse. In order:

1. `classifier_weight` and `temperature` of CombinedRanking, the fallback
   threshold and the gate's answer confidence and margin ("Did you
   mean...?"): the most accurate on the in-domain tuning sets among those
   that miss no more urgent messages than the settings in config.yml;
2. the similarity floors (`min_similarity`), each on its own, since a floor
   only changes messages whose path it guards (`faq/*` for leaflet answers,
   `urgent` from the classifiers, the other intents): the most accurate on
   the in-domain tuning sets among those that keep HWU64's leaflet answers
   (for `faq/*`) or urgent answers (for `urgent`) under their targets, and
   miss no more urgent messages; for the other intents, the same with
   HWU64's share of that intent under `--max-other`. Where no floor meets
   its target, config.yml's floor is kept, and the sweep says so.

It prints every sweep and what it chose, to copy into config.yml with the
figures as the comment.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic.settings import PROJECT_ROOT
from nlu_eval.scoring import Example, Score, load_set, predicted_label
from nlu_eval.sets import TUNING

IN_DOMAIN = tuple(name for name in TUNING if name != "hwu64 fit")
OTHER_INTENTS = ("flare_report", "progress_report", "ask_your_doctor", "contact_clinic", "leaflet_gap")
KEPT = (INTENT, INTENT_RANKING_KEY, "response_selector", "nearest_example_similarities")


@dataclass
class Parsed:
    """One tuning message, as the decision steps receive it."""

    set_name: str
    example: Example
    before_decision: dict[str, Any]


def parse_all(model: Path, sets: dict[str, Path] = TUNING) -> list[Parsed]:
    """Parse every tuning message, keeping what reaches CombinedRanking."""
    from nlu_eval.scoring import agent_parser
    from rasa_addons.nlu import combined_ranking

    seen: dict[str, dict[str, Any]] = {}
    original = combined_ranking.CombinedRanking.process

    def keep_then_process(self, messages):  # type: ignore[no-untyped-def]
        for message in messages:
            seen[message.get(TEXT)] = {key: copy.deepcopy(message.get(key)) for key in KEPT}
        return original(self, messages)

    combined_ranking.CombinedRanking.process = keep_then_process
    try:
        parse = agent_parser(model)
        parsed = []
        for name, path in sets.items():
            for example in load_set(path):
                parse(example.text)
                parsed.append(Parsed(name, example, seen.get(example.text, {})))
    finally:
        combined_ranking.CombinedRanking.process = original
    return parsed


def load_or_parse(model: Path) -> list[Parsed]:
    """parse_all's result, kept beside the model so that sweeps can be repeated without parsing again."""
    cache = model.with_suffix(".tuning.pickle")
    if cache.exists() and cache.stat().st_mtime > model.stat().st_mtime:
        return [Parsed(*fields) for fields in pickle.loads(cache.read_bytes())]
    items = parse_all(model)
    cache.write_bytes(pickle.dumps([(i.set_name, i.example, i.before_decision) for i in items]))
    return items


def step_configs(config_path: Path = PROJECT_ROOT / "config.yml") -> dict[str, dict]:
    """The decision steps' settings in config.yml, with their defaults."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

    from rasa_addons.nlu.answer_gate import AnswerGate
    from rasa_addons.nlu.combined_ranking import CombinedRanking

    defaults = {
        "CombinedRanking": CombinedRanking.get_default_config(),
        "FallbackClassifier": FallbackClassifier.get_default_config(),
        "AnswerGate": AnswerGate.get_default_config(),
    }
    steps = {}
    for step in yaml.safe_load(config_path.read_text())["pipeline"]:
        short = step["name"].rsplit(".", 1)[-1]
        if short in defaults:
            steps[short] = {**defaults[short], **{k: v for k, v in step.items() if k != "name"}}
    return steps


class Tail:
    """The decision steps with given settings, replayed on kept parses."""

    def __init__(self, steps: dict[str, dict]) -> None:
        from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

        from rasa_addons.nlu.answer_gate import AnswerGate
        from rasa_addons.nlu.combined_ranking import CombinedRanking

        self.components = [
            CombinedRanking(steps["CombinedRanking"]),
            FallbackClassifier(steps["FallbackClassifier"]),
            AnswerGate(steps["AnswerGate"]),
        ]

    def path(self, item: Parsed) -> str:
        message = Message(data={TEXT: item.example.text, **copy.deepcopy(item.before_decision)})
        for component in self.components:
            component.process([message])
        return predicted_label(message.as_dict(only_output_properties=False))


def scores(tail: Tail, items: Iterable[Parsed]) -> dict[str, Score]:
    by_set: dict[str, Score] = {}
    for item in items:
        by_set.setdefault(item.set_name, Score()).add(item.example, tail.path(item))
    return by_set


def with_settings(steps: dict[str, dict], **changes: dict) -> dict[str, dict]:
    return {name: {**config, **changes.get(name, {})} for name, config in steps.items()}


def describe(result: dict[str, Score]) -> str:
    parts = []
    for name, score in result.items():
        recall = score.urgent_recall
        parts.append(
            f"{name}: acc {score.accuracy:.1%} bluff {score.bluff_rate:.2%} false-urgent {score.false_alarm_rate:.2%}"
            + ("" if recall is None else f" recall {recall:.0%}")
        )
    return " | ".join(parts)


def in_domain_correct(result: dict[str, Score]) -> int:
    return sum(result[name].correct for name in IN_DOMAIN if name in result)


@dataclass(frozen=True)
class Targets:
    """What the chosen settings must keep HWU64's fitting part under."""

    max_bluff: float = 0.004  # leaflet answers
    max_false_urgent: float = 0.0015  # urgent answers
    max_other: float = 0.002  # each other intent (advice, referrals)


def choose(items: list[Parsed], steps: dict[str, dict], targets: Targets, log=print) -> dict[str, dict]:
    """The decision settings chosen on the tuning parses (see the module docstring)."""
    configured_floors = dict(steps["AnswerGate"]["min_similarity"])
    steps = with_settings(steps, AnswerGate={"min_similarity": {}})
    configured = scores(Tail(steps), items)
    log("as configured, no floors: " + describe(configured))
    fewest_misses = sum(len(configured[name].urgent_misses) for name in IN_DOMAIN)
    log("1. mixture, fallback and answer thresholds (in-domain tuning sets)")
    in_domain = [i for i in items if i.set_name in IN_DOMAIN]
    best = None
    for weight, temperature, threshold, answer, margin in itertools.product(
        (0.3, 0.4, 0.5, 0.6, 0.7, 1.0), (0.03, 0.05, 0.1), (0.3, 0.4, 0.5), (0.4, 0.5, 0.6), (0.05, 0.1)
    ):
        trial = with_settings(
            steps,
            CombinedRanking={"classifier_weight": weight, "temperature": temperature},
            FallbackClassifier={"threshold": threshold},
            AnswerGate={"min_answer_confidence": answer, "ambiguity_margin": margin},
        )
        result = scores(Tail(trial), in_domain)
        log(f"  w {weight} t {temperature} fallback {threshold} answer {answer} margin {margin}: {describe(result)}")
        misses = sum(len(result[name].urgent_misses) for name in IN_DOMAIN)
        if misses <= fewest_misses and (best is None or in_domain_correct(result) > best[0]):
            best = (in_domain_correct(result), trial)
    steps = best[1]
    log("2. similarity floors")
    floors: dict[str, float] = {}
    grid = [round(float(x), 3) for x in np.arange(0.20, 0.80, 0.025)]
    for path in ("faq/*", "urgent", *OTHER_INTENTS):
        best_floor = None
        before = scores(Tail(with_settings(steps, AnswerGate={"min_similarity": floors})), items)
        misses_before = sum(len(before[name].urgent_misses) for name in IN_DOMAIN)
        for floor in grid:
            trial = with_settings(steps, AnswerGate={"min_similarity": {**floors, path: floor}})
            result = scores(Tail(trial), items)
            log(f"  {path} {floor:.3f}  {describe(result)}")
            hwu = result["hwu64 fit"]
            recall_kept = sum(len(result[name].urgent_misses) for name in IN_DOMAIN) <= misses_before
            if path == "faq/*":
                meets = hwu.bluff_rate <= targets.max_bluff
            elif path == "urgent":
                meets = hwu.false_alarm_rate <= targets.max_false_urgent
            else:  # advice or a referral given to general-domain text is wrong too
                meets = hwu.paths.get(path, 0) <= targets.max_other * hwu.total
            if recall_kept and meets and (best_floor is None or in_domain_correct(result) > best_floor[0]):
                best_floor = (in_domain_correct(result), floor)
        if best_floor is not None:
            floors[path] = best_floor[1]
        elif path in configured_floors:
            # No floor meets the targets: dropping the floor would be worse than any of them.
            floors[path] = configured_floors[path]
            log(f"  {path}: no floor keeps HWU64 under its target; keeping config.yml's {floors[path]}")
    steps = with_settings(steps, AnswerGate={"min_similarity": floors})
    log("result: " + describe(scores(Tail(steps), items)))
    return steps


def chosen_settings(steps: dict[str, dict]) -> dict[str, Any]:
    """The settings `choose` decides, as they are written in config.yml."""
    gate = steps["AnswerGate"]
    return {
        "CombinedRanking": {k: steps["CombinedRanking"][k] for k in ("classifier_weight", "temperature")},
        "FallbackClassifier": {"threshold": steps["FallbackClassifier"]["threshold"]},
        "AnswerGate": {k: gate[k] for k in ("min_answer_confidence", "ambiguity_margin", "min_similarity")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "current.tar.gz")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    args = parser.parse_args()
    steps = choose(load_or_parse(args.model), step_configs(args.config), Targets())
    print("\nchosen, for config.yml:")
    print(yaml.safe_dump(chosen_settings(steps), sort_keys=False))


if __name__ == "__main__":
    main()
