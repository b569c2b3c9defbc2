"""Fixes to Rasa 3.6's own server code that this product depends on, applied once at start-up.

Each fix replaces one method of Rasa's with a version that keeps its contract
and removes a cost measured here (py-spy and memory figures in
bench/RESULTS.md). They are applied by `apply()`, which the modules Rasa
always loads call on import: components/clinic_nlg.py (named in
endpoints.yml, so every server) and components/spacy_nlp.py (first in the
pipeline, so every model load). tests/unit/test_server_fixes.py checks each
fix against Rasa's own behaviour. CLINIC_STOCK_RASA=1 leaves them (and the
spaCy, SQLite and webhook concurrency changes in this folder) out, for the
before/after benchmark.

- A trained DIET or ResponseSelector model is loaded for prediction without
  a training step. Rasa's loader trains on one example to create the weights
  before reading them, which also builds the training graph and the
  optimiser's state: 465 MB of the server's memory, never used by a server
  that only predicts. Here the weights are restored as the first prediction
  creates them (TensorFlow's deferred restoration): the same values, checked
  weight by weight in the test.
- Action server replies are validated against Rasa's response schema with a
  validator built once. Rasa calls `jsonschema.validate()` for every reply,
  which re-checks the schema itself against the JSON Schema meta-schema each
  time: 16 ms of CPU per action call against 0.5 ms, the largest single cost
  per message under load.
- A custom action that fails, or takes longer than CLINIC_ACTION_TIMEOUT_SECONDS
  (7 by default), ends with utter_action_unavailable ("I can't do that right
  now, please contact the clinic on ...") instead of silence. Rasa waits up
  to 300 s (a constant) and then sends nothing. The action's events are not
  applied, so the conversation stays where it was (a form asks again).
- Stored events are turned back into objects with a lookup table of event
  types. Rasa walks every subclass of Event for each stored event, each time
  a conversation is read: 7% of the server's time under load.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any

import aiohttp
import rasa.core.actions.action as rasa_actions
from jsonschema import ValidationError, validators
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

_applied = False
ACTION_UNAVAILABLE_RESPONSE = "utter_action_unavailable"
ACTION_TIMEOUT_VARIABLE = "CLINIC_ACTION_TIMEOUT_SECONDS"
DEFAULT_ACTION_TIMEOUT_SECONDS = 7.0
# `make bench` sets this to measure Rasa as shipped against these fixes, in one run.
STOCK_RASA_VARIABLE = "CLINIC_STOCK_RASA"


def enabled() -> bool:
    """False only when the benchmark asks for Rasa's own behaviour."""
    return os.environ.get(STOCK_RASA_VARIABLE) != "1"


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, rather than on every reply
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the schema checked once."""
    try:
        _action_response_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


_rasa_remote_run = RemoteAction.run


def action_timeout_seconds() -> float:
    return float(os.environ.get(ACTION_TIMEOUT_VARIABLE) or DEFAULT_ACTION_TIMEOUT_SECONDS)


async def run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
    """RemoteAction.run, but a failure or a timeout tells the patient whom to contact."""
    try:
        return await _rasa_remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise  # a form's "this slot was not filled": Rasa's own flow, not a failure
    except Exception as error:
        logger.error(
            "Custom action %s failed (%s); the patient was asked to contact the clinic.",
            self.name(),
            type(error).__name__,
        )
        reply = await nlg.generate(ACTION_UNAVAILABLE_RESPONSE, tracker, output_channel.name())
        if not reply:
            return []
        return [create_bot_utterance({**reply, "utter_action": ACTION_UNAVAILABLE_RESPONSE})]


_rasa_load = RasaModel.load.__func__
_rasa_resolve_by_type = Event.resolve_by_type


def load_for_prediction(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """RasaModel.load without the one-example training step, when the model will only predict."""
    if finetune_mode or predict_data_example is None:
        return _rasa_load(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    # Layers create their weights on the first prediction; each is restored from the file as it is created.
    status = model.load_weights(model_file_name)
    # The file also holds the optimiser's training state, which prediction never reads.
    status.expect_partial()
    model.run_inference(predict_data_example)
    return model


_event_types: dict[str, type[Event]] = {}


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type from a table built once (Rasa's own search on a miss)."""
    if not _event_types:
        for event_class in all_subclasses(Event):
            _event_types.setdefault(event_class.type_name, event_class)  # first match wins, as in Rasa
    found = _event_types.get(type_name)
    return found if found is not None else _rasa_resolve_by_type(type_name, default)


def apply() -> None:
    """Install the fixes into Rasa's classes; calling it again does nothing."""
    global _applied
    if _applied or not enabled():
        return
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction.run = run_or_apologise
    # RemoteAction.run reads this module-level constant on each call.
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=action_timeout_seconds())
    RasaModel.load = classmethod(load_for_prediction)
    Event.resolve_by_type = staticmethod(resolve_event_type)
    _applied = True
