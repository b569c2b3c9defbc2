"""What one message costs the conversation store, and so the most one network address can make it grow.

    python -m bench.storage

Starts the servers (deploy/run.sh) on a fresh SQLite store in a temporary
folder, as behind a proxy (each conversation from its own forwarded
address), greets 10 conversations, then sends 150 short questions and 150
messages at the 1,000-character limit among them. Reads the store's used
pages (page count minus free pages, after a WAL checkpoint) before and
after each step. Multiplies the largest cost by the default per-address
limits (clinic/settings.py): docs/SECURITY.md's worst case. Writes
var/bench/storage.json.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from bench.load import serving
from clinic.settings import load_settings, settings
from deploy import wait_ready
from rasa_addons.channel.rate_limit import RateLimiter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
RASA_URL = f"http://127.0.0.1:{settings().rasa_port}"
CONVERSATIONS = 10
ROUNDS = 15  # messages per conversation per kind: within the per-conversation burst of 20
LONG = ("my arm has been sore and a bit red since the treatment yesterday and i am worried about it " * 12)[:1000]
DAY = 86_400
KEPT_DAYS = 30  # PRIVACY.md's suggested `make purge DAYS=30`


def say(sender: str, text: str, address: str) -> None:
    """One message from a patient at `address`, behind the proxy (CLINIC_PROXIES_COUNT=1 below)."""
    wait_ready.say(RASA_URL, sender, text, {"X-Forwarded-For": address}, timeout=60)


def used_bytes(store: Path) -> int:
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, free, size = (
            db.execute(f"PRAGMA {name}").fetchone()[0] for name in ["page_count", "freelist_count", "page_size"]
        )
    return (pages - free) * size


def per_message(store: Path) -> dict[str, float]:
    """Bytes stored per message of each kind, averaged over the conversations."""
    conversations = [(uuid.uuid4().hex, f"198.18.7.{number}") for number in range(CONVERSATIONS)]
    costs = {}
    before = used_bytes(store)
    for sender, address in conversations:
        say(sender, "/greet", address)
    costs["new conversation (greeting)"] = (used_bytes(store) - before) / CONVERSATIONS
    for kind, text in [("short question", "does it hurt?"), ("message at the 1,000-character limit", LONG)]:
        before = used_bytes(store)
        for _ in range(ROUNDS):
            for sender, address in conversations:
                say(sender, text, address)
        costs[kind] = (used_bytes(store) - before) / (ROUNDS * CONVERSATIONS)
    return {kind: round(cost) for kind, cost in costs.items()}


def worst_case(largest: float) -> dict[str, float]:
    """The most one address can store under the default per-address limits, in MB."""
    defaults = load_settings({})
    rules = RateLimiter.parse(defaults.rate_limit_per_address).rules

    def most_messages(seconds: float) -> float:
        return min(rule.burst + rule.per_second * seconds for rule in rules)

    first_day = most_messages(DAY)
    each_day_after = min(rule.per_second * DAY for rule in rules)
    kept = first_day + each_day_after * (KEPT_DAYS - 1)
    return {
        "limits": defaults.rate_limit_per_address,
        "first_minute_mb": round(most_messages(60) * largest / 1e6, 1),
        "first_day_mb": round(first_day * largest / 1e6, 1),
        "each_day_after_mb": round(each_day_after * largest / 1e6, 1),
        f"kept_{KEPT_DAYS}_days_mb": round(kept * largest / 1e6),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "conversations.db"
        env = {
            **os.environ, "RASA_TELEMETRY_ENABLED": "false", "CLINIC_TRACKER_STORE_URL": f"sqlite:///{store}",
            "CLINIC_PROXIES_COUNT": "1",
        }  # fmt: skip
        log = Path(folder) / "run.log"
        with log.open("wb") as output:
            servers = subprocess.Popen([str(ROOT / "deploy" / "run.sh")], cwd=ROOT, env=env, start_new_session=True,
                                       stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
        with serving(servers):
            while b"Ready." not in log.read_bytes():  # run.sh's own start-up probe, stored too, has finished
                time.sleep(0.2)
            costs = per_message(store)
    results = {"bytes_per_message": costs, "worst_case_per_address": worst_case(max(costs.values()))}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "storage.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
