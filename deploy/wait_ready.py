"""Waits until the assistant is ready: its readiness check passes and it answers a conversation with a custom action.

    python -m deploy.wait_ready http://127.0.0.1:5005 [more servers...] [--timeout 180]

Exits 0 once every server given does, 1 on timeout. First GET /health/ready
(rasa_addons/health.py: model, action server, tracker store, lock store) must
answer 200; a server without that route (Rasa as shipped, bench/stock_rasa.py)
skips this step. Then the probe is what the web chat does when
it opens: "/greet" (the greeting with suggested questions as buttons), then
a press of the first suggested question, which `action_answer_chosen_faq`
answers on the action server. So "ready" means the model is loaded, the Rasa
server reaches the action server on the port it was given, and the action
server answers; a greeting alone would not run a custom action at all.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

# The first words of the webhook's own apology (rasa_addons/channel/rest.py) and of
# utter_action_unavailable (domain.yml): Rasa, or the action server, failed.
FAILURE_STARTS = ("Sorry, I can't answer right now.", "Sorry, I can't do that right now.")
# The greeting's suggested questions are answered by a custom action (domain.yml, data/rules.yml).
CUSTOM_ACTION_PAYLOAD_START = "/choose_faq"


def say(
    base_url: str, sender: str, message: str, headers: dict[str, str] | None = None, timeout: float = 15
) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def answered(replies: list[dict]) -> bool:
    return bool(replies) and not any(r.get("text", "").startswith(FAILURE_STARTS) for r in replies)


def readiness_check_passes(base_url: str) -> bool:
    """GET /health/ready: 200 passes, 503 or no answer fails; a server without the route passes (404)."""
    try:
        with urllib.request.urlopen(f"{base_url}/health/ready", timeout=15) as response:
            return response.status == 200
    except urllib.error.HTTPError as error:
        return error.code == 404
    except OSError:
        return False


def ready(base_url: str) -> bool:
    """True if the readiness check passes, the greeting comes back and its first suggested question is answered."""
    sender = uuid.uuid4().hex
    if not readiness_check_passes(base_url):
        return False
    try:
        greeting = say(base_url, sender, "/greet")
        if not answered(greeting):
            return False
        payloads = [b.get("payload", "") for r in greeting for b in r.get("buttons") or []]
        question = next((p for p in payloads if p.startswith(CUSTOM_ACTION_PAYLOAD_START)), None)
        return question is not None and answered(say(base_url, sender, question))
    except (OSError, ValueError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_urls", nargs="+", metavar="base_url")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    waiting = list(args.base_urls)
    while waiting and time.monotonic() < deadline:
        waiting = [url for url in waiting if not ready(url)]
        if waiting:
            time.sleep(0.5)
    for url in waiting:
        print(f"{url} did not answer a conversation with a custom action within {args.timeout:.0f} s", file=sys.stderr)
    return 1 if waiting else 0


if __name__ == "__main__":
    sys.exit(main())
