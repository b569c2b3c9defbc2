"""The answer-confidence gate, with the phrase lists from config.yml."""

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.answer_gate import CANDIDATES_KEY, AnswerGate, non_latin_share
from rasa_addons.nlu.nearest_examples import SIMILARITIES_KEY

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
    msg = message("the pads", ranking=[("how_it_works", 0.38), ("what_is", 0.36), ("safety", 0.05)])
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
    "text",
    [
        "is it safe if i have a pacemaker",
        "can i have it while pregnant",
        "can my son have it",
        "is it safe for my teenage daughter",
        "my daughter is 8 with knee pain can she get ionto",
        "My son is 10 and has heel pain. Can he have iontophoresis?",
        "my little girl is 6, is she too young for this",
        # Someone's own history, whatever the condition, and whether they can still have it.
        "I had a bad reaction to a steroid injection once. Can I have iontophoresis?",
        "I have asthma, is iontophoresis ok for me?",
        "I wear an insulin pump on my tummy, is that a problem with the electrical current",
        # Whether it suits the patient's own condition or allergy.
        "Will iontophoresis work for my plantar fasciitis?",
        "I'm allergic to some steroids, can I still have iontophoresis?",
    ],
)
def test_personal_medical_faq_questions_go_to_the_doctor(gate, text):
    assert gated(gate, message(text, ranking=[("safety", 0.97), ("what_is", 0.01)])) == "ask_your_doctor"


@pytest.mark.parametrize(
    "text",
    [
        "my son drives me in, how many sessions are there",
        "my daughter is worried about me, is it a safe treatment",
        "i rely on my son to drive me in and he works shifts. how many times do i have to come in altogether?",
        # A child who is the patient, asking what the leaflet answers: the training data's label, and 4 tuning sets'.
        "My 15 year old is dreading it because she hates pain. Will the treatment itself hurt her?",
        "My son is having iontophoresis on his heel. He asked me how it works and I couldn't answer.",
        "My son plays football and his course starts soon. Does he have to stop playing while he's having it?",
        # "Can I have it": a question, not someone's history.
        "Can I have it every day or how are the sessions spaced out?",
        "I have my first session on Monday, is it safe?",
    ],
)  # fmt: skip
def test_a_son_or_daughter_not_asked_about_as_a_patient_leaves_the_leaflet_answer(gate, text):
    """Before issue 12's fifth session any mention of a son or daughter sent a leaflet question to the doctor, and
    before its eleventh any child's age or treatment did."""
    assert gated(gate, message(text, ranking=[("safety", 0.97), ("what_is", 0.01)])) == "faq"


@pytest.mark.parametrize(
    "text", ["is it suitable for children", "can kids have this", "is there a minimum age for iontophoresis"]
)  # fmt: skip
def test_children_in_general_are_a_leaflet_gap(gate, text):
    assert gated(gate, message(text, ranking=[("safety", 0.97), ("what_is", 0.01)])) in ("leaflet_gap", "out_of_scope")


def test_a_personal_medical_question_the_classifiers_call_a_leaflet_gap_goes_to_the_doctor(gate):
    text = "can my 12 year old daughter have iontophoresis for her sweaty hands"
    assert gated(gate, message(text, intent="leaflet_gap", confidence=0.54)) == "ask_your_doctor"
    # The same medical words asked of nobody in particular stay a leaflet gap.
    assert gated(gate, message("can the current travel along a metal plate", intent="leaflet_gap")) == "leaflet_gap"


def test_non_latin_script_is_not_english(gate):
    assert gated(gate, message("هل العلاج مؤلم", intent="faq", ranking=CONFIDENT)) == "non_english"
    assert non_latin_share("does it hurt") == 0.0


def test_button_payloads_are_left_alone(gate):
    msg = message('/choose_faq{"faq_topic": "safety"}', intent="choose_faq")
    assert gated(gate, msg) == "choose_faq"


