"""Writes bench/RESULTS.md and bench/latency.png from the measurements in var/bench/.

python -m bench.report
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "RESULTS.md"
PLOT = ROOT / "bench" / "latency.png"
TARGETS = "at 10 concurrent: >= 45 msg/s and p95 < 350 ms; 0 errors at 50; full training < 3 min; "
TARGETS += "content-only retrain < 60 s; Rasa server < 1.2 GB RSS; first answer < 30 s after start"


def read(name: str) -> dict:
    path = DATA / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def machine() -> str:
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB memory, {platform.platform()}"


def quality_table(quality: dict) -> list[str]:
    lines = [
        "| contender | held-out accuracy | FAQ answer accuracy | off-topic answered with leaflet content (bluff rate) "
        "| urgent messages missed |",
        "|---|---|---|---|---|",
    ]
    for name, r in quality.items():
        lines.append(
            f"| {name} | {r['accuracy']:.1%} | {r['faq_answer_accuracy']:.1%} | {r['bluff_rate']:.1%} "
            f"| {r['urgent_missed']} |"
        )
    lines += ["", "Per group (right path / messages):", ""]
    groups = sorted({g for r in quality.values() for g in r["per_group"]})
    lines += ["| contender | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    lines += [
        f"| {name} | " + " | ".join(r["per_group"].get(g, "") for g in groups) + " |" for name, r in quality.items()
    ]
    return lines


def load_table(load: dict) -> list[str]:
    lines = [
        "| concurrent conversations | messages | errors | msg/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in load.get("load", []):
        lines.append(
            f"| {r['concurrent_conversations']} | {r['requests']} | {r['errors']} | {r['messages_per_second']} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |"
        )
    return lines


def before_after_table(load: dict) -> list[str]:
    before, after = load.get("before"), load
    if not before or not after.get("load"):
        return []
    stock = before["load"][0]
    ours = next(r for r in after["load"] if r["concurrent_conversations"] == stock["concurrent_conversations"])
    rows = [
        ("messages per second", stock["messages_per_second"], ours["messages_per_second"]),
        ("p50 ms", f"{stock['p50_ms']:.0f}", f"{ours['p50_ms']:.0f}"),
        ("p95 ms", f"{stock['p95_ms']:.0f}", f"{ours['p95_ms']:.0f}"),
        ("errors", stock["errors"], ours["errors"]),
        ("peak RSS, Rasa server (MB)", before["peak_rss_mb"]["rasa server"], after["peak_rss_mb"]["rasa server"]),
        ("cold start to first answer (s)", before["cold_start_to_first_answer_seconds"],
         after["cold_start_to_first_answer_seconds"]),
    ]  # fmt: skip
    return [
        f"Before/after, same model, same run, {stock['concurrent_conversations']} concurrent conversations. "
        "Before is Rasa as shipped (bench/stock_rasa.py, with only the safety patch); after adds "
        "rasa_addons/patches/'s speed patches (action replies "
        "validated with a schema checked once, models loaded without a training step, event types looked up in "
        "a table), rasa_addons/nlu/spacy_nlp.py (spaCy loaded once and run once per message) and the webhook's bound "
        "of 2 messages worked on at once (rasa_addons/channel/rest.py). The SQLite "
        "write-ahead log (rasa_addons/stores/tracker_store.py) stays on in both, since the database file keeps it.",
        "",
        "| | before | after |",
        "|---|---|---|",
        *[f"| {name} | {b} | {a} |" for name, b, a in rows],
        "",
        "95th percentile per turn of the conversation (after), 10 concurrent:",
        "",
        "| turn | p95 ms |",
        "|---|---|",
        *[f"| {turn} | {p95:.0f} |" for turn, p95 in ours.get("per_turn_p95_ms", {}).items()],
    ]


def cluster_table(load: dict) -> list[str]:
    cluster = load.get("cluster")
    if not cluster:
        return []
    one = {r["concurrent_conversations"]: r for r in load.get("load", [])}
    two = {r["concurrent_conversations"]: r for r in cluster["load"]}
    gain = two[10]["messages_per_second"] / one[10]["messages_per_second"] if 10 in one and 10 in two else 0.0
    lines = [
        "## 2b. One server against two (deploy/run_cluster.sh: nginx round-robin, PostgreSQL, Redis locks)",
        "",
        "| concurrent conversations | setup | msg/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in cluster["load"]:
        users = r["concurrent_conversations"]
        if users in one:
            o = one[users]
            lines.append(
                f"| {users} | one server, SQLite | {o['messages_per_second']} | {o['p50_ms']:.0f} | {o['p95_ms']:.0f} "
                f"| {o['p99_ms']:.0f} | {o['errors']} |"
            )
        lines.append(
            f"| {users} | two servers, nginx, PostgreSQL, Redis | {r['messages_per_second']} | {r['p50_ms']:.0f} "
            f"| {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['errors']} |"
        )
    lines += [
        "",
        f"Peak RSS per Rasa server in the cluster: {cluster['peak_rss_mb']['rasa server']} MB.",
        "",
        f"At 10 conversations two servers give {gain:.1f} times the messages per second of one. One Rasa server "
        "cannot use more than one core (its event loop is single-threaded), so the second server puts the "
        "second core to work; it cannot double, because that core also runs both action servers, PostgreSQL, "
        "Redis, nginx and the load generator. Beyond the cores there are, more servers add nothing; what the "
        "cluster buys past that is failover (a killed server costs no conversation: tests/cluster/) and room "
        "to grow onto more machines (docs/SCALING.md).",
    ]
    return lines


def _pair(then: dict, now: dict, key: str, digits: int = 1) -> str:
    """ "before → **now**" for one figure, as percentages."""
    old, new = then.get(key), now.get(key)
    return (f"{'n/a' if old is None else format(old, f'.{digits}%')} → "
            f"**{'n/a' if new is None else format(new, f'.{digits}%')}**")  # fmt: skip


def sets_table(before: dict, after: dict) -> list[str]:
    """Every evaluation set, before issue 12 (011a591's config and data) and now."""
    lines = [
        "| set | accuracy before → now | leaflet answers to what should get none | false urgent | urgent recall |",
        "|---|---|---|---|---|",
    ]
    for name, now in after.items():
        if name.startswith("_"):
            continue
        then = before.get(name, {})
        lines.append(
            f"| {name} ({now['messages']}) | {_pair(then, now, 'accuracy')} | {_pair(then, now, 'bluff_rate')} | "
            f"{_pair(then, now, 'false_alarm_rate', 2)} | {_pair(then, now, 'urgent_recall')} |"
        )
    lines += ["", "By group, now:", ""]
    lines += [f"- {name}: " + ", ".join(f"{g} {v}" for g, v in now["per_group"].items())
              for name, now in after.items() if not name.startswith("_")]  # fmt: skip
    return lines


def embeddings_table(embeddings: dict) -> list[str]:
    if not embeddings:
        return []
    sets = ["holdout", "hwu64 validation", "near miss", "emergencies", "narratives"]
    lines = [
        "| embedding | "
        + " | ".join(f"{s}: acc / bluff / false urgent / recall" for s in sets)
        + " | ms per message (NLU) | peak RSS MB | training s | install MB | install s |",
        "|---" * (len(sets) + 6) + "|",
    ]
    for r in embeddings.values():
        cells = []
        for name in sets:
            h = r["held_out"].get(name, {})
            recall = "n/a" if h.get("urgent_recall") is None else f"{h['urgent_recall']:.0%}"
            cells.append(f"{h.get('accuracy', 0):.1%} / {h.get('bluff_rate', 0):.1%} / "
                         f"{h.get('false_alarm_rate', 0):.2%} / {recall}")  # fmt: skip
        lines.append(
            f"| {r['name']} | "
            + " | ".join(cells)
            + f" | {r['ms_per_message']} | {r['peak_rss_mb']} | {r['training_seconds']} | {r['install_mb']} "
            f"| {r['install_seconds']} |"
        )
    lines += [
        "",
        "Each contender's decision settings were chosen on the tuning sets only (`nlu_eval/floors.py`), then",
        "the held-out sets scored once. Install: its own packages into an empty folder, `pip install --no-deps`.",
    ]
    return lines


def issue_12_row(load: dict) -> list[str]:
    before = (load.get("before_issue_12") or {}).get("load") or []
    now = next((r for r in load.get("load", []) if r["concurrent_conversations"] == 10), None)
    if not before or not now:
        return []
    old = before[0]
    ratio = now["messages_per_second"] / old["messages_per_second"]
    return [
        "The same code serving the model of 011a591's config and data (before issue 12) and today's, "
        "10 concurrent conversations, same run:",
        "",
        "| model | msg/s | p50 ms | p95 ms | errors | Rasa RSS MB | first answer s |",
        "|---|---|---|---|---|---|---|",
        f"| 011a591 | {old['messages_per_second']} | {old['p50_ms']:.0f} | {old['p95_ms']:.0f} | {old['errors']} "
        f"| {load['before_issue_12']['peak_rss_mb']['rasa server']} "
        f"| {load['before_issue_12']['cold_start_to_first_answer_seconds']} |",
        f"| now | {now['messages_per_second']} | {now['p50_ms']:.0f} | {now['p95_ms']:.0f} | {now['errors']} "
        f"| {load['peak_rss_mb']['rasa server']} | {load['cold_start_to_first_answer_seconds']} |",
        "",
        f"Now / before: {ratio:.0%} of the messages per second.",
    ]


def metrics_row(load: dict) -> list[str]:
    off, on = (((load.get(key) or {}).get("load") or [None])[0] for key in ("metrics_off", "metrics_on"))
    if not off or not on:
        return []
    return [
        "Metrics (issue 13): 10 concurrent conversations with counting and the message log off (CLINIC_METRICS=0), "
        "and on with Prometheus scraping both servers every 15 s (CLINIC_MONITORING=1), same run:",
        "",
        "| metrics | msg/s | p50 ms | p95 ms | errors |",
        "|---|---|---|---|---|",
        *(f"| {name} | {r['messages_per_second']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['errors']} |"
          for name, r in (("off", off), ("on", on))),
        "",
        f"On / off: {on['messages_per_second'] / off['messages_per_second']:.1%} of the messages per second "
        "(target: at least 95%).",
    ]  # fmt: skip


def storage_lines(storage: dict) -> list[str]:
    """Bytes stored per message, and the most one address can store under the default limits (bench/storage.py)."""
    if not storage:
        return ["(not measured: `python -m bench.storage`)"]
    worst = storage["worst_case_per_address"]
    return [
        *(f"- {kind}: {size / 1000:.1f} KB" for kind, size in storage["bytes_per_message"].items()),
        f"- one address at most, at the largest of these, under `{worst['limits']}`: {worst['first_minute_mb']} MB "
        f"in its first minute, {worst['first_day_mb']} MB its first day, {worst['each_day_after_mb']} MB each day "
        f"after, {worst['kept_30_days_mb']} MB kept 30 days (docs/SECURITY.md)",
    ]


def plot(load: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = load.get("load", [])
    if not rows:
        return
    users = [r["concurrent_conversations"] for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        left.plot(users, [r[key] for r in rows], marker="o", label=key.replace("_ms", ""))
    left.set(xlabel="concurrent conversations", ylabel="reply time (ms)", title="Latency over HTTP")
    left.legend()
    right.bar([str(u) for u in users], [r["messages_per_second"] for r in rows])
    right.set(xlabel="concurrent conversations", ylabel="messages per second", title="Throughput")
    figure.tight_layout()
    figure.savefig(PLOT, dpi=100)


def main() -> None:
    quality, load, training, publish = read("quality"), read("load"), read("training"), read("publish")
    sets_before, sets_after, embeddings = read("quality-before"), read("quality-after"), read("embeddings")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC at commit {commit.strip()} on {machine()}.",
        "Load generator on the same machine. Reproduce with `make test && make bench`.",
        "",
        f"Targets: {TARGETS}.",
        "",
        "## 1. Answer quality (tests/nlu_holdout.yml, same training data for every contender)",
        "",
        *quality_table(quality),
        "",
        "## 1b. Every evaluation set, before issue 12 and now (`make quality`; tests/sets/README.md)",
        "",
        *sets_table(sets_before, sets_after),
        "",
        "## 1c. Sentence embeddings for the nearest-examples scorer (`python -m bench.embeddings`)",
        "",
        *embeddings_table(embeddings),
        "",
        "## 2. Latency and throughput over HTTP (REST webhook, Locust, conversations with the flare-up form)",
        "",
        "Each simulated patient sends its next message as soon as the reply is in (no think time).",
        "",
        *load_table(load),
        "",
        "![latency and throughput](latency.png)",
        "",
        *before_after_table(load),
        "",
        *cluster_table(load),
        "",
        *issue_12_row(load),
        "",
        *metrics_row(load),
        "",
        "## 3. Training",
        "",
        f"- full `rasa train` (empty cache): {training.get('full_train_seconds', '?')} s",
        f"- content-only retrain (`make train` after an answer's wording changed): "
        f"{training.get('content_only_train_seconds', '?')} s",
        "",
        "## 4. Footprint",
        "",
        f"- peak RSS: Rasa server {load.get('peak_rss_mb', {}).get('rasa server', '?')} MB, "
        f"action server {load.get('peak_rss_mb', {}).get('action server', '?')} MB",
        f"- cold start to first answer: {load.get('cold_start_to_first_answer_seconds', '?')} s",
        "",
        "## 4b. The conversation store (`python -m bench.storage`, SQLite)",
        "",
        *storage_lines(read("storage")),
        "",
        "## 5. How",
        "",
        "`make bench` runs: `python -m bench.training` (full train with an empty cache, then a wording-only",
        "retrain), `python -m bench.quality` (trains Rasa's default pipeline into var/bench/),",
        "`python -m nlu_eval.quality` on today's model and on 011a591's (`python -m bench.baseline`),",
        "`python -m bench.embeddings` (three contenders trained and scored),",
        "`python -m bench.load` (servers via deploy/run.sh, Locust headless 30 s at 1, 10 and 50 users, then",
        "10 users with Rasa as shipped for the before/after pair, and with 011a591's model),",
        "`python -m bench.storage` (bytes stored per message on a fresh SQLite store),",
        "`python -m bench.report` (this file). Publishing latency: `python -m bench.publish_latency`.",
    ]
    if publish:
        lines += [
            "",
            "## Publishing an edit (bench/publish_latency.py)",
            "",
            "```json",
            json.dumps(publish, indent=2),
            "```",
        ]
    plot(load)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)} and {PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
