"""Every environment variable the assistant reads, typed, with its default: the one place they are defined.

All of them start with `CLINIC_`. The Rasa server, the action server, the
tools and the deploy scripts read them through `load_settings()`; the shell
scripts get the resolved values with

    eval "$(python -m clinic.settings --shell)"

so a default is written here and nowhere else. README's settings table is
generated from `SETTINGS` (tests/unit/clinic/test_settings.py keeps it true).

Names used before the single prefix (`ACTION_PORT`, `RASA_PORT`,
`IONTO_CONTENT_DIR`, ...) still work, with a warning, so an existing
deployment keeps its ports after an upgrade.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

PREFIX = "CLINIC_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting with a value the assistant cannot run with; the message says which and how to fix it."""


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("write 1 or 0")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _ports(text: str) -> tuple[int, ...]:
    return tuple(int(word) for word in text.split())


def setting(default: str, doc: str, old_name: str | None = None) -> Any:
    """A field of Settings: its default as written in the environment ("{...}" names other settings), its doc."""
    return field(metadata={"default": default, "doc": doc, "old_name": old_name})


@dataclass(frozen=True)
class Settings:
    """The resolved values. Each field is the variable CLINIC_<FIELD NAME>; its type says how it is read."""

    # Where each part listens (make run; make run-cluster uses the cluster settings below).
    rasa_port: int = setting("5005", "the Rasa server's port (nginx's under `make run-cluster`)", "RASA_PORT")
    action_port: int = setting("5055", "the action server's port", "ACTION_PORT")
    model_port: int = setting("5056", "the model server's port (new models are fetched from it)", "MODEL_PORT")
    web_port: int = setting("8080", "the demo clinic page's port", "WEB_PORT")
    bind_address: str = setting("127.0.0.1", "the address the servers listen on", "BIND_ADDRESS")
    origins: tuple[str, ...] = setting(
        "http://localhost:{web_port} http://127.0.0.1:{web_port}",
        "web pages allowed to call the assistant (CORS), separated by spaces; never `*`",
    )
    action_url: str = setting(
        "http://127.0.0.1:{action_port}/webhook",
        "where the Rasa server calls the action server (endpoints.yml)",
        "ACTION_ENDPOINT_URL",
    )
    model_url: str = setting(
        "http://127.0.0.1:{model_port}/models/current.tar.gz",
        "where the Rasa server fetches new models (endpoints.yml)",
        "MODEL_SERVER_URL",
    )
    model_file: Path = setting(
        str(PROJECT_ROOT / "models" / "current.tar.gz"),
        "the trained model the model server serves (`make train` writes it)",
    )
    content_dir: Path = setting(
        str(PROJECT_ROOT / "content"), "the folder with clinic.yml and advice.yml", "IONTO_CONTENT_DIR"
    )
    # The webhook (rasa_addons/channel/).
    max_body_bytes: int = setting("65536", "larger request bodies are refused unread (413)", "WEBHOOK_MAX_BODY_BYTES")
    max_message_chars: int = setting("1000", "longer messages are refused before NLU (413); the widget stops there")
    max_concurrent: int = setting(
        "0", "messages worked on at once, the rest wait in order; 0: 2, or 4 with a shared lock store"
    )
    rate_limit_per_conversation: str = setting(
        "20/20", "messages at once per conversation, refilled over that many seconds; `off` for load tests"
    )
    rate_limit_per_address: str = setting(
        "300/60 1000/86400",
        "the same per network address (an IPv6 /64), every rule at once: 300 at once, then 5 a second, "
        "1,000 a day (docs/SECURITY.md: worst-case storage); `off` only for load tests",
    )
    rate_limit_new_conversations_per_address: str = setting(
        "20/60 100/86400", "conversations started per network address, the same way; `off` only for load tests"
    )
    any_sender_id: bool = setting(
        "0",
        "1: accept any conversation id of 1-64 letters, digits, - or _ (for an integration that names its own; "
        "guessable ids let others join a conversation: docs/SECURITY.md); 0: only 32 hex digits or a UUID4",
    )
    proxies_count: int = setting(
        "0",
        "reverse proxies in front of the Rasa server (1 behind nginx), so limits see the patient's address "
        "(a warning is logged when requests show it is wrong)",
        "SANIC_PROXIES_COUNT",
    )
    action_timeout_seconds: float = setting(
        "7", "a custom action slower than this is given up and the patient is told to contact the clinic"
    )
    enable_api: bool = setting("0", "1 turns on Rasa's HTTP API (needs CLINIC_API_TOKEN)", "RASA_ENABLE_API")
    api_token: str = setting("", "the token Rasa's HTTP API requires, a long random secret", "RASA_API_TOKEN")
    # Where conversations and locks are kept (rasa_addons/stores/).
    tracker_store_url: str = setting(
        "",
        "keep conversations in this database, e.g. `postgresql://rasa:secret@db:5432/rasa`; "
        "empty: SQLite in var/conversations.db",
    )
    lock_store_url: str = setting(
        "", "Redis for per-conversation locks shared by several servers, e.g. `redis://127.0.0.1:6380/1`"
    )
    lock_lifetime_seconds: int = setting(
        "10",
        "how long a lock outlives a server killed while holding it: above the action timeout, below nginx's 20 s",
        "TICKET_LOCK_LIFETIME",
    )
    refuse_when_unready: bool = setting(
        "0",
        "1: the webhook answers 503 while this server's model or action server is not ready, so nginx passes the "
        "message to another server (`make run-cluster` sets it)",
    )
    # Monitoring (rasa_addons/monitoring.py, actions/monitoring.py, docs/OPERATIONS.md).
    metrics: bool = setting(
        "1", "0 turns off counting each message and action and the message log (bench/load.py's pair)"
    )
    metrics_token: str = setting(
        "", "if set, /metrics answers only requests with `Authorization: Bearer <token>`; empty: only this machine"
    )
    message_log: Path = setting(
        str(PROJECT_ROOT / "var" / "log" / "messages.jsonl"),
        "one JSON line per message (time, hashed conversation, outcome, latency, model), never the text",
    )
    log_hash_key: str = setting(
        "", "the key that hashes conversation ids in the message log; empty: a random key kept in var/secrets/"
    )
    monitoring: bool = setting(
        "0", "1 (or on): `make run` and `make run-cluster` also start Prometheus and Alertmanager"
    )
    monitoring_dir: Path = setting(
        str(PROJECT_ROOT / "var" / "monitoring"), "Prometheus's and Alertmanager's configuration and data"
    )
    prometheus_port: int = setting("9090", "Prometheus's port (on this machine only)")
    alertmanager_port: int = setting("9093", "Alertmanager's port (on this machine only)")
    scrape_seconds: int = setting("15", "how often Prometheus reads each server's /metrics")
    alert_webhook_url: str = setting(
        "", "where Alertmanager posts alerts (a chat or paging webhook); empty: alerts only on Alertmanager's page"
    )
    alert_email_to: str = setting("", "also e-mail alerts to this address (needs CLINIC_ALERT_SMTP_HOST)")
    alert_email_from: str = setting("assistant-alerts@localhost", "the sender of alert e-mails")
    alert_smtp_host: str = setting("", "the mail server for alert e-mails, host:port")
    # Backups (make backup, make restore; tools/backup.py).
    backup_dir: Path = setting(str(PROJECT_ROOT / "var" / "backups"), "where `make backup` writes")
    backup_keep: int = setting("14", "`make backup` keeps this many backups and deletes older ones")
    # make run-cluster (deploy/run_cluster.sh).
    cluster_rasa_ports: tuple[int, ...] = setting(
        "5006 5007", "the cluster's Rasa servers, behind nginx on CLINIC_RASA_PORT", "RASA_SERVER_PORTS"
    )
    cluster_action_ports: tuple[int, ...] = setting(
        "5055 5065", "the cluster's action servers, one per Rasa server", "ACTION_PORTS"
    )
    cluster_postgres_port: int = setting("5433", "the cluster's PostgreSQL", "POSTGRES_PORT")
    cluster_redis_port: int = setting("6380", "the cluster's Redis (locks)", "REDIS_PORT")

    @property
    def concurrent_messages(self) -> int:
        """Messages worked on at once: with a shared lock store, locks left by a killed server can hold up to 2."""
        if self.max_concurrent:
            return self.max_concurrent
        return 4 if self.lock_store_url else 2