@pytest.mark.parametrize(
    "text",
    [
        "my husband's face has dropped on one side and his speech is slurred",
        "i think mum is having a stroke",
        "he's collapsed and i can't wake him",
        "my dad has crushing pain in his chest",
        "she's having a seizure on the floor",
        "the cut is bleeding and it won't stop",
        "her throat is closing up after the bee sting",
        "my wife suddenly got very confused and doesn't know where she is",
        "I can't breathe properly",
        "my chest is really painful and tight",
        "i cant get my breath",
        "she can't get enough air in",
        "dad cant lift his left arm suddenly and his words are coming out all muddled",
        # Everyday words nearby do not make an emergency an idiom.
        "my husband collapsed in the car",
        "he was eating his dinner and started choking",
        "she fainted by the door and isn't answering",
        "dad fell off the roof and he's unconscious",
        "my son burnt his hand on the oven and it's blistering",
        # A question about what to do is not a question about what might happen.
        "can someone help, my husband has collapsed",
        "do i call 999 she's not breathing",
        "can you help my dad is having a stroke",
        # 999 signs described without their names.
        "his chest feels like an elephant is sitting on it and he's clutching his chest",
        "she can't find her words and her left hand won't grip",
        "my little boy is fitting and his eyes are rolling",
        "my grandad has stopped breathing",
        "the baby is grey and floppy",
        "swallowed a handful of paracetamol an hour ago",
        "fell off the ladder and there's a bone sticking out",
        "skin under the pad is broken and weeping",
        # ...and in the words of carers, older patients, second-language writers and clinicians.
        "I do not like to bother anyone but there is a band around my chest and my GTN spray has not helped",
        "my mother looked at me and didn't know who I was",
        "the redness from Monday's session has spread up to my elbow and it's hot",
        "baby very sleepy, not feeding, hard to wake",
        "non-blanching rash on his legs and a fever",
        "my father keeled over in the garden",
        "during my session the pain was nine out of ten",
        # ...and in the words of teenagers, parents and people who say what they see (dev_emergencies_3.yml).
        "cant feel my fingers at all since the pads came off",
        "the square where the pad was has turned dark grey",
        "my pain is 10/10 and nothing touches it",
        "there's a red streak going up my leg from the treated spot and I feel shivery",
        "the top layer of skin came off with the sticker",
        "my lips are swelling up since the session",
        "my daughter has a high fever and a rash all over and won't wake properly",
        "he took his blood pressure tablets twice this morning",
        "my son is shaking all over and not answering me",
        "my foot is red, hot and swollen since yesterday",
        # ...and in forms dev_emergencies_6.yml showed missing: pain bad enough to cry, a double dose of a strong
        # painkiller, a limp baby, a knock to the head with sickness a sentence later.
        "the pain in my wrist since the session is so bad i keep crying",
        "i took twice my oxycodone by mistake and feel really odd",
        "his breathing has gone very slow and shallow",
        "the baby is limp like she has no bones",
        "she is not opening her eyes when we shout",
        "grandad knocked his head on the door frame. Now he's being sick and sleepy",
        # ...and what dev_emergencies_8 and 9 showed missing: carers' clinical words, signs without their names.
        "care home resident with facial asymmetry and right-sided weakness since lunch",
        "she's soaking a pad every half hour and passing clots",
        "grandad has a temperature and new confusion this evening",
        "my dad suddenly doesn't know what day it is",
        "fell off the wall and his wrist is bent the wrong way",
        "my daughter got into the medicine cupboard and some of the tablets are gone",
        "he drank some screenwash from the garage",
        "high temperature, stiff neck and she's vomiting",
        "the baby's soft spot looks sunken and he's hardly feeding",
        # dev_emergencies_10 and 11: told without the usual words.
        "the pain started at a 4 and it's gone up every hour, now it's a 9",
        "been sick twice from the pain, paracetamol has done nothing",
        "the red patch has got bigger and bigger since yesterday",
        "the lady who fell outside isn't moving or responding",
        "my arm's gone cold and white and I can't find a pulse",
        "she fell off the trampoline and her wrist is a funny shape",
        "newborn is 3 weeks old with a temperature of 38.4",
        "36 weeks and the baby hasn't moved today",
        "I'm pregnant and bleeding heavily",
        "I can't remember how I got here",
        "breathless even sitting still and my calf is swollen",
        "type 1 diabetic, shaking and can't think straight",
        # dev_emergencies_12 and 13.
        "the left side of her face has sort of slipped down in the last half hour",
        "he can't lift one arm and is leaning to one side in his chair",
        "Dad thinks it's 1985 and keeps asking for his mum",
        "mum took her whole week of pills in one go from the dosette box",
        "my toddler drank some of the gel for the treatment pads",
        "hot n cold sweats since treatment, teeth chattering",
        "the bottom of the page just vanished in my left eye",
        "agony since the session and the painkillers haven't touched it",
        # Caught only by the classifiers until the tenth session (a retraining missed them).
        "My wife is epileptic and she's just had one fit after another without waking up in between.",
        "Our elderly neighbour has been on the floor since last night. She's cold and confused.",
        "My mum after treatment become very weak, she cannot stand up, her speech is not clear.",
        "my son's having a seize sure and he won't stop please what do I do",
        # Read as a question ("can ...") until the eleventh session: the training data's own urgent example.
        "can barely breathe help",
        "could hardly breathe walking up the stairs just now, chest tight",
    ],
)
def test_999_emergencies_win_about_anyone(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.9)) == "urgent"


