"""The Rasa server's metrics and message log: what became of each message and how fast, never what it said.

Served at /metrics (rasa_addons/patches/operations_routes.py) for Prometheus;
docs/OPERATIONS.md says what to watch. Every label value comes from a fixed
list (outcomes, reasons, stores) or from the domain (answer and action
names): never message text, a conversation id or an address
(tests/integration/test_monitoring.py sends a marker and greps for it).
The counters live in the process, so they carry on across a model switch;
each server in the cluster counts its own (Prometheus labels each target).

The outcome of a message is read from the names of the responses sent in
reply (`utter_action`, which Rasa puts on every reply from a template,
including those a custom action asks for by `response=`), in the order of
OUTCOME_RULES: a reply that escalates wins over anything sent with it.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram

from clinic.monitoring import conversation_hash, log_hash_key
from clinic.settings import PROJECT_ROOT, settings

# (outcome, does a response name match): the first rule any reply matches names the message's outcome.
OUTCOME_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("crisis", ("utter_crisis",)),
    ("urgent", ("utter_urgent",)),
    ("action_failed", ("utter_action_unavailable",)),
    ("non_english", ("utter_english_only",)),
    ("leaflet_answer", ("utter_faq/",)),
    ("did_you_mean", ("utter_did_you_mean",)),
    ("ask_your_doctor", ("utter_ask_your_doctor",)),
    ("not_in_leaflet", ("utter_out_of_scope_leaflet_gap",)),
    ("out_of_scope", ("utter_out_of_scope", "utter_default")),
    ("flare_advice", ("utter_flare_", "utter_ask_flare_")),
    ("progress_advice", ("utter_progress_",)),
    ("contact_clinic", ("utter_contact_clinic",)),
    ("forget_me", ("utter_ask_forget_me", "utter_forget_me_")),
)
OTHER = "other"  # greetings, thanks, goodbyes, "I am a bot", thanks for feedback
NO_REPLY = "no_reply"  # Rasa failed: the webhook's own apology was sent (rasa_addons/channel/rest.py)
OUTCOMES = (*(outcome for outcome, _ in OUTCOME_RULES), OTHER, NO_REPLY)

# Why the webhook turned a request away before the assistant read it.
REFUSALS = (
    "bad_request",
    "too_long",
    "empty",
    "rate_limited",
    "starting_up",
    "not_ready",
    "forbidden_origin",
    "not_json",
)

MESSAGES = Counter("clinic_messages", "Patient messages answered, by what the answer was", ["outcome"])
LATENCY = Histogram(
    "clinic_message_seconds",
    "Time from a message's arrival to its reply, waiting for a turn included",
    ["channel"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13),
)
REFUSED = Counter("clinic_requests_refused", "Webhook requests refused before the assistant read them", ["reason"])
ACTION_FAILURES = Counter(
    "clinic_action_failures", "Custom actions that failed or timed out (the patient got the clinic's number)",
    ["action", "reason"],
)  # fmt: skip
STORE_ERRORS = Counter("clinic_store_errors", "Messages that failed in the tracker store or the lock store", ["store"])
FEEDBACK = Counter("clinic_feedback", "Helpful / not helpful presses, per leaflet answer", ["answer", "helpful"])
MODEL = Gauge("clinic_model_info", "The model this server answers with (1 for the loaded model's id)", ["model_id"])
MODEL_LOADED = Gauge("clinic_model_loaded_timestamp_seconds", "When this server loaded the model it answers with")
MODEL_TRAINED = Gauge("clinic_model_trained_timestamp_seconds", "When the model this server answers with was trained")
CONTENT_CHANGED = Gauge(
    "clinic_training_content_modified_timestamp_seconds",
    "When the newest of domain.yml, config.yml and data/ was last changed (a newer model should follow)",
)
# What staff edit that needs `make train` before patients see it (content/ is read live, without training).
TRAINING_CONTENT = (PROJECT_ROOT / "domain.yml", PROJECT_ROOT / "config.yml", PROJECT_ROOT / "data")


def newest_change(paths: Iterable[Path] = TRAINING_CONTENT) -> float:
    """The latest modification time of the files in `paths` (folders searched for .yml files)."""
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.yml")))]
    return max((f.stat().st_mtime for f in files if f.exists()), default=0.0)


CONTENT_CHANGED.set_function(newest_change)  # read at each scrape: a few dozen stat calls

for _outcome in OUTCOMES:  # every series exists from the start, so a rate over a fresh server is 0, not absent
    MESSAGES.labels(_outcome)
for _reason in REFUSALS:
    REFUSED.labels(_reason)
for _store in ("tracker_store", "lock_store"):
    STORE_ERRORS.labels(_store)


def outcome_of(response_names: Iterable[str]) -> str:
    """The outcome of one message from the names of the responses sent in reply."""
    names = list(response_names)
    if not names:
        return NO_REPLY
    for outcome, prefixes in OUTCOME_RULES:
        if any(name.startswith(prefixes) for name in names):
            return outcome
    return OTHER


def store_of(error: BaseException) -> str | None:
    """Which store an error inside Rasa came from ("tracker_store", "lock_store"), or None for anything else."""
    for cause in _chain(error):
        module = type(cause).__module__
        if module.startswith(("sqlalchemy", "sqlite3", "psycopg2")):
            return "tracker_store"
        if module.startswith("redis") or type(cause).__name__ == "LockError":
            return "lock_store"
    return None


def _chain(error: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def model_loaded(model_id: str, trained_at: float, when: float | None = None) -> None:
    """Note that this server now answers with `model_id` (patches/operations_routes.py calls it on every load)."""
    MODEL.clear()
    MODEL.labels(model_id).set(1)
    MODEL_TRAINED.set(trained_at)
    MODEL_LOADED.set(time.time() if when is None else when)


class MessageLog:
    """One JSON line per message: time, hashed conversation, outcome, latency, model id. Never the text."""

    def __init__(self, path: Path | None) -> None:
        self.logger = logging.getLogger("clinic.messages")
        self.logger.propagate = False  # not into Rasa's log, which has its own format
        self.logger.setLevel(logging.INFO)
        self.key = b""
        if path and not self.logger.handlers:
            path.parent.mkdir(parents=True, exist_ok=True)
            # WatchedFileHandler reopens the file after logrotate moves it.
            self.logger.addHandler(logging.handlers.WatchedFileHandler(path, encoding="utf-8"))
        if path:
            self.key = log_hash_key()

    def write(self, conversation_id: str, outcome: str, seconds: float, model_id: str) -> None:
        if not self.key:
            return
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "conversation": conversation_hash(conversation_id, self.key),
            "outcome": outcome,
            "latency_ms": round(seconds * 1000),
            "model_id": model_id,
        }
        self.logger.info(json.dumps(line))


_message_log: MessageLog | None = None


def record_message(channel: str, conversation_id: str, response_names: list[str], seconds: float, model_id: str) -> str:
    """Count one answered message, time it and log it (unless CLINIC_METRICS=0); returns its outcome."""
    global _message_log
    if not settings().metrics:
        return ""
    if _message_log is None:
        path = settings().message_log
        _message_log = MessageLog(None if str(path) in ("", ".") else path)  # empty: no message log
    outcome = outcome_of(response_names)
    MESSAGES.labels(outcome).inc()
    LATENCY.labels(channel).observe(seconds)
    _message_log.write(conversation_id, outcome, seconds, model_id)
    return outcome
