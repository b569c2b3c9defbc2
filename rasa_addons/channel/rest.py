"""The REST webhook the web chat talks to, hardened for the public internet.

Enabled in credentials.yml (`rasa_addons.channel.rest.ClinicRestInput`); its limits are
settings (clinic/settings.py, CLINIC_MAX_MESSAGE_CHARS and the others). Same URL
and same JSON as Rasa's REST channel (POST /webhooks/rest/webhook with
{"sender": "...", "message": "..."}), so the widget is unchanged. What it adds:

- The body must be a JSON object with a string `sender` and a string
  `message`; otherwise 400. Rasa's channel would put every request without
  a sender into one shared conversation called "default". The sender id is
  the only thing that lets someone into a conversation, so it must be
  unguessable: 32 hex digits (128 random bits, as the widget makes) or a
  UUID4. CLINIC_ANY_SENDER_ID=1 accepts any 1-64 letters, digits, `-` or `_`
  for an integration that names its own conversations.
- A message over CLINIC_MAX_MESSAGE_CHARS is refused with 413 before it reaches
  the NLU pipeline; control characters are dropped; an empty message gets
  a short reply without touching the pipeline.
- A request from a web page (it carries `Origin`) is refused with 403 unless
  the page is one of CLINIC_ORIGINS, and a body that is not declared
  `application/json` with 415: CORS alone only hides the reply from another
  site, it does not stop that site's "simple" (text/plain, form) request
  being read. JSON is what forces a browser to ask first (a preflight).
- A malformed body, however deeply nested, is a 400 with a reason and one
  log line, never a 500 with a stack trace.
- Text typed to look like a button payload ("/restart", "/urgent",
  "/faq{...}") is read as words unless it is the payload of a button the
  assistant offered in its last reply (or one of the widget's own: "/greet"
  when it opens, "/forget_me" from its "Delete this conversation" button).
- A confirmed "forget me" deletes the conversation (forget_me.py).
- A conversation or a network address sending too fast, or an address
  starting too many conversations, gets 429 with Retry-After (rate_limit.py;
  CLINIC_RATE_LIMIT_PER_CONVERSATION, _PER_ADDRESS and
  _NEW_CONVERSATIONS_PER_ADDRESS; "off" only for load tests). Every
  address is limited, this machine's too; behind a proxy,
  CLINIC_PROXIES_COUNT=1 makes the patient's forwarded address count, and a
  request showing that setting is wrong is logged once (client_address.py).
- At most CLINIC_MAX_CONCURRENT messages are worked on at once; the others wait
  their turn in arrival order (see bench/RESULTS.md: interleaving many
  messages on Rasa's single event loop made the replies that wait for the
  action server slowest).
- A failure inside Rasa still gets a reply naming the clinic's phone number,
  never silence; the message text is not logged.
- Each message is counted by its outcome and timed, and each refused request
  by its reason (rasa_addons/monitoring.py, served at /metrics).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic.content import load_clinic
from clinic.settings import settings
from rasa_addons import monitoring
from rasa_addons.channel import forget_me
from rasa_addons.channel.client_address import ProxyWarnings
from rasa_addons.channel.rate_limit import RateLimiter, RecentKeys, address_key

logger = logging.getLogger(__name__)

SENDER_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # with CLINIC_ANY_SENDER_ID=1
ANY_SENDER_FORM = "`sender` must be a string of 1 to 64 letters, digits, '-' or '_'."
RANDOM_SENDER_PATTERN = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
)
RANDOM_SENDER_FORM = (
    "`sender` must be a conversation id that cannot be guessed: 32 hex digits (128 random bits, e.g. from "
    "crypto.getRandomValues or uuid.uuid4().hex), or a UUID4 (README, 'The two commands')."
)
PAYLOAD_PREFIX = "/"
# Sent by the web chat itself when it opens; harmless whenever it comes.
ALWAYS_ALLOWED_PAYLOADS = {"/greet", "/forget_me"}
EMPTY_MESSAGE_REPLY = "I didn't get a message there. Please type your question about iontophoresis."
FEEDBACK_PAYLOAD = re.compile(r'/feedback\{"helpful": "(yes|no)"\}')


def problem_reply() -> str:
    """What a patient reads when Rasa itself failed: never silence, and whom to call."""
    clinic = load_clinic()
    return (
        f"Sorry, I can't answer right now. Please try again in a moment, or contact {clinic.name} on "
        f"{clinic.phone} ({clinic.hours}). If you feel very unwell, call {clinic.emergency_number}."
    )


class RequestError(Exception):
    """A request the webhook refuses, with the HTTP status, the reason shown to the client and its metric label."""

    def __init__(self, status: int, reason: str, label: str = "bad_request") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.label = label


def clean_text(text: str) -> str:
    """The message without control characters (newlines and tabs become spaces) or lone surrogates, trimmed.

    JSON may carry half of a UTF-16 pair ("\\ud800"); no UTF-8 text can hold one, so the pipeline would raise on it.
    """
    kept = (
        " " if ch in "\n\r\t" else ch for ch in text if ch in "\n\r\t" or unicodedata.category(ch) not in {"Cc", "Cs"}
    )
    return "".join(kept).strip()


def parse_request(body: bytes, max_message_chars: int, any_sender: bool = False) -> tuple[str, str]:
    """(sender, message) from a webhook body, or RequestError saying what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RequestError(400, "The body must be JSON in UTF-8.") from None
    except RecursionError:  # "[[[[...": Python's parser gives up past about 1,000 levels
        raise RequestError(400, "The body's JSON is nested too deeply.") from None
    if not isinstance(data, dict):
        raise RequestError(400, 'The body must be a JSON object: {"sender": "...", "message": "..."}.')
    sender, message = data.get("sender"), data.get("message")
    pattern, form = (SENDER_PATTERN, ANY_SENDER_FORM) if any_sender else (RANDOM_SENDER_PATTERN, RANDOM_SENDER_FORM)
    if not isinstance(sender, str) or not pattern.fullmatch(sender):
        raise RequestError(400, form)
    if not isinstance(message, str):
        raise RequestError(400, "`message` must be a string.")
    if len(message) > max_message_chars:
        raise RequestError(413, f"A message can be at most {max_message_chars} characters.", "too_long")
    return sender, clean_text(message)


