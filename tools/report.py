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
3. answers patients marked as not helpful;
4. answers due for review (their owner and dates, domain.yml's metadata) and,
   from git, who last changed each answer and when (tools/answers.py).
Conversations appear only by their random id; nothing else about the patient
is read or written. A conversation deleted later (a patient's "forget me", or
`make purge CONVERSATION=...`) is taken out of the reports already written
(`drop_conversation`).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from clinic.settings import PROJECT_ROOT as ROOT
from nlu_eval.scoring import load_examples
from rasa_addons.stores.tracker_store import tracker_store_url
from tools import answers as reviewed_answers

UNANSWERED = {
    "out_of_scope": "out of scope",
    "nlu_fallback": "not understood",
    "did_you_mean": "did you mean",
    "leaflet_gap": "not in the leaflet",
}
ESCALATIONS = ("urgent", "crisis")
REPORTS_DIR = ROOT / "var" / "reports"
REPORT_NAME = re.compile(r"report-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv")
SOURCE_LINE = re.compile(r"^Conversations read from `(.*)`\.$", re.MULTILINE)
ANSWERS_HEADING = "## Answers due for review"
DUE_WITHIN_DAYS = 90  # a quarter's notice, more than make check's 30 days
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


def answers_section(domain_path: Path, today: date) -> str:
    """Answers due for review within DUE_WITHIN_DAYS, then every answer's owner, dates and last change."""
    found = reviewed_answers.answers(domain_path)
    changes = reviewed_answers.last_changes(domain_path, found)
    due = sorted(
        (a for a in found if a.review_by is None or (a.review_by - today).days <= DUE_WITHIN_DAYS),
        key=lambda a: (a.review_by or date.min, a.name),
    )
    lines = [ANSWERS_HEADING, "", f"Overdue or due by {today + timedelta(days=DUE_WITHIN_DAYS)}: {len(due)} "
             "(`make check` fails once a date has passed; docs/STAFF.md, \"Reviewing an answer\").", ""]  # fmt: skip
    if due:
        lines += ["| answer | owner | review by | status |", "|---|---|---|---|"]
        lines += [f"| {a.name} | {_cell(str(a.metadata.get('owner') or '(none)'))} | {a.review_by or '(none)'} | "
                  f"{_when_due(a.review_by, today)} |" for a in due]  # fmt: skip
    lines += ["", "## Who last changed each answer", ""]
    if not changes:
        lines += ["(not a git checkout: no history to read)"]
    else:
        lines += [
            "| answer | owner | reviewed | review by | last changed | by | commit |",
            "|---|---|---|---|---|---|---|",
        ]
        for a in found:
            change = changes.get((a.name, a.variation))
            meta = a.metadata
            lines.append(
                f"| {a.name} | {_cell(str(meta.get('owner') or ''))} | {meta.get('reviewed') or ''} | "
                f"{meta.get('review_by') or ''} | {change.when if change else ''} | "
                f"{_cell(change.author) if change else ''} | {change.commit if change else ''} |"
            )
    return "\n".join(lines) + "\n"


def _when_due(due: date | None, today: date) -> str:
    if due is None:
        return "no review date: `make check` says how to add one"
    days = (due - today).days
    return f"overdue by {-days} day(s)" if days < 0 else f"due in {days} day(s)"


def markdown(rows: list[Row], start: date, end: date, source: str, appendix: str = "") -> str:
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
    return "\n".join(lines) + "\n" + ("\n" + appendix if appendix else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(rows: list[Row], start: date, end: date, out: Path, source: str, appendix: str = "") -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md_path, csv_path = out / f"report-{start}-{end}.md", out / f"report-{start}-{end}.csv"
    md_path.write_text(markdown(rows, start, end, source, appendix), encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "when_utc", "conversation", "message", "outcome", "nearest_question"])
        writer.writerows([r.section, r.when, r.conversation, r.message, r.outcome, r.suggestion] for r in rows)
    return md_path, csv_path


def drop_conversation(conversation_id: str, reports_dir: Path = REPORTS_DIR) -> int:
    """Take one conversation out of every report written so far (its CSV rows, and the Markdown made again
    from what is left); how many rows were taken out."""
    dropped = 0
    for csv_path in sorted(reports_dir.glob("report-*.csv")):
        dates = REPORT_NAME.fullmatch(csv_path.name)
        if not dates:
            continue
        with csv_path.open(newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
        kept = [r for r in records if r["conversation"] != conversation_id]
        if len(kept) == len(records):
            continue
        dropped += len(records) - len(kept)
        rows = [Row(r["section"], r["when_utc"], r["conversation"], r["message"], r["outcome"],
                    r["nearest_question"]) for r in kept]  # fmt: skip
        md_path = csv_path.with_suffix(".md")
        old = md_path.read_text(encoding="utf-8") if md_path.exists() else ""
        found = SOURCE_LINE.search(old)
        # The answers' section is about the content, not the patients: kept as it was written.
        appendix = old[old.index(ANSWERS_HEADING) :] if ANSWERS_HEADING in old else ""
        start, end = (date.fromisoformat(d) for d in dates.groups())
        write(rows, start, end, reports_dir, found[1] if found else "the conversation store", appendix)
    return dropped


def main() -> None:
    today = date.today()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, default=today - timedelta(days=30))
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default=today)
    parser.add_argument("--out", type=Path, default=REPORTS_DIR)
    args = parser.parse_args()
    start = datetime.combine(args.start, datetime.min.time(), timezone.utc)
    end = datetime.combine(args.end + timedelta(days=1), datetime.min.time(), timezone.utc)
    engine = sa.create_engine(tracker_store_url())
    source = engine.url.render_as_string(hide_password=True)
    rows = collect(engine, start, end)
    print(f"read {len({r.conversation for r in rows})} conversation(s) with something to report from {source}")
    appendix = answers_section(ROOT / "domain.yml", today)
    for path in write(rows, args.start, args.end, args.out, source, appendix):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