def test_a_hand_that_cannot_grip_is_a_stroke_sign_only_with_another_one(gate):
    """Tennis elbow's own complaint (the training data's flare and progress reports) is not a stroke."""
    for report in ("cant grip my mug without wincing since the last treatment",
                   "after the fourth treatment it's improved a little but i still cant grip properly"):  # fmt: skip
        assert gated(gate, message(report, intent="flare_report", confidence=0.9)) == "flare_report"
    stroke = "cant grip my cup with my left hand, it just dropped"
    assert gated(gate, message(stroke, intent="flare_report", confidence=0.9)) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "burnt the pizza again lol",
        "got a blister on my bike tyre, any tips",
        "the tent collapsed in the wind",
        "i'm completely burnt out at work",
        "he swims breaststroke",
        "what a stroke of luck",
        "my stroke rate drops when i swim in the sea",
        "my putting stroke has gone to pieces",
        "burnt the roast potatoes again",
        "the project crashed and burned",
        "will it blister?",
        "what happens if the pad burns me?",
        "could it cause burns",
    ],
)
def test_red_flag_words_said_of_things_or_asked_about_are_not_emergencies(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.9)) != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        # "Can't" is not "can": the sentence reports, it does not ask what might happen.
        "can't move my thumb since this morning's session",
        # A negation before "and" or "but" says nothing of what follows it.
        "not sure if it matters but he collapsed an hour ago",
        "I didn't want to bother anyone and now her face has dropped on one side",
    ],
)
def test_reports_that_look_like_questions_or_negations_are_still_red_flags(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.9)) == "urgent"


def test_a_ruled_out_combination_is_not_a_red_flag(gate):
    text = "not red, not hot and no swelling, just stiff since the session"
    assert gated(gate, message(text, intent="flare_report", confidence=0.9)) != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "I had a small stroke about six years ago, fully recovered, can I still have it?",
        "my wife had anaphylaxis to peanuts when she was a child, is the medicine safe for her?",
        "I burnt my arm on an iron last year but it's fine, can the pad go there?",
        "I passed out at the dentist in my twenties, will this make me faint?",
    ],
)
def test_a_red_flag_long_past_is_not_an_emergency(gate, text):
    assert gated(gate, message(text, intent="ask_your_doctor", confidence=0.9)) != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        # The past in one clause, now in the next.
        "my husband had a stroke years ago and now his face is drooping again",
        # "Since", "still" and "not healed" are about now.
        "I got a burn from the pad two weeks ago and it still hasn't healed",
        "the blister from last month's session has not healed",
    ],
)
def test_a_red_flag_that_is_still_going_on_is_one(gate, text):
    assert gated(gate, message(text, intent="ask_your_doctor", confidence=0.9)) == "urgent"


def test_a_question_with_a_report_in_it_is_still_a_red_flag(gate):
    assert gated(gate, message("will it always blister like this? i've got a blister where the pad was")) == "urgent"


def near(message_: Message, **similarities: float) -> Message:
    message_.set(SIMILARITIES_KEY, {k.replace("__", "/"): v for k, v in similarities.items()})
    return message_


@pytest.fixture()
def floored_gate() -> AnswerGate:
    settings = next(c for c in CONFIG["pipeline"] if c["name"].endswith("AnswerGate"))
    params = {k: v for k, v in settings.items() if k != "name"}
    floors = {"faq/*": 0.5, "urgent": 0.4, "flare_report": 0.45}
    return AnswerGate({**AnswerGate.get_default_config(), **params, "min_similarity": floors,
                       "min_domain_similarity": 0.45})  # fmt: skip


