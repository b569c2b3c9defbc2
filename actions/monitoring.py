"""The action server's metrics: every custom action run, by result, and how long it took; served at /metrics.

Counted around rasa-sdk's own /webhook route by Sanic middleware (no change to
rasa-sdk). Labels are action names from this package and a result from a
fixed list, never anything from the conversation. Who may read /metrics is
decided in clinic/monitoring.py, as on the Rasa server.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client import Counter, Histogram
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic.monitoring import metrics_exposition

# rasa-sdk's webhook statuses: 400 is a form's "slot not filled", part of the normal flow.
RESULTS = {200: "ok", 400: "rejected", 404: "not_found"}
UNKNOWN_ACTION = "unknown"

ACTIONS = Counter("clinic_actions", "Custom actions run, by result (ok, rejected, not_found, error)",
                  ["action", "result"])  # fmt: skip
ACTION_SECONDS = Histogram(
    "clinic_action_seconds", "Time the action server took to run a custom action", ["action"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip


def result_of(status: int) -> str:
    return RESULTS.get(status, "error")


def instrument(app: Sanic, action_names: Iterable[str]) -> Sanic:
    """Count and time each /webhook call on rasa-sdk's app, and serve /metrics."""
    known = set(action_names)

    @app.middleware("request")
    async def start_clock(request: Request) -> None:
        request.ctx.started = time.monotonic()

    @app.middleware("response")
    async def count(request: Request, reply: HTTPResponse) -> None:
        if request.path != "/webhook" or not hasattr(request.ctx, "started"):
            return
        try:
            name = (request.json or {}).get("next_action")
        except Exception:  # a body that is not JSON: rasa-sdk has already answered it
            name = None
        action = name if name in known else UNKNOWN_ACTION
        ACTIONS.labels(action, result_of(reply.status)).inc()
        ACTION_SECONDS.labels(action).observe(time.monotonic() - request.ctx.started)

    @app.get("/metrics")
    async def metrics(request: Request) -> HTTPResponse:
        status, body, content_type = metrics_exposition(request.ip, request.headers.get("authorization"))
        return response.raw(body, status=status, content_type=content_type)

    return app
