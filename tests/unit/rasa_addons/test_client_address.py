"""A misconfigured proxy is logged once, the first time a request shows it (rasa_addons/channel/client_address.py)."""

from __future__ import annotations

import logging

import pytest

from rasa_addons.channel.client_address import ProxyWarnings, proxy_problem

FORWARDED = {"x-forwarded-for": "198.51.100.7"}


@pytest.mark.parametrize(
    ("proxies_count", "peer", "headers", "problem"),
    [
        (0, "10.0.0.2", FORWARDED, "CLINIC_PROXIES_COUNT is 0"),
        (0, "127.0.0.1", {"x-real-ip": "198.51.100.7"}, "CLINIC_PROXIES_COUNT is 0"),
        (1, "10.0.0.2", {}, "came without X-Forwarded-For"),
        (0, "198.51.100.7", {}, None),  # no proxy, none configured
        (1, "127.0.0.1", FORWARDED, None),  # nginx on this host, configured
        (1, "10.0.0.2", FORWARDED, None),  # a proxy elsewhere, configured
        (1, "127.0.0.1", {}, None),  # a health probe or the demo page on this machine
    ],
)
def test_a_proxy_setting_the_requests_contradict_is_named(proxies_count, peer, headers, problem) -> None:
    found = proxy_problem(proxies_count, peer, headers)
    assert (found is None) if problem is None else (problem in found)


def test_each_problem_is_logged_once_however_many_requests_show_it(caplog: pytest.LogCaptureFixture) -> None:
    warnings = ProxyWarnings(proxies_count=0)
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            warnings.check("127.0.0.1", FORWARDED)
            warnings.check("127.0.0.1", {})
    assert len(caplog.records) == 1
    assert "CLINIC_PROXIES_COUNT is 0" in caplog.records[0].getMessage()
    assert "198.51.100.7" not in caplog.text  # no patient's address in the log
