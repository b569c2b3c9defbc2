"""What patients type stays out of the logs at the default log level."""

from __future__ import annotations

import uuid

from tests.conftest import ROOT
from tests.integration.conftest import say


def test_message_text_is_not_written_to_any_log(servers) -> None:
    marker = "zq" + uuid.uuid4().hex[:12]
    sender = uuid.uuid4().hex
    messages = [
        f"my name is {marker} and my elbow hurts",
        f'/inform{{"pain_level": "{marker}"}}',  # typed payload with bad JSON inside
        f"/{marker}",
        f"<script>{marker}</script>",
        f"{marker} " * 120,
        "yesterday " + marker,
    ]
    for text in messages:
        say(servers.rasa_url, sender, text)
    say(servers.rasa_url, sender, marker * 100)  # refused: too long
    logs = list((ROOT / "var" / "log").glob("*.log")) + [ROOT / "var" / "test-run.log"]
    leaked = [log.name for log in logs if log.exists() and marker in log.read_text(errors="replace")]
    assert leaked == []
