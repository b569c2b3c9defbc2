"""The clinic's details and the advice thresholds: one file each, re-read when staff change it (clinic/content.py)."""

import re

import pytest
import yaml

from clinic import content
from clinic.settings import PROJECT_ROOT
from tests.unit.conftest import edit


def test_shipped_clinic_details_are_marked_as_demo():
    clinic = content.load_clinic()
    assert clinic.demo is True
    assert "demo" in clinic.name.lower()
    assert clinic.emergency_number == "999"


def test_missing_clinic_details_are_reported():
    with pytest.raises(ValueError, match="phone"):
        content.parse_clinic({"name": "x"})


def test_every_placeholder_in_the_domain_is_a_clinic_detail_or_an_action_value():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    known = set(content.load_clinic().as_template_variables()) | {
        "expected_hours",
        "improvement_after",
        "course_treatments",
    }
    used = set()
    for variations in domain["responses"].values():
        for variation in variations:
            used |= set(re.findall(r"{(\w+)}", variation.get("text", "")))
    assert used <= known, used - known


def test_a_staff_edit_is_read_at_once_and_an_unchanged_file_is_not_parsed_again(content_dir, monkeypatch):
    assert content.load_clinic().phone == "01632 960 000"
    parsed = []
    monkeypatch.setattr(content, "read_yaml", lambda path: parsed.append(path) or yaml.safe_load(path.read_text()))
    content.load_clinic()
    assert parsed == []  # unchanged: served from memory
    edit(content_dir / "clinic.yml", "01632 960 000", "01632 960 123")
    assert content.load_clinic().phone == "01632 960 123"
    edit(content_dir / "advice.yml", "expected_hours: 48", "expected_hours: 72")
    assert content.load_advice_rules().flare.expected_hours == 72
    assert len(parsed) == 2