def check_origin_and_type(origin: str | None, content_type: str | None) -> None:
    """RequestError unless the request comes from no web page or from an allowed one, and declares JSON."""
    if origin is not None and origin not in settings().origins:
        raise RequestError(403, "This web page may not write to the assistant.", "forbidden_origin")
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise RequestError(415, "The body must be sent as Content-Type: application/json.", "not_json")


def last_replies(events: list[Any]) -> list[BotUttered]:
    """The assistant's messages since the patient last wrote."""
    replies: list[BotUttered] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            replies.append(event)
    return replies


def replies_before_last_message(events: list[Any]) -> list[BotUttered]:
    """The assistant's messages between the patient's last two messages (what the last one answered)."""
    messages = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]
    return last_replies(events[: messages[-1]]) if messages else []


def offered_payloads(replies: list[BotUttered]) -> set[str]:
    """Payloads of the buttons in these messages."""
    return {b.get("payload") for r in replies for b in r.data.get("buttons") or [] if isinstance(b, dict)}


def answer_rated(text: str, replies: list[BotUttered]) -> tuple[str, str] | None:
    """(answer, "yes"/"no") when `text` is a press of a Helpful / Not helpful button under one of `replies`."""
    pressed = FEEDBACK_PAYLOAD.fullmatch(text)
    if not pressed:
        return None
    answers = [r.metadata.get("utter_action") for r in replies if text in offered_payloads([r])]
    return (answers[0], pressed[1]) if answers and answers[0] else None


class RecordingOutputChannel(CollectingOutputChannel):
    """Rasa's collecting channel that also notes which response each reply was made from (for the metrics)."""

    def __init__(self) -> None:
        super().__init__()
        self.response_names: list[str] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if message.get("utter_action"):
            self.response_names.append(message["utter_action"])
        await super().send_response(recipient_id, message)


def as_typed_text(message: str) -> str:
    """Typed text that looks like a payload, turned back into words for the NLU pipeline."""
    return message.lstrip(PAYLOAD_PREFIX).strip() or "?"


