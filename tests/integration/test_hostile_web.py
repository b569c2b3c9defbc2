"""The webhook against a hostile web (issue 15), over HTTP: each case reproduces what the review of 011a591 found.

1. Deeply nested JSON was a 500 with a stack trace in the log, every time.
2. Any web site could write into a conversation with a "simple" request (text/plain or a form), which a
   browser sends cross-site without asking first; CORS only hid the reply.
3. (tests/integration/test_bad_input.py) README's `patient-1`, or `default`, joined that conversation.
4. (tests/integration/test_rate_limits.py, tests/unit/rasa_addons/test_channel.py) Rate limits that vanished.
5. Version banners, CORS with credentials and no max-age, no Content-Security-Policy on the page; half a
   UTF-16 pair made the pipeline raise, with a stack trace per message.
"""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest

from tests.conftest import ROOT, answer, stored_events
from tests.integration.conftest import get, post

RASA_LOG = ROOT / "var" / "log" / "rasa.log"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"sender": "0123456789abcdef0123456789abcdef", "message": "hi", "x": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
        b'{"a":' * 3_000 + b"1" + b"}" * 3_000,
    ],
    ids=["30000 nested lists", "5000 nested lists in an extra key", "3000 nested objects"],
)
def test_deeply_nested_json_is_a_400_with_one_log_line_and_no_stack_trace(servers, body: bytes) -> None:
    logged_before = RASA_LOG.stat().st_size
    reply = post(servers.rasa_url, body)
    assert reply.status == 400 and "nested too deeply" in reply.body["error"]
    logged = RASA_LOG.read_text(errors="replace")[logged_before:]
    assert "Traceback" not in logged and logged.count("Refused a request: 400") == 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "https://evil.example", "Content-Type": "text/plain"}, 403),
        ({"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}, 403),
        ({"Content-Type": "text/plain"}, 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ],
)
def test_another_site_cannot_write_into_a_conversation(servers, headers: dict, status: int) -> None:
    sender = uuid.uuid4().hex
    body = json.dumps({"sender": sender, "message": "my arm hurts after treatment"}).encode()
    assert post(servers.rasa_url, body, headers).status == status
    assert stored_events(sender) == []


def test_no_version_banners_and_cors_without_credentials(servers) -> None:
    # Issue 15, item 5: Rasa's `/` said "Hello from Rasa: 3.6.21"; its CORS sent Allow-Credentials: true and
    # Max-Age: None (a preflight before every message).
    status, body = get(f"{servers.rasa_url}/")
    assert status == 200 and b"Rasa" not in body and b"3.6" not in body
    preflight = urllib.request.Request(
        f"{servers.rasa_url}/webhooks/rest/webhook", method="OPTIONS",
        headers={"Origin": servers.web_url, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip
    with urllib.request.urlopen(preflight, timeout=30) as reply:
        assert reply.headers["Access-Control-Allow-Origin"] == servers.web_url
        assert reply.headers["Access-Control-Allow-Credentials"] is None
        assert reply.headers["Access-Control-Max-Age"] == "600"
    with urllib.request.urlopen(f"{servers.web_url}/", timeout=30) as page:
        assert page.headers["Server"] is None and "frame-ancestors" in page.headers["Content-Security-Policy"]


def test_half_a_utf16_pair_is_dropped_and_the_question_answered_without_a_stack_trace(servers) -> None:
    # Issue 15, item 5: "\ud800" in the JSON made the pipeline raise: the patient got the apology and the log a
    # stack trace, for every such message.
    logged_before = RASA_LOG.stat().st_size
    body = b'{"sender": "%s", "message": "\\ud800does it hurt?\\udfff"}' % uuid.uuid4().hex.encode()
    reply = post(servers.rasa_url, body)
    assert reply.status == 200 and answer("utter_faq/does_it_hurt") in reply.text
    assert "Traceback" not in RASA_LOG.read_text(errors="replace")[logged_before:]
