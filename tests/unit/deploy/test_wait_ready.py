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


def fake_assistant(second_reply: list[dict]) -> tuple[ThreadingHTTPServer, list[str]]:
    """A webhook that greets with a suggested question and answers it with `second_reply`."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
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
    assert received == ["/greet", '/choose_faq{"faq_topic": "what_is"}']  # the custom action was asked for


def test_nothing_listening_is_not_ready() -> None:
    assert wait_ready.ready("http://127.0.0.1:9") is False
