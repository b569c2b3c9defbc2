"""Pure functions that turn a patient's words into numbers the advice rules use.

"yesterday" -> about 24 hours, "3 days ago" -> 60-84 hours, "third" -> 3,
"8 out of 10" -> 8, "no blisters" -> no warning signs. No Rasa here: these
are tested directly in tests/unit/test_parsing.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

NUMBER_WORDS = {
    "zero": 0, "none": 0, "nil": 0,
    "a": 1, "an": 1, "one": 1, "single": 1,
    "two": 2, "couple": 2, "a couple": 2, "a couple of": 2, "three": 3, "few": 3,
    "a few": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip

ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "last": None,
}  # fmt: skip

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_PATTERN = r"\b(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b"

SCORE_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _alternation(words) -> str:
    """A regex alternation that prefers the longest phrase ("a couple of" over "a")."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER = r"\b(\d+(?:\.\d+)?|" + _alternation(NUMBER_WORDS) + ")"
_SCORE = r"(\d{1,2}|" + _alternation(SCORE_WORDS) + ")"
_UNIT_HOURS = {
    "min": 1 / 60, "minute": 1 / 60, "hr": 1, "hour": 1, "h": 1,
    "day": 24, "night": 24, "week": 168, "wk": 168,
}  # fmt: skip
_UNIT = r"(mins?|minutes?|hrs?|hours?|h|days?|nights?|weeks?|wks?)\b"


def number_from(token: str) -> float | None:
    """ "3" -> 3, "three" -> 3, "a couple of" -> 2; None when it is not a number."""
    token = token.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    value = NUMBER_WORDS.get(token)
    return None if value is None else float(value)


@dataclass(frozen=True)
class HoursAgo:
    """How long ago something happened, as a range in hours.

    Day-sized answers are vague ("2 days ago" can be 36 or 60 hours), so the
    advice compares the upper end: an answer that straddles a limit counts as
    beyond it.
    """

    low: float
    high: float

    @classmethod
    def exactly(cls, hours: float) -> HoursAgo:
        return cls(hours, hours)


def _clean(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"\by'?day\b|\byesterdy\b|\byesteday\b|\byday\b", "yesterday", text)
    return re.sub(r"\s+", " ", text).strip()


def hours_since(text: str, now: datetime | None = None) -> HoursAgo | None:
    """Read how long ago the last treatment was; None if the text does not say."""
    text = _clean(text)
    now = now or datetime.now()
    approximate = bool(
        re.search(r"\b(about|around|roughly|approx\w*|nearly|almost|over|more than|just over|ish)\b", text)
    )

    if re.search(r"\bday before yesterday\b", text):
        return HoursAgo(36, 60)

    amount = re.search(_NUMBER + r"\s*(?:-|to|or)?\s*(?:\d+\s*)?" + _UNIT, text)
    if amount:
        value = number_from(amount.group(1))
        unit = amount.group(2).rstrip("s")
        if value is not None:
            hours = value * _UNIT_HOURS[unit]
            if unit in ("day", "night", "week", "wk"):
                # "2 days ago" spans a day's width either side of the middle.
                return HoursAgo(max(hours - 12, 0), hours + 12)
            if approximate:
                return HoursAgo(hours * 0.9, hours * 1.1)
            return HoursAgo.exactly(hours)

    if re.search(r"\b(half an? hour|few minutes|just now|just had)\b", text):
        return HoursAgo(0, 1)
    if re.search(r"\blast week\b", text):
        return HoursAgo(96, 240)
    if re.search(r"\byesterday\b", text):
        # The leaflet's 48-hour rule needs a number: yesterday counts as about a day.
        return HoursAgo.exactly(24)
    if re.search(r"\blast night\b", text):
        return HoursAgo(6, 24)
    if re.search(
        r"\b(this morning|today|earlier|this afternoon|tonight|this evening|few hours ago|couple of hours)\b", text
    ):
        return HoursAgo(0, max(now.hour, 1))

    weekday = re.search(WEEKDAY_PATTERN, text)
    if weekday:
        wanted = next(i for i, name in enumerate(WEEKDAYS) if name.startswith(weekday.group(1)[:3]))
        days_back = (now.weekday() - wanted) % 7
        if days_back == 0:
            return HoursAgo(0, max(now.hour, 1))
        middle = days_back * 24
        return HoursAgo(middle - 12, middle + 12)
    return None


