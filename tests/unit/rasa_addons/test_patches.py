"""Rasa's own code, changed in rasa_addons/patches/: each patch keeps Rasa's contract; other releases are refused."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import subprocess
import sys
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
from rasa.shared.importers.importer import ResponsesSyncImporter
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from clinic.content import load_clinic
from clinic.settings import load_settings
from rasa_addons import patches
from rasa_addons.nlg import ClinicResponseGenerator, PatchesNotInstalled
from rasa_addons.patches import action_reply_schema, action_timeout, answer_words, event_types, model_loading

ROOT = Path(__file__).resolve().parents[3]
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
    patches.install()
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


def test_install_puts_each_patch_in_once(remote_action: RemoteAction) -> None:
    patches.install()
    assert RemoteAction._validate_action_result is action_reply_schema.validate_action_result
    assert RemoteAction.run is action_timeout.run_or_apologise
    assert all(patches.installed(name) for name in (*patches.SAFETY, *patches.SPEED, *patches.TRAINING))


def test_event_types_resolve_as_rasa_resolves_them() -> None:
    for event_class in all_subclasses(Event):
        name = event_class.type_name
        assert event_types.resolve_event_type(name) is event_types.rasa_resolve_by_type(name)
    assert event_types.resolve_event_type("topic") is None
    assert event_types.resolve_event_type("no_such_event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name"):
        event_types.resolve_event_type("no_such_event")


def model_weights(model_path: Path, load: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, np.ndarray]:
    patches.install()  # before the patch below, so that it is the one in place while the model loads
    monkeypatch.setattr(RasaModel, "load", classmethod(load))
    agent = asyncio.run(load_agent(model_path=str(model_path)))
    models = [node for node in gc.get_objects() if isinstance(node, RasaModel)]
    weights = {f"{type(m).__name__}/{v.name}": v.numpy() for m in models for v in m.variables}
    del agent, models
    gc.collect()
    return weights


@pytest.mark.skipif(not MODEL.exists(), reason="needs the trained model: make train")
def test_models_loaded_for_prediction_hold_the_trained_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    rasa_loaded = model_weights(MODEL, model_loading.rasa_load, monkeypatch)
    ours = model_weights(MODEL, model_loading.load_for_prediction, monkeypatch)
    assert {"DIET", "DIET2BOW"} <= {name.split("/")[0] for name in ours}  # DIET and the ResponseSelector
    assert ours.keys() == rasa_loaded.keys()
    for name, value in rasa_loaded.items():
        np.testing.assert_array_equal(ours[name], value, err_msg=name)


def apologise_when_running(url: str) -> tuple[list, float]:
    """Run a custom action against `url` with the patches in; its events and the seconds it took."""
    patches.install()
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
        patches.install()
        monkeypatch.setattr(rasa_actions, "DEFAULT_REQUEST_TIMEOUT", aiohttp.ClientTimeout(total=1))
        events, seconds = apologise_when_running(f"http://127.0.0.1:{listener.getsockname()[1]}/webhook")
    finally:
        listener.close()
    assert seconds < 5
    assert load_clinic().phone in events[0].text


def test_the_default_action_timeout_leaves_time_to_answer_within_10_seconds() -> None:
    patches.install()
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT.total == load_settings({}).action_timeout_seconds <= 8


def nlu_fingerprint(responses_for_nlu: Any, wording: str) -> str:
    return responses_for_nlu({"utter_faq/does_it_hurt": [{"text": wording}]}).fingerprint()


def test_a_wording_edit_changes_rasas_nlu_data_but_not_ours() -> None:
    """Rasa copies the answers' words into NLU (RasaHQ/rasa#10751); the patch hands NLU their names only."""
    before, after = "Iontophoresis is not painful.", "Iontophoresis does not hurt."
    assert nlu_fingerprint(answer_words.rasa_responses_for_nlu, before) != nlu_fingerprint(
        answer_words.rasa_responses_for_nlu, after
    )
    assert nlu_fingerprint(answer_words.responses_for_nlu, before) == nlu_fingerprint(
        answer_words.responses_for_nlu, after
    )
    patches.install()
    assert ResponsesSyncImporter._get_nlu_data_with_responses is answer_words.responses_for_nlu


def test_the_response_generator_refuses_a_server_started_without_the_patches(monkeypatch) -> None:
    monkeypatch.setattr(patches, "_installed", set())
    with pytest.raises(PatchesNotInstalled, match="python -m rasa_addons run"):
        ClinicResponseGenerator(domain=Domain.empty())


def test_the_rasa_side_refuses_to_start_on_another_rasa_version(tmp_path: Path) -> None:
    fake = tmp_path / "rasa"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "version.py").write_text('__version__ = "3.7.0"\n')
    started = subprocess.run(
        [sys.executable, "-m", "rasa_addons", "run"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert started.returncode == 2
    assert f"written for Rasa {patches.SUPPORTED_RASA_VERSION}" in started.stderr
    assert "this is Rasa 3.7.0. Not starting." in started.stderr
