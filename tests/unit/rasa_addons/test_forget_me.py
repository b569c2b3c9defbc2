"""Deleting a conversation needs the question just before the yes (rasa_addons/channel/forget_me.py).

The deletion itself is tested in tests/unit/tools/test_purge.py and, over the webhook, in
tests/integration/test_forget_me.py.
"""

from __future__ import annotations

import yaml
from rasa.shared.core.events import BotUttered, UserUttered

from rasa_addons.channel import forget_me
from rasa_addons.channel.rest import replies_before_last_message
from tests.unit.conftest import edit


def said(name: str) -> BotUttered:
    return BotUttered("...", metadata={"utter_action": name})


def test_what_the_last_message_answered_is_the_replies_between_the_last_two_messages() -> None:
    events = [UserUttered("hi"), said("utter_greet"), UserUttered("delete this"), said("utter_ask_forget_me"),
              UserUttered("/forget_me_confirm"), said("utter_forget_me_done")]  # fmt: skip
    assert [e.metadata["utter_action"] for e in replies_before_last_message(events)] == ["utter_ask_forget_me"]
    assert replies_before_last_message([UserUttered("/forget_me_confirm")]) == []


def test_a_yes_deletes_only_straight_after_the_question() -> None:
    assert forget_me.confirmed([said("utter_ask_forget_me")], ["utter_forget_me_done"])
    # the confirmation without the question before it (a model mistake, a forged payload)
    assert not forget_me.confirmed([said("utter_greet")], ["utter_forget_me_done"])
    assert not forget_me.confirmed([], ["utter_forget_me_done"])
    # the question answered with something else
    assert not forget_me.confirmed([said("utter_ask_forget_me")], ["utter_forget_me_kept"])
    assert not forget_me.confirmed([said("utter_ask_forget_me")], ["utter_faq/what_is"])


def test_a_failed_deletion_says_so_and_gives_the_clinics_number_as_staff_set_it(content_dir) -> None:
    phone = yaml.safe_load((content_dir / "clinic.yml").read_text())["phone"]
    edit(content_dir / "clinic.yml", phone, "01632 000 999")
    reply = forget_me.failed_reply()
    assert reply.startswith("Sorry, I couldn't delete this conversation")
    assert "01632 000 999" in reply and "to delete it for you" in reply
