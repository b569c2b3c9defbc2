"""A patient deletes their own conversation over the REST webhook, and nothing else is touched.

rasa_addons/channel/forget_me.py; the deletion in the backups and reports: tests/unit/tools/test_purge.py;
in the browser: tests/browser/test_chat_page.py.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import TEST_SETTINGS, answer, stored_events
from tests.integration.conftest import Patient, get, post, say

HELPFUL = '/feedback{"helpful": "yes"}'


def buttons(reply: list[dict]) -> set[str]:
    return {b["payload"] for m in reply for b in m.get("buttons") or []}


def texts(reply: list[dict]) -> str:
    return " ".join(m.get("text", "") for m in reply)


def messages_counted(rasa_url: str) -> dict[str, float]:
    _, body = get(f"{rasa_url}/metrics")
    counts = {}
    for line in body.decode().splitlines():
        if line.startswith("clinic_messages_total{"):
            name, value = line.rsplit(" ", 1)
            counts[name] = float(value)
    return counts


def test_a_confirmed_request_deletes_every_event_of_that_conversation_and_no_other(servers) -> None:
    other = Patient(servers.rasa_url)
    other.say("/greet")
    other.say("does it hurt")
    others_events = stored_events(other.sender)
    patient = Patient(servers.rasa_url)
    patient.say("/greet")
    patient.say("what is iontophoresis")
    patient.say(HELPFUL)  # the feedback goes with the conversation
    assert "user" in stored_events(patient.sender)
    counted = messages_counted(servers.rasa_url)

    question = patient.say("plz delete my conversation")
    assert texts(question).startswith(answer("utter_ask_forget_me"))
    assert buttons(question) == {"/forget_me_confirm", "/deny"}
    started = time.monotonic()
    done = patient.say("/forget_me_confirm")
    seconds = time.monotonic() - started

    assert texts(done).startswith(answer("utter_forget_me_done"))
    assert {"recipient_id": patient.sender, "custom": {"conversation_deleted": True}} in done
    assert stored_events(patient.sender) == []
    assert stored_events(other.sender) == others_events
    # The counters hold no text: they stay, and count the two messages just sent.
    after = messages_counted(servers.rasa_url)
    assert all(after[name] >= value for name, value in counted.items())
    assert (
        after['clinic_messages_total{outcome="forget_me"}'] == counted['clinic_messages_total{outcome="forget_me"}'] + 2
    )
    print(f"deleting a conversation: {seconds:.3f} s for the whole request")


def test_no_keeps_everything(servers, patient) -> None:
    patient.say("what is iontophoresis")
    patient.say("forget me")
    before = stored_events(patient.sender)
    kept = patient.say("/deny")
    assert texts(kept).startswith(answer("utter_forget_me_kept"))
    assert not any("custom" in m for m in kept)
    after = stored_events(patient.sender)
    assert after[: len(before)] == before and len(after) > len(before)


def test_a_typed_yes_answers_the_question_too(servers, patient) -> None:
    patient.say("does it hurt")
    patient.say("erase what i said")
    assert texts(patient.say("yes")).startswith(answer("utter_forget_me_done"))
    assert stored_events(patient.sender) == []


@pytest.mark.parametrize("typed", ["/forget_me_confirm", "yes"])
def test_a_typed_confirmation_without_the_question_first_deletes_nothing(servers, typed) -> None:
    patient = Patient(servers.rasa_url)
    patient.say("does it hurt")
    before = stored_events(patient.sender)
    reply = patient.say(typed)
    assert answer("utter_forget_me_done") not in texts(reply)
    assert not any("custom" in m for m in reply)
    after = stored_events(patient.sender)
    assert after[: len(before)] == before and len(after) > len(before)


def test_the_widgets_button_asks_the_question(servers, patient) -> None:
    assert texts(patient.say("/forget_me")).startswith(answer("utter_ask_forget_me"))


def test_another_web_page_can_neither_ask_nor_confirm(servers, patient) -> None:
    patient.say("does it hurt")
    patient.say("delete this chat")
    before = stored_events(patient.sender)
    body = json.dumps({"sender": patient.sender, "message": "/forget_me_confirm"}).encode()
    for content_type in ("application/json", "text/plain"):  # text/plain: a "simple" request, no CORS preflight
        forged = post(servers.rasa_url, body, {"Origin": "https://evil.example", "Content-Type": content_type})
        assert forged.status == 403, forged
    assert stored_events(patient.sender) == before
    # The clinic's own page (CLINIC_ORIGINS) is let through.
    own_page = f"http://localhost:{TEST_SETTINGS['CLINIC_WEB_PORT']}"
    reply = say(servers.rasa_url, patient.sender, "/forget_me_confirm", {"Origin": own_page})
    assert reply.status == 200 and stored_events(patient.sender) == []
