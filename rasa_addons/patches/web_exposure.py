"""Exposure to the web: no version banner at `/`, and CORS without credentials and with a numeric max-age.

Replaces `configure_cors` and `add_root_route` (rasa/server.py), which
`configure_app` (rasa/core/run.py) calls to build the Rasa server's app:

- Rasa's `/` answers "Hello from Rasa: 3.6.21", telling anyone which release
  (and so which advisories) to try; ours says only that the assistant runs.
- Rasa's CORS sends `Access-Control-Allow-Credentials: true`, which the
  widget does not need (it sends no cookies), and `Access-Control-Max-Age:
  None`, which makes browsers ask again before every message; ours sends no
  credentials header and a max-age of 10 minutes.

CORS still allows only CLINIC_ORIGINS (deploy/run.sh's `--cors`); the webhook
itself refuses other sites' pages (rasa_addons/channel/rest.py).
"""

from __future__ import annotations

from typing import Union

import rasa.server as rasa_server
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors import CORS

PREFLIGHT_MAX_AGE_SECONDS = 600


def configure_cors(app: Sanic, cors_origins: Union[str, list[str], None] = "") -> None:  # noqa: UP007 (Rasa's)
    app.config.CORS_AUTOMATIC_OPTIONS = True
    app.config.CORS_SUPPORTS_CREDENTIALS = False
    app.config.CORS_MAX_AGE = PREFLIGHT_MAX_AGE_SECONDS
    CORS(app, resources={r"/*": {"origins": cors_origins or ""}}, automatic_options=True)


def add_root_route(app: Sanic) -> None:
    @app.get("/")
    async def running(_: Request) -> HTTPResponse:
        return response.text("The clinic's assistant is running.")


def install() -> None:
    rasa_server.configure_cors = configure_cors
    rasa_server.add_root_route = add_root_route
