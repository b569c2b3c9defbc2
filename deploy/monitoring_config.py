"""Writes Prometheus's and Alertmanager's configuration for the servers being started, into CLINIC_MONITORING_DIR.

    python -m deploy.monitoring_config --rasa 127.0.0.1:5005 --actions 127.0.0.1:5055 [--out var/monitoring]

deploy/monitor.sh calls it under `make run` (one Rasa and one action server)
and `make run-cluster` (each server of the cluster). Every target gets a
`server` label (`rasa-5006`, `actions-5055`), so an alert says which server;
the rules are deploy/monitoring/alerts.yml. Where alerts go is settings:
CLINIC_ALERT_WEBHOOK_URL (a chat or paging webhook) and CLINIC_ALERT_EMAIL_TO
with CLINIC_ALERT_SMTP_HOST; with neither, they are only on Alertmanager's page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from clinic.settings import PROJECT_ROOT, Settings, settings

RULES = PROJECT_ROOT / "deploy" / "monitoring" / "alerts.yml"


def server_name(job: str, target: str) -> str:
    return f"{job}-{target.rsplit(':', 1)[1]}"


def prometheus_config(rasa: list[str], actions: list[str], values: Settings, rules: Path = RULES) -> dict[str, Any]:
    """Scrape every server's /metrics, evaluate alerts.yml, send alerts to the local Alertmanager."""
    interval = f"{values.scrape_seconds}s"
    jobs = []
    for job, targets in (("rasa", rasa), ("actions", actions)):
        job_config: dict[str, Any] = {
            "job_name": job,
            "static_configs": [{"targets": [t], "labels": {"server": server_name(job, t)}} for t in targets],
        }
        if values.metrics_token:
            job_config["authorization"] = {"credentials": values.metrics_token}
        jobs.append(job_config)
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval, "scrape_timeout": interval},
        "rule_files": [str(rules)],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{values.alertmanager_port}"]}]}]},
        "scrape_configs": jobs,
    }


def alertmanager_config(values: Settings) -> dict[str, Any]:
    """One receiver, "clinic": the webhook and/or e-mail the settings name. Repeats a firing alert every 4 h."""
    receiver: dict[str, Any] = {"name": "clinic"}
    if values.alert_webhook_url:
        receiver["webhook_configs"] = [{"url": values.alert_webhook_url, "send_resolved": True}]
    if values.alert_email_to:
        receiver["email_configs"] = [{"to": values.alert_email_to, "send_resolved": True}]
    config: dict[str, Any] = {
        "route": {
            "receiver": "clinic",
            "group_by": ["alertname", "server"],
            # Short waits: "a server is down" should reach someone within a minute.
            "group_wait": "5s",
            "group_interval": "1m",
            "repeat_interval": "4h",
        },
        "receivers": [receiver],
    }
    if values.alert_email_to:
        config["global"] = {"smtp_smarthost": values.alert_smtp_host, "smtp_from": values.alert_email_from}
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", nargs="+", required=True, metavar="HOST:PORT")
    parser.add_argument("--actions", nargs="+", required=True, metavar="HOST:PORT")
    parser.add_argument("--out", type=Path, default=settings().monitoring_dir)
    args = parser.parse_args(argv)
    values = settings()
    if values.alert_email_to and not values.alert_smtp_host:
        print("CLINIC_ALERT_EMAIL_TO needs CLINIC_ALERT_SMTP_HOST (host:port)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    files = {
        "prometheus.yml": prometheus_config(args.rasa, args.actions, values),
        "alertmanager.yml": alertmanager_config(values),
    }
    for name, config in files.items():
        path = args.out / name
        path.write_text(
            f"# Written by deploy/monitoring_config.py; edit settings, not this file.\n{yaml.safe_dump(config)}"
        )
        path.chmod(0o600)  # it may hold the metrics token
    return 0


if __name__ == "__main__":
    sys.exit(main())
