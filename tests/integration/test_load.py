"""50 patients at once, 20 messages each, through the webhook: no errors and no crossed wires."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from tests.conftest import ROOT, answer
from tests.integration.conftest import say

PATIENTS = 50
FLARE_UP = [
    ("hello", "utter_greet"),
    ("my elbow has been aching since the session", "utter_ask_flare_warning_signs"),
    ("/deny", "utter_ask_flare_hours"),
    ("yesterday", "utter_ask_flare_severity"),
    ('/inform{"pain_level": "mild"}', "utter_flare_reassure"),
    ("thanks", "utter_you_are_welcome"),
]


def faq_questions() -> list[tuple[str, str]]:
    """The first training question of each leaflet topic, with the answer it must get."""
    questions = []
    for path in sorted(Path(ROOT / "data" / "nlu").glob("faq_*.yml")):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            first = block["examples"].strip().splitlines()[0].removeprefix("- ").strip()
            questions.append((first, "utter_" + block["intent"]))
    return questions


def script() -> list[tuple[str, str]]:
    """20 messages: the flare-up questions, every leaflet topic, then the first topics again."""
    messages = FLARE_UP + faq_questions()
    return (messages + faq_questions())[:20]


def chat(base_url: str, messages: list[tuple[str, str]]) -> list[str]:
    """One patient's conversation; the problems found, if any."""
    sender = uuid.uuid4().hex
    problems = []
    for text, response in messages:
        reply = say(base_url, sender, text, timeout=60)
        if reply.status != 200:
            problems.append(f"{text!r}: HTTP {reply.status}")
            continue
        if any(m.get("recipient_id") != sender for m in reply.body):
            problems.append(f"{text!r}: a reply addressed to another conversation")
        said = reply.text
        if answer(response) not in said:
            problems.append(f"{text!r}: expected {response}, got {said[:80]!r}")
    return problems


def test_fifty_patients_at_once_each_get_their_own_answers(servers) -> None:
    messages = script()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PATIENTS) as pool:
        results = list(pool.map(lambda _: chat(servers.rasa_url, messages), range(PATIENTS)))
    seconds = time.monotonic() - started
    problems = [problem for patient in results for problem in patient]
    print(f"{PATIENTS} x {len(messages)} messages in {seconds:.1f} s: {len(problems)} problems")
    assert problems == []
