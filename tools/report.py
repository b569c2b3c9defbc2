"""What patients asked that the assistant could not answer, for staff (`make report`).

    python -m tools.report [--from 2026-11-01] [--to 2026-11-30] [--out var/reports]

Reads the conversation store the Rasa server uses (SQLite in
var/conversations.db, or the database CLINIC_TRACKER_STORE_URL names, as
`make purge` does) and writes a Markdown summary, which says which store it
read, and a CSV:
1. urgent and crisis escalations, counted, first, so staff can follow up;
2. messages that ended out of scope, not understood, in "Did you mean...?" or
   were answered with low confidence, grouped by the nearest existing
   question (a suggestion of where a new phrasing might belong);
3. answers patients marked as not helpful.
Conversations appear only by their random id; nothing else about the patient
is read or written.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from clinic.settings import PROJECT_ROOT as ROOT
from nlu_eval.scoring import load_examples
from rasa_addons.stores.tracker_store import tracker_store_url

UNANSWERED = {
    "out_of_scope": "out of scope",
    "nlu_fallback": "not understood",
    "did_you_mean": "did you mean",
    "leaflet_gap": "not in the leaflet",
}
ESCALATIONS = ("urgent", "crisis")
LOW_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Row:
    section: str
    when: str
    conversation: str
    message: str
    outcome: str
    suggestion: str


class NearestQuestion:
    """The existing FAQ question whose training examples are closest to a message."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        pairs = [p for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for p in load_examples(path)]
        pairs = [(text, label) for text, label in pairs if label.startswith("faq/")]
        self.labels = [label for _, label in pairs]
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform([text for text, _ in pairs])

    def __call__(self, message: str) -> str:
        scores = (self.matrix @ self.vectorizer.transform([message]).T).toarray().ravel()
        return self.labels[int(scores.argmax())] if scores.max() > 0 else ""


def events(engine: sa.engine.Engine, start: datetime, end: datetime) -> list[tuple]:
    """(sender, type, timestamp, data) of the stored events in [start, end), per conversation in order."""
    if not sa.inspect(engine).has_table("events"):
        return []  # nothing stored yet: Rasa creates the table with the first conversation
    query = sa.text(
        "SELECT sender_id, type_name, timestamp, data FROM events "
        "WHERE timestamp >= :start AND timestamp < :end ORDER BY sender_id, id"
    )
    with engine.connect() as connection:
        return list(connection.execute(query, {"start": start.timestamp(), "end": end.timestamp()}))


def collect(engine: sa.engine.Engine, start: datetime, end: datetime) -> list[Row]:
    nearest = NearestQuestion()
    rows: list[Row] = []
    last_answer: dict[str, str] = {}
    for sender, kind, timestamp, raw in events(engine, start, end):
        event = json.loads(raw)
        when = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M")
        if kind == "bot":
            last_answer[sender] = (event.get("metadata") or {}).get("utter_action") or ""
            continue
        if kind != "user" or not event.get("text") or event["text"].startswith("/greet"):
            continue
        parse = event.get("parse_data") or {}
        intent = (parse.get("intent") or {}).get("name") or ""
        text = event["text"]
        if intent in ESCALATIONS:
            rows.append(Row("escalation", when, sender, text, intent, ""))
        elif intent == "feedback":
            helpful = next((e["value"] for e in parse.get("entities", []) if e.get("entity") == "helpful"), "")
            if helpful == "no":
                rows.append(Row("not helpful", when, sender, "", last_answer.get(sender, ""), ""))
        elif intent in UNANSWERED and not text.startswith("/"):
            rows.append(Row("unanswered", when, sender, text, UNANSWERED[intent], nearest(text)))
        elif intent == "faq":
            selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
            if min((parse.get("intent") or {}).get("confidence", 1), selected.get("confidence", 1)) < LOW_CONFIDENCE:
                rows.append(
                    Row(
                        "unanswered",
                        when,
                        sender,
                        text,
                        "low confidence answer",
                        selected.get("intent_response_key", ""),
                    )
                )
    return rows


def markdown(rows: list[Row], start: date, end: date, source: str) -> str:
    lines = [f"# What patients asked: {start} to {end}", "", f"Conversations read from `{source}`.", ""]
    escalations = sorted((r for r in rows if r.section == "escalation"), key=lambda r: r.when)
    counts = Counter(r.outcome for r in escalations)
    lines += ["## Urgent and crisis escalations (follow these up first)", ""]
    lines += [f"- {kind}: {counts.get(kind, 0)}" for kind in ESCALATIONS]
    lines += ["", "| when (UTC) | conversation | kind | message |", "|---|---|---|---|"]
    lines += [f"| {r.when} | {r.conversation[:8]} | {r.outcome} | {_cell(r.message)} |" for r in escalations]
    unanswered = [r for r in rows if r.section == "unanswered"]
    lines += ["", f"## Questions the assistant could not answer well ({len(unanswered)})", ""]
    by_topic: dict[str, Counter] = defaultdict(Counter)
    for row in unanswered:
        by_topic[row.suggestion or "(no close question)"][(row.message.lower().strip(), row.outcome)] += 1
    for topic, messages in sorted(by_topic.items(), key=lambda item: -sum(item[1].values())):
        lines += [f"### Nearest existing question: {topic} ({sum(messages.values())})", ""]
        lines += [f'- {count} × "{_cell(text)}" ({outcome})' for (text, outcome), count in messages.most_common()]
        lines.append("")
    not_helpful = Counter(r.outcome for r in rows if r.section == "not helpful")
    lines += ["## Answers marked not helpful", ""]
    lines += [f"- {answer or '(unknown answer)'}: {count}" for answer, count in not_helpful.most_common()] or ["- none"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(rows: list[Row], start: date, end: date, out: Path, source: str) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md_path, csv_path = out / f"report-{start}-{end}.md", out / f"report-{start}-{end}.csv"
    md_path.write_text(markdown(rows, start, end, source), encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "when_utc", "conversation", "message", "outcome", "nearest_question"])
        writer.writerows([r.section, r.when, r.conversation, r.message, r.outcome, r.suggestion] for r in rows)
    return md_path, csv_path


def main() -> None:
    today = date.today()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, default=today - timedelta(days=30))
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default=today)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "reports")
    args = parser.parse_args()
    start = datetime.combine(args.start, datetime.min.time(), timezone.utc)
    end = datetime.combine(args.end + timedelta(days=1), datetime.min.time(), timezone.utc)
    engine = sa.create_engine(tracker_store_url())
    source = engine.url.render_as_string(hide_password=True)
    rows = collect(engine, start, end)
    print(f"read {len({r.conversation for r in rows})} conversation(s) with something to report from {source}")
    for path in write(rows, args.start, args.end, args.out, source):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
