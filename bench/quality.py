"""Answer quality on the held-out set: this project against what a clinic would otherwise build.

    python -m bench.quality [--skip-default]

Contenders, all trained on the same data/nlu/ examples:
- this project's pipeline (models/current.tar.gz, from `make train`);
- Rasa's default pipeline, the one `rasa init` uses (Rasa's own
  default_config.yml: DIET and ResponseSelector, 100 epochs each), trained
  into var/bench/ with Rasa's own importer;
- a TF-IDF nearest-neighbour baseline (scikit-learn): the label of the most
  similar training example, out of scope below a similarity of 0.3.
Writes var/bench/quality.json; bench/report.py turns it into RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

from nlu_eval.scoring import agent_parser, load_examples, score

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
DEFAULT_CONFIG = (
    Path(sys.executable).parent.parent / "lib" / "python3.10" / "site-packages" / "rasa" / "engine" / "recipes"
    / "config_files" / "default_config.yml"
)  # fmt: skip
KNN_MIN_SIMILARITY = 0.3


def training_pairs() -> list[tuple[str, str]]:
    return [pair for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for pair in load_examples(path)]


def tfidf_parser():
    """`parse(text)` for the nearest-neighbour baseline, in the shape Rasa returns."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    pairs = training_pairs()
    labels = [label for _, label in pairs]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform([text for text, _ in pairs])

    def parse(text: str) -> dict:
        similarities = (matrix @ vectorizer.transform([text]).T).toarray().ravel()
        best = int(similarities.argmax())
        label = labels[best] if similarities[best] >= KNN_MIN_SIMILARITY else "out_of_scope"
        if label.startswith("faq/"):
            return {
                "intent": {"name": "faq"},
                "response_selector": {"faq": {"response": {"intent_response_key": label}}},
            }
        return {"intent": {"name": label}}

    return parse


def default_pipeline_inputs(config_text: str) -> str:
    """A fingerprint of what Rasa's default pipeline is trained from: its config, the domain and data/."""
    digest = hashlib.sha256(config_text.encode())
    for path in [ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def train_default_pipeline() -> tuple[Path, float]:
    """Rasa's default pipeline trained on our data, and its training time in seconds.

    Trained once per change of the data or domain and reused after (its stamp keeps the time): with a
    transformer DIET and 100 epochs on 5,383 examples it trains for well over 46 minutes on 2 cores.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load(DEFAULT_CONFIG.read_text())
    config["policies"] = [{"name": "RulePolicy"}]  # NLU quality is what is compared
    config_text = yaml.safe_dump(config, sort_keys=False)
    model, stamp = OUT / "rasa_default.tar.gz", OUT / "rasa_default.inputs.json"
    inputs = default_pipeline_inputs(config_text)
    if model.exists() and stamp.exists() and json.loads(stamp.read_text())["inputs"] == inputs:
        return model, json.loads(stamp.read_text())["training_seconds"]
    config_path = OUT / "config_rasa_default.yml"
    config_path.write_text(config_text)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa_addons", "train", "--config", str(config_path), "--out", str(OUT),
         "--fixed-model-name", "rasa_default"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seconds = time.monotonic() - started
    stamp.write_text(json.dumps({"inputs": inputs, "training_seconds": round(seconds)}))
    return model, seconds


def summary(result) -> dict:
    return {
        **result.summary(),
        "faq_answer_accuracy": round(result.per_group["faq"][0] / result.per_group["faq"][1], 4),
        "urgent_missed": len(result.urgent_misses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-default", action="store_true", help="reuse var/bench/rasa_default.tar.gz")
    args = parser.parse_args()
    examples = load_examples(HOLDOUT)
    results = {"this project": summary(score(examples, agent_parser(ROOT / "models" / "current.tar.gz")))}
    default_model = OUT / "rasa_default.tar.gz"
    seconds = None
    if not (args.skip_default and default_model.exists()):
        default_model, seconds = train_default_pipeline()
    results["Rasa default pipeline"] = summary(score(examples, agent_parser(default_model)))
    if seconds:
        results["Rasa default pipeline"]["training_seconds"] = round(seconds)
    results["TF-IDF nearest neighbour"] = summary(score(examples, tfidf_parser()))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "quality.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
