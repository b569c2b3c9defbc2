"""Checks the answers and training examples that clinic staff edit (`make check`).

Every problem is printed as `file:line: what is wrong: how to fix it`, in words
a nurse can act on. Errors make the command fail; warnings are printed only.
Among them: every answer's owner, source and review dates (tools/answers.py),
an error once a review date has passed and a warning 30 days before.

    python -m tools.check_content
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import textstat
import yaml

from tools import answers as reviewed_answers

ROOT = Path(__file__).resolve().parent.parent
MAX_READING_GRADE = 10  # US school grade (Flesch-Kincaid): about a reading age of 15
MAX_ANSWER_CHARACTERS = 500  # longer than this fills a phone screen
MIN_EXAMPLES_PER_QUESTION = 10
# Values the actions pass to their responses; everything else must be a clinic detail.
ACTION_VARIABLES = {"expected_hours", "improvement_after", "course_treatments", "treatments"}
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b|\[[a-zA-Z _-]+\]|lorem ipsum", re.IGNORECASE)
# Anything that looks like a web address, complete or not ("https//x", "www.x").
URL = re.compile(r"\b(?:https?:?/*|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    problem: str
    fix: str
    error: bool = True

    def __str__(self) -> str:
        where = f"{self.path.relative_to(ROOT) if self.path.is_absolute() else self.path}:{self.line}"
        level = "" if self.error else "warning: "
        return f"{where}: {level}{self.problem}: {self.fix}"


class YamlFile:
    """A YAML file with the line of every key, for messages that point at the right line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = path.read_text(encoding="utf-8")
        self.node = yaml.compose(text, Loader=yaml.SafeLoader)
        self.data = yaml.safe_load(text) or {}

    def line(self, *keys: str | int) -> int:
        node = self.node
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                node = None
            if node is None:
                break
            last = node
        return (last if node is None else node).start_mark.line + 1


def syntax_error(path: Path, error: yaml.YAMLError) -> Finding:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    text = str(error)
    if "\\t" in text or "'\\t'" in text or "tab" in text.lower():
        fix = "indent with spaces, never with the Tab key"
    elif "could not find expected ':'" in text or "mapping values are not allowed" in text:
        fix = "check the colon after the name and that a text containing ': ' is inside quotes"
    elif "found unexpected end of stream" in text or "while scanning a quoted scalar" in text:
        fix = 'a quote mark is missing: every text that opens with " must close with "'
    else:
        fix = "check the indentation of this line against the lines above it (2 spaces per level)"
    problem = f"the file cannot be read ({getattr(error, 'problem', None) or 'YAML error'})"
    return Finding(path, line, problem, fix)


def load(paths: list[Path]) -> tuple[dict[Path, YamlFile], list[Finding]]:
    files, findings = {}, []
    for path in paths:
        try:
            files[path] = YamlFile(path)
        except yaml.YAMLError as error:
            findings.append(syntax_error(path, error))
    return files, findings


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    path: Path
    line: int
    intent_line: int


def examples_in(nlu_files: list[YamlFile]) -> list[Example]:
    found = []
    for file in nlu_files:
        for index, block in enumerate(file.data.get("nlu") or []):
            if "intent" not in block:
                continue
            intent_line, start = file.line("nlu", index), file.line("nlu", index, "examples")
            for offset, raw in enumerate(str(block.get("examples") or "").splitlines(), start=1):
                if raw.strip().startswith("- "):
                    text = raw.strip()[2:].strip()
                    found.append(Example(text, block["intent"], file.path, start + offset, intent_line))
    return found


def check_questions_and_answers(domain: YamlFile, examples: list[Example]) -> list[Finding]:
    findings = []
    responses = domain.data.get("responses") or {}
    answered = {name.removeprefix("utter_") for name in responses if name.startswith("utter_faq/")}
    asked = defaultdict(list)
    for example in examples:
        if example.intent.startswith("faq/"):
            asked[example.intent].append(example)
    for topic in sorted(set(asked) - answered):
        first = asked[topic][0]
        findings.append(
            Finding(first.path, first.intent_line, f"the question '{topic}' has no answer",
                    f"add a response 'utter_{topic}' to domain.yml, or fix the name after 'intent:'")
        )  # fmt: skip
    for topic in sorted(answered - set(asked)):
        findings.append(
            Finding(domain.path, domain.line("responses", f"utter_{topic}"),
                    f"the answer 'utter_{topic}' has no question",
                    f"add examples under '- intent: {topic}' in data/nlu/, or fix the answer's name")
        )  # fmt: skip
    for topic, found in sorted(asked.items()):
        if topic in answered and len(found) < MIN_EXAMPLES_PER_QUESTION:
            findings.append(
                Finding(found[0].path, found[0].intent_line, f"'{topic}' has only {len(found)} example(s)",
                        f"add at least {MIN_EXAMPLES_PER_QUESTION} ways patients ask it, in their own words")
            )  # fmt: skip
    return findings


