"""Fills the clinic's details into every response as it is sent, and adds "Was this helpful?" to leaflet answers.

Enabled in endpoints.yml: `nlg: type: rasa_addons.nlg.ClinicResponseGenerator`.
Responses in domain.yml say `{clinic_phone}`, `{clinic_emergency_number}` and
so on; the values come from content/clinic.yml through clinic/content.py,
which re-reads the file when it changes, so a staff edit there changes every
answer at once, without training or a restart.

Every leaflet answer also gets "Helpful" / "Not helpful" buttons here, in one
place, rather than in each of the answers staff edit. An answer's owner and
review dates (tools/answers.py) are for staff: they are left out of the reply,
which Rasa stores with every conversation.

Every Rasa server loads this generator, so it is also where a server started
without the project's entry point is stopped: without rasa_addons/patches/ a
hanging action server would leave a patient in silence for 5 minutes.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from clinic.content import load_clinic
from rasa_addons import patches
from tools.answers import STAFF_ONLY_FIELDS

FAQ_ANSWER_PREFIX = "utter_faq/"
# "Was this helpful?" under every leaflet answer; `make report` counts the "no"s.
HELPFUL_BUTTONS = [
    {"title": "Helpful", "payload": '/feedback{"helpful": "yes"}'},
    {"title": "Not helpful", "payload": '/feedback{"helpful": "no"}'},
]


def without_staff_metadata(responses: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The responses with their owner and review dates left out (once, rather than from every reply)."""
    return {
        name: [
            {**v, "metadata": {k: x for k, x in v["metadata"].items() if k not in STAFF_ONLY_FIELDS}}
            if isinstance(v.get("metadata"), dict) else v
            for v in variations
        ]
        for name, variations in responses.items()
    }  # fmt: skip


class PatchesNotInstalled(RuntimeError):
    """The Rasa server was started without `python -m rasa_addons` (make run)."""


class ClinicResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's response templates plus the clinic's details as variables."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        if not patches.installed("action_timeout"):
            raise PatchesNotInstalled(
                "Start the Rasa server with `python -m rasa_addons run ...` (as `make run` does), not `rasa run`: "
                "it installs rasa_addons/patches/, among them the action timeout that tells a patient to call "
                "the clinic when the action server does not answer."
            )
        super().__init__(without_staff_metadata((domain or Domain.empty()).responses))

    async def generate(
        self, utter_action: str, tracker: Any, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response is not None and utter_action.startswith(FAQ_ANSWER_PREFIX):
            response["buttons"] = [*(response.get("buttons") or []), *HELPFUL_BUTTONS]
        return response

    def _fill_response(
        self, response: dict[str, Any], filled_slots: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        # Button payloads such as /choose_faq{"faq_topic": "what_is"} are JSON, not
        # templates: Rasa would read their braces as placeholders and break them.
        buttons = response.pop("buttons", None)
        filled = super()._fill_response(response, filled_slots, **kwargs)
        if buttons is not None:
            filled["buttons"] = buttons
        return filled

    def _response_variables(self, filled_slots: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        return {**load_clinic().as_template_variables(), **(filled_slots or {}), **kwargs}