def test_a_confident_leaflet_answer_far_from_its_examples_is_not_given(floored_gate):
    far = near(message("who invented the internet", ranking=[("history", 0.97), ("what_is", 0.01)]),
               faq__history=0.31, faq__what_is=0.2, leaflet_gap=0.25)  # fmt: skip
    assert gated(floored_gate, far) == "out_of_scope"
    close = near(message("is this a new treatment", ranking=[("history", 0.97), ("what_is", 0.01)]), faq__history=0.8)
    assert gated(floored_gate, close) == "faq"


def test_far_from_the_chosen_answer_but_about_the_treatment_says_the_leaflet_does_not_cover_it(floored_gate):
    gap = near(message("how much does a session cost", ranking=[("course_length", 0.9), ("what_is", 0.05)]),
               faq__course_length=0.42, leaflet_gap=0.71)  # fmt: skip
    assert gated(floored_gate, gap) == "leaflet_gap"


def test_the_classifiers_urgent_needs_urgent_examples_nearby_but_red_flag_phrases_do_not(floored_gate):
    guess = near(message("how do I get red wine out of a sofa", intent="urgent", confidence=0.8), urgent=0.2)
    assert gated(floored_gate, guess) == "out_of_scope"
    novel = near(message("my arm is covered in blisters", intent="urgent"), urgent=0.1)
    assert gated(floored_gate, novel) == "urgent"


def test_did_you_mean_offers_only_answers_the_message_is_near(floored_gate):
    msg = near(message("the pads", ranking=[("how_it_works", 0.38), ("what_is", 0.36), ("safety", 0.05)]),
               faq__how_it_works=0.6, faq__what_is=0.3)  # fmt: skip
    assert gated(floored_gate, msg) == "did_you_mean"
    assert msg.get(CANDIDATES_KEY) == ["how_it_works"]


@pytest.mark.parametrize(
    "text",
    [
        "ive started cutting myself again",
        "my wife says she doesnt want to live anymore",
        "he keeps saying he wants to die",
        "my son keeps talking about killing himself",
        "my brother says hes going to take an overdose tonight what do i do",
        # Said without the usual words (dev_emergencies_3.yml), and "no one" is not a negation.
        "i've been keeping back my pills, i've got a stash of tablets now",
        "nobody would care, no one would notice if i disappeared for good",
        "my sister keeps burning herself on purpose",
        "the pain never stops and I've been thinking of ending it",
        "she has scratches all up her arms and says she's doing it to herself",
        "I think about dying most days",
        "dad says he's had enough of living and asked where his old pistol is",
        "I won't need the rest of the course, I've written letters for the kids",
        "found a note in my daughter's room saying goodbye",
        "he texted thanks for everything, look after the dog, and now he's not answering",
        "might not be around for the follow up tbh, got it all planned",
        "counting my tablets and wondering if it's enough",
    ],
)
def test_self_harm_in_other_words_and_about_someone_else_gets_crisis(gate, text):
    assert gated(gate, message(text, intent="flare_report")) == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "what's the best stroke for a beginner swimmer",
        "right, I'm off before I collapse in front of the telly",
        "my sourdough starter collapsed overnight",
        "cant breathe for laughing at this",
        "does anyone ever faint during it?",
        "if the skin did blister, would I still finish the course?",
        "i need to cut my hair",
        "i'm choking on all this paperwork for my tax return, any tips",
        "i nearly had a heart attack when i saw the bill",
        "had a fit of the giggles in the meeting",
        "choked up at my sister's wedding",
        "what are the signs of a stroke, it's for a school project",
        "i had a heart attack 3 years ago, is that a problem",
        "I don't want to carry on with this chat, bye",
        "can't go on the 14th, can we move it",
    ],
)
def test_idioms_and_questions_about_possibilities_are_not_emergencies(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.9)) not in ("urgent", "crisis")


def answered_topic(msg: Message) -> str:
    return msg.get("response_selector")["faq"]["response"]["intent_response_key"]


def test_a_refusal_clearly_nearest_one_leaflet_answer_gets_that_answer(gate):
    msg = near(message("is football ok between sessions", intent="out_of_scope", confidence=0.6),
               faq__activity=0.72, leaflet_gap=0.55, out_of_scope=0.3)  # fmt: skip
    assert gated(gate, msg) == "faq"
    assert answered_topic(msg) == "faq/activity"


