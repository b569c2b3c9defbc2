"""Whole conversations through the running servers' REST webhook."""

import json
import uuid

from clinic.content import load_clinic
from tests.conftest import answer
from tests.integration.conftest import post

CLINIC = load_clinic()


def test_greeting_offers_questions_as_buttons(patient):
    [reply] = patient.say("hello")
    assert "automated assistant" in reply["text"]
    assert CLINIC.emergency_number in reply["text"]
    assert len(reply["buttons"]) >= 3


def test_a_question_gets_its_leaflet_answer_with_clinic_details_filled_in(patient):
    assert answer("utter_faq/does_it_hurt") in patient.text("does it hurt?")
    course = patient.text("how many sessions will i need")
    assert answer("utter_faq/course_length") in course
    assert CLINIC.phone in course and "{" not in course


def test_a_red_flag_question_gets_the_urgent_answer(patient):
    reply = patient.text("is it normal to have blisters after the treatment?")
    assert answer("utter_urgent") in reply
    assert CLINIC.phone in reply and CLINIC.emergency_number in reply


def test_off_topic_gets_an_honest_refusal(patient):
    assert answer("utter_out_of_scope") in patient.text("who won the match last night")


def test_flare_up_form_with_buttons_ends_in_reassurance(patient):
    first = patient.say("my elbow has been aching since my session")
    assert first[0]["buttons"][0]["payload"] == "/affirm"
    assert answer("utter_ask_flare_hours") in patient.text("/deny")
    severity = patient.say("yesterday")
    assert [b["payload"] for b in severity[0]["buttons"]][0].startswith("/inform")
    advice = patient.text('/inform{"pain_level": "moderate"}')
    assert "48 hours" in advice
    assert answer("utter_flare_reassure") in advice


def test_flare_up_form_answers_a_question_and_resumes(patient):
    patient.say("the pain got worse after the treatment")
    patient.say("no")
    reply = patient.text("how long does a flare last?")
    assert answer("utter_faq/pain_after") in reply
    assert answer("utter_ask_flare_hours") in reply
    patient.say("3 days ago")
    assert answer("utter_flare_contact_clinic") in patient.text("4")


def test_what_the_patient_already_said_is_not_asked_again(patient):
    patient.say("had my treatment yesterday and now the pain is 8 out of 10")
    assert answer("utter_flare_contact_clinic") in patient.text("no")


def test_flare_up_form_can_be_stopped(patient):
    patient.say("its really sore since the session this morning")
    assert answer("utter_flare_stopped") in patient.text("stop")


def test_progress_check_uses_the_number_of_treatments(patient):
    assert answer("utter_progress_early") in patient.text("ive had 2 treatments and no change")
    assert answer("utter_progress_course_done") in patient.text("i've finished the whole course and it's no better")


def _allowed_origin(base_url: str, origin: str) -> tuple[int, str | None]:
    """(status, Access-Control-Allow-Origin) of a message sent from a page at `origin`."""
    reply = post(base_url, json.dumps({"sender": uuid.uuid4().hex, "message": "hello"}).encode(), {"Origin": origin})
    return reply.status, reply.headers.get("Access-Control-Allow-Origin")


def test_only_the_clinic_site_may_call_the_assistant_from_a_browser(servers):
    assert _allowed_origin(servers.rasa_url, servers.web_url) == (200, servers.web_url)
    # Another site's page is refused outright (CORS alone would only have hidden the reply from it).
    assert _allowed_origin(servers.rasa_url, "https://evil.example") == (403, None)
