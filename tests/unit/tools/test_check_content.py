"""`make check` on broken edits: each gets a message a nurse can act on, at the right line."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from tools import check_content

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A copy of the content staff edit, to break."""
    for part in ("domain.yml", "content", "data"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part)
        else:
            shutil.copy(source, tmp_path / part)
    monkeypatch.setattr(check_content, "ROOT", tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def messages(project) -> list[str]:
    return [str(f) for f in check_content.run_checks(project) if f.error]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_the_shipped_content_passes_with_only_the_demo_warning(project):
    findings = check_content.run_checks(project)
    assert [f for f in findings if f.error] == []
    assert [f.problem for f in findings] == ["the clinic details are still the demo ones"]


def test_a_tab_is_reported_at_its_line(project):
    domain = project / "domain.yml"
    edit(domain, "  utter_goodbye:\n", "  utter_goodbye:\n\t")
    [message] = messages(project)
    assert message.startswith(f"domain.yml:{line_of(domain, 'utter_goodbye:') + 1}:")
    assert "indent with spaces" in message


def test_a_missing_quote_is_reported(project):
    clinic = project / "content" / "clinic.yml"
    edit(clinic, 'phone: "01632 960 000"', 'phone: "01632 960 000')
    [message] = messages(project)
    assert message.startswith("content/clinic.yml:")
    assert "cannot be read" in message


def test_a_bad_indent_is_reported(project):
    edit(project / "data" / "rules.yml", "      - action: utter_greet", "    - action: utter_greet")
    [message] = messages(project)
    assert message.startswith("data/rules.yml:")


def test_a_question_without_an_answer(project):
    for path in (project / "data" / "nlu").glob("*.yml"):  # the question's examples, wherever they are
        if "- intent: faq/follow_up\n" in path.read_text():
            edit(path, "- intent: faq/follow_up\n", "- intent: faq/follow_upp\n")
    found = messages(project)
    assert any("'faq/follow_upp' has no answer" in m and m.startswith("data/nlu/faq_course.yml:") for m in found)
    assert any("'utter_faq/follow_up' has no question" in m for m in found)


def test_too_few_examples_for_a_new_question(project):
    edit(project / "domain.yml", "  # ---- Conversation ----", "  utter_faq/parking:\n    - text: Parking is free.\n"
         "      metadata:\n        source: clinic\n        source_version: '2026'\n        owner: Clinic manager\n"
         "        reviewed: '2026-11-30'\n        review_by: '2029-11-30'\n  # ---- Conversation ----")  # fmt: skip
    (project / "data" / "nlu" / "new.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/parking\n  examples: |\n    - where can i park\n    - is there parking\n'
    )
    [message] = messages(project)
    assert message.startswith("data/nlu/new.yml:3:")
    assert "only 2 example(s)" in message


def test_the_same_example_under_two_intents(project):
    path = project / "data" / "nlu" / "new.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - does iontophoresis hurt\n')
    edit(
        project / "data" / "nlu" / "faq_treatment.yml", "examples: |\n", "examples: |\n    - does iontophoresis hurt\n"
    )
    found = messages(project)
    assert any(m.startswith("data/nlu/new.yml:5:") and "also an example of" in m for m in found)


@pytest.mark.parametrize(("placeholder"), ["TODO", "[phone]"])
def test_placeholders_left_in_an_answer(project, placeholder):
    domain = project / "domain.yml"
    edit(domain, "Iontophoresis is not painful.", f"Iontophoresis is not painful {placeholder}.")
    [message] = messages(project)
    assert f"still has '{placeholder}'" in message
    assert message.startswith(f"domain.yml:{line_of(domain, 'utter_faq/does_it_hurt:') + 1}:")


def test_an_empty_answer(project):
    edit(
        project / "domain.yml",
        '    - text: "Goodbye, and take care. If you have more questions, I\'m here."',
        '    - text: ""',
    )
    [message] = messages(project)
    assert "'utter_goodbye' is empty" in message


def test_an_unknown_placeholder(project):
    edit(project / "domain.yml", "on {clinic_phone}.\n      metadata:\n        source: \"What can I expect?\"",
         "on {clinic_fone}.\n      metadata:\n        source: \"What can I expect?\"")  # fmt: skip
    [message] = messages(project)
    assert "'{clinic_fone}'" in message and "{clinic_phone}" in message


def test_an_answer_too_hard_to_read(project):
    edit(project / "domain.yml", "Iontophoresis is not painful.",
         "Iontophoresis, notwithstanding considerable interindividual variability, is characteristically "
         "experienced as comparatively unobjectionable physiologically.")  # fmt: skip
    [message] = messages(project)
    assert "hard to read" in message


def test_a_long_answer_is_a_warning_only(project):
    edit(
        project / "domain.yml", "Iontophoresis is not painful.", "Iontophoresis is not painful. " + "It is fine. " * 60
    )
    findings = check_content.run_checks(project)
    assert [f for f in findings if f.error] == []
    assert any("long for a chat bubble" in str(f) for f in findings)


def test_a_malformed_web_address(project):
    edit(project / "content" / "clinic.yml", 'website: "https://clinic.example.org"', 'website: "https//clinic"')
    [message] = messages(project)
    assert "content/clinic.yml:" in message and "not complete" in message


def test_an_answer_without_its_leaflet_source(project):
    edit(project / "domain.yml", '        source: "Does it hurt?"\n', "")
    [message] = messages(project)
    assert "does not say where in the leaflet" in message


# ---- owner, source and review dates (tools/answers.py) ----


def review_findings(project, today: date, error: bool = True) -> list[str]:
    return [
        str(f) for f in check_content.run_checks(project, today=today) if f.error == error and "demo" not in f.problem
    ]


def test_the_shipped_answers_are_within_their_review_dates():
    # Fails (as `make check` does) once a shipped answer is due: the control in docs/SAFETY.md, H14.
    assert review_findings(ROOT, date.today()) == []
    assert review_findings(ROOT, date.today(), error=False) == []


@pytest.mark.parametrize("field", ["source_version", "owner", "reviewed", "review_by"])
def test_an_answer_without_each_review_field(project, field):
    domain = project / "domain.yml"
    line = next(i for i, text in enumerate(domain.read_text().splitlines(), 1) if text.strip().startswith(f"{field}:"))
    lines = domain.read_text().splitlines(keepends=True)
    del lines[line - 1]
    domain.write_text("".join(lines))
    [message] = review_findings(project, date(2027, 1, 1))
    metadata_line = line_of(domain, "metadata:") + 1  # the first line of the first answer's metadata
    assert message.startswith(f"domain.yml:{metadata_line}: the answer 'utter_faq/what_is' has no '{field}': add")


def test_a_review_date_without_quotes_is_refused(project):
    edit(project / "domain.yml", 'review_by: "2029-11-30"', "review_by: 2029-11-30")
    [message] = review_findings(project, date(2027, 1, 1))
    assert "'review_by' of 'utter_faq/what_is' is not a date in quotes" in message
    assert 'write it as review_by: "YYYY-MM-DD", with the quotes' in message


def test_a_review_date_passed_is_an_error_at_its_line(project):
    domain = project / "domain.yml"
    edit(domain, 'review_by: "2029-11-30"', 'review_by: "2026-12-01"')
    line = line_of(domain, 'review_by: "2026-12-01"')
    [message] = review_findings(project, date(2027, 1, 1))
    assert message == (
        f"domain.yml:{line}: the answer 'utter_faq/what_is' was due for review on 2026-12-01: check it against its "
        "source with its owner (Lead physiotherapist), then set 'reviewed: \"2027-01-01\"' and 'review_by:' to a "
        "date at most 3 years on (docs/STAFF.md, 'Reviewing an answer')"
    )


def test_a_review_date_within_30_days_is_a_warning(project):
    edit(project / "domain.yml", 'review_by: "2029-11-30"', 'review_by: "2027-01-20"')
    assert review_findings(project, date(2027, 1, 1)) == []
    [message] = review_findings(project, date(2027, 1, 1), error=False)
    assert "warning: the answer 'utter_faq/what_is' is due for review on 2027-01-20, in 19 day(s)" in message
    assert review_findings(project, date(2026, 12, 1), error=False) == []  # 50 days before: nothing yet


def test_a_review_date_more_than_3_years_on_is_refused(project):
    edit(project / "domain.yml", 'review_by: "2029-11-30"', 'review_by: "2030-06-01"')
    [message] = review_findings(project, date(2027, 1, 1))
    assert (
        "'utter_faq/what_is' is not due for review until 2030-06-01, more than 3 years after its last review" in message
    )
    assert "set 'review_by:' at most 3 years after 'reviewed:'" in message


def test_a_review_in_the_future_is_refused(project):
    edit(project / "domain.yml", 'reviewed: "2026-11-30"', 'reviewed: "2027-03-01"')
    [message] = review_findings(project, date(2027, 1, 1))
    assert "'utter_faq/what_is' says it was reviewed on 2027-03-01, which is in the future" in message