@pytest.mark.parametrize(
    "similarities",
    [
        {"faq__activity": 0.70, "leaflet_gap": 0.68},  # not clearly ahead of the leaflet gaps
        {"faq__activity": 0.60, "leaflet_gap": 0.30},  # not near enough
        {"leaflet_gap": 0.80, "faq__activity": 0.60},  # nearest a leaflet gap
    ],
)
def test_a_refusal_stays_one_unless_clearly_nearest_a_leaflet_answer(gate, similarities):
    msg = near(message("how many milliamps is the current", intent="leaflet_gap", confidence=0.6), **similarities)
    assert gated(gate, msg) == "leaflet_gap"


def test_a_refusal_near_an_answer_about_the_patients_own_health_goes_to_the_doctor(gate):
    msg = near(message("is it ok with my pacemaker", intent="out_of_scope", confidence=0.6), faq__safety=0.8)
    assert gated(gate, msg) == "ask_your_doctor"


def test_a_red_flag_near_a_leaflet_answer_is_still_urgent(gate):
    msg = near(message("there's a blister where the pad was", intent="out_of_scope", confidence=0.6),
               faq__pain_after=0.8)  # fmt: skip
    assert gated(gate, msg) == "urgent"


def test_a_story_is_not_answered_for_one_of_its_sentences(gate):
    story = "I play football on Sundays. My knee has been bad for a year. Who should I see about the referral letter?"
    msg = near(message(story, intent="out_of_scope", confidence=0.6), faq__activity=0.8, leaflet_gap=0.4)
    assert gated(gate, msg) == "out_of_scope"


def ranked(msg, *intents):
    """The classifiers' intent ranking, best first, as (name, confidence) pairs."""
    msg.set("intent_ranking", [{"name": name, "confidence": c} for name, c in intents])
    msg.set("intent", {"name": intents[0][0], "confidence": intents[0][1]})
    return msg


@pytest.mark.parametrize(
    ("text", "runner_up"),
    [
        ("no blisters, just a bit pink and achy where the pad was", "flare_report"),
        ("I had a seizure as a teenager, can I still have this?", "ask_your_doctor"),
        ("could I get burns from the pads?", "faq"),
    ],
)
def test_the_classifiers_urgent_is_set_aside_when_every_red_flag_phrase_is(gate, text, runner_up):
    msg = ranked(message(text, ranking=CONFIDENT), ("urgent", 0.6), (runner_up, 0.3), ("out_of_scope", 0.1))
    assert gated(gate, msg) == runner_up


@pytest.mark.parametrize(
    "text",
    [
        "she's gone very quiet and won't eat anything since this morning",  # no red-flag phrase: the classifier's call
        "no blisters but he has collapsed in the hallway",  # one phrase ruled out, another happening
    ],
)
def test_the_classifiers_urgent_stands_unless_a_red_flag_phrase_was_set_aside(gate, text):
    msg = ranked(message(text, ranking=CONFIDENT), ("urgent", 0.6), ("flare_report", 0.3))
    assert gated(gate, msg) == "urgent"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("took too many pills by accident", "urgent"),
        ("Accidental overdose of tramadol, triple my usual dose, and I'm very drowsy", "urgent"),
        ("I want to take all my pills tonight and end it", "crisis"),
    ],
)
def test_an_overdose_by_accident_is_an_emergency_not_a_crisis(gate, text, expected):
    msg = ranked(message(text, intent="crisis"), ("crisis", 0.7), ("urgent", 0.2))
    assert gated(gate, msg) == expected


@pytest.mark.parametrize(
    "text",
    [
        "what should I do if I get a blister?",
        "If the redness spreads after a session, who should I contact?",
        "what should I do if I pass out during the treatment",
    ],
)
def test_what_to_do_if_a_red_flag_happens_gets_the_urgent_answer(gate, text):
    assert gated(gate, message(text, intent="leaflet_gap", confidence=0.7)) == "urgent"


