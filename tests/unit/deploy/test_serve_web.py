"""deploy/serve_web.py: the demo page's chat talks to the configured Rasa port; clinic.json carries the limits."""

from __future__ import annotations

import threading
import urllib.request
from http.server import ThreadingHTTPServer

from clinic.settings import PROJECT_ROOT, settings
from deploy.serve_web import WebHandler, content_security_policy, demo_page


def test_the_demo_page_points_the_widget_at_the_configured_rasa_server() -> None:
    page = demo_page(5105).decode()
    assert 'data-server="http://localhost:5105"' in page
    assert "localhost:5005" not in page


def test_the_page_may_be_framed_and_call_out_only_as_the_settings_say() -> None:
    policy = content_security_policy(5105, ("http://localhost:8180",))
    assert "frame-ancestors 'self' http://localhost:8180" in policy
    assert "connect-src 'self' http://localhost:5105" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_every_response_has_the_policy_and_no_version_banner() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: WebHandler(*a, directory=str(PROJECT_ROOT / "web")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for path in ("/", "/widget.js", "/clinic.json"):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}{path}") as reply:
                assert reply.headers["Content-Security-Policy"] == content_security_policy(
                    settings().rasa_port, settings().origins
                )
                assert reply.headers["Server"] is None, path  # was "SimpleHTTP/0.6 Python/3.10.13"
    finally:
        server.shutdown()


def test_the_demo_page_has_no_inline_style_or_script_the_policy_would_block() -> None:
    page = demo_page(5105).decode()
    assert "<style" not in page and "<script>" not in page
