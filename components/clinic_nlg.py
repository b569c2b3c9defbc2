"""Fills the clinic's details into every response as it is sent.

Responses in domain.yml say `{clinic_phone}`, `{clinic_emergency_number}` and
so on; the values come from content/clinic.yml (actions/settings.py), so a
staff edit there changes every answer without retraining. The file is re-read
when it changes on disk, so no restart is needed either.

Every leaflet answer also gets "Helpful" / "Not helpful" buttons here, in one
place, rather than in each of the answers staff edit.

Enabled in endpoints.yml: `nlg: type: components.clinic_nlg.ClinicResponseGenerator`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from actions.settings import CONTENT_DIR, parse_clinic, read_yaml
from components import server_fixes

# The Rasa server always loads this module (endpoints.yml), so Rasa's own fixes go in from here.
server_fixes.apply()

FAQ_ANSWER_PREFIX = "utter_faq/"
# "Was this helpful?" under every leaflet answer; `make report` counts the "no"s.
HELPFUL_BUTTONS = [
    {"title": "Helpful", "payload": '/feedback{"helpful": "yes"}'},
    {"title": "Not helpful", "payload": '/feedback{"helpful": "no"}'},
]


class ClinicResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's response templates plus the clinic's details as variables."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.clinic_file = Path(CONTENT_DIR / "clinic.yml")
        self._clinic_mtime = -1.0
        self._clinic_variables: dict[str, str] = {}

    def clinic_variables(self) -> dict[str, str]:
        mtime = self.clinic_file.stat().st_mtime
        if mtime != self._clinic_mtime:
            self._clinic_variables = parse_clinic(read_yaml(self.clinic_file)).as_template_variables()
            self._clinic_mtime = mtime
        return self._clinic_variables

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
        return {**self.clinic_variables(), **(filled_slots or {}), **kwargs}