@pytest.mark.parametrize(
    "text",
    ["will it blister?", "what should i do if i burnt the toast", "what should I do if it tingles a bit"],
)
def test_a_red_flag_asked_about_without_asking_what_to_do_is_not_urgent(gate, text):
    assert gated(gate, message(text, ranking=CONFIDENT)) != "urgent"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how long does the relief last once the course is finished", "when_results"),
        ("is the current AC or DC", "how_it_works"),
        ("what are the pads soaked in", "how_it_works"),
        ("which steroid is it, dexamethasone?", "medication"),
        ("who gives the treatment, a nurse or a physio?", "what_is"),
        ("can it leave a scar", "safety"),
        ("how much does a course cost", "course_length"),
        ("can i do iontophoresis at home", "what_is"),
        ("is there a home machine I could buy", "how_it_works"),
        ("who will actually give me the treatment", "not_working"),
    ],
)
def test_a_detail_the_leaflet_does_not_give_is_a_leaflet_gap_not_the_topics_answer(gate, text, topic):
    msg = near(message(text, ranking=[(topic, 0.95), ("what_is", 0.02)]), **{f"faq__{topic}": 0.75})
    assert gated(gate, msg) == "leaflet_gap"


def test_a_detail_question_about_something_else_entirely_is_out_of_scope(gate):
    msg = near(message("who invented the telephone", ranking=[("history", 0.9), ("what_is", 0.05)]),
               faq__history=0.3, leaflet_gap=0.2)  # fmt: skip
    assert gated(gate, msg) == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how much does it hurt", "does_it_hurt"),
        ("how long will the flare last", "pain_after"),
        ("which medicine do they use", "medication"),
        ("does the medicine go deeper than the skin", "how_it_works"),
    ],
)
def test_the_leaflets_own_questions_keep_their_answer(gate, text, topic):
    msg = near(message(text, ranking=[(topic, 0.95), ("what_is", 0.02)]), **{f"faq__{topic}": 0.75})
    assert gated(gate, msg) == "faq"


def test_a_goodbye_text_from_a_friend_is_a_crisis(gate):
    assert gated(gate, message("my brother messaged me to say goodbye", intent="goodbye")) == "crisis"


@pytest.mark.parametrize(
    ("text", "report"),
    [
        ("5 sessions in and it's about half as painful", "progress_report"),
        ("after the 6th session the pain is mostly gone", "progress_report"),
        ("had ionto x5 for my elbow, great results so far", "progress_report"),
        ("my heel feels worse after the first treatment", "flare_report"),
    ],
)
def test_a_statement_counting_the_patients_sessions_is_a_report_not_a_leaflet_question(gate, text, report):
    assert gated(gate, message(text, ranking=CONFIDENT)) == report


@pytest.mark.parametrize(
    "text",
    [
        "how many sessions will i need",
        "does it hurt after the first session?",
        "most people improve after 4 treatments right",
        "6 treatments over 2 weeks seems a lot",
        "tell me about the 6 treatments",
        "after last session then what",
        # Typed as patients type them (the training data's own questions, read as reports until the eleventh
        # session).
        "whats next after 6 sessions",
        "wat happens wen ive done all 6",
        "booking annual leave, will the whole course be done inside a fortnight or does it drag on",
        "my friend said she had six goes, does everyone get the same amount",
        "total number of visits for the full course pls",
        "my first appointment is tomorrow and I'd like to know when I should start to notice an improvement",
        "just wanna know before committing to 6 sessions, if its a waste of time for me what are the alternatives",
        "I'm a total coward with pain and my first session is on Thursday.",
    ],
)
def test_questions_and_general_statements_about_sessions_keep_their_leaflet_answer(gate, text):
    assert gated(gate, message(text, ranking=CONFIDENT)) == "faq"


@pytest.mark.parametrize(
    ("text", "intent", "report"),
    [
        ("I've had four of the six sessions now and I'm walking without the stick", "out_of_scope", "progress_report"),
        ("We drive Mum in every other day and she's had all six now. She can do her own hair again.", "thankyou",
         "progress_report"),
        ("3/6 done and the heel is about half what it was", "nlu_fallback", "progress_report"),
        ("my foot has been dreadful since Tuesday's session, just logging it", "faq", "flare_report"),
        ("halfway through the course and it has flared up again", "progress_report", "flare_report"),
    ],
)  # fmt: skip
def test_a_story_counting_the_sessions_is_a_report_whatever_the_classifiers_made_of_it(gate, text, intent, report):
    assert gated(gate, message(text, intent=intent, confidence=0.8, ranking=CONFIDENT)) == report


