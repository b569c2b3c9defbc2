"""A patient's "forget me": the webhook deletes the conversation once the patient has confirmed it.

The dialogue asks first (data/rules.yml: `forget_me` -> utter_ask_forget_me, with "Yes, delete it" and
"No, keep it") and answers the yes with utter_forget_me_done. The deletion itself is done here, by the
webhook, after Rasa has saved that turn (so not one event of the conversation is left behind) and under
the conversation's lock (so a message arriving meanwhile waits rather than writing half a conversation
back). It happens only when both hold: the assistant's reply before this message was the question, and
its reply now is the confirmation. The confirm button's payload typed by hand is read as words unless the
question offered it (rest.py), so nothing skips the question; and a conversation can only be deleted by a
request carrying its own id.

What goes: every stored event (SQLite or PostgreSQL, whichever store this server uses), the
conversation's copy in every backup, and its rows in the staff reports (tools/purge.py,
`forget_conversation`). What stays: the metrics' counters and the message log, which hold no text and no
conversation id (PRIVACY.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.shared.core.events import BotUttered

from clinic.content import load_clinic
from tools.purge import Forgotten, forget_conversation

logger = logging.getLogger(__name__)

QUESTION = "utter_ask_forget_me"
DONE = "utter_forget_me_done"
# Added to the reply after a deletion: the widget then starts a new conversation with a new id.
DELETED = {"custom": {"conversation_deleted": True}}


def confirmed(previous_replies: list[BotUttered], response_names: list[str]) -> bool:
    """Whether this turn is a "yes" to the question: the question came just before, the confirmation now."""
    asked = any(reply.metadata.get("utter_action") == QUESTION for reply in previous_replies)
    return asked and DONE in response_names


def failed_reply() -> str:
    """What the patient reads when the deletion could not be done: it was not, and who can do it."""
    clinic = load_clinic()
    return (
        f"Sorry, I couldn't delete this conversation just now. Please try again in a moment, or ask "
        f"{clinic.name} on {clinic.phone} ({clinic.hours}) to delete it for you."
    )


def store_url(agent: Any) -> str:
    """The database URL of the conversation store this Rasa server writes to."""
    store = agent.tracker_store
    store = getattr(store, "_tracker_store", store)  # Rasa wraps it in a FailSafeTrackerStore
    return store.engine.url.render_as_string(hide_password=False)


async def forget(agent: Any, sender: str) -> Forgotten:
    """Delete the conversation everywhere, holding its lock; the work runs off the event loop."""
    async with agent.lock_store.lock(sender):
        forgotten = await asyncio.to_thread(forget_conversation, sender, store_url(agent))
    # Without the id: a log line naming a conversation that no longer exists would only keep it alive.
    logger.info(
        "A conversation was deleted at the patient's request: %d events, %d in backups, %d report rows, %.2f s",
        forgotten.events, forgotten.backup_events, forgotten.report_rows, forgotten.seconds,
    )  # fmt: skip
    return forgotten
