"""deploy/monitoring_config.py: every server scraped under its own name; alerts go where the settings say."""

from __future__ import annotations

import subprocess

import yaml

from clinic.settings import load_settings
from deploy import monitoring_config


def test_each_server_is_a_target_labelled_with_its_name() -> None:
    values = load_settings({})
    config = monitoring_config.prometheus_config(["127.0.0.1:5006", "127.0.0.1:5007"], ["127.0.0.1:5055"], values)
    targets = {
        (job["job_name"], group["targets"][0], group["labels"]["server"])
        for job in config["scrape_configs"]
        for group in job["static_configs"]
    }
    assert targets == {
        ("rasa", "127.0.0.1:5006", "rasa-5006"), ("rasa", "127.0.0.1:5007", "rasa-5007"),
        ("actions", "127.0.0.1:5055", "actions-5055"),
    }  # fmt: skip
    assert all("authorization" not in job for job in config["scrape_configs"])
    assert config["global"]["scrape_interval"] == "15s"


def test_a_metrics_token_is_sent_with_every_scrape() -> None:
    values = load_settings({"CLINIC_METRICS_TOKEN": "s3cret"})
    config = monitoring_config.prometheus_config(["127.0.0.1:5005"], ["127.0.0.1:5055"], values)
    assert [job["authorization"] for job in config["scrape_configs"]] == [{"credentials": "s3cret"}] * 2


def test_alerts_go_to_the_webhook_and_the_address_the_settings_name() -> None:
    values = load_settings({
        "CLINIC_ALERT_WEBHOOK_URL": "https://chat.example/hook", "CLINIC_ALERT_EMAIL_TO": "ops@clinic.example",
        "CLINIC_ALERT_SMTP_HOST": "mail.clinic.example:587",
    })  # fmt: skip
    config = monitoring_config.alertmanager_config(values)
    [receiver] = config["receivers"]
    assert receiver["webhook_configs"][0]["url"] == "https://chat.example/hook"
    assert receiver["email_configs"][0]["to"] == "ops@clinic.example"
    assert config["global"]["smtp_smarthost"] == "mail.clinic.example:587"


def test_the_written_files_pass_prometheus_and_alertmanager_checks(tmp_path) -> None:
    assert (
        monitoring_config.main(["--rasa", "127.0.0.1:5005", "--actions", "127.0.0.1:5055", "--out", str(tmp_path)]) == 0
    )
    assert yaml.safe_load((tmp_path / "prometheus.yml").read_text())["rule_files"]
    checked = subprocess.run(
        ["promtool", "check", "config", str(tmp_path / "prometheus.yml")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    checked = subprocess.run(
        ["amtool", "check-config", str(tmp_path / "alertmanager.yml")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
