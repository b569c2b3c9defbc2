"""Starts the action server: rasa-sdk's own server and arguments, with the metrics of actions/monitoring.py.

    python -m actions.server --actions actions --port 5055

The same as `python -m rasa_sdk` (same flags, same app), plus /metrics (unless CLINIC_METRICS=0), and it
listens on CLINIC_BIND_ADDRESS (rasa-sdk's own entry point listens on every
address unless SANIC_HOST says otherwise). deploy/run.sh and
deploy/run_cluster.sh start it this way.
"""

from __future__ import annotations

import logging
import sys

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.executor import ActionExecutor

from actions.monitoring import instrument
from clinic.settings import settings


def main(argv: list[str] | None = None) -> int:
    args = create_argument_parser().parse_args(argv)
    # As rasa-sdk's own __main__ does.
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    executor = ActionExecutor()
    executor.register_package(args.actions)
    if settings().metrics:
        instrument(app, executor.actions)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    # CLINIC_BIND_ADDRESS (127.0.0.1 by default), where rasa-sdk would listen on every address.
    app.run(settings().bind_address, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
