"""Every environment variable in one typed place, with one prefix (clinic/settings.py)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess

import pytest

from clinic.settings import PROJECT_ROOT, SETTINGS, Settings, SettingsError, load_settings, markdown_table

PRODUCTION_CODE = ["clinic", "rasa_addons", "actions", "tools", "deploy", "nlu_eval"]


def test_defaults_are_derived_from_the_ports() -> None:
    values = load_settings({"CLINIC_ACTION_PORT": "6055", "CLINIC_WEB_PORT": "8180"})
    assert values.action_url == "http://127.0.0.1:6055/webhook"
    assert values.origins == ("http://localhost:8180", "http://127.0.0.1:8180")
    assert values.model_url == "http://127.0.0.1:5056/models/current.tar.gz"
    assert values.content_dir == PROJECT_ROOT / "content"


def test_a_name_from_before_the_prefix_still_works_with_a_warning() -> None:
    with pytest.warns(FutureWarning, match="ACTION_PORT is now called CLINIC_ACTION_PORT"):
        values = load_settings({"ACTION_PORT": "6055"})
    assert values.action_port == 6055
    assert values.action_url == "http://127.0.0.1:6055/webhook"


def test_a_value_that_cannot_be_read_names_its_variable() -> None:
    with pytest.raises(SettingsError, match="CLINIC_RASA_PORT='five'"):
        load_settings({"CLINIC_RASA_PORT": "five"})


def test_the_api_needs_a_token() -> None:
    with pytest.raises(SettingsError, match="CLINIC_API_TOKEN"):
        load_settings({"CLINIC_ENABLE_API": "1"})
    assert load_settings({"CLINIC_ENABLE_API": "1", "CLINIC_API_TOKEN": "x" * 32}).enable_api


def test_every_setting_has_the_one_prefix_a_reader_and_a_description() -> None:
    assert [f.name for f in dataclasses.fields(Settings)] == [s.name for s in SETTINGS]
    assert all(s.variable.startswith("CLINIC_") and s.doc and callable(s.read) for s in SETTINGS)


def test_shell_scripts_get_the_resolved_values() -> None:
    shell = 'eval "$(.venv/bin/python -m clinic.settings --shell)"; echo "$CLINIC_ACTION_URL|$CLINIC_ORIGINS"'
    env = {**os.environ, "CLINIC_ACTION_PORT": "6055", "CLINIC_WEB_PORT": "8180"}
    out = subprocess.run(["bash", "-c", shell], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "http://127.0.0.1:6055/webhook|http://localhost:8180 http://127.0.0.1:8180"


def test_readme_documents_every_setting_once_as_declared() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert markdown_table() in readme, "README's settings table is out of date: python -m clinic.settings --markdown"


def python_files(folder: str) -> list:
    return sorted((PROJECT_ROOT / folder).rglob("*.py"))


def test_no_code_but_the_settings_module_reads_the_environment() -> None:
    reads = re.compile(r"os\.environ\.get|os\.getenv|os\.environ\[")
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for folder in PRODUCTION_CODE
        for path in python_files(folder)
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if reads.search(line)
    ]
    assert offenders == []


def test_deploy_scripts_take_no_defaults_of_their_own() -> None:
    """A default written in a script (${X:=5055}) would be a second place for it: they come from the settings."""
    default = re.compile(r"\$\{[A-Z][A-Z0-9_]*:?[-=]")
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted((PROJECT_ROOT / "deploy").glob("*.sh"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if default.search(line)
    ]
    assert offenders == []
