"""Clinic details: one file, filled into responses when they are sent."""

import asyncio
import re
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from actions import settings
from components.clinic_nlg import ClinicResponseGenerator

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_clinic_details_are_marked_as_demo():
    clinic = settings.load_clinic()
    assert clinic.demo is True
    assert "demo" in clinic.name.lower()
    assert clinic.emergency_number == "999"


def test_missing_clinic_details_are_reported():
    with pytest.raises(ValueError, match="phone"):
        settings.parse_clinic({"name": "x"})


def test_every_placeholder_in_the_domain_is_a_clinic_detail_or_an_action_value():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    known = set(settings.load_clinic().as_template_variables()) | {
        "expected_hours",
        "improvement_after",
        "course_treatments",
    }
    used = set()
    for variations in domain["responses"].values():
        for variation in variations:
            used |= set(re.findall(r"{(\w+)}", variation.get("text", "")))
    assert used <= known, used - known


@pytest.fixture()
def generator(tmp_path, monkeypatch):
    clinic_file = tmp_path / "clinic.yml"
    clinic_file.write_text((ROOT / "content" / "clinic.yml").read_text())
    domain = Domain.load(str(ROOT / "domain.yml"))
    nlg = ClinicResponseGenerator(domain=domain)
    nlg.clinic_file = clinic_file
    return nlg, clinic_file


def _text(nlg, name):
    tracker = DialogueStateTracker("test", [])
    return asyncio.run(nlg.generate(name, tracker, "rest"))


def test_responses_get_the_clinic_details(generator):
    nlg, _ = generator
    urgent = _text(nlg, "utter_urgent")["text"]
    assert "01632 960 000" in urgent
    assert "999" in urgent
    assert "{" not in urgent


def test_a_changed_phone_number_is_used_without_restart(generator):
    nlg, clinic_file = generator
    _text(nlg, "utter_contact_clinic")
    clinic_file.write_text(clinic_file.read_text().replace("01632 960 000", "01632 960 999"))
    import os

    os.utime(clinic_file, (1, 1))  # a different mtime, however fast the test runs
    assert "01632 960 999" in _text(nlg, "utter_contact_clinic")["text"]


def test_button_payloads_keep_their_json(generator):
    nlg, _ = generator
    buttons = _text(nlg, "utter_greet")["buttons"]
    assert buttons[0]["payload"] == '/choose_faq{"faq_topic": "what_is"}'
