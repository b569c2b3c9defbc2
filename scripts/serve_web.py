"""Serves the demo clinic page and the chat widget (web/), plus /clinic.json.

    python scripts/serve_web.py [--port 8080] [--bind 127.0.0.1]

/clinic.json carries the clinic's public details from content/clinic.yml, so
the widget's "not for emergencies" line shows the clinic's own emergency number.
A clinic serving widget.js from its own web server copies web/ and writes
clinic.json the same way (README).
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.settings import CONTENT_DIR, parse_clinic, read_yaml  # noqa: E402


class WebHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] == "/clinic.json":
            # Read on each request, so a staff edit of content/clinic.yml shows at once.
            clinic = parse_clinic(read_yaml(CONTENT_DIR / "clinic.yml"))
            body = json.dumps({"name": clinic.name, "phone": clinic.phone, "emergency_number": clinic.emergency_number})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass  # request lines are not needed, and keep visitors' addresses out of logs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.bind, args.port), partial(WebHandler, directory=str(ROOT / "web")))
    server.serve_forever()


if __name__ == "__main__":
    main()
