"""Serves the newest trained model to the Rasa server, which checks for a new one every few seconds.

    python -m deploy.serve_models [--port PORT] [--bind 127.0.0.1]   (default: CLINIC_MODEL_PORT)

Rasa's model-server polling (endpoints.yml, `models:`) sends the current
model's ETag in `If-None-Match`; this answers 304 until `make train` puts a
different models/current.tar.gz (CLINIC_MODEL_FILE) in place, then sends it with its new ETag and
the running server switches to it with no restart (conversations continue:
they live in the tracker store, not in the model).
"""

from __future__ import annotations

import argparse
import hashlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from clinic.settings import settings

_etags: dict[tuple[int, int], str] = {}


def etag(path: Path) -> str:
    """The file's SHA-256, worked out once per version of the file."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    if key not in _etags:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _etags.clear()
        _etags[key] = digest.hexdigest()[:32]
    return _etags[key]


class ModelHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        model = settings().model_file
        if self.path.split("?")[0] != "/models/current.tar.gz" or not model.exists():
            self.send_error(404)
            return
        tag = etag(model)
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        body = model.read_bytes()
        self.send_response(200)
        self.send_header("ETag", tag)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=settings().model_port)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args()
    ThreadingHTTPServer((args.bind, args.port), ModelHandler).serve_forever()


if __name__ == "__main__":
    main()
