"""deploy/monitoring/alerts.yml passes `promtool check rules`, and each rule its unit tests (alerts_test*.yml)."""

from __future__ import annotations

import shutil
import subprocess

import yaml

from clinic.settings import PROJECT_ROOT

MONITORING = PROJECT_ROOT / "deploy" / "monitoring"
TESTS = ("alerts_test.yml", "alerts_test_week.yml")


def promtool(*args: str) -> subprocess.CompletedProcess:
    assert shutil.which("promtool"), "promtool is missing: `make monitoring-setup` installs Debian's prometheus"
    return subprocess.run(["promtool", *args], cwd=MONITORING, capture_output=True, text=True)


def test_the_rules_file_is_valid() -> None:
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_rule_passes_its_unit_tests() -> None:
    tested = promtool("test", "rules", *TESTS)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_rule_has_a_unit_test_that_expects_it_to_fire() -> None:
    rules = {r["alert"] for g in yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"] for r in g["rules"]}
    tests = [t for name in TESTS for t in yaml.safe_load((MONITORING / name).read_text())["tests"]]
    fired = {c["alertname"] for t in tests for c in t["alert_rule_test"] if c.get("exp_alerts")}
    assert fired == rules


def test_a_broken_threshold_fails_the_unit_tests(tmp_path) -> None:
    # The unit tests can fail: with the escalation floor lowered from 5 to 4, "four escalations" fires.
    shutil.copy(MONITORING / "alerts_test_week.yml", tmp_path)
    rules = (MONITORING / "alerts.yml").read_text()
    assert rules.count('outcome=~"urgent|crisis"}[1h])) >= 5') == 1
    (tmp_path / "alerts.yml").write_text(
        rules.replace('outcome=~"urgent|crisis"}[1h])) >= 5', 'outcome=~"urgent|crisis"}[1h])) >= 4')
    )
    tested = subprocess.run(["promtool", "test", "rules", "alerts_test_week.yml"], cwd=tmp_path, capture_output=True,
                            text=True)  # fmt: skip
    assert tested.returncode != 0
    assert "four escalations" in tested.stdout + tested.stderr
