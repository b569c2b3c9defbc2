"""The training-data agreement check (nlu_eval/agreement.py), on hand-made parses through config.yml's gate."""

from nlu_eval.agreement import disagreements
from nlu_eval.floors import Parsed, Tail, step_configs
from nlu_eval.scoring import Example


def parsed(text: str, label: str, answer: str) -> Parsed:
    """A training example the classifiers learnt: `faq` with `answer` chosen, and it is its own nearest example."""
    ranking = [{"name": "faq", "confidence": 0.97}, {"name": "leaflet_gap", "confidence": 0.03}]
    selector = {
        "ranking": [{"intent_response_key": answer, "confidence": 0.98}],
        "response": {"intent_response_key": answer},
    }
    return Parsed(
        "training",
        Example(text, (label,), "training"),
        {
            "intent": ranking[0],
            "intent_ranking": ranking,
            "response_selector": {"faq": selector},
            "nearest_example_similarities": {answer: 1.0, "leaflet_gap": 0.6},
        },
    )


def test_an_example_a_phrase_list_sends_elsewhere_is_listed_with_its_path():
    agreed = parsed("whats next after 6 sessions", "faq/follow_up", "faq/follow_up")
    overruled = parsed("i keep reading about dexamethasone, is that it?", "faq/medication", "faq/medication")
    found = disagreements([agreed, overruled], Tail(step_configs()).path)
    assert [(item.example.text, path) for item, path in found] == [(overruled.example.text, "leaflet_gap")]