class ClinicRestInput(RestInput):
    """Rasa's REST channel with input checks, payload protection and a bound on concurrent work."""

    @classmethod
    def name(cls) -> str:
        return "rest"  # same URL as Rasa's channel: /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ClinicRestInput:
        if credentials:
            raise ValueError(
                f"credentials.yml: {cls.__name__} takes no settings there ({', '.join(credentials)}); "
                "its limits are CLINIC_ environment variables (README, clinic/settings.py)"
            )
        return cls()

    def __init__(self) -> None:
        values = settings()
        self.max_message_chars = values.max_message_chars
        self.any_sender = values.any_sender_id
        self.max_concurrent = values.concurrent_messages
        self.per_conversation = RateLimiter.parse(values.rate_limit_per_conversation)
        self.per_address = RateLimiter.parse(values.rate_limit_per_address)
        self.new_conversations = RateLimiter.parse(values.rate_limit_new_conversations_per_address)
        self.known_conversations = RecentKeys()
        self.proxy_warnings = ProxyWarnings(values.proxies_count)
        self._slots: asyncio.Semaphore | None = None

    def _retry_after(self, request: Request, sender: str) -> float:
        """Seconds this message must wait under the rate limits (0: it may go now, and it is counted)."""
        self.proxy_warnings.check(request.ip, request.headers)
        # remote_addr is the client's address as a trusted proxy forwarded it (SANIC_PROXIES_COUNT), else empty.
        address = address_key(request.remote_addr or request.ip or "")
        # A conversation this server has not seen lately counts as new: after a restart, or on another server
        # of the cluster, a returning patient's conversation counts once more, well within the limit.
        starts = self.new_conversations is not None and sender not in self.known_conversations
        limits = [(self.per_conversation, sender), (self.per_address, address)]
        if starts:
            limits.append((self.new_conversations, address))
        limits = [(limiter, key) for limiter, key in limits if limiter is not None and key]
        wait = max((limiter.wait(key) for limiter, key in limits), default=0.0)
        if wait:  # a refused message counts against no limit: waiting as told is enough
            return wait
        for limiter, key in limits:
            limiter.take(key)
        if starts:
            self.known_conversations.add(sender)
        return 0.0

    async def _last_replies_to(self, request: Request, sender: str) -> list[BotUttered]:
        agent = request.app.ctx.agent
        tracker = await agent.tracker_store.retrieve(sender) if agent and agent.tracker_store else None
        return last_replies(list(tracker.events)) if tracker else []

    async def _handle(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], request: Request, sender: str, text: str
    ) -> list[dict[str, Any]]:
        started = time.monotonic()
        if not text:
            monitoring.REFUSED.labels("empty").inc()
            return [{"recipient_id": sender, "text": EMPTY_MESSAGE_REPLY}]
        if self._slots is None:  # made on first use, inside Sanic's event loop
            self._slots = asyncio.Semaphore(self.max_concurrent)
        collector = RecordingOutputChannel()
        async with self._slots:
            try:
                if text.startswith(PAYLOAD_PREFIX) and text not in ALWAYS_ALLOWED_PAYLOADS:
                    replies = await self._last_replies_to(request, sender)
                    if text not in offered_payloads(replies):
                        text = as_typed_text(text)
                    elif rated := answer_rated(text, replies):
                        monitoring.FEEDBACK.labels(*rated).inc()
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception as error:  # the patient gets an answer whatever went wrong
                logger.error("Message from conversation %s failed: %s", sender, type(error).__name__)
                if store := monitoring.store_of(error):
                    monitoring.STORE_ERRORS.labels(store).inc()
        agent = request.app.ctx.agent
        messages = collector.messages
        if forget_me.DONE in collector.response_names:
            messages = await self._forget(agent, sender, messages, collector.response_names)
        model_id = (agent.model_id or "") if agent else ""
        monitoring.record_message(self.name(), sender, collector.response_names, time.monotonic() - started, model_id)
        return messages or [{"recipient_id": sender, "text": problem_reply()}]

    async def _forget(
        self, agent: Any, sender: str, messages: list[dict[str, Any]], response_names: list[str]
    ) -> list[dict[str, Any]]:
        """The reply to a "yes, delete it": the conversation deleted and the widget told, or why it was not."""
        try:
            tracker = await agent.tracker_store.retrieve(sender)
            previous = replies_before_last_message(list(tracker.events)) if tracker else []
            if forget_me.confirmed(previous, response_names):
                await forget_me.forget(agent, sender)
                return [*messages, {"recipient_id": sender, **forget_me.DELETED}]
            logger.error("A deletion was confirmed without the question before it: nothing was deleted")
        except Exception as error:  # the patient must not be told it is gone when it is not
            logger.error("Deleting a conversation failed: %s", type(error).__name__)
        return [{"recipient_id": sender, "text": forget_me.failed_reply()}]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("clinic_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                check_origin_and_type(request.headers.get("origin"), request.headers.get("content-type"))
                sender, text = parse_request(request.body, self.max_message_chars, self.any_sender)
            except RequestError as error:
                monitoring.REFUSED.labels(error.label).inc()
                logger.info("Refused a request: %s (%s)", error.status, error.label)  # one line, never the body
                return response.json({"error": error.reason}, status=error.status)
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                monitoring.REFUSED.labels("starting_up").inc()
                # No model loaded yet: a load balancer tries another server, the widget tries again.
                return response.json({"error": "Starting up: try again in a moment."}, status=503,
                                     headers={"Retry-After": "2"})  # fmt: skip
            if getattr(request.app.ctx, "ready", True) is False:
                # CLINIC_REFUSE_WHEN_UNREADY (the cluster): nginx passes a 503 on to a server that is ready.
                monitoring.REFUSED.labels("not_ready").inc()
                return response.json({"error": "Not ready: try again in a moment."}, status=503,
                                     headers={"Retry-After": "2"})  # fmt: skip
            wait = self._retry_after(request, sender)
            if wait:
                monitoring.REFUSED.labels("rate_limited").inc()
                return response.json(
                    {"error": "Too many messages: please wait a moment."},
                    status=429,
                    headers={"Retry-After": str(math.ceil(wait))},
                )
            return response.json(await self._handle(on_new_message, request, sender, text))

        return webhook
