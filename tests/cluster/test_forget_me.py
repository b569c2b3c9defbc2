"""A patient's "forget me" in the cluster: asked on one server, confirmed on the other, deleted from PostgreSQL."""

from __future__ import annotations

import time

from tests.cluster.conftest import Cluster, new_sender
from tests.conftest import answer
from tests.integration.conftest import say


def test_asked_on_one_server_and_confirmed_on_the_other_the_conversation_is_gone_from_postgresql(
    cluster: Cluster,
) -> None:
    first, second = cluster.server_urls
    other = new_sender()
    say(cluster.nginx_url, other, "does it hurt")
    others_events = cluster.events(other)
    patient = new_sender()
    assert say(first, patient, "what is iontophoresis").status == 200
    assert answer("utter_ask_forget_me") in say(first, patient, "please delete this conversation").text
    assert cluster.events(patient)

    started = time.monotonic()
    done = say(second, patient, "/forget_me_confirm")
    print(f"deleting a conversation in PostgreSQL: {time.monotonic() - started:.3f} s for the whole request")

    assert done.status == 200 and answer("utter_forget_me_done") in done.text
    assert {"recipient_id": patient, "custom": {"conversation_deleted": True}} in done.body
    assert cluster.events(patient) == []
    assert cluster.events(other) == others_events
