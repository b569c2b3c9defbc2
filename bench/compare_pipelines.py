"""Trains config.yml with and without spaCy's word vectors and scores both (NLU plus rules).

    python -m bench.compare_pipelines [--sets tests/nlu_dev.yml tests/nlu_holdout.yml]

The variant is made from config.yml itself (the SpacyFeaturizer removed; spaCy's
tokenizer and NER stay, since the actions need the NER), so the two differ in
that one thing. Models go to var/compare/; results are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

from nlu_eval.scoring import agent_parser, load_examples, score

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "compare"


def without_vectors(config: dict) -> dict:
    variant = dict(config)
    variant["pipeline"] = [c for c in config["pipeline"] if c["name"] != "SpacyFeaturizer"]
    return variant


def with_vectors(config: dict) -> dict:
    """config.yml with spaCy's vectors as dense features after the tokenizer (if it has none)."""
    if any(c["name"] == "SpacyFeaturizer" for c in config["pipeline"]):
        return config
    variant = dict(config)
    at = next(i for i, c in enumerate(config["pipeline"]) if c["name"] == "SpacyTokenizer") + 1
    variant["pipeline"] = [
        *config["pipeline"][:at],
        {"name": "SpacyFeaturizer", "pooling": "mean"},
        *config["pipeline"][at:],
    ]
    return variant


def train(name: str, config: dict) -> tuple[Path, float]:
    OUT.mkdir(parents=True, exist_ok=True)
    config_path = OUT / f"config_{name}.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa_addons", "train", "--config", str(config_path),
         "--out", str(OUT), "--fixed-model-name", name],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return OUT / f"{name}.tar.gz", time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets", nargs="+", type=Path, default=[ROOT / "tests/nlu_dev.yml", ROOT / "tests/nlu_holdout.yml"]
    )
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    results = {}
    for name, variant in (
        ("with_spacy_vectors", with_vectors(config)),
        ("without_spacy_vectors", without_vectors(config)),
    ):
        model, seconds = train(name, variant)
        parse = agent_parser(model)
        results[name] = {"nlu_training_seconds": round(seconds)}
        for path in args.sets:
            results[name][path.name] = score(load_examples(path), parse).summary()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
