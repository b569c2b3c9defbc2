"""rasa_addons/monitoring.py: the outcome of a message from its replies, which store failed, the message log."""

from __future__ import annotations

import json
import logging
import os

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import LockError

from rasa_addons import monitoring


@pytest.mark.parametrize(
    ("replies", "outcome"),
    [
        (["utter_faq/does_it_hurt"], "leaflet_answer"),
        (["utter_did_you_mean"], "did_you_mean"),
        (["utter_out_of_scope"], "out_of_scope"),
        (["utter_default"], "out_of_scope"),
        (["utter_out_of_scope_leaflet_gap"], "not_in_leaflet"),
        (["utter_ask_your_doctor"], "ask_your_doctor"),
        (["utter_urgent"], "urgent"),
        (["utter_crisis"], "crisis"),
        (["utter_english_only"], "non_english"),
        (["utter_ask_flare_hours"], "flare_advice"),
        (["utter_flare_reassure"], "flare_advice"),
        (["utter_progress_early"], "progress_advice"),
        (["utter_contact_clinic"], "contact_clinic"),
        (["utter_action_unavailable"], "action_failed"),
        (["utter_greet"], "other"),
        (["utter_feedback_thanks"], "other"),
        ([], "no_reply"),
    ],
)
def test_each_reply_names_its_outcome(replies: list[str], outcome: str) -> None:
    assert monitoring.outcome_of(replies) == outcome


def test_an_escalation_sent_with_other_replies_is_the_outcome() -> None:
    # A red flag inside the flare-up form: the form's next question follows the urgent answer.
    assert monitoring.outcome_of(["utter_urgent", "utter_ask_flare_hours"]) == "urgent"
    assert monitoring.outcome_of(["utter_faq/pain_after", "utter_ask_flare_hours"]) == "leaflet_answer"
    assert monitoring.outcome_of(["utter_crisis", "utter_urgent"]) == "crisis"


def test_every_outcome_has_a_series_from_the_start() -> None:
    exposed = {s.labels["outcome"] for s in monitoring.MESSAGES.collect()[0].samples if s.name.endswith("_total")}
    assert exposed == set(monitoring.OUTCOMES)


def test_which_store_an_error_came_from_follows_the_cause_chain() -> None:
    try:
        try:
            raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))
        except sa.exc.OperationalError as inner:
            raise RuntimeError("Rasa wrapped it") from inner
    except RuntimeError as outer:
        wrapped = outer
    assert monitoring.store_of(wrapped) == "tracker_store"
    assert monitoring.store_of(LockError("no lock")) == "lock_store"
    assert monitoring.store_of(ValueError("something else")) is None


def test_a_model_load_replaces_the_model_series() -> None:
    monitoring.model_loaded("first", trained_at=50.0, when=100.0)
    monitoring.model_loaded("second", trained_at=150.0, when=200.0)
    samples = {s.labels.get("model_id"): s.value for s in monitoring.MODEL.collect()[0].samples}
    assert samples == {"second": 1.0}
    assert monitoring.MODEL_LOADED.collect()[0].samples[0].value == 200.0
    assert monitoring.MODEL_TRAINED.collect()[0].samples[0].value == 150.0


def test_the_newest_training_content_change_is_reported(tmp_path) -> None:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    domain, examples, ignored = (
        tmp_path / "domain.yml",
        tmp_path / "data" / "nlu" / "faq.yml",
        tmp_path / "data" / "x.md",
    )
    for path, when in ((domain, 1000), (examples, 3000), (ignored, 9000)):
        path.write_text("x")
        os.utime(path, (when, when))
    assert monitoring.newest_change([domain, tmp_path / "data"]) == 3000


def test_the_message_log_has_one_json_line_per_message_and_never_the_conversation_id(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CLINIC_LOG_HASH_KEY", "test-key")
    from clinic.settings import settings

    settings.cache_clear()
    logger = logging.getLogger("clinic.messages")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    try:
        log = monitoring.MessageLog(tmp_path / "messages.jsonl")
        log.write("conversation-4242", "urgent", 0.1234, "model-1")
        log.write("conversation-4242", "other", 0.05, "model-1")
        for handler in logger.handlers:
            handler.flush()
        lines = [json.loads(line) for line in (tmp_path / "messages.jsonl").read_text().splitlines()]
    finally:
        for handler in list(logger.handlers):
            handler.close()
            logger.removeHandler(handler)
        settings.cache_clear()
    assert [sorted(line) for line in lines] == [["conversation", "latency_ms", "model_id", "outcome", "time"]] * 2
    assert lines[0]["outcome"] == "urgent" and lines[0]["latency_ms"] == 123 and lines[0]["model_id"] == "model-1"
    assert lines[0]["conversation"] == lines[1]["conversation"]  # one conversation can be followed...
    assert "4242" not in (tmp_path / "messages.jsonl").read_text()  # ...but not named


@pytest.mark.parametrize(("switch", "counted"), [("1", 1), ("0", 0)])
def test_a_message_is_counted_and_logged_unless_metrics_are_off(tmp_path, monkeypatch, switch, counted) -> None:
    from clinic.settings import settings

    monkeypatch.setenv("CLINIC_METRICS", switch)
    monkeypatch.setenv("CLINIC_MESSAGE_LOG", str(tmp_path / "messages.jsonl"))
    monkeypatch.setenv("CLINIC_LOG_HASH_KEY", "test-key")
    monkeypatch.setattr(monitoring, "_message_log", None)
    logger = logging.getLogger("clinic.messages")
    monkeypatch.setattr(logger, "handlers", [])
    settings.cache_clear()
    try:
        before = monitoring.MESSAGES.labels("crisis")._value.get()
        monitoring.record_message("rest", "conversation-1", ["utter_crisis"], 0.2, "model-1")
        for handler in logger.handlers:
            handler.close()
    finally:
        settings.cache_clear()
    assert monitoring.MESSAGES.labels("crisis")._value.get() - before == counted
    logged = (tmp_path / "messages.jsonl").read_text().splitlines() if (tmp_path / "messages.jsonl").exists() else []
    assert len(logged) == counted
