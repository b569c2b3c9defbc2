"""The Rasa side's entry point: Rasa's own command line, with this project's changes to Rasa installed first.

    python -m rasa_addons run --endpoints endpoints.yml --credentials credentials.yml ...
    python -m rasa_addons train ...

`make train`, `make run`, `make stories` and the tests start Rasa this way.
Before Rasa's command line runs, this
1. refuses a Rasa release the patches were not written for (exit 2, with what to do);
2. puts the settings that Rasa, Sanic and endpoints.yml read under their own
   names into the environment (from clinic/settings.py, so defaults live there);
3. installs rasa_addons/patches/ (the safety timeout among them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from clinic.settings import SettingsError, settings


def engine_environment() -> dict[str, str]:
    """Variables Rasa, Sanic and endpoints.yml read themselves, from our settings."""
    values = settings()
    environment = {
        "CLINIC_ACTION_URL": values.action_url,  # endpoints.yml: ${CLINIC_ACTION_URL}
        "CLINIC_MODEL_URL": values.model_url,  # endpoints.yml: ${CLINIC_MODEL_URL}
        "SANIC_REQUEST_MAX_SIZE": str(values.max_body_bytes),
        "TICKET_LOCK_LIFETIME": str(values.lock_lifetime_seconds),  # read when rasa.core.lock_store is imported
        "RASA_TELEMETRY_ENABLED": "false",
    }
    if values.proxies_count:
        environment["SANIC_PROXIES_COUNT"] = str(values.proxies_count)
    return environment


def main(install: Callable[[], None] | None = None) -> int:
    """Rasa's command line after `install` (by default every patch; bench/stock_rasa.py passes fewer)."""
    from rasa_addons import patches

    try:
        os.environ.update(engine_environment())
        (install or patches.install)()
    except (SettingsError, patches.UnsupportedRasaVersion) as error:
        print(f"rasa_addons: {error}", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
