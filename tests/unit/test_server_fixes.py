"""The fixes to Rasa's server code keep Rasa's contract (components/server_fixes.py)."""

from __future__ import annotations

import asyncio
import gc
import socket
import time
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import numpy as np
import pytest
import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import load_agent
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from actions.settings import load_clinic
from components import server_fixes
from components.clinic_nlg import ClinicResponseGenerator

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"

REPLIES = [
    {"events": [{"event": "slot", "name": "flare_hours", "value": 24}], "responses": [{"text": "ok"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "active_loop", "name": None}]},
    {"events": "not a list", "responses": []},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [], "responses": ["not an object"]},
]


def rasa_accepts(reply: dict) -> bool:
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError:
        return False
    return True


@pytest.fixture
def remote_action() -> RemoteAction:
    server_fixes.apply()
    return RemoteAction("validate_flare_form", EndpointConfig("http://localhost:5055/webhook"))


@pytest.mark.parametrize("reply", REPLIES)
def test_action_replies_are_judged_as_rasa_judges_them(remote_action: RemoteAction, reply: dict) -> None:
    if rasa_accepts(reply):
        assert remote_action._validate_action_result(reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            remote_action._validate_action_result(reply)


def test_both_kinds_of_reply_are_in_the_table() -> None:
    verdicts = {rasa_accepts(reply) for reply in REPLIES}
    assert verdicts == {True, False}


def test_apply_installs_the_fix_once(remote_action: RemoteAction) -> None:
    server_fixes.apply()
    assert RemoteAction._validate_action_result is server_fixes.validate_action_result


def test_event_types_resolve_as_rasa_resolves_them() -> None:
    for event_class in all_subclasses(Event):
        name = event_class.type_name
        assert server_fixes.resolve_event_type(name) is server_fixes._rasa_resolve_by_type(name)
    assert server_fixes.resolve_event_type("topic") is None
    assert server_fixes.resolve_event_type("no_such_event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        server_fixes.resolve_event_type("no_such_event")


def model_weights(model_path: Path, load: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, np.ndarray]:
    server_fixes.apply()  # before the patch below, or loading the pipeline would apply it over the patch
    monkeypatch.setattr(RasaModel, "load", classmethod(load))
    agent = asyncio.run(load_agent(model_path=str(model_path)))
    models = [node for node in gc.get_objects() if isinstance(node, RasaModel)]
    weights = {f"{type(m).__name__}/{v.name}": v.numpy() for m in models for v in m.variables}
    del agent, models
    gc.collect()
    return weights


@pytest.mark.skipif(not MODEL.exists(), reason="needs the trained model: make train")
def test_models_loaded_for_prediction_hold_the_trained_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    rasa_loaded = model_weights(MODEL, server_fixes._rasa_load, monkeypatch)
    ours = model_weights(MODEL, server_fixes.load_for_prediction, monkeypatch)
    assert {"DIET", "DIET2BOW"} <= {name.split("/")[0] for name in ours}  # DIET and the ResponseSelector
    assert ours.keys() == rasa_loaded.keys()
    for name, value in rasa_loaded.items():
        np.testing.assert_array_equal(ours[name], value, err_msg=name)


def apologise_when_running(url: str) -> tuple[list, float]:
    """Run a custom action against `url` with the fixes in; its events and the seconds it took."""
    server_fixes.apply()
    domain = Domain.load(str(ROOT / "domain.yml"))
    action = RemoteAction("action_flare_advice", EndpointConfig(url))
    tracker = DialogueStateTracker.from_events("patient", [], slots=domain.slots)
    started = time.monotonic()
    events = asyncio.run(action.run(CollectingOutputChannel(), ClinicResponseGenerator(domain=domain), tracker, domain))
    return events, time.monotonic() - started


def test_an_action_server_that_is_down_gets_the_patient_the_clinic_number() -> None:
    events, _ = apologise_when_running("http://127.0.0.1:9/webhook")  # nothing listens on port 9
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert "can't do that right now" in events[0].text
    assert load_clinic().phone in events[0].text


def test_a_hanging_action_server_is_given_up_on_after_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts connections, never answers
    try:
        server_fixes.apply()
        monkeypatch.setattr(rasa_actions, "DEFAULT_REQUEST_TIMEOUT", aiohttp.ClientTimeout(total=1))
        events, seconds = apologise_when_running(f"http://127.0.0.1:{listener.getsockname()[1]}/webhook")
    finally:
        listener.close()
    assert seconds < 5
    assert load_clinic().phone in events[0].text


def test_the_default_action_timeout_leaves_time_to_answer_within_10_seconds() -> None:
    server_fixes.apply()
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT.total == server_fixes.action_timeout_seconds() <= 8
