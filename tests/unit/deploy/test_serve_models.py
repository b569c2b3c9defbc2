"""deploy/serve_models.py: 304 while the model is unchanged, and the model streamed, never read into memory whole."""

from __future__ import annotations

import threading
import tracemalloc
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from clinic.settings import settings
from deploy.serve_models import ModelHandler


@pytest.fixture()
def model_server(tmp_path, monkeypatch):
    model = tmp_path / "current.tar.gz"
    with model.open("wb") as handle:  # 64 MB, mostly a hole on disk
        handle.truncate(64 << 20)
        handle.write(b"model")
    monkeypatch.setenv("CLINIC_MODEL_FILE", str(model))
    settings.cache_clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), ModelHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/models/current.tar.gz", model
    server.shutdown()
    settings.cache_clear()


def fetch(url: str, etag: str | None = None) -> tuple[int, str, int]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request) as reply:
            size = sum(len(block) for block in iter(lambda: reply.read(1 << 20), b""))
            return reply.status, reply.headers["ETag"], size
    except urllib.error.HTTPError as error:
        return error.code, error.headers["ETag"], 0


def test_the_model_is_sent_once_then_304_until_it_changes(model_server) -> None:
    url, model = model_server
    status, etag, size = fetch(url)
    assert (status, size) == (200, model.stat().st_size)
    assert fetch(url, etag)[:2] == (304, etag)
    model.write_bytes(b"a newly trained model")
    status, new_etag, size = fetch(url, etag)
    assert (status, size) == (200, 21) and new_etag != etag


def test_the_model_is_streamed_not_read_into_memory(model_server) -> None:
    url, _ = model_server
    tracemalloc.start()
    try:
        assert fetch(url)[0] == 200
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # the whole 64 MB file was held in memory before (Path.read_bytes per request)
