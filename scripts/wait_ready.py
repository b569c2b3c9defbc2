"""Waits until the Rasa server answers a real message on its REST webhook.

    python scripts/wait_ready.py http://127.0.0.1:5005 [--timeout 180]

Exits 0 once a reply comes back, 1 on timeout. A real message, not a sleep or
a health check, so "ready" means the model and the action server both work.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
import uuid

PROBLEM_REPLY_START = "Sorry, I can't answer right now."


def answers(base_url: str) -> bool:
    body = json.dumps({"sender": f"readiness-{uuid.uuid4().hex}", "message": "hello"}).encode()
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            replies = json.load(response)
    except (OSError, ValueError):
        return False
    # The webhook's own apology (components/channel.py) means Rasa failed, not that it is ready.
    return bool(replies) and not any(r.get("text", "").startswith(PROBLEM_REPLY_START) for r in replies)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if answers(args.base_url):
            return 0
        time.sleep(0.5)
    print(f"{args.base_url} did not answer within {args.timeout:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