def check_duplicate_examples(examples: list[Example]) -> list[Finding]:
    seen: dict[str, Example] = {}
    findings = []
    for example in examples:
        key = " ".join(example.text.lower().split())
        first = seen.setdefault(key, example)
        if first is not example and first.intent != example.intent:
            findings.append(
                Finding(example.path, example.line, f"'{example.text}' is also an example of '{first.intent}' "
                        f"({first.path.name}:{first.line})", "keep it under one question only")
            )  # fmt: skip
    return findings


def check_answers(domain: YamlFile, clinic_variables: set[str]) -> list[Finding]:
    findings = []
    for name, variations in (domain.data.get("responses") or {}).items():
        for index, variation in enumerate(variations or []):
            line = domain.line("responses", name, index)
            text = str((variation or {}).get("text") or "").strip()
            if not text:
                findings.append(
                    Finding(domain.path, line, f"the answer '{name}' is empty", "write the answer after 'text:'")
                )
                continue
            if match := PLACEHOLDER.search(text):
                findings.append(
                    Finding(domain.path, line, f"the answer '{name}' still has '{match.group(0)}' in it",
                            "replace it with the real words before publishing")
                )  # fmt: skip
            for variable in sorted(set(re.findall(r"{(\w+)}", text)) - clinic_variables - ACTION_VARIABLES):
                findings.append(
                    Finding(domain.path, line, f"'{{{variable}}}' in '{name}' is not a clinic detail",
                            f"use one of {', '.join('{' + v + '}' for v in sorted(clinic_variables))}")
                )  # fmt: skip
            readable = re.sub(r"{\w+}", "the clinic", text)
            grade = textstat.flesch_kincaid_grade(readable)
            if grade > MAX_READING_GRADE:
                findings.append(
                    Finding(domain.path, line, f"the answer '{name}' is hard to read (school grade {grade:.0f}, "
                            f"the limit is {MAX_READING_GRADE})", "use shorter sentences and everyday words")
                )  # fmt: skip
            if len(text) > MAX_ANSWER_CHARACTERS:
                findings.append(
                    Finding(domain.path, line, f"the answer '{name}' is long for a chat bubble "
                            f"({len(text)} characters)", f"aim for under {MAX_ANSWER_CHARACTERS}", error=False)
                )  # fmt: skip
            findings += [Finding(domain.path, line, problem, fix) for problem, fix in url_problems(text)]
    return findings


# How to fill in each field an answer's metadata must have (tools/answers.py).
FIELD_FIXES = {
    "source": "add 'source: <the leaflet section, or what the wording rests on>' under its 'metadata:'",
    "source_version": "add 'source_version: <the date or version of that source>' under its 'metadata:'",
    "owner": "add 'owner: <the role responsible for it, e.g. Lead physiotherapist>' under its 'metadata:'",
    "reviewed": "add 'reviewed: \"YYYY-MM-DD\"' (the day it was last checked against its source) under its 'metadata:'",
    "review_by": "add 'review_by: \"YYYY-MM-DD\"' (at most 3 years after 'reviewed') under its 'metadata:'",
}


def review_fix(owner: object, today: date) -> str:
    who = f" with its owner ({owner})" if owner else ""
    return (
        f"check it against its source{who}, then set 'reviewed: \"{today}\"' and 'review_by:' to a date at most "
        f"{reviewed_answers.MAX_REVIEW_YEARS} years on (docs/STAFF.md, 'Reviewing an answer')"
    )


