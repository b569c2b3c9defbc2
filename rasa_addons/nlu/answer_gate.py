"""The answer-confidence gate: the last NLU step before the dialogue sees a message.

Rasa's FallbackClassifier reads only the intent's confidence. With retrieval
intents the `faq` intent can be confident while the chosen leaflet answer is a
guess (RasaHQ/rasa#9751, #9723), so an off-topic question would get a confident
leaflet answer. This component looks at the ResponseSelector's answer ranking:

- best answer below `min_suggest_confidence`         -> nlu_fallback (out of scope)
- best answer below `min_answer_confidence`, or the
  best two within `ambiguity_margin`                  -> did_you_mean, with candidates
- a personal-medical term in an FAQ question, or in
  a leaflet gap about someone in particular           -> ask_your_doctor (never "it is safe")
- a detail the leaflet does not give ("which brand")  -> leaflet_gap (in an FAQ question)
- a statement counting the patient's sessions        -> progress_report (flare_report if worse), whatever
                                                         the classifiers said, except their flare report
- a request only the clinic can meet, in any story    -> contact_clinic
- "out of scope" for a message naming the treatment   -> leaflet_gap
- a red-flag phrase anywhere                          -> urgent  (safety wins over everything)
- "what should I do if" a red flag happened           -> urgent  (the urgent answer says what to do)
- an overdose said to be an accident                  -> urgent, not crisis
- a self-harm phrase anywhere                         -> crisis
- mostly non-Latin script                             -> non_english

A red-flag phrase that is negated, told of years ago, asked about as a
possibility or part of an idiom does not count; and when every one in the
message is negated, long ago or asked about, the classifiers' own urgent is
set aside too (it came from those words), unless `ruled_out_overrules_classifier`
is off.

Softmax confidence cannot tell "far from everything I know" from "close to
one answer", so the gate also reads how near the message is to each path's
own training examples (nearest_examples.py, `min_similarity` in config.yml):
a leaflet answer, or the urgent intent from the classifier, is given only
when the message is at least that near to that answer's or that intent's
examples. Otherwise the message is out of scope: `leaflet_gap` ("the leaflet
doesn't cover that, ask the clinic") when it is near the treatment's
questions at all, `out_of_scope` when it is near nothing we answer. The
red-flag and self-harm phrases are not subject to this: they always win.

The other way round, a message the classifiers would refuse (out of scope,
leaflet gap, fallback) that is clearly nearest one leaflet answer's own
examples (`nearest_answer_similarity` or more, and `nearest_answer_margin`
ahead of every other path; one sentence, not a story) gets that answer: the classifiers refuse
in-domain wordings they never saw ("is football ok between sessions").

The phrase lists live in config.yml so that clinicians can review them there.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.combined_ranking import set_answer_ranking
from rasa_addons.nlu.config_only import ConfigOnlyClassifier
from rasa_addons.nlu.minilm_featurizer import sentences
from rasa_addons.nlu.nearest_examples import SIMILARITIES_KEY

CANDIDATES_KEY = "answer_candidates"
GATE_KEY = "answer_gate"
FAQ_INTENT = "faq"
# Where a clause ends, for reading a phrase in its own clause: punctuation, or "and" / "but" between two.
CLAUSE_BOUNDARY = re.compile(r"[.,;!?\n]|\s(?:and|but)\s", re.IGNORECASE)
# What the gate may turn into a leaflet answer when the message is clearly nearest one.
REFUSALS = {"out_of_scope", "leaflet_gap", "nlu_fallback"}
REPORTS = {"flare_report", "progress_report"}
# Messages that are button payloads ("/choose_faq{...}") are not NLU's to judge.
PAYLOAD_PREFIX = "/"


class PhraseList:
    """A list of phrase patterns, searched as one and matched one by one.

    One alternation's `finditer` hides a phrase that overlaps an earlier match: in "Can I ask about parking?
    And the redness has got bigger and bigger, the whole knee is red, swollen and hot" a sentence-long
    phrase starting at the "?" was found, judged asked about (its clause is the parking question), and the
    spreading redness inside it was never looked at. So every pattern's matches are read.
    """

    def __init__(self, patterns: list[str]) -> None:
        self.combined = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        self.each = [re.compile(p, re.IGNORECASE) for p in patterns]

    def search(self, text: str) -> re.Match | None:
        return self.combined.search(text)

    def finditer(self, text: str) -> list[re.Match]:
        if not self.combined.search(text):  # most messages: one pass, no phrase
            return []
        return sorted((m for p in self.each for m in p.finditer(text)), key=lambda m: (m.start(), -m.end()))


def _compile(patterns: list[str]) -> PhraseList | None:
    return PhraseList(patterns) if patterns else None


def non_latin_share(text: str) -> float:
    """Share of letters outside the Latin script (Arabic, Cyrillic, Han, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    non_latin = [ch for ch in letters if not unicodedata.name(ch, "LATIN").startswith("LATIN")]
    return len(non_latin) / len(letters)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerGate(ConfigOnlyClassifier):
    """Turns unsafe or unsure NLU results into the safe intent (see module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "retrieval_intent": FAQ_INTENT,
            "min_answer_confidence": 0.6,
            "min_suggest_confidence": 0.35,
            "ambiguity_margin": 0.1,
            "max_candidates": 3,
            "candidate_min_confidence": 0.15,
            "non_latin_share": 0.5,
            "red_flag_patterns": [],
            "crisis_patterns": [],
            "ask_your_doctor_patterns": [],
            # Who a message is about: with none of these, the classifiers' "ask your doctor" for a detail the
            # leaflet does not give is a leaflet gap ("does it work for plantar fasciitis"). Off when empty.
            "personal_pattern": "",
            # Details next to a leaflet topic that the leaflet does not give (the drug's name, the current's
            # settings, how long the relief lasts): "the leaflet doesn't cover that", not the topic's answer.
            "leaflet_gap_patterns": [],
            # A statement counting the patient's own sessions is a report, not a question for the leaflet;
            # `worse_patterns` make it a flare report. Off when empty.
            "sessions_counted_patterns": [],
            "worse_patterns": [],
            # A message that names the treatment is about it: what we cannot answer there is a gap in the
            # leaflet, not a subject we do not cover. Off when empty.
            "treatment_name_pattern": "",
            # Requests only the clinic can meet (a phone number, booking, cancelling, opening hours), whatever
            # story comes with them. Off when empty.
            "contact_clinic_patterns": [],
            # ...unless the request's own clause names another business ("vets opening hours sunday", "book me in
            # at the opticians"): that booking is not the clinic's. Off when empty.
            "other_business_pattern": "",
            "question_pattern": (
                r"\?|^\s*(?:how|what|when|why|which|who|will|would|can|could|should|is|are|does|do|did|am)\b"
                # ...as patients type them ("whats next after 6 sessions", "wat happens wen ive done all 6", "roughly
                # what would six sessions cost", "total number of visits pls"): the training data's own questions.
                r"|^\s*(?:what'?s|wh?ats?|wot|how'?s|where|whens?)\b"
                r"|^\W*(?:roughly|so|ok|okay|and|but|just|hi|hey|hello|um|erm)\W+"
                r"(?:how|what|when|why|which|who|will|would|can|could|should|is|are|does|do)\b"
                r"|\b(?:pls|plz|please)\W*$"
                r"|\b(?:is (?:that|this|it)|should i|do i|will i|can i|wondering|any advice|tell me)\b"
                r"|\b(?:(?:needs?|wants?|like|wanna) to know|wanna know|know (?:if|whether)|then what|what'?s? next)\b"
                r"|\bwhat (?:are|happens)\b"
                r"|\bright\W*$"
                # A question after a clause of context ("i need to plan time off work, how long does the whole
                # course take"), or with its question word last ("2 weeks after the course what happens").
                r"|[,;:.!]\s*(?:how|why|what(?! a\b)|when (?:do|does|did|will|is|are|can|should|would)\b)\b"
                r"|[,;:.!]\s*(?:will|would|can|could|should|does|do|is|are) "
                r"(?:i|it|the|my|you|we|they|he|she|everyone|everybody|people|there|this|that)\b"
                r"|\bwhat happens\W*$"
            ),
            # ...and not a statement about patients in general ("most people improve after 4 treatments").
            "general_statement_pattern": (
                r"\b(?:most|many|some|other) (?:people|patients)\b|\b(?:usually|normally|typically)\b"
                r"|\bseems? (?:like )?(?:a lot|long|many)\b|\bthe leaflet\b"
                # ...nor a first session still to come ("my first session is on Thursday").
                r"|\b(?:first|1st) (?:ionto\w* )?(?:session|appointment|treatment) (?:is|'s)\b"
            ),
            # Path (or "faq/*" for every leaflet answer) -> the similarity its examples must reach.
            "min_similarity": {},
            # A refusal clearly nearest one leaflet answer's examples gets that answer instead (1.0: never).
            "nearest_answer_similarity": 1.0,
            "nearest_answer_margin": 0.05,
            # A leaflet answer both classifiers are sure of (the intent and the answer at least these
            # confidences) needs only this similarity to its examples, not its floor. Off when None.
            "confident_answer": None,
            # Paths whose examples make a message "about the treatment" (leaflet_gap rather than out_of_scope).
            "domain_paths": ["faq/*", "leaflet_gap", "flare_report", "progress_report", "ask_your_doctor"],
            "min_domain_similarity": 1.0,
            # The classifiers' urgent is set aside when every red-flag phrase in the message is.
            "ruled_out_overrules_classifier": False,
            # A red-flag phrase does not count inside these idioms ("burnt the toast").
            "everyday_context_patterns": [],
            # ...nor in a sentence that asks what might happen ("will it blister?").
            "hypothetical_patterns": [],
            # ...nor in a clause that places it years ago and says nothing of now ("a mild stroke 10 years ago").
            "past_patterns": [],
            # A question about what to do, or whom to call, if something happens.
            "what_to_do_pattern": (
                r"\bwhat (?:should|do|would|shall) (?:i|we|he|she|they) do if\b"
                r"|\bwho (?:should|would|do|shall) (?:i|we) (?:contact|call|ring|phone|tell) if\b"
                r"|\bif\b[^.!?]{0,80}\bwho (?:should|would|do|shall) (?:i|we) (?:contact|call|ring|phone|tell)\b"
            ),
            # An overdose or injury said to be an accident ("took too many by mistake") is not self-harm.
            "accident_pattern": r"\b(?:by (?:accident|mistake)|accidental(?:ly)?|mistakenly|without realising)\b",
            # "Has not healed" says it is still there, whenever it started ("the blister from last month").
            "present_pattern": (
                r"\b(?:now|again|today|tonight|this (?:morning|afternoon|evening)|just|still|since)\b"
                r"|(?:\bnot|n't|\bnever) (?:yet )?(?:healed|cleared|gone|settled)\b"
            ),
            # "no blisters", "not burnt": a negation shortly before the phrase, in the same clause. "No one",
            # and a negation before "and" or "but", say nothing of the phrase ("the pain never stops and
            # I've been thinking about ending it", "not sure but he collapsed").
            "negation_pattern": (
                r"\b(?:no(?! one\b)|not|without|never|nor|don'?t|didn'?t|haven'?t|hasn'?t|isn'?t|aren'?t)\b"
                r"(?:(?!\b(?:and|but|so|because)\b)[^.,;!?]){0,25}$"
            ),
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.red_flags = _compile(config["red_flag_patterns"])
        self.crisis = _compile(config["crisis_patterns"])
        self.ask_doctor = _compile(config["ask_your_doctor_patterns"])
        self.details_not_in_leaflet = _compile(config["leaflet_gap_patterns"])
        self.sessions_counted = _compile(config["sessions_counted_patterns"])
        self.worse = _compile(config["worse_patterns"])
        self.contact_request = _compile(config["contact_clinic_patterns"])
        self.other_business = _compile([config["other_business_pattern"]] if config["other_business_pattern"] else [])
        self.treatment_name = _compile([config["treatment_name_pattern"]] if config["treatment_name_pattern"] else [])
        self.personal = _compile([config["personal_pattern"]] if config["personal_pattern"] else [])
        self.question = re.compile(config["question_pattern"], re.IGNORECASE)
        self.general_statement = re.compile(config["general_statement_pattern"], re.IGNORECASE)
        self.negation = re.compile(config["negation_pattern"], re.IGNORECASE)
        self.everyday = _compile(config["everyday_context_patterns"])
        self.hypothetical = _compile(config["hypothetical_patterns"])
        self.past = _compile(config["past_patterns"])
        self.present = re.compile(config["present_pattern"], re.IGNORECASE)
        self.accident = re.compile(config["accident_pattern"], re.IGNORECASE)
        self.what_to_do = re.compile(config["what_to_do_pattern"], re.IGNORECASE)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith(PAYLOAD_PREFIX):
                continue
            decision, candidates = self.decide(message)
            if (decision or (message.get(INTENT) or {}).get(INTENT_NAME_KEY)) in REFUSALS:
                decision = self._clearly_nearest_answer(message) or decision
            if decision:
                self._set_intent(message, decision)
                message.set(GATE_KEY, decision, add_to_output=True)
            if candidates:
                message.set(CANDIDATES_KEY, candidates, add_to_output=True)
        return messages

    def _not_negated(self, pattern: PhraseList | None, text: str) -> list[re.Match]:
        """The pattern's matches that are not negated just before ("no blisters")."""
        if pattern is None:
            return []
        return [m for m in pattern.finditer(text) if not self.negation.search(text[: m.start()])]

    def _mentions(self, pattern: PhraseList | None, text: str) -> bool:
        """True if the pattern occurs and is not negated just before ("no blisters")."""
        return bool(self._not_negated(pattern, text))

    def _requests_clinic(self, text: str) -> bool:
        """A request only the clinic can meet, not negated, and not for another business in the same clause."""
        return any(
            not (self.other_business and self.other_business.search(_clause(text, m)))
            for m in self._not_negated(self.contact_request, text)
        )

    def _set_aside(self, text: str, match: re.Match) -> set[str]:
        """Why a red-flag phrase is not something happening now: negated, an idiom, asked about, long ago."""
        checks = {
            "negated": lambda: self.negation.search(text[: match.start()]),
            "idiom": lambda: self._everyday(text, match),
            "asked": lambda: self._asked(text, match),
            "long ago": lambda: self._long_ago(text, match),
        }
        return {reason for reason, check in checks.items() if check()}

    def _red_flags_set_aside(self, text: str) -> list[set[str]]:
        """For each red-flag phrase in the message, why it is set aside (an empty set: it is happening).
        `decide` reads it once per message; the helpers below take it."""
        return [self._set_aside(text, m) for m in self.red_flags.finditer(text)] if self.red_flags else []

    @staticmethod
    def _happening(red_flags: list[set[str]]) -> bool:
        """A red-flag phrase not negated, not an idiom ("burnt the toast"), not asked about ("will it
        blister?") and not long ago."""
        return any(not reasons for reasons in red_flags)

    @staticmethod
    def _all_ruled_out(red_flags: list[set[str]]) -> bool:
        """The message has red-flag phrases and each is ruled out, long ago or asked about ("no blisters,
        just pink", "a seizure as a teenager", "could it burn?"): the classifiers' urgent then comes from
        those same words. An idiom ("blister pack") does not count: the message may be urgent for another
        reason ("found her blister packs opened, she's very sleepy")."""
        return bool(red_flags) and all(r & {"negated", "asked", "long ago"} for r in red_flags)

    @staticmethod
    def _asked_about(red_flags: list[set[str]]) -> bool:
        """A red-flag phrase asked about as a possibility, not negated and not an idiom ("if I get a burn")."""
        return any("asked" in r and not r & {"negated", "idiom"} for r in red_flags)

    def _names_treatment(self, text: str) -> bool:
        """The message names the treatment ("ionto", "iontophoresis"): it is about it, whatever it asks."""
        return bool(self.treatment_name and self.treatment_name.search(text))

    def _report(self, text: str) -> str | None:
        """A statement that counts the patient's sessions and asks nothing ("5 sessions in and it's about half
        as painful"): a progress report, or a flare report if it says the pain is worse. None otherwise."""
        if (
            self.sessions_counted is None
            or not self.sessions_counted.search(text)
            or self.question.search(text)
            or self.general_statement.search(text)
        ):
            return None
        return "flare_report" if self._mentions(self.worse, text) else "progress_report"

    def _decide_without_urgent(self, message: Message) -> tuple[str | None, list[str]]:
        """What the message would get if the classifiers' next choice after urgent were theirs."""
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != "urgent"]
        if not ranking:
            return self._not_ours(message), []
        return self._decide_as(message, ranking[0]["name"])

    def _decide_as(self, message: Message, intent: str) -> tuple[str | None, list[str]]:
        """What the message gets if the classifiers had chosen `intent` (at the confidence they gave it)."""
        ranking = {entry.get("name"): entry.get("confidence") for entry in message.get(INTENT_RANKING_KEY) or []}
        message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: ranking.get(intent) or 0.0})
        decision, candidates = self.decide(message)
        return decision or intent, candidates

    def _asks_in_general(self, text: str) -> bool:
        """A detail the leaflet does not give, asked of nobody in particular (no "I", "my", "mum" ...)."""
        return (
            self.personal is not None
            and self._mentions(self.details_not_in_leaflet, text)
            and not self._about_someone(text)
        )

    def _about_someone(self, text: str) -> bool:
        """The message is about someone in particular ("I", "my", "mum" ...), not people in general."""
        return self.personal is not None and bool(self.personal.search(text))

    def _asks_what_might_happen(self, text: str) -> bool:
        """The first sentence asks what might happen ("can it make the pain worse after", "what if no
        improvement after all 6"): a question, whatever the classifiers heard in it."""
        first_sentence = re.split(r"[.!?\n]", text.strip(), maxsplit=1)[0]
        return bool(self.hypothetical and self.hypothetical.search(first_sentence))

    def _everyday(self, text: str, match: re.Match) -> bool:
        """The phrase is part of an everyday idiom: "burnt the toast", "a blister on the bike tyre"."""
        if self.everyday is None:
            return False
        return any(
            idiom.start() < match.end() and match.start() < idiom.end() for idiom in self.everyday.finditer(text)
        )

    def _asked(self, text: str, match: re.Match) -> bool:
        """The phrase's clause asks what might happen; it does not report what is happening."""
        if self.hypothetical is None:
            return False
        start = max(text.rfind(mark, 0, match.start()) for mark in ".!?\n,;") + 1
        return bool(self.hypothetical.search(text[start : match.end()]))

    def _long_ago(self, text: str, match: re.Match) -> bool:
        """The phrase's clause tells of the past and not of now: "I had a seizure back in 2015 but none since"."""
        if self.past is None:
            return False
        clause = _clause(text, match)
        return bool(self.past.search(clause)) and not self.present.search(clause)

    def floor(self, path: str) -> float | None:
        """The similarity to its own examples that `path` needs, if any."""
        floors = self.config["min_similarity"]
        return floors.get(path, floors.get(_any_answer(path)))

    def _far_from(self, message: Message, path: str) -> bool:
        """True if the message is less similar to `path`'s own examples than that path's floor."""
        floor, similarities = self.floor(path), message.get(SIMILARITIES_KEY)
        if floor is None or not similarities:
            return False
        return similarities.get(path, -1.0) < floor

    def _not_ours(self, message: Message) -> str:
        """Out of scope, said as "the leaflet doesn't cover that" when the message is about the treatment."""
        if self._names_treatment(message.get(TEXT) or ""):
            return "leaflet_gap"
        similarities = message.get(SIMILARITIES_KEY) or {}
        domain_paths = self.config["domain_paths"]
        domain = [s for p, s in similarities.items() if p in domain_paths or _any_answer(p) in domain_paths]
        return "leaflet_gap" if domain and max(domain) >= self.config["min_domain_similarity"] else "out_of_scope"

    def decide(self, message: Message) -> tuple[str | None, list[str]]:
        """The intent this message must have instead of NLU's, and answer candidates."""
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if self._mentions(self.crisis, text):
            return "crisis", []
        red_flags = self._red_flags_set_aside(text)
        if intent != "crisis" and self._happening(red_flags):
            return "urgent", []
        if self.what_to_do.search(text) and self._asked_about(red_flags):
            # "What should I do if I get a blister?": the urgent answer says exactly that.
            return "urgent", []
        if intent == "crisis" and self.accident.search(text) and self._happening(red_flags):
            # "Took too many pills by accident": an emergency, not a crisis (no crisis phrase was found above).
            return "urgent", []
        latin = non_latin_share(text) < self.config["non_latin_share"]
        if intent == "urgent" and self.config["ruled_out_overrules_classifier"] and self._all_ruled_out(red_flags):
            return self._decide_without_urgent(message)
        if intent in ("urgent", "crisis"):
            # Far from every urgent example: a confident guess about everyday text. (Text in another script
            # is far from English examples whatever it says, so the classifier's urgent stands.)
            return (self._not_ours(message), []) if latin and self._far_from(message, intent) else (None, [])
        if not latin:
            return "non_english", []
        if self._requests_clinic(text):
            return "contact_clinic", []
        # Whatever the classifiers made of a story that counts the sessions ("I've had four of the six now,
        # walking without the stick"): out of scope, thanks, a leaflet answer. Their flare report stands:
        # it hears flares said in words no phrase list has ("the 3rd one has left my heel aching").
        report = self._report(text) if intent != "flare_report" else None
        if report:
            return report, []
        if intent in REPORTS and self._asks_what_might_happen(text):
            # "can it make the pain worse after": a question about the treatment, not a report of it.
            return self._decide_as(message, self.config["retrieval_intent"])
        if intent == "ask_your_doctor" and self._asks_in_general(text):
            # "does it work for plantar fasciitis": no one's own health, a detail the leaflet does not give.
            return self._not_ours(message), []
        if intent == "leaflet_gap" and self._mentions(self.ask_doctor, text) and self._about_someone(text):
            # "can my 12 year old daughter have iontophoresis for her sweaty hands": not in the leaflet, and
            # about someone's own health, so the doctor's question (the training data's label).
            return "ask_your_doctor", []
        if intent == "out_of_scope" and self._names_treatment(text):
            return "leaflet_gap", []
        if intent != self.config["retrieval_intent"]:
            return (self._not_ours(message), []) if intent and self._far_from(message, intent) else (None, [])
        if self._mentions(self.ask_doctor, text):
            return "ask_your_doctor", []
        if self._mentions(self.details_not_in_leaflet, text):
            return self._not_ours(message), []
        decision, candidates = self._judge_answer(message)
        if decision == "did_you_mean":
            # Only answers whose own examples the message is near are worth offering.
            candidates = [topic for topic in candidates if not self._far_from(message, f"faq/{topic}")]
            return ("did_you_mean", candidates) if candidates else (self._not_ours(message), [])
        chosen = _chosen_answer(message, self.config["retrieval_intent"])
        if decision is None and chosen and self._far_from(message, chosen) and not self._sure_of(message, chosen):
            return self._not_ours(message), []
        return decision, candidates

    def _sure_of(self, message: Message, answer: str) -> bool:
        """Both classifiers are confident of `answer` and the message is not far below its floor."""
        sure = self.config["confident_answer"]
        if not sure:
            return False
        intent_confidence = (message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0
        selector = _selector(message, self.config["retrieval_intent"])
        answer_confidence = next(
            (
                r.get("confidence") or 0.0
                for r in selector.get("ranking") or []
                if r.get("intent_response_key") == answer
            ),
            0.0,
        )
        similarity = (message.get(SIMILARITIES_KEY) or {}).get(answer, -1.0)
        return (
            intent_confidence >= sure["intent"]
            and answer_confidence >= sure["answer"]
            and similarity >= sure["similarity"]
        )

    def _clearly_nearest_answer(self, message: Message) -> str | None:
        """For a message about to be refused: the leaflet answer it is clearly nearest, given as the answer.

        None when no answer is near enough or far enough ahead of every other path, or when the message
        asks about the patient's own health (that is the doctor's question, not the leaflet's)."""
        similarities = message.get(SIMILARITIES_KEY) or {}
        # A story's similarity is its nearest sentence's (nearest_examples.py), which says what one
        # sentence is like, not what the story asks.
        if not similarities or len(sentences(message.get(TEXT) or "")) > 1:
            return None
        ranked = sorted(similarities.items(), key=lambda item: -item[1])
        path, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
        if _any_answer(path) is None or best < self.config["nearest_answer_similarity"]:
            return None
        if best - runner_up < self.config["nearest_answer_margin"]:
            return None
        if self._mentions(self.ask_doctor, message.get(TEXT) or ""):
            return "ask_your_doctor"
        if self._mentions(self.details_not_in_leaflet, message.get(TEXT) or ""):
            return None
        retrieval = self.config["retrieval_intent"]
        selector = _selector(message, retrieval)
        others = [entry for entry in selector.get("ranking") or [] if entry.get("intent_response_key") != path]
        set_answer_ranking(message, retrieval, [{"intent_response_key": path, "confidence": best}, *others])
        return self.config["retrieval_intent"]

    def _judge_answer(self, message: Message) -> tuple[str | None, list[str]]:
        selector = _selector(message, self.config["retrieval_intent"])
        ranking = selector.get("ranking") or []
        if not ranking:
            return "nlu_fallback", []
        topics = [r["intent_response_key"].split("/", 1)[-1] for r in ranking]
        confidences = [r["confidence"] for r in ranking]
        plausible = [
            t for t, c in zip(topics, confidences, strict=False) if c >= self.config["candidate_min_confidence"]
        ][: self.config["max_candidates"]]
        best, runner_up = confidences[0], (confidences[1] if len(confidences) > 1 else 0.0)
        if best < self.config["min_suggest_confidence"]:
            return "nlu_fallback", []
        if best < self.config["min_answer_confidence"] or best - runner_up < self.config["ambiguity_margin"]:
            return "did_you_mean", plausible
        return None, []

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        """Puts `name` on top, keeping NLU's own ranking beneath for the record."""
        previous = message.get(INTENT) or {}
        new_intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, new_intent, add_to_output=True)
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT_RANKING_KEY, [new_intent, *ranking], add_to_output=True)
        message.set("nlu_intent", previous, add_to_output=True)


def _clause(text: str, match: re.Match) -> str:
    """The clause a match stands in: from the boundary before it to the one after it."""
    start = max((boundary.end() for boundary in CLAUSE_BOUNDARY.finditer(text, 0, match.start())), default=0)
    following = CLAUSE_BOUNDARY.search(text, match.end())
    return text[start : following.start() if following else len(text)]


def _any_answer(path: str) -> str | None:
    """ "faq/*", the name settings use for every leaflet answer, if `path` is one."""
    return "faq/*" if path.startswith(f"{FAQ_INTENT}/") else None


def _selector(message: Message, retrieval_intent: str) -> dict[str, Any]:
    """What the ResponseSelector said for `retrieval_intent`: its ranking and chosen response."""
    return (message.get("response_selector") or {}).get(retrieval_intent) or {}


def _chosen_answer(message: Message, retrieval_intent: str) -> str | None:
    """The leaflet answer the ResponseSelector chose, as `faq/<topic>`."""
    return (_selector(message, retrieval_intent).get("response") or {}).get("intent_response_key")
