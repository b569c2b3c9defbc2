"""Keeps the words of the FAQ answers out of NLU training, so a wording edit retrains no NLU.

Rasa 3.6 copies every retrieval-intent answer (`utter_faq/<topic>`) into the
NLU training data (`ResponsesSyncImporter`), where the featurisers learn its
words and the NLU fingerprint includes them: change a comma in an answer and
the whole NLU pipeline retrains (minutes). NLU needs only to know which
answers exist: the ResponseSelector learns `faq/<topic>` labels, and the
answer patients see is looked up by name in the domain when it is sent.

Listed under `importers:` in config.yml, this importer reads the project's
files as Rasa's own `RasaFileImporter` does and, when imported, makes the
responses handed to NLU a stable stand-in (the answer's name). The domain,
and so the model's answers, keep the real words; only the dialogue part
(seconds) retrains after a wording edit.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.importers.importer import ResponsesSyncImporter
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.training_data import TrainingData


def responses_for_nlu(responses: dict[str, list[dict[str, Any]]]) -> TrainingData:
    """Each answer's name as its only text: which answers exist, not what they say."""
    return TrainingData(responses={name: [{"text": name}] for name in sorted(responses)})


class StableAnswersImporter(RasaFileImporter):
    """Rasa's file importer; importing this module makes NLU see answer names only."""


ResponsesSyncImporter._get_nlu_data_with_responses = staticmethod(responses_for_nlu)
