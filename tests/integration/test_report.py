"""`make report` on conversations driven through the real server."""

import csv
import json
import sqlite3
import subprocess
import sys
import uuid
from datetime import date

from tests.conftest import ROOT
from tests.integration.conftest import Patient


def test_report_lists_escalations_unanswered_questions_and_unhelpful_answers(servers, tmp_path):
    marker = uuid.uuid4().hex[:6]
    patient = Patient(servers.rasa_url)
    patient.say(f"can you recommend a pizza place near the clinic {marker}")
    patient.say(f"is it normal to have blisters after the session {marker}")
    patient.say("does it hurt?")
    patient.say('/feedback{"helpful": "no"}')

    today = date.today().isoformat()
    subprocess.run(
        [sys.executable, "-m", "tools.report", "--from", today, "--to", today, "--out", str(tmp_path)],
        cwd=ROOT, check=True,
    )  # fmt: skip
    summary = (tmp_path / f"report-{today}-{today}.md").read_text()
    escalations = summary.split("## Questions the assistant")[0]
    assert f"blisters after the session {marker}" in escalations
    assert f"pizza place near the clinic {marker}" in summary.split("## Questions the assistant")[1]
    assert "utter_faq/does_it_hurt" in summary.split("## Answers marked not helpful")[1]

    rows = list(csv.DictReader((tmp_path / f"report-{today}-{today}.csv").open()))
    mine = [r for r in rows if marker in r["message"]]
    assert {r["section"] for r in mine} == {"escalation", "unanswered"}
    assert all(r["conversation"] == patient.sender for r in mine)


def test_every_stored_event_records_the_model_that_answered(servers):
    patient = Patient(servers.rasa_url)
    patient.say("what is iontophoresis")
    with sqlite3.connect(ROOT / "var" / "conversations.db") as db:
        stored = [
            json.loads(d) for (d,) in db.execute("SELECT data FROM events WHERE sender_id = ?", (patient.sender,))
        ]
    assert stored
    assert all(e.get("metadata", {}).get("model_id") for e in stored if e["event"] in ("user", "bot", "action"))
