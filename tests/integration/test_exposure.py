"""Nothing exposed: Rasa's HTTP API off, helpers on this machine only, CORS for the clinic's site only."""

from __future__ import annotations

import os
import socket
import subprocess

import pytest

from tests.conftest import ROOT
from tests.integration.conftest import status_of


@pytest.mark.parametrize("path", ["/status", "/conversations/someone/tracker", "/model/parse", "/domain"])
def test_rasa_http_api_is_off(servers, path: str) -> None:
    assert status_of(servers.rasa_url + path) == 404


def test_the_api_will_not_start_without_a_token() -> None:
    env = {**os.environ, "CLINIC_ENABLE_API": "1", "CLINIC_API_TOKEN": ""}
    started = subprocess.run([str(ROOT / "deploy" / "run.sh")], env=env, capture_output=True, text=True, timeout=30)
    assert started.returncode == 2
    assert "CLINIC_API_TOKEN" in started.stderr


def this_machines_outside_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent; this only picks the outgoing interface
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_the_action_server_listens_on_this_machine_only(servers) -> None:
    with socket.create_connection(("127.0.0.1", servers.action_port), timeout=5):
        pass  # it is up
    outside = this_machines_outside_address()
    if outside is None:
        pytest.skip("this machine has no address but loopback")
    with pytest.raises(OSError), socket.create_connection((outside, servers.action_port), timeout=5):
        pass
