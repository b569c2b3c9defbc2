"""The web chat's webhook refuses what it should and passes on clean text (rasa_addons/channel/rest.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from clinic.monitoring import is_loopback
from clinic.settings import settings
from rasa_addons.channel.rest import (
    ClinicRestInput,
    RequestError,
    answer_rated,
    as_typed_text,
    check_origin_and_type,
    clean_text,
    last_replies,
    offered_payloads,
    parse_request,
    problem_reply,
)
from tests.unit.conftest import edit

LIMIT = 1000


SENDER = "0123456789abcdef0123456789abcdef"


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400),
        (b"not json", 400),
        (b"\xff\xfe{}", 400),  # not UTF-8
        (b"[1, 2]", 400),
        (b'"a string"', 400),
        (b"null", 400),
        (body(message="hi"), 400),  # no sender: never the shared "default" conversation
        (body(sender="", message="hi"), 400),
        (body(sender=42, message="hi"), 400),
        (body(sender="a b", message="hi"), 400),
        (body(sender="x" * 65, message="hi"), 400),
        (body(sender="abc"), 400),
        (body(sender="abc", message=None), 400),
        (body(sender="abc", message=["hi"]), 400),
        (body(sender=SENDER, message="x" * (LIMIT + 1)), 413),
        (body(sender=SENDER, message="x" * 100_000), 413),
        # Guessable ids (issue 15): whoever sends one joins that conversation.
        (body(sender="abc", message="hi"), 400),
        (body(sender="patient-1", message="hi"), 400),
        (body(sender="default", message="hi"), 400),
        (body(sender=SENDER[:-1], message="hi"), 400),
        (body(sender="6ba7b810-9dad-11d1-80b4-00c04fd430c8", message="hi"), 400),  # a UUID1: time and MAC
        # Nesting past Python's recursion limit (issue 15: a 500 and a stack trace per request before).
        (b"[" * 30_000 + b"]" * 30_000, 400),
        (b'{"sender": "abc", "message": "hi", "x": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", 400),
        (b'{"a":' * 3_000 + b"1" + b"}" * 3_000, 400),
    ],
)
def test_bad_requests_are_refused_with_a_reason(raw: bytes, status: int) -> None:
    with pytest.raises(RequestError) as refused:
        parse_request(raw, LIMIT)
    assert refused.value.status == status
    assert refused.value.reason


@pytest.mark.parametrize(
    ("origin", "content_type", "status"),
    [
        ("https://evil.example", "application/json", 403),  # another site's page
        ("https://evil.example", "text/plain", 403),
        (None, "text/plain", 415),  # a "simple" request: a browser sends it cross-site without asking first
        (None, "application/x-www-form-urlencoded", 415),
        (None, None, 415),
    ],
)
def test_only_json_from_no_page_or_the_clinics_own_is_read(origin, content_type, status) -> None:
    with pytest.raises(RequestError) as refused:
        check_origin_and_type(origin, content_type)
    assert refused.value.status == status


def test_json_from_the_clinics_page_or_from_no_page_is_read() -> None:
    own_page = settings().origins[0]
    check_origin_and_type(own_page, "application/json; charset=utf-8")
    check_origin_and_type(None, "Application/JSON")


def test_a_good_request_gives_sender_and_clean_text() -> None:
    assert parse_request(body(sender=SENDER, message="  does it hurt?\n"), LIMIT) == (SENDER, "does it hurt?")
    assert parse_request(body(sender=SENDER, message="x" * LIMIT), LIMIT) == (SENDER, "x" * LIMIT)
    uuid4 = "1b4e28ba-2fa1-4d2e-883f-0016d3cca427"
    assert parse_request(body(sender=uuid4, message="hi"), LIMIT) == (uuid4, "hi")


def test_a_guessable_id_is_refused_with_the_form_an_id_must_take() -> None:
    with pytest.raises(RequestError) as refused:
        parse_request(body(sender="patient-1", message="hi"), LIMIT)
    assert "32 hex digits (128 random bits" in refused.value.reason


def test_an_integration_may_name_its_own_conversations_when_the_setting_says_so() -> None:
    assert parse_request(body(sender="patient-1", message="hi"), LIMIT, any_sender=True) == ("patient-1", "hi")
    with pytest.raises(RequestError):
        parse_request(body(sender="a b", message="hi"), LIMIT, any_sender=True)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("   ", ""),
        ("\t\n", ""),
        ("does\x00 it\x07 hurt\x1b?", "does it hurt?"),
        ("line one\nline two", "line one line two"),
        ("ça fait mal? 😬", "ça fait mal? 😬"),
        ("هل يؤلم؟", "هل يؤلم؟"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # shown as text by the widget
        ("\ud800does it hurt\udfff?", "does it hurt?"),  # lone halves of UTF-16 pairs, as JSON can send them
    ],
)
def test_control_characters_go_and_everything_else_stays(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned


def bot(*payloads: str) -> BotUttered:
    return BotUttered("question", {"buttons": [{"title": p, "payload": p} for p in payloads]})


def test_only_buttons_offered_since_the_patient_last_wrote_count() -> None:
    events = [bot("/old"), UserUttered("hi"), bot("/affirm", "/deny"), ActionExecuted("action_listen")]
    assert offered_payloads(last_replies(events)) == {"/affirm", "/deny"}
    assert offered_payloads(last_replies([bot("/old"), UserUttered("hi")])) == set()
    assert offered_payloads(last_replies([])) == set()


def test_a_helpful_press_names_the_answer_it_was_offered_under() -> None:
    helpful = '/feedback{"helpful": "no"}'
    answer = BotUttered("It is not painful.", {"buttons": [{"payload": helpful}]}, {"utter_action": "utter_faq/x"})
    replies = last_replies([UserUttered("does it hurt"), answer, bot("/affirm")])
    assert answer_rated(helpful, replies) == ("utter_faq/x", "no")
    assert answer_rated('/feedback{"helpful": "yes"}', replies) is None  # not offered
    assert answer_rated("/affirm", replies) is None


@pytest.mark.parametrize(
    ("typed", "text"), [("/restart", "restart"), ('/faq{"x": 1}', 'faq{"x": 1}'), ("//urgent", "urgent"), ("/", "?")]
)
def test_typed_payloads_become_words(typed: str, text: str) -> None:
    assert as_typed_text(typed) == text


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("127.5.5.5", True), ("203.0.113.9", False), ("not an address", False)],
)
def test_only_this_machines_addresses_are_loopback(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_a_staff_edit_of_the_phone_number_shows_in_the_next_failure_apology(content_dir) -> None:
    """The apology is built when Rasa itself failed; it reads content/clinic.yml as it is now, no restart."""
    assert "01632 960 000" in problem_reply()
    edit(content_dir / "clinic.yml", "01632 960 000", "01632 960 777")
    assert "01632 960 777" in problem_reply()


def test_the_channels_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_MAX_MESSAGE_CHARS", "300")
    monkeypatch.setenv("CLINIC_RATE_LIMIT_PER_ADDRESS", "off")
    channel = ClinicRestInput.from_credentials(None)
    assert channel.max_message_chars == 300
    assert channel.per_address is None
    assert channel.per_conversation is not None and channel.per_conversation.rules[0].burst == 20
    assert channel.max_concurrent == 2


def test_a_shared_lock_store_lets_a_server_work_on_more_messages_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_LOCK_STORE_URL", "redis://127.0.0.1:6380/1")
    assert ClinicRestInput().max_concurrent == 4


def test_limits_written_in_credentials_yml_are_refused_with_where_they_belong() -> None:
    with pytest.raises(ValueError, match="CLINIC_ environment variables"):
        ClinicRestInput.from_credentials({"max_message_chars": 500})


@dataclass
class FakeRequest:
    """What the limits read of a Sanic request: the connection's address, the forwarded one, the headers."""

    ip: str
    remote_addr: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def allowed(channel: ClinicRestInput, request: FakeRequest, senders: list[str]) -> list[bool]:
    return [channel._retry_after(request, sender) == 0 for sender in senders]


