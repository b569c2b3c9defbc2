"""Serves the newest trained model to the Rasa server, which checks for a new one every few seconds.

    python -m deploy.serve_models [--port PORT] [--bind 127.0.0.1]   (default: CLINIC_MODEL_PORT)

Rasa's model-server polling (endpoints.yml, `models:`) sends the current
model's ETag in `If-None-Match`; this answers 304 until `make train` puts a
different models/current.tar.gz (CLINIC_MODEL_FILE) in place, then sends it with its new ETag and
the running server switches to it with no restart (conversations continue:
they live in the tracker store, not in the model). The model (about 150 MB)
is streamed from the file, never read into memory whole.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO

from clinic.settings import settings

_etags: dict[tuple[int, int], str] = {}


def etag(handle: BinaryIO) -> str:
    """The open file's SHA-256, worked out once per version of the file."""
    stat = os.fstat(handle.fileno())
    key = (stat.st_mtime_ns, stat.st_size)
    if key not in _etags:
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        handle.seek(0)
        _etags.clear()
        _etags[key] = digest.hexdigest()[:32]
    return _etags[key]


class ModelHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        model = settings().model_file
        if self.path.split("?")[0] != "/models/current.tar.gz" or not model.exists():
            self.send_error(404)
            return
        # One open file for the tag and the body: `make train` may rename a new model into place meanwhile.
        with model.open("rb") as handle:
            tag = etag(handle)
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", tag)
            self.send_header("Content-Type", "application/gzip")
            self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
            self.end_headers()
            shutil.copyfileobj(handle, self.wfile, 1 << 20)

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
