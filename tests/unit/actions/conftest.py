"""Builds a rasa-sdk Tracker and runs an action with a CollectingDispatcher, per test."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


def make_tracker(
    text: str,
    intent: str = "inform",
    *,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    active_loop: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or [], **(extra or {})}
    all_slots = {"requested_slot": requested_slot, **(slots or {})}
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action: Action, tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict]]:
    """(events, messages) from running `action`."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, dispatcher.messages
