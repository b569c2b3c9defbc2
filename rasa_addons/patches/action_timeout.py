"""Safety: a custom action that fails or hangs ends with the clinic's phone number, within seconds.

Replaces `RemoteAction.run` and Rasa's module constant `DEFAULT_REQUEST_TIMEOUT`
(rasa/core/actions/action.py). Rasa waits up to 300 s for the action server
(a constant: RasaHQ/rasa#9789) and then sends nothing, so a patient in the
middle of the flare-up questions would be left in silence. Here a failure,
or an action server slower than CLINIC_ACTION_TIMEOUT_SECONDS (7 by
default), ends with utter_action_unavailable ("I can't do that right now,
please contact the clinic on ..."). The action's events are not applied, so
the conversation stays where it was (a form asks again).

docs/SAFETY.md lists this as a hazard control; its tests are
tests/unit/rasa_addons/test_patches.py (down, hanging) and
tests/integration/test_reliability.py (the action server stopped under a
running assistant).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance

from clinic.settings import settings
from rasa_addons import monitoring

logger = logging.getLogger(__name__)

ACTION_UNAVAILABLE_RESPONSE = "utter_action_unavailable"
rasa_remote_run = RemoteAction.run


def timed_out(error: BaseException) -> bool:
    """Whether the action server was given up on for slowness (Rasa wraps the timeout in its own errors)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
    """RemoteAction.run, but a failure or a timeout tells the patient whom to contact."""
    try:
        return await rasa_remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise  # a form's "this slot was not filled": Rasa's own flow, not a failure
    except Exception as error:
        logger.error(
            "Custom action %s failed (%s); the patient was asked to contact the clinic.",
            self.name(),
            type(error).__name__,
        )
        monitoring.ACTION_FAILURES.labels(self.name(), "timeout" if timed_out(error) else "error").inc()
        reply = await nlg.generate(ACTION_UNAVAILABLE_RESPONSE, tracker, output_channel.name())
        if not reply:
            return []
        return [create_bot_utterance({**reply, "utter_action": ACTION_UNAVAILABLE_RESPONSE})]


def install() -> None:
    RemoteAction.run = run_or_apologise
    # RemoteAction.run reads this module-level constant on each call.
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=settings().action_timeout_seconds)
