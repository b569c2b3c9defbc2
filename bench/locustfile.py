"""Patients chatting through the REST webhook, the way the website does (Locust, run by bench/load.py).

Each simulated patient holds one conversation of several turns, including the
flare-up questions, and checks every reply is the one its own conversation
should get next: a reply meant for another patient (crossed wires) or an
empty reply counts as a failure.
"""

from __future__ import annotations

import uuid

from locust import HttpUser, constant, task

# (message, words the reply must contain)
CONVERSATION = [
    ("hello", "automated assistant"),
    ("does it hurt?", "not painful"),
    ("my elbow has been aching since the session", "First: do you have"),
    ("/deny", "When was your last treatment"),
    ("yesterday", "How bad is the pain"),
    ('/inform{"pain_level": "mild"}', "This sounds like a flare"),
    ("how many treatments will i need", "6 treatments"),
    ("thanks", "welcome"),
]


class Patient(HttpUser):
    # The next message goes as soon as the reply is in: the server's capacity, not a patient's typing speed.
    wait_time = constant(0)

    def on_start(self) -> None:
        self.sender = uuid.uuid4().hex
        self.turn = 0

    @task
    def say_next(self) -> None:
        message, expected = CONVERSATION[self.turn % len(CONVERSATION)]
        if self.turn % len(CONVERSATION) == 0:
            self.sender = uuid.uuid4().hex  # a new conversation after each full one
        self.turn += 1
        with self.client.post(
            "/webhooks/rest/webhook", json={"sender": self.sender, "message": message}, catch_response=True,
            name=f"turn {(self.turn - 1) % len(CONVERSATION) + 1}: {message[:28]}",
        ) as response:  # fmt: skip
            replies = response.json() if response.ok else []
            text = " ".join(r.get("text", "") for r in replies)
            if response.ok and expected.lower() in text.lower():
                response.success()
            else:
                response.failure(f"turn {message!r}: expected {expected!r}, got {text[:80]!r}")
