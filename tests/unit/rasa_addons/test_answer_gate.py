"""The answer-confidence gate, with the phrase lists from config.yml."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.answer_gate import CANDIDATES_KEY, AnswerGate, non_latin_share

CONFIG = yaml.safe_load((Path(__file__).resolve().parents[3] / "config.yml").read_text())


@pytest.fixture(scope="module")
def gate() -> AnswerGate:
    settings = next(c for c in CONFIG["pipeline"] if c["name"].endswith("AnswerGate"))
    params = {k: v for k, v in settings.items() if k != "name"}
    return AnswerGate({**AnswerGate.get_default_config(), **params})


def message(text, intent="faq", confidence=0.99, ranking=None):
    data = {"text": text, "intent": {"name": intent, "confidence": confidence}, "intent_ranking": []}
    if ranking is not None:
        data["response_selector"] = {
            "faq": {
                "ranking": [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in ranking],
                "response": {"intent_response_key": f"faq/{ranking[0][0]}"},
            }
        }
    return Message(data=data)


def gated(gate, msg):
    gate.process([msg])
    return msg.get("intent")["name"]


CONFIDENT = [("does_it_hurt", 0.95), ("pain_after", 0.03)]


def test_a_confident_answer_passes(gate):
    assert gated(gate, message("does it hurt", ranking=CONFIDENT)) == "faq"


def test_a_low_answer_confidence_falls_back(gate):
    msg = message("what's the capital of peru", ranking=[("what_is", 0.2), ("history", 0.15)])
    assert gated(gate, msg) == "nlu_fallback"


def test_close_answers_ask_did_you_mean_with_candidates(gate):
    msg = message("the pads", ranking=[("how_it_works", 0.48), ("what_is", 0.42), ("safety", 0.05)])
    assert gated(gate, msg) == "did_you_mean"
    assert msg.get(CANDIDATES_KEY) == ["how_it_works", "what_is"]
    assert msg.get("nlu_intent")["name"] == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "is it normal to have blisters after?",
        "i got burned by the pad",
        "my chest feels tight",
        "she fainted after the session",
        "i think i'm having an allergic reaction",
        "my lips are swelling",
        "the redness is spreading up my arm",
        "its really painful right now during the treatment, i cant bear it",
    ],
)
def test_red_flags_win_over_a_faq_answer(gate, text):
    assert gated(gate, message(text, ranking=CONFIDENT)) == "urgent"


@pytest.mark.parametrize(
    "text",
    ["no blisters, just a bit sore", "will it be agony during the session?", "does it burn?", "is it safe?"],
)
def test_negated_or_general_questions_are_not_red_flags(gate, text):
    assert gated(gate, message(text, ranking=CONFIDENT)) != "urgent"


def test_red_flags_win_over_other_intents_too(gate):
    assert gated(gate, message("blisters where the pad was", intent="flare_report")) == "urgent"
    assert gated(gate, message("blistered skin", intent="nlu_fallback", confidence=0.3)) == "urgent"


def test_self_harm_gets_crisis(gate):
    assert gated(gate, message("i want to kill myself", intent="out_of_scope")) == "crisis"


@pytest.mark.parametrize(
    "text", ["is it safe if i have a pacemaker", "can i have it while pregnant", "can my son have it"]
)
def test_personal_medical_faq_questions_go_to_the_doctor(gate, text):
    assert gated(gate, message(text, ranking=[("safety", 0.97), ("what_is", 0.01)])) == "ask_your_doctor"


def test_non_latin_script_is_not_english(gate):
    assert gated(gate, message("هل العلاج مؤلم", intent="faq", ranking=CONFIDENT)) == "non_english"
    assert non_latin_share("does it hurt") == 0.0


def test_button_payloads_are_left_alone(gate):
    msg = message('/choose_faq{"faq_topic": "safety"}', intent="choose_faq")
    assert gated(gate, msg) == "choose_faq"
