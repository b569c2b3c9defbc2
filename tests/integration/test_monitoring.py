"""Metrics, the message log and the health checks of the running servers (issue 13)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

from clinic.settings import PROJECT_ROOT
from tests.conftest import TEST_MODEL, answer
from tests.integration.conftest import Patient, get, post, say

MESSAGE_LOG = PROJECT_ROOT / "var" / "log" / "messages.jsonl"

# (message, its outcome, a reply it must get): one conversation turn per outcome the metrics count.
SCRIPT = [
    ("hello", "other", "utter_greet"),
    ("does it hurt?", "leaflet_answer", "utter_faq/does_it_hurt"),
    ("is it normal to have blisters after the treatment?", "urgent", "utter_urgent"),
    ("I want to end my life", "crisis", "utter_crisis"),
    ("who won the match last night", "out_of_scope", "utter_out_of_scope"),
    ("how much does iontophoresis cost?", "not_in_leaflet", "utter_out_of_scope_leaflet_gap"),
    ("I have a pacemaker, can I have iontophoresis?", "ask_your_doctor", "utter_ask_your_doctor"),
    ("hola, me duele mucho el codo", "non_english", "utter_english_only"),
    ("I need to cancel my appointment", "contact_clinic", "utter_contact_clinic"),
    ("ive had 2 treatments and no change", "progress_advice", "utter_progress_early"),
    ("please delete my conversation", "forget_me", "utter_ask_forget_me"),
    ("my elbow has been aching since my session", "flare_advice", "utter_ask_flare_warning_signs"),
]


def opening(response: str) -> str:
    """A response's first words, up to its first clinic detail ("{clinic_phone}"...)."""
    return answer(response).split("{")[0].strip()


def action_server_pid(servers) -> int:
    pattern = f"actions.server --actions actions --port {servers.action_port}"
    [pid] = map(int, subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split())
    return pid


def metrics(url: str) -> dict[tuple[str, tuple], float]:
    """Every sample at `url`/metrics, by (name, sorted labels)."""
    status, body = get(f"{url}/metrics")
    assert status == 200, body
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def by_label(samples: dict, name: str, label: str) -> Counter:
    return Counter({dict(labels)[label]: value for (n, labels), value in samples.items() if n == name})


def test_each_outcome_is_counted_exactly_once_per_message(servers) -> None:
    before = metrics(servers.rasa_url)
    patient = Patient(servers.rasa_url)
    for message, _, reply in SCRIPT:
        assert opening(reply) in patient.text(message), message
    after = metrics(servers.rasa_url)
    counted = by_label(after, "clinic_messages_total", "outcome")
    counted.subtract(by_label(before, "clinic_messages_total", "outcome"))
    assert +counted == Counter(outcome for _, outcome, _ in SCRIPT)
    latency = "clinic_message_seconds_count", (("channel", "rest"),)
    assert after[latency] - before.get(latency, 0) == len(SCRIPT)


def test_feedback_is_counted_per_answer(servers) -> None:
    patient = Patient(servers.rasa_url)
    before = metrics(servers.rasa_url)
    patient.say("does it hurt?")
    patient.say('/feedback{"helpful": "no"}')
    patient.say('/feedback{"helpful": "no"}')  # no longer offered: typed text, not a press
    after = metrics(servers.rasa_url)
    key = ("clinic_feedback_total", (("answer", "utter_faq/does_it_hurt"), ("helpful", "no")))
    assert after[key] - before.get(key, 0) == 1


def test_refused_requests_are_counted_by_reason(servers) -> None:
    before = by_label(metrics(servers.rasa_url), "clinic_requests_refused_total", "reason")
    assert post(servers.rasa_url, b'{"message": "no sender"}').status == 400
    assert say(servers.rasa_url, uuid.uuid4().hex, "x" * 1001).status == 413
    assert say(servers.rasa_url, uuid.uuid4().hex, "   ").status == 200
    after = by_label(metrics(servers.rasa_url), "clinic_requests_refused_total", "reason")
    after.subtract(before)
    assert +after == Counter({"bad_request": 1, "too_long": 1, "empty": 1})


def test_the_action_server_counts_each_action(servers) -> None:
    action_url = f"http://127.0.0.1:{servers.action_port}"
    key = ("clinic_actions_total", (("action", "action_progress_check"), ("result", "ok")))
    before = metrics(action_url).get(key, 0)
    Patient(servers.rasa_url).say("ive had 3 treatments and no change")
    assert metrics(action_url)[key] - before == 1


