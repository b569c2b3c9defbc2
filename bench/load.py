"""Latency, throughput and footprint of the running assistant over HTTP, as a website uses it.

    python -m bench.load [--seconds 30] [--users 1 10 50]

Starts the servers with deploy/run.sh (the time to the first answer is the
cold start), runs Locust headless (its own environment, .venv-bench, because
its gevent does not belong in Rasa's) at each number of concurrent patients,
reads each process's peak memory (VmHWM), stops the servers. Each simulated
patient sends its next message as soon as it has the reply (no think time),
as in the stock-assistant figures the targets come from.

Then the same is done once at 10 patients with Rasa as shipped
(bench/stock_rasa.py: rasa_addons/patches/'s speed patches and the spaCy,
SQLite and concurrency tuning left out, same trained model), so the fixes
show as a before/after pair measured in one run, and at 10 and 50 patients
on the cluster (deploy/run_cluster.sh: nginx, two Rasa servers, PostgreSQL,
Redis) for the
one-server/two-server comparison, and once at 10 with the model of 011a591's
config and data (bench/baseline.py) for the cost of issue 12's pipeline, and
at 10 with metrics off (CLINIC_METRICS=0) and on with Prometheus scraping
(CLINIC_MONITORING=1) for the cost of issue 13's metrics.
Writes var/bench/load.json; bench/report.py turns
it into RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.baseline import baseline_model
from bench.stock_rasa import UNBOUNDED_CONCURRENCY
from clinic.settings import settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"
RASA_URL = f"http://127.0.0.1:{settings().rasa_port}"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def peak_rss_mb(pattern: str) -> float | None:
    pids = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM")]
    return round(max(peaks), 0) if peaks else None


def run_locust(users: int, seconds: int, label: str = "") -> dict:
    prefix = OUT / f"locust{label}_{users}"
    subprocess.run(
        [str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users), "-r", str(users),
         "-t", f"{seconds}s", "--host", RASA_URL, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "concurrent_conversations": users,
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "messages_per_second": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "per_turn_p95_ms": {r["Name"]: float(r["95%"]) for r in rows if r["Name"] != "Aggregated"},
    }


@contextmanager
def serving(servers: subprocess.Popen) -> Iterator[None]:
    """The block runs once the servers answer a conversation with a custom action; they are stopped after it."""
    try:
        subprocess.run([sys.executable, "-m", "deploy.wait_ready", RASA_URL, "--timeout", "300"], cwd=ROOT, check=True)
        yield
    finally:
        os.killpg(servers.pid, signal.SIGTERM)
        servers.wait(timeout=60)


def start_stock_servers(env: dict[str, str]) -> subprocess.Popen:
    """The action, model and Rasa servers as deploy/run.sh starts them, but Rasa through bench/stock_rasa.py."""
    values = settings()
    script = f"""
        trap 'kill $(jobs -p)' EXIT
        SANIC_HOST=127.0.0.1 {PYTHON} -m rasa_sdk --actions actions --port {values.action_port} --quiet &
        {PYTHON} -m deploy.serve_models --port {values.model_port} &
        {PYTHON} -m bench.stock_rasa run --endpoints endpoints.yml --credentials credentials.yml \
            --interface 127.0.0.1 --port {values.rasa_port} &
        wait -n
    """
    env = {**env, "CLINIC_MAX_CONCURRENT": str(UNBOUNDED_CONCURRENCY)}
    return subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def measure(
    users: list[int],
    seconds: int,
    stock_rasa: bool = False,
    cluster: bool = False,
    model: Path | None = None,
    label: str = "",
    settings_env: dict[str, str] | None = None,
) -> dict:
    """Start the servers (serving `model` if given), load them at each number of patients, read their memory."""
    env = {
        **(settings_env or {}),
        **os.environ, "RASA_TELEMETRY_ENABLED": "false", **({"CLINIC_MODEL_FILE": str(model)} if model else {}),
        # Each simulated patient sends as fast as it is answered, far over a patient's rate limit:
        # this measures the server, not the limiter (rasa_addons/channel/rest.py).
        "CLINIC_RATE_LIMIT_PER_CONVERSATION": "off", "CLINIC_RATE_LIMIT_PER_ADDRESS": "off",
        "CLINIC_RATE_LIMIT_NEW_CONVERSATIONS_PER_ADDRESS": "off",
    }  # fmt: skip
    started = time.monotonic()
    if stock_rasa:
        servers = start_stock_servers(env)
    else:
        script = ROOT / "deploy" / ("run_cluster.sh" if cluster else "run.sh")
        servers = subprocess.Popen([str(script)], cwd=ROOT, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    with serving(servers):
        results = {"cold_start_to_first_answer_seconds": round(time.monotonic() - started, 1), "load": []}
        for count in users:
            label = label or ("_stock" if stock_rasa else "_cluster" if cluster else "_baseline" if model else "")
            results["load"].append(run_locust(count, seconds, label))
        results["peak_rss_mb"] = {
            "rasa server": peak_rss_mb(" run --endpoints"),
            "action server": peak_rss_mb("(rasa_sdk|actions.server) --actions"),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = measure(args.users, args.seconds, stock_rasa=False)
    results["before"] = measure([10], args.seconds, stock_rasa=True)
    # What metrics cost (issue 13): counting off, against counting, the message log and Prometheus scraping
    # every 15 s; each started fresh, one after the other.
    results["metrics_off"] = measure([10], args.seconds, label="_metrics_off", settings_env={"CLINIC_METRICS": "0"})
    results["metrics_on"] = measure([10], args.seconds, label="_metrics_on", settings_env={"CLINIC_MONITORING": "1"})
    # The same code serving the model of 011a591's config and data (bench/baseline.py): what issue 12 cost.
    results["before_issue_12"] = measure([10], args.seconds, model=baseline_model())
    # nginx in front of two Rasa servers sharing PostgreSQL and Redis (deploy/run_cluster.sh).
    subprocess.run([str(ROOT / "deploy" / "cluster_setup.sh")], check=True)
    results["cluster"] = measure([10, 50], args.seconds, cluster=True)
    (OUT / "load.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