# Words that say how bad the pain is. Checked in this order: "not too bad" is
# mild, so the mild phrases come before the severe ones that contain "bad".
# Unasked, only plain words about severity count; vaguer words ("really
# sore", "aching") only answer the question "how bad is it?" once it is asked.
MILD_WORDS = (
    r"not (?:too|that|so|very) (?:bad|sore|painful)", r"\bmild", r"\bslight", r"a (?:little|bit|tad)",
    r"\bniggl", r"\bbearable\b", r"\bminor\b", r"\bnot bad\b", r"\bmanageable\b",
)  # fmt: skip
SEVERE_WORDS = (
    r"\bsevere", r"\bagon", r"excruciat", r"unbearable", r"\bterribl", r"horrend", r"\bworst\b",
    r"\bawful\b", r"\bextreme", r"can'?t (?:sleep|cope|stand|bear)", r"\bcrippl",
)  # fmt: skip
MODERATE_WORDS = (r"\bmoderate", r"\bmedium\b")
ASKED_MILD_WORDS = (r"\bok(?:ay)?\b", r"\bfine\b")
ASKED_SEVERE_WORDS = (r"(?:really|very|so|extremely|super) (?:bad|painful|sore)", r"\bkilling me\b")
ASKED_MODERATE_WORDS = (
    r"(?:quite|pretty|fairly|rather) (?:bad|sore|painful)", r"\bsore\b", r"\bbad\b", r"\bachy?\b|\baching\b",
    r"\bthrobb", r"\bpainful\b", r"\bhurts?\b",
)  # fmt: skip


_NOT_A_DURATION = r"(?!\s*(?:mins?|minutes?|hrs?|hours?|days?|nights?|weeks?|treatments?|sessions?))"


def pain_score(text: str, *, bare_number_allowed: bool = False) -> int | None:
    """A 0-10 pain score from "7", "8/10", "6 out of 10" or "about a 5".

    A lone number only counts when the patient was just asked for a score
    (`bare_number_allowed`); elsewhere "2" could be days or treatments.
    """
    text = _clean(text)
    scored = re.search(r"\b" + _SCORE + r"\s*(?:/|out of|outta|of)\s*10\b", text)
    if scored is None and bare_number_allowed:
        scored = re.search(r"^(?:about |around |maybe |prob(?:ably)? |its |it's |a |an |like )*" + _SCORE + r"\b", text)
    if scored is None:
        scored = re.search(
            r"\b(?:pain|score|level|rate it|rated)\s*(?:is|of|at|about|around)?\s*(?:a\s)?(\d{1,2})\b"
            + _NOT_A_DURATION,
            text,
        )
    if scored is None:
        return None
    value = number_from(scored.group(1))
    if value is None or not 0 <= value <= 10:
        return None
    return int(value)


def pain_severity(text: str, severe_score: int, moderate_score: int, *, asked: bool = False) -> str | None:
    """Mild, moderate or severe, from a score or from the patient's words.

    `asked`: the patient was just asked how bad the pain is, so "7" is a score
    and "really sore" is an answer.
    """
    score = pain_score(text, bare_number_allowed=asked)
    if score is not None:
        if score >= severe_score:
            return "severe"
        return "moderate" if score >= moderate_score else "mild"
    text = _clean(text)
    checks = [("mild", MILD_WORDS), ("severe", SEVERE_WORDS), ("moderate", MODERATE_WORDS)]
    if asked:
        checks += [("mild", ASKED_MILD_WORDS), ("severe", ASKED_SEVERE_WORDS), ("moderate", ASKED_MODERATE_WORDS)]
    for label, phrases in checks:
        if any(re.search(phrase, text) for phrase in phrases):
            return label
    return None


WARNING_SIGN_WORDS = (
    r"burn(?:t|ed|s|ing)?\b", r"blister", r"broken skin", r"skin (?:is )?(?:broken|raw|weeping|bleeding|peeling)",
    r"\braw\b", r"weep", r"bleed", r"\bpus\b", r"spreading", r"red(?:ness)? (?:is )?spread", r"\bfever",
    r"temperature", r"\bunwell\b", r"shiver", r"\bhot and\b", r"\bsick\b", r"swell",
)  # fmt: skip
YES_WORDS = r"^(?:y|yes|yeah|yea|yep|yup|aye|i do|i have|there is|there are|i think so|sure|affirmative)\b"
NO_WORDS = r"^(?:n|no|nope|nah|none|nothing|not really|i don'?t|there isn'?t|no signs?|negative)\b"
NEGATORS = {
    "no",
    "not",
    "without",
    "none",
    "nor",
    "never",
    "isn't",
    "isnt",
    "aren't",
    "arent",
    "don't",
    "dont",
    "haven't",
    "havent",
    "hasn't",
    "hasnt",
    "didn't",
    "didnt",
}


