"""Runs `rasa data validate` and fails on errors or on any warning not known to be expected.

Expected warnings, each with its reason, are in tests/validate_allowed_warnings.yml.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = ROOT / "tests" / "validate_allowed_warnings.yml"


def warnings_in(output: str) -> list[str]:
    """Each `UserWarning: ...` message, with its continuation lines."""
    output = re.sub(r"\x1b\[[0-9;]*m", "", output)
    found = re.findall(r"UserWarning: (.*?)(?=\n\S|\Z)", output, flags=re.S)
    return [" ".join(w.split()) for w in found]


def unexpected(warnings: list[str], allowed: list[dict]) -> list[str]:
    patterns = [re.compile(entry["pattern"]) for entry in allowed]
    return [w for w in warnings if not any(p.search(w) for p in patterns)]


def main() -> int:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "data", "validate"], cwd=ROOT, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    found = warnings_in(output)
    problems = unexpected(found, yaml.safe_load(ALLOWED.read_text()))
    for warning in problems:
        print(f"rasa data validate: {warning}")
    if result.returncode != 0:
        print(output[-3000:])
        print("rasa data validate found errors")
        return 1
    if problems:
        print(f"{len(problems)} unexpected warning(s): fix them or, if intended, add them to {ALLOWED.name}")
        return 1
    print(f"rasa data validate: no errors, {len(found)} expected warning(s) (see {ALLOWED.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