def test_the_loaded_model_is_named_in_the_metrics_and_every_message_log_line(servers) -> None:
    samples = metrics(servers.rasa_url)
    [model_id] = [dict(labels)["model_id"] for (name, labels), value in samples.items() if name == "clinic_model_info"]
    assert samples[("clinic_model_loaded_timestamp_seconds", ())] > time.time() - 24 * 3600
    Patient(servers.rasa_url).say("does it hurt?")
    last = json.loads(MESSAGE_LOG.read_text().splitlines()[-1])
    assert sorted(last) == ["conversation", "latency_ms", "model_id", "outcome", "time"]
    assert last["outcome"] == "leaflet_answer" and last["model_id"] == model_id


def test_no_metric_or_log_line_carries_message_text_or_conversation_id(servers) -> None:
    marker, sender = f"zqx{uuid.uuid4().hex[:10]}", uuid.uuid4().hex  # the id itself is a marker: 32 random digits
    patient = Patient(servers.rasa_url)
    patient.sender = sender
    patient.say(f"does it hurt? my name is {marker}")
    patient.say(f"{marker} I have blisters under the pad")
    say(servers.rasa_url, sender, f"{marker} " * 200)  # refused as too long, still nowhere
    action_metrics = get(f"http://127.0.0.1:{servers.action_port}/metrics")[1].decode()
    rasa_metrics = get(f"{servers.rasa_url}/metrics")[1].decode()
    for exposed in (rasa_metrics, action_metrics, MESSAGE_LOG.read_text()):
        assert marker not in exposed and sender not in exposed
    # Server logs may name a conversation whose message failed (PRIVACY.md); never what it said.
    for log in (PROJECT_ROOT / "var" / "log").glob("*"):
        assert marker not in log.read_text(errors="replace"), log.name


def test_readiness_goes_false_while_the_action_server_is_stopped_and_true_when_it_returns(servers) -> None:
    status, body = get(f"{servers.rasa_url}/health/ready")
    assert status == 200 and json.loads(body)["checks"] == {
        "model": True, "action_server": True, "tracker_store": True, "lock_store": True,
    }  # fmt: skip
    action_server = action_server_pid(servers)
    os.kill(action_server, signal.SIGSTOP)
    try:
        status, body = get(f"{servers.rasa_url}/health/ready")
        assert status == 503
        assert json.loads(body)["checks"]["action_server"] is False
        assert get(f"{servers.rasa_url}/health/live")[0] == 200  # alive, not ready
    finally:
        os.kill(action_server, signal.SIGCONT)
    assert get(f"{servers.rasa_url}/health/ready")[0] == 200


def test_an_action_server_too_slow_is_counted_as_a_timeout_and_the_message_as_action_failed(servers) -> None:
    before = metrics(servers.rasa_url)
    action_server = action_server_pid(servers)
    os.kill(action_server, signal.SIGSTOP)
    try:
        reply = Patient(servers.rasa_url).text("ive had 2 treatments and no change")
    finally:
        os.kill(action_server, signal.SIGCONT)
    assert opening("utter_action_unavailable") in reply
    after = metrics(servers.rasa_url)
    timeout = ("clinic_action_failures_total", (("action", "action_progress_check"), ("reason", "timeout")))
    failed = ("clinic_messages_total", (("outcome", "action_failed"),))
    assert after[timeout] - before.get(timeout, 0) == 1
    assert after[failed] - before[failed] == 1


def test_counters_carry_on_across_a_switch_to_a_newly_published_model(servers) -> None:
    Patient(servers.rasa_url).say("does it hurt?")
    before = metrics(servers.rasa_url)
    loaded = ("clinic_model_loaded_timestamp_seconds", ())
    # Publish "a new model": the same model with an empty gzip member after it, so the model server's ETag
    # changes and the Rasa server switches to it (a gzip reader reads the members one after the other).
    published = TEST_MODEL.with_name("test-model.new.tar.gz")
    shutil.copyfile(TEST_MODEL, published)
    with published.open("ab") as archive:
        archive.write(gzip.compress(b""))
    os.replace(published, TEST_MODEL)
    deadline = time.monotonic() + 120
    while metrics(servers.rasa_url)[loaded] == before[loaded] and time.monotonic() < deadline:
        time.sleep(1)
    after_switch = metrics(servers.rasa_url)
    assert after_switch[loaded] > before[loaded], "the server did not switch to the published model"
    leaflet = ("clinic_messages_total", (("outcome", "leaflet_answer"),))
    assert after_switch[leaflet] >= before[leaflet] > 0  # nothing was reset
    Patient(servers.rasa_url).say("does it hurt?")
    assert metrics(servers.rasa_url)[leaflet] == after_switch[leaflet] + 1
