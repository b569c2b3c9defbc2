"""spaCy's DATE, TIME, CARDINAL and ORDINAL entities, found only in messages that could hold one.

Rasa's `SpacyEntityExtractor` runs spaCy's whole pipeline (tok2vec and NER) on
every message: 13% of the Rasa server's time under load (py-spy on
`bench/load.py`'s conversation, after issue 12). Three messages in four say
nothing about a date, a time or a number ("does it hurt?"), and spaCy finds
none of these entities in them. So the pipeline runs only on a message that
holds a digit or one of the words these entities are made of (`CUE`).

The cue was measured against spaCy itself: on the 8,015 messages of the
training data, the tuning sets and HWU64's fitting part, spaCy finds such an
entity in 4 messages without a cue, all spurious ("wolfram" as a number, Bengali
and Hindi questions as dates); tests/unit/rasa_addons/test_date_and_number_entities.py
checks every training example. Missing one would cost little: the flare-up and
progress actions read dates and counts from the text themselves too
(actions/parsing.py); spaCy's entities are a first guess.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\\w+teen|twenty|thirty|forty|fifty|sixty|"
    "seventy|eighty|ninety|hundred|thousand|million|billion|dozen|half|couple|once|twice"
)
_ORDINAL_WORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\\w+th|last|next"
_TIME_WORDS = (
    "ago|yesterday|today|tonight|tomorrow|morning|afternoon|evening|night|noon|midnight|day|week|weekend|"
    "fortnight|month|year|hour|hr|minute|min|decade|century|season|summer|winter|spring|autumn|christmas|xmas|"
    "easter|annual|daily|weekly|monthly|nightly|hourly"
)
_CALENDAR_WORDS = (
    "mon|tues?|wed|weds|thurs?|fri|sat|sun|\\w+day|jan\\w*|feb\\w*|mar\\w*|apr\\w*|may|june?|july?|aug\\w*|sep\\w*|"
    "oct\\w*|nov\\w*|dec\\w*"
)
# A digit, or one of the words above, also as a plural or possessive ("thursdays session", "mornings").
CUE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|{_ORDINAL_WORDS}|{_TIME_WORDS}|{_CALENDAR_WORDS})(?:'?s)?\b", re.IGNORECASE)


def may_hold_date_or_number(text: str) -> bool:
    """False only for text in which spaCy finds no DATE, TIME, CARDINAL or ORDINAL (see module docstring)."""
    return bool(CUE.search(text))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP")
class DateAndNumberEntities(SpacyEntityExtractor):
    """`SpacyEntityExtractor` that leaves spaCy out for messages with no date, time or number in them."""

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        worth_reading = [message for message in messages if may_hold_date_or_number(message.get(TEXT) or "")]
        super().process(worth_reading, model)
        return messages
