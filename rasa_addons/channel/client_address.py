"""Which network address a webhook request comes from, for the per-address limits, and when a proxy is misconfigured.

Behind a reverse proxy every request arrives from the proxy's address, so
the per-address limits would put every patient in one bucket. With
CLINIC_PROXIES_COUNT=N (Sanic's PROXIES_COUNT) Sanic reads the patient's
address from the Nth entry from the end of X-Forwarded-For, the one the
nearest proxy wrote, which a client cannot forge. Two mistakes would
switch the limits off in effect without a word, so each is logged once, as
a warning, the first time a request shows it:

- requests carry X-Forwarded-For (a proxy is in front) but the count is 0;
- the count is set, but a request from another machine came without the
  header (it went around the proxy, or the proxy does not write it).

Requests from this machine (loopback) without the header are expected
(health probes, the demo page) and are limited like any other address.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from clinic.monitoring import is_loopback

logger = logging.getLogger(__name__)

FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")
SEE_ALSO = "docs/SECURITY.md, 'Behind a reverse proxy'"


def proxy_problem(proxies_count: int, peer_address: str | None, headers: Mapping[str, str]) -> str | None:
    """What is wrong with the proxy setting, as this request shows it; None when nothing is."""
    forwarded = next((name for name in FORWARDING_HEADERS if name in headers), None)
    if not proxies_count and forwarded:
        return (
            f"A request came through a proxy ({forwarded}) but CLINIC_PROXIES_COUNT is 0: every patient behind it "
            "shares the proxy's address and its rate limits. Set CLINIC_PROXIES_COUNT to the number of proxies "
            f"in front of this server ({SEE_ALSO}). Without a proxy, a client sent the header itself: ignore this."
        )
    if proxies_count and not forwarded and not is_loopback(peer_address):
        return (
            f"CLINIC_PROXIES_COUNT is {proxies_count} but a request from another machine came without "
            "X-Forwarded-For: it went around the proxy, or the proxy does not write the header; its address is "
            f"the connection's ({SEE_ALSO})."
        )
    return None


class ProxyWarnings:
    """Logs each kind of proxy problem once per process, however many requests show it."""

    def __init__(self, proxies_count: int) -> None:
        self.proxies_count = proxies_count
        self._logged: set[str] = set()

    def check(self, peer_address: str | None, headers: Mapping[str, str]) -> None:
        problem = proxy_problem(self.proxies_count, peer_address, headers)
        if problem and problem not in self._logged:
            self._logged.add(problem)
            logger.warning(problem)