# How each type of setting is read from its text.
READERS: dict[Any, Callable[[str], Any]] = {
    int: int,
    float: float,
    str: str,
    Path: Path,
    bool: _flag,
    tuple[str, ...]: _words,
    tuple[int, ...]: _ports,
}


@dataclass(frozen=True)
class Setting:
    """One environment variable: its field name, how to read it, its default and what it does."""

    name: str
    read: Callable[[str], Any]
    default: str
    doc: str
    old_name: str | None  # the name it had before the CLINIC_ prefix

    @property
    def variable(self) -> str:
        return PREFIX + self.name.upper()


_types = get_type_hints(Settings)
SETTINGS: tuple[Setting, ...] = tuple(Setting(f.name, READERS[_types[f.name]], **f.metadata) for f in fields(Settings))


def _raw_values(environ: Mapping[str, str]) -> dict[str, str]:
    """Each setting's text: CLINIC_ name first, then its old name (with a warning), else None."""
    raw: dict[str, str] = {}
    for setting in SETTINGS:
        if setting.variable in environ:
            raw[setting.name] = environ[setting.variable]
        elif setting.old_name and setting.old_name in environ:
            warnings.warn(f"{setting.old_name} is now called {setting.variable}", FutureWarning, stacklevel=3)
            raw[setting.name] = environ[setting.old_name]
    return raw


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (or `environ`), checked; SettingsError says what to fix."""
    raw = _raw_values(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        text = raw.get(setting.name, setting.default)
        if setting.name not in raw:
            text = text.format(**{k: v for k, v in values.items()})
        try:
            values[setting.name] = setting.read(text)
        except ValueError as error:
            raise SettingsError(f"{setting.variable}={text!r}: {error}") from None
    settings = Settings(**values)
    if settings.enable_api and not settings.api_token:
        raise SettingsError("CLINIC_ENABLE_API=1 needs CLINIC_API_TOKEN (a long random secret): it once allowed "
                            "remote code execution (CVE-2024-49375)")  # fmt: skip
    return settings


@cache
def settings() -> Settings:
    """The settings of this process, read once: they come from the environment it was started with."""
    return load_settings()


def shell_exports(values: Settings) -> str:
    """`export CLINIC_...=...` lines for every setting, for the deploy scripts."""
    lines = []
    for setting in SETTINGS:
        value = getattr(values, setting.name)
        if isinstance(value, tuple):
            value = " ".join(map(str, value))
        elif isinstance(value, bool):
            value = int(value)
        lines.append(f"export {setting.variable}={shlex.quote(str(value))}")
    return "\n".join(lines)


def markdown_table() -> str:
    """README's table of the settings."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for setting in SETTINGS:
        default = re.sub(r"\{(\w+)\}", lambda m: f"${PREFIX}{m[1].upper()}", setting.default)
        default = default.replace(str(PROJECT_ROOT), ".")
        default = f"`{default}`" if default else "empty"
        rows.append(f"| `{setting.variable}` | {default} | {setting.doc} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shell", action="store_true", help="print `export` lines for a shell script")
    parser.add_argument("--markdown", action="store_true", help="print README's table")
    args = parser.parse_args()
    if args.markdown:
        print(markdown_table())
        return 0
    try:
        values = load_settings()
    except SettingsError as error:
        print(f"settings: {error}", file=sys.stderr)
        return 2
    if args.shell:
        print(shell_exports(values))
    else:
        for item in SETTINGS:
            print(f"{item.variable}={getattr(values, item.name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
