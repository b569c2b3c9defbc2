"""Operations: /metrics, /health/live and /health/ready on the Rasa server, and the loaded model in the metrics.

Wraps `configure_app` (rasa/core/run.py), which builds the Rasa server's
Sanic app, to add three routes beside the webhook, on the same port; and
`Agent.load_model` (rasa/core/agent.py), which every model load and every
switch to a newly trained model goes through, to note the model's id and
when it was trained and loaded (`clinic_model_info`, `clinic_model_*_timestamp_seconds`).
Rasa Open Source has neither metrics nor a readiness check of its own.

- /metrics: rasa_addons/monitoring.py's counters, in Prometheus's text
  format, only to this machine or to the holder of CLINIC_METRICS_TOKEN
  (clinic/monitoring.py); 403 otherwise.
- /health/live: 200 while the process answers.
- /health/ready: 200 or 503 with each check (rasa_addons/health.py); with
  CLINIC_REFUSE_WHEN_UNREADY=1 also checked in the background, for the webhook.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

import rasa.core.run as rasa_run
from rasa.core.agent import Agent
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic.monitoring import metrics_exposition
from clinic.settings import settings
from rasa_addons import health, monitoring

rasa_configure_app = rasa_run.configure_app
rasa_load_model = Agent.load_model


def add_routes(app: Sanic) -> Sanic:
    """The operations routes on the Rasa server's app."""

    @app.get("/metrics")
    async def metrics(request: Request) -> HTTPResponse:
        status, body, content_type = metrics_exposition(request.ip, request.headers.get("authorization"))
        return response.raw(body, status=status, content_type=content_type)

    @app.get("/health/live")
    async def live(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/health/ready")
    async def ready(request: Request) -> HTTPResponse:
        checks = await health.readiness(request.app.ctx.agent)
        status = 200 if all(checks.values()) else 503
        return response.json({"ready": status == 200, "checks": checks}, status=status)

    if settings().refuse_when_unready:
        app.ctx.ready = False  # until the first check passes
        app.add_task(health.keep_checking)
    return app


def configure_app_with_operations(*args: Any, **kwargs: Any) -> Sanic:
    return add_routes(rasa_configure_app(*args, **kwargs))


def load_model_and_note_it(self: Agent, *args: Any, **kwargs: Any) -> None:
    rasa_load_model(self, *args, **kwargs)
    metadata = self.processor.model_metadata
    # Rasa writes trained_at with datetime.utcnow(): a time in UTC without a time zone.
    trained_at = metadata.trained_at.replace(tzinfo=metadata.trained_at.tzinfo or timezone.utc)
    monitoring.model_loaded(metadata.model_id, trained_at.timestamp())


def install() -> None:
    rasa_run.configure_app = configure_app_with_operations
    Agent.load_model = load_model_and_note_it
