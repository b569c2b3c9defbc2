"""Speed: stored events are turned back into objects with a lookup table of event types.

Replaces `Event.resolve_by_type` (rasa/shared/core/events.py). Rasa walks
every subclass of Event for each stored event, each time a conversation is
read: 7% of the server's time under load (py-spy, bench/RESULTS.md). The
table gives the same class for every name, and falls back to Rasa's own
search for a name it does not know (tests/unit/rasa_addons/test_patches.py).
"""

from __future__ import annotations

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

rasa_resolve_by_type = Event.resolve_by_type
_event_types: dict[str, type[Event]] = {}


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type from a table built once (Rasa's own search on a miss)."""
    if not _event_types:
        for event_class in all_subclasses(Event):
            _event_types.setdefault(event_class.type_name, event_class)  # first match wins, as in Rasa
    found = _event_types.get(type_name)
    return found if found is not None else rasa_resolve_by_type(type_name, default)


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_event_type)
