"""Trains the assistant as it was before issue 12 (011a591's config, domain and data), for side-by-side figures.

    python -m bench.baseline        # -> var/bench/baseline/model.tar.gz

bench/baseline_011a591/ holds that commit's config.yml (component names moved
to rasa_addons.*), domain.yml and data/, so `make bench` measures "before"
and "after" with the same code, in the same run, on a fresh clone. The model
is trained once and reused while its inputs are unchanged.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from clinic.settings import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "bench" / "baseline_011a591"
MODEL = PROJECT_ROOT / "var" / "bench" / "baseline" / "model.tar.gz"


def inputs_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(SOURCE.rglob("*.yml")):
        digest.update(path.relative_to(SOURCE).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def baseline_model() -> Path:
    """The trained baseline, trained now if missing or out of date."""
    stamp = MODEL.with_suffix(".inputs")
    if MODEL.exists() and stamp.exists() and stamp.read_text() == inputs_fingerprint():
        return MODEL
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "rasa_addons", "train", "--config", str(SOURCE / "config.yml"),
         "--domain", str(SOURCE / "domain.yml"), "--data", str(SOURCE / "data"),
         "--out", str(MODEL.parent), "--fixed-model-name", "model"],
        cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    stamp.write_text(inputs_fingerprint())
    return MODEL


if __name__ == "__main__":
    print(baseline_model())
