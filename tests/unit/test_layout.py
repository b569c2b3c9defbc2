"""Each folder is one part that runs or one Rasa extension point, and a deployable never needs another's code.

- the action server (actions/) never imports the Rasa side (rasa_addons/), nor the Rasa side the action server;
- clinic/ (shared by both) imports neither, nor Rasa itself;
- nothing outside tests/ imports tests/.
"""

from __future__ import annotations

import re

import pytest

from clinic.settings import PROJECT_ROOT

IMPORT = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)
FORBIDDEN = {
    "rasa_addons": {"actions", "tests"},
    "deploy": {"actions", "tests"},
    "tools": {"actions", "tests"},
    "nlu_eval": {"actions", "tests"},
    "bench": {"actions", "tests"},
    "actions": {"rasa_addons", "rasa", "tests"},
    "clinic": {"rasa_addons", "actions", "rasa", "rasa_sdk", "tests"},
}


def imported_packages(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
        for module in IMPORT.findall(path.read_text()):
            found.setdefault(module.split(".")[0], set()).add(str(path.relative_to(PROJECT_ROOT)))
    return found


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_folder_imports_only_what_its_part_may_use(folder: str) -> None:
    imports = imported_packages(folder)
    wrong = {package: sorted(imports[package]) for package in FORBIDDEN[folder] if package in imports}
    assert wrong == {}


def test_shell_scripts_start_no_action_code_but_the_action_server() -> None:
    for path in (PROJECT_ROOT / "deploy").glob("*.sh"):
        for line in path.read_text().splitlines():
            # The action server itself (actions/server.py) is the one way in.
            assert not re.search(r"-m actions\b(?!\.server )|actions/\w+\.py", line), f"{path.name}: {line}"