def warning_sign_mention(text: str) -> bool | None:
    """True if a warning sign is named, False if only denied ("no fever"), else None."""
    text = _clean(text)
    found_negated = False
    for phrase in WARNING_SIGN_WORDS:
        for match in re.finditer(phrase, text):
            before = [w.strip(",.!") for w in text[: match.start()].split()[-4:]]
            # "no, but there's a blister": a "but" ends the negation.
            for stopper in ("but", "although", "except", "apart"):
                if stopper in before:
                    before = before[before.index(stopper) + 1 :]
            if any(word in NEGATORS for word in before):
                found_negated = True
            else:
                return True
    return False if found_negated else None


def warning_signs(text: str) -> bool | None:
    """Did the patient say yes/no to burns, blisters, spreading redness, fever...?"""
    text = _clean(text)
    mentioned = warning_sign_mention(text)
    if mentioned is not None:
        return mentioned
    if re.search(YES_WORDS, text):
        return True
    if re.search(NO_WORDS, text):
        return False
    return None


TREATMENT_WORDS = r"(?:treatments?|sessions?|goes|appointments?|visits?|times?|rounds?)\b"
_ORDINAL_DIGITS = r"(\d{1,2})(?:st|nd|rd|th)\b"


WHOLE_COURSE = (
    r"\b(finished|completed|done|end of) (?:the |my |all )?(?:whole |full )?(?:course|lot|treatments|sessions)\b"
    r"|\ball (?:of )?(?:them|my (?:treatments|sessions))\b|\bwhole course\b"
)


def treatment_count(text: str, entity_texts: Iterable[str] = (), course_treatments: int = 6) -> int | None:
    """How many treatments the patient has had: "3", "three", "third", "3rd", "all 6".

    `entity_texts` are spaCy's CARDINAL/ORDINAL finds; the text is read too,
    because lower-case chat often hides numbers from the NER.
    """
    text = _clean(text)
    if re.search(WHOLE_COURSE, text):
        return course_treatments
    near_treatment = re.search(
        r"\b(\d{1,2}|"
        + _alternation([*NUMBER_WORDS, *ORDINAL_WORDS])
        + r")(?:st|nd|rd|th)?\s+(?:of )?(?:my |the )?(?:iontophoresis |ionto )?"
        + TREATMENT_WORDS,
        text,
    )
    if near_treatment:
        return _count_from(near_treatment.group(1))
    for word, value in ORDINAL_WORDS.items():
        if value and re.search(rf"\b{word}\b", text):
            return value
    ordinal = re.search(_ORDINAL_DIGITS, text)
    if ordinal:
        return int(ordinal.group(1))
    from_ner = next((n for n in map(_count_from, entity_texts) if n is not None), None)
    if from_ner is not None:
        return from_ner
    plain = re.search(r"\b(\d{1,2}|" + _alternation(SCORE_WORDS[1:]) + r")\b", text)
    return _count_from(plain.group(1)) if plain else None


def _count_from(token: str) -> int | None:
    token = _clean(token)
    token = re.sub(r"(?<=\d)(st|nd|rd|th)$", "", token)
    if token in ORDINAL_WORDS:
        return ORDINAL_WORDS[token]
    value = number_from(token)
    if value is None or not 0 <= value <= 50:
        return None
    return int(value)


PARTIAL_PHRASES = (
    r"(?:a )?(?:bit|little|slightly|tad|somewhat|bit of|little bit) (?:better|easier|less|improve)",
    r"\bpartial", r"\bpartly\b", r"some improvement", r"\bhalf as\b", r"\bimproved a (?:bit|little)",
    r"helped a (?:bit|little)", r"better but", r"easier but", r"not (?:fully|completely|totally|all the way)",
    r"improving slowly", r"slight(?:ly)? improve", r"\bbit of (?:a )?difference", r"small (?:difference|improvement)",
)  # fmt: skip


def partial_improvement(text: str) -> bool:
    """Does the patient say it has helped, but only partly?"""
    text = _clean(text)
    return any(re.search(phrase, text) for phrase in PARTIAL_PHRASES)
