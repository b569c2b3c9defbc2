"""Speed: action server replies are checked against Rasa's schema with a validator built once.

Replaces `RemoteAction._validate_action_result` (rasa/core/actions/action.py).
Rasa calls `jsonschema.validate()` for every reply, which first re-checks the
schema itself against the JSON Schema meta-schema: 16 ms of CPU per action
call against 0.5 ms, 37% of the server's time under load (py-spy,
bench/RESULTS.md). The same replies are accepted and refused
(tests/unit/rasa_addons/test_patches.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, rather than on every reply
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, with the schema checked once."""
    try:
        _validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