def check_review(domain: YamlFile, today: date) -> list[Finding]:
    """Owner, source and review dates of every answer; a review date passed is an error, one close a warning."""
    findings = []
    for answer in reviewed_answers.answers(domain.path):
        name, meta = answer.name, answer.metadata
        where = ("responses", name, answer.variation, "metadata")
        for field in reviewed_answers.FIELDS:
            if str(meta.get(field) or "").strip():
                continue
            if field == "source" and name.startswith("utter_faq/"):
                problem = f"the answer '{name}' does not say where in the leaflet it comes from"
            else:
                problem = f"the answer '{name}' has no '{field}'"
            findings.append(Finding(domain.path, domain.line(*where), problem, FIELD_FIXES[field]))
        dates = {}
        for field in reviewed_answers.DATE_FIELDS:
            value = meta.get(field)
            dates[field] = reviewed_answers.parse_date(value)
            if value not in (None, "") and dates[field] is None:
                findings.append(
                    Finding(domain.path, domain.line(*where, field), f"'{field}' of '{name}' is not a date in quotes "
                            f"({value})", f'write it as {field}: "YYYY-MM-DD", with the quotes')
                )  # fmt: skip
        last, due = dates["reviewed"], dates["review_by"]
        if last and last > today:
            findings.append(Finding(domain.path, domain.line(*where, "reviewed"),
                                    f"'{name}' says it was reviewed on {last}, which is in the future",
                                    "write the day it was actually reviewed"))  # fmt: skip
        if last and due and due > last.replace(year=last.year + reviewed_answers.MAX_REVIEW_YEARS):
            findings.append(Finding(domain.path, domain.line(*where, "review_by"),
                                    f"'{name}' is not due for review until {due}, more than "
                                    f"{reviewed_answers.MAX_REVIEW_YEARS} years after its last review ({last})",
                                    f"set 'review_by:' at most {reviewed_answers.MAX_REVIEW_YEARS} years after "
                                    "'reviewed:'"))  # fmt: skip
        if due and due < today:
            findings.append(Finding(domain.path, domain.line(*where, "review_by"),
                                    f"the answer '{name}' was due for review on {due}",
                                    review_fix(meta.get("owner"), today)))  # fmt: skip
        elif due and (due - today).days <= reviewed_answers.WARN_DAYS:
            findings.append(Finding(domain.path, domain.line(*where, "review_by"),
                                    f"the answer '{name}' is due for review on {due}, in {(due - today).days} day(s)",
                                    review_fix(meta.get("owner"), today), error=False))  # fmt: skip
    return findings


def is_complete_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and "." in parsed.netloc and " " not in url


def url_problems(text: str) -> list[tuple[str, str]]:
    return [
        (f"the web address '{url}' is not complete", "write it in full, starting https://")
        for url in (u.rstrip(".,;:!?)") for u in URL.findall(text))
        if not is_complete_url(url)
    ]


def check_clinic(clinic: YamlFile) -> list[Finding]:
    findings = []
    data = clinic.data
    required = ["name", "phone", "hours", "website", "emergency_number", "non_urgent_number", "crisis_line"]
    for key in required:
        if not str(data.get(key) or "").strip():
            findings.append(
                Finding(clinic.path, clinic.line(key), f"the clinic's '{key}' is missing", f"fill in '{key}:'")
            )
    website = str(data.get("website") or "")
    if website and not is_complete_url(website):
        findings.append(Finding(clinic.path, clinic.line("website"), f"the web address '{website}' is not complete",
                                "write it in full, starting https://"))  # fmt: skip
    if data.get("demo", False):
        findings.append(
            Finding(clinic.path, clinic.line("demo"), "the clinic details are still the demo ones",
                    "put in your clinic's real details, then set 'demo: false'", error=False)
        )  # fmt: skip
    return findings


def run_checks(root: Path | None = None, today: date | None = None) -> list[Finding]:
    root = root or ROOT
    nlu_paths = sorted((root / "data" / "nlu").glob("*.yml"))
    domain_path, clinic_path = root / "domain.yml", root / "content" / "clinic.yml"
    files, findings = load([domain_path, clinic_path, *nlu_paths, *sorted((root / "data").glob("*.yml"))])
    if domain_path not in files or clinic_path not in files:
        return findings
    clinic_variables = {f"clinic_{key}" for key in files[clinic_path].data if key != "demo"}
    examples = examples_in([files[p] for p in nlu_paths if p in files])
    findings += check_clinic(files[clinic_path])
    findings += check_answers(files[domain_path], clinic_variables)
    findings += check_review(files[domain_path], today or date.today())
    findings += check_questions_and_answers(files[domain_path], examples)
    findings += check_duplicate_examples(examples)
    return findings


def main() -> int:
    findings = run_checks()
    for finding in findings:
        print(finding)
    errors = sum(f.error for f in findings)
    print(f"content check: {errors} error(s), {len(findings) - errors} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
