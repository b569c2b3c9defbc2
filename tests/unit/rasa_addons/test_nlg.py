"""Responses get the clinic's details as they are sent; leaflet answers get "Was this helpful?" (rasa_addons/nlg.py)."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.settings import PROJECT_ROOT as ROOT
from rasa_addons import patches
from rasa_addons.nlg import HELPFUL_BUTTONS, ClinicResponseGenerator
from tests.unit.conftest import edit


@pytest.fixture()
def nlg(content_dir):
    patches.install()
    return ClinicResponseGenerator(domain=Domain.load(str(ROOT / "domain.yml")))


def _response(nlg, name):
    return asyncio.run(nlg.generate(name, DialogueStateTracker("test", []), "rest"))


def test_responses_get_the_clinic_details(nlg):
    urgent = _response(nlg, "utter_urgent")["text"]
    assert "01632 960 000" in urgent
    assert "999" in urgent
    assert "{" not in urgent


def test_a_changed_phone_number_is_used_without_restart(nlg, content_dir):
    _response(nlg, "utter_contact_clinic")
    edit(content_dir / "clinic.yml", "01632 960 000", "01632 960 999")
    assert "01632 960 999" in _response(nlg, "utter_contact_clinic")["text"]


def test_button_payloads_keep_their_json(nlg):
    buttons = _response(nlg, "utter_greet")["buttons"]
    assert buttons[0]["payload"] == '/choose_faq{"faq_topic": "what_is"}'


def test_leaflet_answers_and_only_they_ask_whether_they_helped(nlg):
    assert _response(nlg, "utter_faq/does_it_hurt")["buttons"][-2:] == HELPFUL_BUTTONS
    assert not _response(nlg, "utter_urgent").get("buttons")


def test_an_answers_owner_and_review_dates_stay_out_of_the_stored_reply(nlg):
    metadata = _response(nlg, "utter_faq/does_it_hurt")["metadata"]
    assert metadata == {"source": "Does it hurt?", "question": "Does it hurt?"}
