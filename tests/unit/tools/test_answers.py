"""Each answer's lines, metadata and last change (tools/answers.py), and make report's section on them."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

from tools import answers, report

DOMAIN = """version: "3.1"
responses:
  utter_one:
    - text: "First answer."
      metadata:
        owner: "Lead physiotherapist"
        reviewed: "2026-01-10"
        review_by: "2027-01-10"

  # a comment between answers
  utter_two:
    - text: "Second answer."
      metadata:
        owner: "Clinic manager"
        review_by: "2029-01-01"
    - text: "Second answer, said another way."
"""


def git(repo: Path, *args: str, author: str = "Ann Nurse", when: str = "2026-03-04T10:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "a@example.org",
           "GIT_COMMITTER_DATE": when}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def committed_domain(repo: Path) -> Path:
    """DOMAIN as domain.yml, committed by Ann Nurse on 2026-03-04 in a new git repository."""
    domain = repo / "domain.yml"
    domain.write_text(DOMAIN)
    git(repo, "init", "-q")
    git(repo, "add", "domain.yml")
    git(repo, "commit", "-q", "-m", "answers")
    return domain


def test_each_variation_is_found_with_its_own_lines_and_metadata(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(DOMAIN)
    found = answers.answers(domain)
    assert [(a.name, a.variation, a.first_line, a.last_line) for a in found] == [
        ("utter_one", 0, 4, 8), ("utter_two", 0, 12, 15), ("utter_two", 1, 16, 16)
    ]  # fmt: skip
    assert found[0].review_by == date(2027, 1, 10)
    assert found[2].metadata == {} and found[2].review_by is None


def test_who_last_changed_each_answer_comes_from_git(tmp_path: Path) -> None:
    domain = committed_domain(tmp_path)
    domain.write_text(DOMAIN.replace("Second answer.", "Second answer, reworded."))
    git(tmp_path, "commit", "-q", "-am", "reword", author="Bob Physio", when="2026-05-06T10:00:00+00:00")
    changes = answers.last_changes(domain, answers.answers(domain))
    assert (changes[("utter_one", 0)].author, changes[("utter_one", 0)].when) == ("Ann Nurse", date(2026, 3, 4))
    assert (changes[("utter_two", 0)].author, changes[("utter_two", 0)].when) == ("Bob Physio", date(2026, 5, 6))
    assert changes[("utter_two", 1)].author == "Ann Nurse"


def test_outside_a_git_checkout_there_is_no_history_and_no_error(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(DOMAIN)
    assert answers.last_changes(domain, answers.answers(domain)) == {}
    assert "(not a git checkout: no history to read)" in report.answers_section(domain, date(2026, 12, 1))


def test_the_report_lists_answers_due_within_90_days_and_who_changed_each(tmp_path: Path) -> None:
    domain = committed_domain(tmp_path)
    section = report.answers_section(domain, date(2026, 12, 1))
    due = section.split("## Who last changed each answer")[0]
    assert "Overdue or due by 2027-03-01: 2" in due
    assert "| utter_one | Lead physiotherapist | 2027-01-10 | due in 40 day(s) |" in due
    assert "| utter_two | (none) | (none) | no review date: `make check` says how to add one |" in due
    assert "utter_two | Clinic manager" not in due  # due in 2029
    assert "| utter_one | Lead physiotherapist | 2026-01-10 | 2027-01-10 | 2026-03-04 | Ann Nurse |" in section
    overdue = report.answers_section(domain, date(2027, 2, 1))
    assert "| utter_one | Lead physiotherapist | 2027-01-10 | overdue by 22 day(s) |" in overdue