def test_this_machines_own_address_is_limited_like_any_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind a proxy on the same host with CLINIC_PROXIES_COUNT unset, every patient is loopback: before
    issue 15 that address was never limited, so the per-address limit vanished without a word."""
    monkeypatch.setenv("CLINIC_RATE_LIMIT_PER_ADDRESS", "3/60")
    monkeypatch.setenv("CLINIC_RATE_LIMIT_NEW_CONVERSATIONS_PER_ADDRESS", "off")
    channel = ClinicRestInput()
    for address in ["127.0.0.1", "::1"]:
        assert allowed(channel, FakeRequest(address), [uuid.uuid4().hex for _ in range(4)]) == [True] * 3 + [False]


def test_one_address_rotating_conversation_ids_is_refused_after_the_new_conversation_burst() -> None:
    """With the default limits: a new id for every message escapes the per-conversation limit, not this one."""
    channel = ClinicRestInput()
    burst = channel.new_conversations.rules[0].burst
    assert burst < channel.per_address.rules[0].burst  # it is this limit, not the per-address one, that refuses
    patient = FakeRequest("203.0.113.9")
    senders = [uuid.uuid4().hex for _ in range(burst + 1)]
    assert allowed(channel, patient, senders) == [True] * burst + [False]
    # The conversations already started go on; another address starts its own.
    assert allowed(channel, patient, senders[:3]) == [True] * 3
    assert allowed(channel, FakeRequest("203.0.113.10"), [uuid.uuid4().hex]) == [True]


def test_behind_a_proxy_each_forwarded_address_has_its_own_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_PROXIES_COUNT", "1")
    monkeypatch.setenv("CLINIC_RATE_LIMIT_NEW_CONVERSATIONS_PER_ADDRESS", "1/60")
    channel = ClinicRestInput()
    proxied = {"x-forwarded-for": "198.51.100.1"}
    assert allowed(
        channel, FakeRequest("127.0.0.1", "198.51.100.1", proxied), [uuid.uuid4().hex, uuid.uuid4().hex]
    ) == [True, False]
    assert allowed(channel, FakeRequest("127.0.0.1", "198.51.100.2", proxied), [uuid.uuid4().hex]) == [True]


def test_a_refused_message_does_not_count_as_a_conversation_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_RATE_LIMIT_PER_ADDRESS", "1/10")
    monkeypatch.setenv("CLINIC_RATE_LIMIT_NEW_CONVERSATIONS_PER_ADDRESS", "5/60")
    channel = ClinicRestInput()
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    assert allowed(channel, FakeRequest("203.0.113.9"), [first, second]) == [True, False]
    assert second not in channel.known_conversations
