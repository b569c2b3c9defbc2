"""tools/validate_data.py: reads rasa's warnings and tells expected from unexpected."""

from pathlib import Path

import yaml

from tools import validate_data

ROOT = Path(__file__).resolve().parents[3]


OUTPUT = """\x1b[93m/x/io.py:100: UserWarning: The utterance 'utter_ask_flare_hours' is not used in any story or rule.
\x1b[0m/x/io.py:100: UserWarning: The intent 'new_thing' is listed in the domain file, but is not found
  in the NLU training data.
2026-11-24 INFO rasa.validator - Validating intents...
"""


def test_warnings_are_read_with_their_continuation_lines():
    assert validate_data.warnings_in(OUTPUT) == [
        "The utterance 'utter_ask_flare_hours' is not used in any story or rule.",
        "The intent 'new_thing' is listed in the domain file, but is not found in the NLU training data.",
    ]


def test_only_listed_warnings_are_accepted():
    allowed = yaml.safe_load((ROOT / "tests" / "validate_allowed_warnings.yml").read_text())
    assert all(entry["reason"].strip() for entry in allowed)
    assert validate_data.unexpected(validate_data.warnings_in(OUTPUT), allowed) == [
        "The intent 'new_thing' is listed in the domain file, but is not found in the NLU training data."
    ]
