"""What both servers share for monitoring: who may read /metrics, and how a conversation is named in logs.

The Rasa server (rasa_addons/monitoring.py) and the action server
(actions/monitoring.py) each serve their own metrics at /metrics. Metrics say
how many and how fast, never who or what: they are still not for the public
internet, so `metrics_allowed` answers only this machine's own (loopback)
addresses, or, when CLINIC_METRICS_TOKEN is set, only requests that carry it
as `Authorization: Bearer <token>`, from anywhere.

Logs a machine reads (one JSON line per message) name a conversation by a
keyed hash of its id: lines of one conversation can be followed, but nobody
can get from a line to the conversation id, or back, without the key
(CLINIC_LOG_HASH_KEY, or a random key made once in var/secrets/).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from clinic.settings import PROJECT_ROOT, settings

HASH_KEY_FILE = PROJECT_ROOT / "var" / "secrets" / "log-hash.key"


def is_loopback(address: str | None) -> bool:
    """True for this machine's own addresses (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def metrics_allowed(peer_address: str | None, authorization: str | None, token: str) -> bool:
    """Whether a request for /metrics is answered: with a token set, it must carry it; without, it must be local.

    `peer_address` is the address the connection comes from, never a forwarded
    one: behind nginx every request comes from loopback, which is why nginx
    does not pass /metrics on (deploy/cluster/nginx.conf.template).
    """
    if token:
        return hmac.compare_digest((authorization or "").encode(), f"Bearer {token}".encode())
    return is_loopback(peer_address)


def metrics_exposition(peer_address: str | None, authorization: str | None) -> tuple[int, bytes, str]:
    """(status, body, content type) of a /metrics request to either server: the metrics, or a 403."""
    if not metrics_allowed(peer_address, authorization, settings().metrics_token):
        return 403, b'{"error": "metrics are for this machine, or need the metrics token"}', "application/json"
    return 200, generate_latest(), CONTENT_TYPE_LATEST


def log_hash_key(key_file: Path = HASH_KEY_FILE) -> bytes:
    """CLINIC_LOG_HASH_KEY, else the key in var/secrets/ (made on first use, readable by its owner only)."""
    if settings().log_hash_key:
        return settings().log_hash_key.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


def conversation_hash(conversation_id: str, key: bytes) -> str:
    """The name of a conversation in machine-read logs: 16 hex digits of HMAC-SHA256 over its id."""
    return hmac.new(key, conversation_id.encode(), hashlib.sha256).hexdigest()[:16]
