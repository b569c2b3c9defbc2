"""Every answer's owner, source and review dates (its `metadata` in domain.yml), and who last changed it (git).

Patient-information standards ask that each piece of information has an
owner, a named source and a date by which it is reviewed again (commonly
within 3 years). Each variation of every response in domain.yml carries:

    metadata:
      source: "Does it hurt?"                 # the leaflet section, or what else the wording rests on
      source_version: "leaflet as supplied, undated (checked 2026-11-30)"
      owner: "Lead physiotherapist"           # a role, not a person: it outlasts staff changes
      reviewed: "2026-11-30"                  # ISO dates, in quotes
      review_by: "2029-11-30"

`make check` (tools/check_content.py) fails on a missing field or a date
passed and warns 30 days before; `make report` (tools/report.py) lists the
answers due and who last changed each one. docs/STAFF.md says how to review.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import yaml

FIELDS = ("source", "source_version", "owner", "reviewed", "review_by")
# For staff only: rasa_addons/nlg.py leaves them out of the replies stored with each conversation.
STAFF_ONLY_FIELDS = ("source_version", "owner", "reviewed", "review_by")
DATE_FIELDS = ("reviewed", "review_by")
MAX_REVIEW_YEARS = 3
WARN_DAYS = 30


@dataclass(frozen=True)
class Answer:
    """One variation of a response: its name, where it starts and ends in domain.yml, and its metadata."""

    name: str
    variation: int
    first_line: int
    last_line: int
    metadata: dict

    @property
    def review_by(self) -> date | None:
        return parse_date(self.metadata.get("review_by"))


def parse_date(value: object) -> date | None:
    """An ISO date written in quotes; None for anything else (a date without quotes is refused too: Rasa
    stores the domain as JSON, which has no dates)."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def answers(domain_path: Path) -> list[Answer]:
    """Every variation of every response in the domain file, with its lines (1-based, inclusive)."""
    text = domain_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    responses = next((v for k, v in root.value if k.value == "responses"), None) if root else None
    data = (yaml.safe_load(text) or {}).get("responses") or {}
    found = []
    for key, variations in responses.value if isinstance(responses, yaml.MappingNode) else []:
        if not isinstance(variations, yaml.SequenceNode):
            continue
        for index, node in enumerate(variations.value):
            variation = data[key.value][index]
            metadata = (variation.get("metadata") if isinstance(variation, dict) else None) or {}
            # end_mark is where the next token starts; the variation ends at the last line of text before it.
            last = min(node.end_mark.line, len(lines))
            while last > node.start_mark.line + 1 and (
                not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")
            ):
                last -= 1
            found.append(Answer(key.value, index, node.start_mark.line + 1, last,
                                metadata if isinstance(metadata, dict) else {}))  # fmt: skip
    return found


@dataclass(frozen=True)
class Change:
    """The newest commit touching an answer's lines."""

    author: str
    when: date
    commit: str


def last_changes(path: Path, found: list[Answer]) -> dict[tuple[str, int], Change]:
    """Who last changed each answer's lines, from `git blame`; empty outside a git checkout."""
    try:
        blame = subprocess.run(
            ["git", "blame", "--line-porcelain", "--", path.name], cwd=path.parent,
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return {}
    lines: list[Change] = []
    commit = author = ""
    when = date.min
    for row in blame.splitlines():
        if row.startswith("\t"):  # the line itself ends each entry
            lines.append(Change(author, when, commit[:10]))
        elif row.startswith("author "):
            author = row[len("author ") :]
        elif row.startswith("author-time "):
            when = datetime.fromtimestamp(int(row.split()[1]), timezone.utc).date()
        elif len(row) >= 40 and " " in row and all(c in "0123456789abcdef" for c in row.split()[0]):
            commit = row.split()[0]
    changes = {}
    for answer in found:
        touched = lines[answer.first_line - 1 : answer.last_line]
        if touched:
            changes[(answer.name, answer.variation)] = max(touched, key=lambda change: change.when)
    return changes
