"""clinic/monitoring.py: who may read /metrics, and the keyed hash naming a conversation in logs."""

from __future__ import annotations

import stat

import pytest

from clinic import monitoring


@pytest.mark.parametrize(
    ("peer", "authorization", "token", "allowed"),
    [
        ("127.0.0.1", None, "", True),
        ("::1", None, "", True),
        ("10.0.0.7", None, "", False),
        ("203.0.113.9", "Bearer anything", "", False),  # no token set: only this machine
        ("", None, "", False),
        ("203.0.113.9", "Bearer s3cret", "s3cret", True),
        ("127.0.0.1", None, "s3cret", False),  # a token set: everyone needs it
        ("127.0.0.1", "Bearer wrong", "s3cret", False),
        ("127.0.0.1", "s3cret", "s3cret", False),
    ],
)
def test_metrics_are_for_this_machine_or_the_token_holder(peer, authorization, token, allowed) -> None:
    assert monitoring.metrics_allowed(peer, authorization, token) is allowed


def test_the_conversation_hash_is_keyed_and_stable() -> None:
    one = monitoring.conversation_hash("abc123", b"key-1")
    assert one == monitoring.conversation_hash("abc123", b"key-1")
    assert one != monitoring.conversation_hash("abc123", b"key-2")
    assert one != monitoring.conversation_hash("abc124", b"key-1")
    assert len(one) == 16 and "abc123" not in one


def test_without_a_configured_key_one_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("CLINIC_LOG_HASH_KEY", raising=False)
    from clinic.settings import settings

    settings.cache_clear()
    try:
        key_file = tmp_path / "secrets" / "log-hash.key"
        first = monitoring.log_hash_key(key_file)
        assert first == monitoring.log_hash_key(key_file) and len(first) == 64
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    finally:
        settings.cache_clear()