def test_the_classifiers_flare_report_stands_in_a_story_counting_the_sessions(gate):
    text = "I had 2 sessions with no trouble but the 3rd one has left my heel aching"
    assert gated(gate, message(text, intent="flare_report", confidence=0.8)) == "flare_report"


def test_the_classifiers_urgent_stands_in_a_story_counting_the_sessions(gate):
    text = "My elbow's had three treatments and been fine, but right now my arm has gone numb and I can't lift it"
    assert gated(gate, message(text, intent="urgent", confidence=0.8)) == "urgent"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Going round in circles with emails about mum's appointments. What's your phone number?", "out_of_scope"),
        ("We're moving away, so I have to cancel the rest of my sessions. Who do I tell?", "faq"),
        ("My physio said to contact you to get started. Could I book in for the first session please?", "out_of_scope"),
        ("She's in a wheelchair. Is there parking, and what time do you open in the morning?", "leaflet_gap"),
        # The training data's own requests, read as progress reports until the eleventh session.
        ("i'd like to book my first ionto session", "faq"),
        ("i need to move my last two sessions", "faq"),
        ("had my 3rd session, all fine, but i need to move the 4th because my husband is in hospital", "faq"),
        ("i want to make a complaint about how i was spoken to at my last session", "out_of_scope"),
    ],
)  # fmt: skip
def test_a_request_only_the_clinic_can_meet_goes_to_the_clinic_whatever_the_story(gate, text, intent):
    assert gated(gate, message(text, intent=intent, confidence=0.8, ranking=CONFIDENT)) == "contact_clinic"


def test_someone_else_booking_the_patient_in_is_not_a_request_for_the_clinic(gate):
    text = "The physio is booking me in for iontophoresis. I can't picture what happens. How does it actually work?"
    assert gated(gate, message(text, ranking=[("how_it_works", 0.97), ("what_is", 0.01)])) == "faq"


def test_a_red_flag_wins_over_a_request_for_the_clinic(gate):
    text = "I need to cancel my session, the skin under the pad has blistered"
    assert gated(gate, message(text, intent="contact_clinic")) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Does iontophoresis show up on a drugs test? I compete in powerlifting.",
        "saw a video of a bloke making a DIY ionto machine with a 9V battery, terrible idea?",
    ],
)
def test_a_question_naming_the_treatment_that_we_cannot_answer_is_a_leaflet_gap(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.9)) == "leaflet_gap"


def test_an_off_topic_question_that_does_not_name_the_treatment_stays_out_of_scope(gate):
    assert gated(gate, message("does cannabis show up on a drugs test", intent="out_of_scope")) == "out_of_scope"


def test_one_alternation_hides_a_red_flag_that_overlaps_an_earlier_phrase(gate):
    text = (
        "Can I ask about parking for next time? And the redness around my knee has got bigger and bigger "
        "today, now the whole knee is red, swollen and hot"
    )
    # As read before: all phrases as one regular expression. Its first match starts at the "?", so its clause is
    # the parking question, and the phrases inside it are never matched on their own.
    first_only = list(gate.red_flags.combined.finditer(text))
    assert len(first_only) == 1 and gate._set_aside(text, first_only[0]) == {"asked"}
    # Read one by one, the spreading redness is found and it is happening.
    assert any(not gate._set_aside(text, m) for m in gate.red_flags.finditer(text))
    assert gated(gate, message(text, intent="flare_report")) == "urgent"


@pytest.mark.parametrize(
    "text", ["vets opening hours sunday", "I need an eye test, can you book me in at the opticians?"]
)  # fmt: skip
def test_a_booking_or_opening_hours_for_another_business_is_not_the_clinics(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.8)) == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("i need to plan time off work, how long does the whole course take start to finish", "course_length"),
        ("2 weeks after the course what happens", "follow_up"),
    ],
)  # fmt: skip
def test_a_question_after_context_or_ending_in_its_question_word_is_not_a_report(gate, text, answer):
    assert gated(gate, message(text, ranking=[(answer, 0.95), ("pain_after", 0.03)])) == "faq"


