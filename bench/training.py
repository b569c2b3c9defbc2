"""Training time: a full `rasa train` with an empty cache, then a wording-only retrain.

    python -m bench.training

Trains into var/bench/ with its own cache directory, so the project's model
and cache are untouched. Writes var/bench/training.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
WORDING = "Iontophoresis is not painful."


def rasa_train(domain: Path, env: dict) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa_addons", "train", "--domain", str(domain), "--out", str(OUT / "train"),
         "--fixed-model-name", "bench"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return round(time.monotonic() - started, 1)


def main() -> None:
    cache = OUT / "train-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_CACHE_DIRECTORY": str(cache)}
    edited = OUT / "domain_edited.yml"
    OUT.mkdir(parents=True, exist_ok=True)
    edited.write_text((ROOT / "domain.yml").read_text().replace(WORDING, "Iontophoresis does not hurt.", 1))
    results = {
        "full_train_seconds": rasa_train(ROOT / "domain.yml", env),
        "content_only_train_seconds": rasa_train(edited, env),
    }
    (OUT / "training.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
