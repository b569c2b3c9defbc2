"""Serves the demo clinic page and the chat widget (web/), plus /clinic.json.

    python -m deploy.serve_web [--port PORT] [--bind ADDRESS]   (defaults: CLINIC_WEB_PORT, CLINIC_BIND_ADDRESS)

/clinic.json carries the clinic's public details from content/clinic.yml, so
the widget's "not for emergencies" line shows the clinic's own emergency
number, and the longest message the assistant accepts (CLINIC_MAX_MESSAGE_CHARS).
A clinic serving widget.js from its own web server copies web/ and writes
clinic.json the same way (README).

Every response carries a Content-Security-Policy: scripts, styles and images
from this site only, requests only to this site and the Rasa server, and
framing only by the pages in CLINIC_ORIGINS (a hostile page cannot frame the
chat to trick a patient into typing into it); no `Server:` banner says what
runs here.
"""

from __future__ import annotations

import argparse
import json
import re
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from clinic.content import load_clinic
from clinic.settings import PROJECT_ROOT, settings

DEMO_PAGE = PROJECT_ROOT / "web" / "index.html"
# The demo page's widget talks to the Rasa server this machine runs, on whatever port CLINIC_RASA_PORT says.
SERVER_ATTRIBUTE = re.compile(r'data-server="[^"]*"')


def demo_page(rasa_port: int) -> bytes:
    page = DEMO_PAGE.read_text(encoding="utf-8")
    return SERVER_ATTRIBUTE.sub(f'data-server="http://localhost:{rasa_port}"', page, count=1).encode()


def content_security_policy(rasa_port: int, origins: tuple[str, ...]) -> str:
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
        f"connect-src 'self' http://localhost:{rasa_port}", f"frame-ancestors 'self' {' '.join(origins)}",
        "base-uri 'none'", "form-action 'none'",
    ])  # fmt: skip


class WebHandler(SimpleHTTPRequestHandler):
    def send_response(self, code: int, message: str | None = None) -> None:
        # http.server's own send_response adds "Server: SimpleHTTP/0.6 Python/3.10.13": a version banner.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def _send(self, content_type: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path in ("/", "/index.html"):
            self._send("text/html; charset=utf-8", demo_page(settings().rasa_port))
            return
        if path == "/clinic.json":
            clinic = load_clinic()  # re-read when staff change content/clinic.yml
            body = json.dumps({
                "name": clinic.name, "phone": clinic.phone, "emergency_number": clinic.emergency_number,
                "max_message_chars": settings().max_message_chars,
            })  # fmt: skip
            self._send("application/json", body.encode())
            return
        super().do_GET()

    def end_headers(self) -> None:
        values = settings()
        self.send_header("Content-Security-Policy", content_security_policy(values.rasa_port, values.origins))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # request lines are not needed, and keep visitors' addresses out of logs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=settings().web_port)
    parser.add_argument("--bind", default=settings().bind_address)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.bind, args.port), partial(WebHandler, directory=str(PROJECT_ROOT / "web")))
    server.serve_forever()


if __name__ == "__main__":
    main()
