"""The floors tool's choice, on hand-made parses: what it keeps when no floor meets its target."""

from nlu_eval.floors import IN_DOMAIN, Parsed, Targets, choose, step_configs, with_settings
from nlu_eval.scoring import Example


def parsed(set_name: str, text: str, accept: str, intent: str, similarity: float) -> Parsed:
    ranking = [{"name": intent, "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.1}]
    return Parsed(
        set_name,
        Example(text, (accept,), "test"),
        {
            "intent": ranking[0],
            "intent_ranking": ranking,
            "response_selector": {},
            "nearest_example_similarities": {intent: similarity, "out_of_scope": 0.2},
        },
    )


def test_a_floor_no_setting_can_meet_is_kept_as_configured_not_dropped():
    # Every tuning set has one emergency the classifier gets; HWU64's fitting part has one everyday message the
    # classifier calls urgent, as near the urgent examples as the emergencies are: no urgent floor keeps HWU64's
    # false alarms under the target without missing an emergency.
    items = [parsed(name, "my chest is crushing", "urgent", "urgent", 0.9) for name in IN_DOMAIN]
    items.append(parsed("hwu64 fit", "set an alarm for nine", "out_of_scope", "urgent", 0.9))
    configured = with_settings(step_configs(), AnswerGate={"min_similarity": {"urgent": 0.5}})
    chosen = choose(items, configured, Targets(), log=lambda line: None)
    assert chosen["AnswerGate"]["min_similarity"]["urgent"] == 0.5
