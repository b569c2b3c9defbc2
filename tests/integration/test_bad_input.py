"""Bad input through the running webhook: a sensible reply or a 4xx, never a 500, and the server keeps serving."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import answer
from tests.integration.conftest import post


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def sender() -> str:
    return uuid.uuid4().hex


BAD_REQUESTS = {
    "empty body": b"",
    "not JSON": b"hello",
    "invalid UTF-8": b'{"sender": "abc", "message": "\xff\xfe"}',
    "JSON array": b'["hello"]',
    "JSON string": b'"hello"',
    "JSON null": b"null",
    "no sender": body(message="hello"),
    "number sender": body(sender=12345, message="hello"),
    "object sender": body(sender={"id": 1}, message="hello"),
    "no message": body(sender="abc"),
    "number message": body(sender="abc", message=42),
    "list message": body(sender="abc", message=["hello"]),
    "100 KB message": body(sender="abc", message="a" * 100_000),
    "2,000 characters": body(sender="abc", message="a" * 2_000),
}


@pytest.mark.parametrize("raw", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_bad_requests_get_a_4xx_with_a_reason(servers, raw: bytes) -> None:
    reply = post(servers.rasa_url, raw)
    assert 400 <= reply.status < 500, reply
    assert isinstance(reply.body, dict | str) and reply.body


def test_oversized_messages_are_refused_under_a_documented_limit(servers) -> None:
    assert post(servers.rasa_url, body(sender=sender(), message="a" * 100_000)).status == 413
    assert post(servers.rasa_url, body(sender=sender(), message="a" * 1_001)).status == 413
    assert post(servers.rasa_url, body(sender=sender(), message="does it hurt? " + "a" * 900)).status == 200


STRANGE_MESSAGES = {
    "whitespace only": "   \t\n ",
    "control characters": "does\x00 it\x07 hurt\x1b?",
    "emoji": "does it hurt 😬😬😬",
    "right-to-left": "هل العلاج مؤلم؟",
    "mixed direction": "does \u202eit hurt\u202c?",
    "HTML": "<b>does it hurt</b>",
    "script": "<script>alert(1)</script>",
    "SQL": "'; DROP TABLE events; --",
    "very long word": "x" * 999,
}


@pytest.mark.parametrize("text", STRANGE_MESSAGES.values(), ids=STRANGE_MESSAGES.keys())
def test_strange_text_gets_a_reply(servers, text: str) -> None:
    reply = post(servers.rasa_url, body(sender=sender(), message=text))
    assert reply.status == 200, reply
    assert reply.body and all(isinstance(m.get("text"), str) and m["text"] for m in reply.body)


def test_an_empty_message_gets_a_reply_without_the_pipeline(servers) -> None:
    reply = post(servers.rasa_url, body(sender=sender(), message=""))
    assert reply.status == 200
    assert "didn't get a message" in reply.body[0]["text"]


def test_a_missing_sender_is_not_one_shared_conversation(servers) -> None:
    assert post(servers.rasa_url, body(message="my elbow hurts since the treatment")).status == 400


@pytest.mark.parametrize("guessable", ["default", "patient-1", "abc", "0123456789abcdef"])
def test_a_guessable_conversation_id_is_refused_with_the_form_it_must_take(servers, guessable: str) -> None:
    # Issue 15: anyone sending README's `patient-1`, or `default`, joined that conversation and saw where it was.
    reply = post(servers.rasa_url, body(sender=guessable, message="hello"))
    assert reply.status == 400 and "32 hex digits" in reply.body["error"]


def test_typed_payloads_are_words_but_offered_buttons_work(servers) -> None:
    patient = sender()
    # Typed, a "Not helpful" vote would skew the staff's report; read as words it is just odd text.
    first = post(servers.rasa_url, body(sender=patient, message='/feedback{"helpful": "no"}'))
    assert first.status == 200
    assert answer("utter_feedback_thanks") not in " ".join(m.get("text", "") for m in first.body)

    greeting = post(servers.rasa_url, body(sender=patient, message="hello")).body
    offered = [b["payload"] for m in greeting for b in m.get("buttons") or []]
    chosen = next(p for p in offered if "what_is" in p)
    reply = post(servers.rasa_url, body(sender=patient, message=chosen)).body
    assert answer("utter_faq/what_is") in " ".join(m.get("text", "") for m in reply)


def test_a_typed_restart_does_not_reset_the_flare_questions(servers) -> None:
    patient = sender()
    post(servers.rasa_url, body(sender=patient, message="my elbow has been aching since the session"))
    post(servers.rasa_url, body(sender=patient, message="/deny"))  # offered as a button
    post(servers.rasa_url, body(sender=patient, message="/restart"))  # typed: read as the word "restart"
    reply = post(servers.rasa_url, body(sender=patient, message="yesterday")).body
    assert answer("utter_ask_flare_severity") in " ".join(m.get("text", "") for m in reply)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_gets_a_reply_never_a_server_error(servers, text: str) -> None:
    reply = post(servers.rasa_url, body(sender=sender(), message=text))
    assert reply.status == 200, (text, reply)
    assert reply.body and all(m.get("text") for m in reply.body)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.binary(max_size=200)
    | st.builds(
        json.dumps,
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        ),
    ).map(str.encode)
)
def test_any_body_gets_a_reply_or_a_4xx(servers, raw: bytes) -> None:
    assert post(servers.rasa_url, raw).status in {200, 400, 413}


def test_the_server_still_answers_after_all_that(servers) -> None:
    reply = post(servers.rasa_url, body(sender=sender(), message="does it hurt?"))
    assert reply.status == 200
    assert answer("utter_faq/does_it_hurt") in reply.body[0]["text"]
