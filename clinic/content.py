"""The clinic's details and the advice thresholds from `content/`, with one reload policy.

Staff edit content/clinic.yml (phone, hours, emergency numbers) and
content/advice.yml (the leaflet's thresholds). Every reader (the Rasa
server's responses and its failure apology, the action server's advice, the
web page's clinic.json) asks here on each use; a file is parsed again only
when it has changed on disk, so an edit is live at once with no restart and
an unchanged file costs one `stat`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from threading import Lock
from typing import Any, Generic, TypeVar

import yaml

from clinic.settings import settings

Parsed = TypeVar("Parsed")


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


def parse_advice_rules(data: dict[str, Any]) -> AdviceRules:
    return AdviceRules(flare=FlareRules(**data["flare"]), progress=ProgressRules(**data["progress"]))


class ContentFile(Generic[Parsed]):
    """One file of content/, parsed again only when its modification time or size changes."""

    def __init__(self, name: str, parse: Callable[[dict[str, Any]], Parsed]) -> None:
        self.name = name
        self.parse = parse
        self._lock = Lock()  # the web page server answers from several threads
        self._seen: tuple[Path, int, int] | None = None
        self._value: Parsed | None = None

    def load(self, content_dir: Path | None = None) -> Parsed:
        path = (content_dir or settings().content_dir) / self.name
        stat = path.stat()
        version = (path, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if version != self._seen:
                self._value = self.parse(read_yaml(path))
                self._seen = version
            return self._value


_clinic = ContentFile("clinic.yml", parse_clinic)
_advice = ContentFile("advice.yml", parse_advice_rules)


def load_clinic(content_dir: Path | None = None) -> Clinic:
    """The clinic's details as content/clinic.yml says now."""
    return _clinic.load(content_dir)


def load_advice_rules(content_dir: Path | None = None) -> AdviceRules:
    """The advice thresholds as content/advice.yml says now."""
    return _advice.load(content_dir)
