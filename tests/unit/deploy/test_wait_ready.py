"""deploy/wait_ready.py calls the assistant ready only when a custom action has answered."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy import wait_ready

GREETING = [{"text": "Hello!", "buttons": [{"title": "What is it?", "payload": '/choose_faq{"faq_topic": "what_is"}'}]}]
LEAFLET_ANSWER = [{"text": "Iontophoresis is a way of getting medicine into your body..."}]
ACTION_FAILED = [{"text": "Sorry, I can't do that right now. Please contact the clinic on 01632 960 000."}]


def fake_assistant(second_reply: list[dict], readiness: int = 200) -> tuple[ThreadingHTTPServer, list[str]]:
    """A webhook greeting with a suggested question, answering it with `second_reply`; /health/ready: `readiness`."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            received.append(f"GET {self.path}")
            self.send_response(readiness if self.path == "/health/ready" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["message"]
            received.append(message)
            body = json.dumps(GREETING if message == "/greet" else second_reply).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


@pytest.mark.parametrize(("second_reply", "ready"), [(LEAFLET_ANSWER, True), (ACTION_FAILED, False), ([], False)])
def test_ready_only_when_the_suggested_question_is_answered(second_reply: list[dict], ready: bool) -> None:
    server, received = fake_assistant(second_reply)
    try:
        assert wait_ready.ready(f"http://127.0.0.1:{server.server_port}") is ready
    finally:
        server.shutdown()
    # the readiness check, then the custom action was asked for
    assert received == ["GET /health/ready", "/greet", '/choose_faq{"faq_topic": "what_is"}']


def test_a_failing_readiness_check_is_not_ready_and_sends_no_message() -> None:
    server, received = fake_assistant(LEAFLET_ANSWER, readiness=503)
    try:
        assert wait_ready.ready(f"http://127.0.0.1:{server.server_port}") is False
    finally:
        server.shutdown()
    assert received == ["GET /health/ready"]


def test_a_server_without_the_readiness_route_is_probed_by_conversation_alone() -> None:
    server, received = fake_assistant(LEAFLET_ANSWER, readiness=404)  # Rasa as shipped (bench/stock_rasa.py)
    try:
        assert wait_ready.ready(f"http://127.0.0.1:{server.server_port}") is True
    finally:
        server.shutdown()
    assert received[1:] == ["/greet", '/choose_faq{"faq_topic": "what_is"}']


def test_nothing_listening_is_not_ready() -> None:
    assert wait_ready.ready("http://127.0.0.1:9") is False
