"""Training: the words of the FAQ answers stay out of NLU training, so a wording edit retrains no NLU.

Replaces `ResponsesSyncImporter._get_nlu_data_with_responses`
(rasa/shared/importers/importer.py). Rasa copies every retrieval-intent
answer (`utter_faq/<topic>`) into the NLU training data, where the
featurisers learn its words and the NLU fingerprint includes them: change a
comma in an answer and the whole NLU pipeline retrains, minutes instead of
seconds (RasaHQ/rasa#10751). NLU needs only to know which answers exist: the
ResponseSelector learns `faq/<topic>` labels (`use_text_as_label` is off),
and the answer patients see is looked up by name in the domain when it is
sent. So NLU is handed each answer's name as its only text; the domain, and
so the model's answers, keep the real words.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.importers.importer import ResponsesSyncImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

rasa_responses_for_nlu = ResponsesSyncImporter._get_nlu_data_with_responses


def responses_for_nlu(responses: dict[str, list[dict[str, Any]]]) -> TrainingData:
    """Each answer's name as its only text: which answers exist, not what they say."""
    return TrainingData(responses={name: [{"text": name}] for name in sorted(responses)})


def install() -> None:
    ResponsesSyncImporter._get_nlu_data_with_responses = staticmethod(responses_for_nlu)