@pytest.mark.parametrize(
    "text",
    [
        "is iontophoresis a cure or just temporary",
        "once I finish the 6 will the pain come back",
        "is iontophoresis done by a physio",
        "can i have the sessions on back to back days",
        "how long does the tingling last after",
        "is there a maximum number of steroid treatments per year",
        "can I self refer for iontophoresis",
        "how soon could I start the course",
        "how long has this clinic been offering iontophoresis",
        "plantar fasciitis iontophoresis?",
        "does it work for tennis elbow",
        "are the pads sticky, will they pull my hairs out",
        "which muscle do they put the other pad on when they're treating a shoulder?",
        "does the current run continuously or does it pulse",
        "Are there alternatives to steroids that can be used with iontophoresis?",
        "do i need to fast before treatment",
        "can you do two areas at once, like both my elbows",
        "Does the improvement keep going after the course has finished?",
    ],
)  # fmt: skip
def test_details_the_leaflet_does_not_give_are_leaflet_gaps(gate, text):
    assert gated(gate, message(text, ranking=CONFIDENT)) in ("leaflet_gap", "out_of_scope")


@pytest.mark.parametrize(
    "text",
    [
        "what if the treatment doesn't cure my heel pain",
        "Can I take paracetamol if the pain come back after the treatment?",
        "is it normal for the tingling to last the whole session",
        "could my symptoms temporarily get worse after a session",
        "how quickly does ionto work for tennis elbow",
        "will my knee be achy once the pads come off",
        "how long till it works",
    ],
)  # fmt: skip
def test_the_leaflets_own_topics_in_the_same_words_keep_their_answer(gate, text):
    assert gated(gate, message(text, ranking=CONFIDENT)) == "faq"


def test_an_answer_both_classifiers_are_sure_of_needs_less_similarity_than_its_floor(floored_gate):
    """config.yml's confident_answer: sure of the answer (0.91), 0.45 from its examples, under the 0.5 floor."""
    floor_only = AnswerGate({**floored_gate.config, "confident_answer": None})
    text = "does it work on its own or do i need something else"

    def parsed(answer_confidence: float, similarity: float) -> Message:
        ranking = [("not_working", answer_confidence), ("how_it_works", 1 - answer_confidence)]
        return near(message(text, confidence=0.97, ranking=ranking), faq__not_working=similarity, leaflet_gap=0.5)

    assert gated(floor_only, parsed(0.91, 0.45)) == "leaflet_gap"
    assert gated(floored_gate, parsed(0.91, 0.45)) == "faq"
    assert gated(floored_gate, parsed(0.7, 0.45)) == "leaflet_gap"  # not sure enough of the answer
    assert gated(floored_gate, parsed(0.91, 0.35)) == "leaflet_gap"  # too far even so


@pytest.mark.parametrize(
    ("text", "intent", "answer"),
    [
        ("can it make the pain worse after", "flare_report", "pain_after"),
        ("what if no improvement after all 6", "progress_report", "not_working"),
    ],
)
def test_a_question_about_what_might_happen_is_not_a_report(gate, text, intent, answer):
    msg = message(text, intent=intent, confidence=0.9, ranking=[(answer, 0.95), ("what_is", 0.02)])
    msg.set("intent_ranking", [{"name": intent, "confidence": 0.9}, {"name": "faq", "confidence": 0.08}])
    assert gated(gate, msg) == "faq"


def test_a_report_the_classifiers_heard_stays_a_report(gate):
    text = "had my 3rd session yesterday and can hardly walk on it today"
    assert gated(gate, message(text, intent="flare_report", ranking=CONFIDENT)) == "flare_report"


@pytest.mark.parametrize(
    "text",
    ["I'd like to move my next treatment to the following week, how do I do that?", "sorry I'm running late"],
)  # fmt: skip
def test_moving_a_named_session_or_running_late_is_for_the_clinic(gate, text):
    assert gated(gate, message(text, intent="out_of_scope", confidence=0.8)) == "contact_clinic"


def test_a_train_running_late_is_not_the_clinics(gate):
    assert gated(gate, message("is the 4.30 train running late", intent="out_of_scope")) == "out_of_scope"


def test_the_classifiers_ask_your_doctor_for_a_detail_asked_of_nobody_in_particular_is_a_leaflet_gap(gate):
    general = message("does it work for plantar fasciitis", intent="ask_your_doctor", confidence=0.9)
    assert gated(gate, general) in ("leaflet_gap", "out_of_scope")
    own = message("does it work for plantar fasciitis? I've had it two years", intent="ask_your_doctor")
    assert gated(gate, own) == "ask_your_doctor"
