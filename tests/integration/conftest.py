"""A patient talking to the running servers (the `servers` fixture is in tests/conftest.py)."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import pytest


@dataclass
class Reply:
    status: int
    body: object
    headers: dict[str, str]

    @property
    def text(self) -> str:
        """The assistant's messages joined, or "HTTP <status>" for a refused request."""
        if self.status != 200:
            return f"HTTP {self.status}"
        return " ".join(m.get("text", "") for m in self.body)


def patient_address(conversation: str) -> str:
    """A made-up address for one simulated patient (in 198.18.0.0/15, kept for tests), the same for every message.

    The test servers run as behind the clinic's reverse proxy (CLINIC_PROXIES_COUNT=1 in tests/conftest.py), so
    each conversation arrives from its own patient's address, as real ones do, under the shipped rate limits.
    """
    digest = hashlib.sha256(conversation.encode()).digest()
    return f"198.{18 + digest[0] % 2}.{digest[1]}.{digest[2]}"


def post(base_url: str, body: bytes, headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:
    """POST raw bytes to the webhook, from a new patient's address unless `headers` name one; any HTTP status
    comes back as a Reply rather than an exception."""
    headers = {
        "Content-Type": "application/json", "X-Forwarded-For": patient_address(uuid.uuid4().hex), **(headers or {})
    }  # fmt: skip
    request = urllib.request.Request(f"{base_url}/webhooks/rest/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, json.load(response), dict(response.headers))
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return Reply(error.code, parsed, dict(error.headers))


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET a URL: (status, body), whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def status_of(url: str) -> int:
    return get(url)[0]


def say(base_url: str, sender: str, text: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:
    """One message from one conversation, as the web chat sends it, from that conversation's patient's address."""
    headers = {"X-Forwarded-For": patient_address(sender), **(headers or {})}
    return post(base_url, json.dumps({"sender": sender, "message": text}).encode(), headers, timeout)


class Patient:
    """One conversation through the REST webhook, as the website sends it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sender = uuid.uuid4().hex

    def say(self, message: str) -> list[dict]:
        reply = say(self.base_url, self.sender, message)
        assert reply.status == 200, reply
        return reply.body

    def text(self, message: str) -> str:
        return " ".join(m.get("text", "") for m in self.say(message))


@pytest.fixture()
def patient(servers) -> Patient:
    return Patient(servers.rasa_url)
