"""How long a staff edit takes to reach patients, measured against the running servers.

    python -m bench.publish_latency

with `make run` running, its per-address limits off (this asks 5 times a second from this machine, in a new
conversation each time): CLINIC_RATE_LIMIT_PER_ADDRESS=off CLINIC_RATE_LIMIT_NEW_CONVERSATIONS_PER_ADDRESS=off.

1. Answer wording: edit one answer in domain.yml, `make train`, and ask the
   question every 0.25 s until the running assistant gives the new words.
2. New phrasings: add examples for a question (NLU retrains), `make train`,
   and wait until the running server has loaded the new model.
While each new model loads, a second patient keeps chatting: the longest
reply they waited is the gap patients see. Every edit is undone afterwards
(and the model retrained), also on failure. Prints JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from clinic.settings import settings

ROOT = Path(__file__).resolve().parent.parent
RASA_URL = f"http://127.0.0.1:{settings().rasa_port}"
RASA_LOG = ROOT / "var" / "log" / "rasa.log"
DOMAIN = ROOT / "domain.yml"
EXTRA_NLU = ROOT / "data" / "nlu" / "zz_publish_bench.yml"
WORDING = "Iontophoresis is not painful."


def ask(text: str, sender: str, timeout: float = 30) -> str:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{RASA_URL}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return " ".join(m.get("text", "") for m in json.load(response))


def models_loaded() -> int:
    return len(re.findall(r"Loading model", RASA_LOG.read_text(errors="replace"))) if RASA_LOG.exists() else 0


def train() -> float:
    started = time.monotonic()
    subprocess.run(["make", "train"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


class Chatter(threading.Thread):
    """A patient chatting throughout; records the slowest reply and any failure."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.slowest = 0.0
        self.failures = 0

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                # a new conversation each time: one patient asking 5 times a second would be rate-limited
                ask("does it hurt?", uuid.uuid4().hex)
            except OSError:
                self.failures += 1
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(0.2)


def wait_until(condition, timeout: float = 180) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError("the running server did not pick up the new model")
        time.sleep(0.25)
    return time.monotonic() - started


def publish() -> float:
    """`make train`, then wait until the running server has loaded the new model."""
    loads_before = models_loaded()
    training = train()
    wait_until(lambda: models_loaded() > loads_before)
    return training


def measure(edit, undo, live) -> dict:
    chatter = Chatter()
    chatter.start()
    started = time.monotonic()
    try:
        edit()
        training = publish()
        wait_until(live)
        total = time.monotonic() - started
    finally:
        undo()
        publish()
        chatter.stop.set()
        chatter.join()
    return {
        "make_train_seconds": round(training, 1),
        "edit_to_live_seconds": round(total, 1),
        "slowest_reply_during_switch_seconds": round(chatter.slowest, 2),
        "failed_replies_during_switch": chatter.failures,
    }


def wording_edit() -> dict:
    original = DOMAIN.read_text()
    marker = f"Iontophoresis does not hurt ({uuid.uuid4().hex[:6]})."
    return measure(
        edit=lambda: DOMAIN.write_text(original.replace(WORDING, marker, 1)),
        undo=lambda: DOMAIN.write_text(original),
        live=lambda: marker in ask("does it hurt?", uuid.uuid4().hex),
    )


def new_phrasings() -> dict:
    # A fresh word each run, so that Rasa's training cache cannot hide the retraining.
    fresh = uuid.uuid4().hex[:6]
    examples = "\n".join(
        f"    - does the ionto zap feel {word} {fresh}" for word in ("tingly", "prickly", "hot", "fizzy")
    )
    return measure(
        edit=lambda: EXTRA_NLU.write_text(
            f'version: "3.1"\nnlu:\n- intent: faq/does_it_hurt\n  examples: |\n{examples}\n'
        ),
        undo=lambda: EXTRA_NLU.unlink(missing_ok=True),
        live=lambda: True,
    )


def main() -> None:
    print(json.dumps({"answer_wording_edit": wording_edit(), "new_phrasings_edit": new_phrasings()}, indent=2))


if __name__ == "__main__":
    main()
