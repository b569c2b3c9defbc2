"""The only place this project changes Rasa's own code: one module per change, installed by `install()`.

`install()` is called once, explicitly, by the Rasa side's entry point
(`python -m rasa_addons`, which `make train`, `make run` and the tests use)
and by code that loads a model in-process (nlu_eval). Nothing here changes
Rasa on import. Each module says which Rasa method it replaces, why, and the
Rasa issue where one exists; tests/unit/rasa_addons/test_patches.py shows
Rasa's own behaviour next to ours.

The patches were written against one Rasa release and read its internals, so
`install()` refuses any other release with a message saying what to re-check.
"""

from __future__ import annotations

import importlib

SUPPORTED_RASA_VERSION = "3.6.21"

# Patients depend on these: never left out, whatever is being measured.
SAFETY = ("action_timeout",)
# Time and memory (figures in bench/RESULTS.md). bench/stock_rasa.py leaves these out to measure Rasa as shipped.
SPEED = ("action_reply_schema", "model_loading", "event_types")
# Metrics and health checks for the people running it (docs/OPERATIONS.md).
OPERATIONS = ("operations_routes",)
# What the server shows the web: no version banner, CORS without credentials (docs/SECURITY.md).
EXPOSURE = ("web_exposure",)
# Training only: a wording edit retrains no NLU.
TRAINING = ("answer_words",)

_installed: set[str] = set()


class UnsupportedRasaVersion(RuntimeError):
    """The installed Rasa is not the release these patches were written for."""


def check_rasa_version() -> None:
    """Refuse to patch a Rasa release the patches were not written against."""
    from rasa.version import __version__ as found

    if found != SUPPORTED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"rasa_addons/patches/ was written for Rasa {SUPPORTED_RASA_VERSION} and replaces some of its "
            f"methods; this is Rasa {found}. Not starting. Re-check each module in rasa_addons/patches/ against "
            f"Rasa {found}'s code (tests/unit/rasa_addons/test_patches.py helps), then update "
            "SUPPORTED_RASA_VERSION, or install the locked Rasa with `make setup`."
        )


def install(*groups: tuple[str, ...]) -> None:
    """Install the given groups of patches (all of them by default); installing one twice does nothing."""
    check_rasa_version()  # before any patch module imports Rasa's internals
    for name in [name for group in (groups or (SAFETY, SPEED, OPERATIONS, EXPOSURE, TRAINING)) for name in group]:
        if name not in _installed:
            importlib.import_module(f"{__name__}.{name}").install()
            _installed.add(name)


def installed(name: str = "action_timeout") -> bool:
    """True once the patch `name` (by default the safety timeout) is in Rasa."""
    return name in _installed
