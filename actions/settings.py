"""The clinic's details and the advice thresholds, read once from `content/`.

Both the action server and the Rasa server (through the response generator in
`components/clinic_nlg.py`) take clinic details from here, so staff change a
phone number in one file and every answer follows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(os.environ.get("IONTO_CONTENT_DIR", PROJECT_ROOT / "content"))


@dataclass(frozen=True)
class Clinic:
    """What patients need to reach the clinic or help."""

    demo: bool
    name: str
    phone: str
    hours: str
    website: str
    emergency_number: str
    non_urgent_number: str
    crisis_line: str

    def as_template_variables(self) -> dict[str, str]:
        """Variables a response can use, e.g. `{clinic_phone}`."""
        return {f"clinic_{f.name}": str(getattr(self, f.name)) for f in fields(self) if f.name != "demo"}


@dataclass(frozen=True)
class FlareRules:
    """The leaflet's rules for a pain flare after treatment."""

    expected_hours: float
    severe_score: int
    moderate_score: int


@dataclass(frozen=True)
class ProgressRules:
    """The leaflet's rules for progress through a course."""

    improvement_after: int
    course_treatments: int


@dataclass(frozen=True)
class AdviceRules:
    flare: FlareRules
    progress: ProgressRules


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of names to values")
    return data


def parse_clinic(data: dict[str, Any]) -> Clinic:
    names = {f.name for f in fields(Clinic)}
    missing = names - data.keys()
    if missing:
        raise ValueError(f"clinic details are missing: {', '.join(sorted(missing))}")
    return Clinic(**{name: data[name] for name in names})


@cache
def load_clinic(path: Path = CONTENT_DIR / "clinic.yml") -> Clinic:
    return parse_clinic(read_yaml(path))


@cache
def load_advice_rules(path: Path = CONTENT_DIR / "advice.yml") -> AdviceRules:
    data = read_yaml(path)
    return AdviceRules(
        flare=FlareRules(**data["flare"]),
        progress=ProgressRules(**data["progress"]),
    )
