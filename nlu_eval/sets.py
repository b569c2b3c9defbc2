"""Every evaluation set, by name, in one place: which are for tuning and which are held out.

Who wrote each set and what it may be used for: tests/sets/README.md. The
tuning sets are what `python -m nlu_eval.floors` chooses settings on; the
held-out sets only judge a model (`make holdout`, `make quality`, `make bench`).
"""

from __future__ import annotations

from clinic.settings import PROJECT_ROOT

_SETS = PROJECT_ROOT / "tests" / "sets"

TUNING = {
    "dev": PROJECT_ROOT / "tests" / "nlu_dev.yml",
    "dev tuning": _SETS / "dev_tuning.yml",
    "dev faq": _SETS / "dev_faq.yml",
    "dev emergencies": _SETS / "dev_emergencies.yml",
    "dev emergencies 2": _SETS / "dev_emergencies_2.yml",
    "dev emergencies 3": _SETS / "dev_emergencies_3.yml",
    "dev emergencies 4": _SETS / "dev_emergencies_4.yml",
    "dev near miss": _SETS / "dev_near_miss.yml",
    "dev faq 2": _SETS / "dev_faq_2.yml",
    "dev emergencies 5": _SETS / "dev_emergencies_5.yml",
    "dev faq 3": _SETS / "dev_faq_3.yml",
    "dev forget me": _SETS / "dev_forget_me.yml",
    "dev faq 4": _SETS / "dev_faq_4.yml",
    "dev emergencies 6": _SETS / "dev_emergencies_6.yml",
    "dev emergencies 7": _SETS / "dev_emergencies_7.yml",
    "dev near miss 2": _SETS / "dev_near_miss_2.yml",
    "dev emergencies 8": _SETS / "dev_emergencies_8.yml",
    "dev near miss 3": _SETS / "dev_near_miss_3.yml",
    "dev emergencies 9": _SETS / "dev_emergencies_9.yml",
    "dev narratives": _SETS / "dev_narratives.yml",
    "dev narratives 2": _SETS / "dev_narratives_2.yml",
    "dev emergencies 10": _SETS / "dev_emergencies_10.yml",
    "dev emergencies 11": _SETS / "dev_emergencies_11.yml",
    "dev emergencies 12": _SETS / "dev_emergencies_12.yml",
    "dev emergencies 13": _SETS / "dev_emergencies_13.yml",
    "dev emergencies 14": _SETS / "dev_emergencies_14.yml",
    "dev emergencies 15": _SETS / "dev_emergencies_15.yml",
    "dev emergencies 16": _SETS / "dev_emergencies_16.yml",
    "dev emergencies 17": _SETS / "dev_emergencies_17.yml",
    "dev emergencies 18": _SETS / "dev_emergencies_18.yml",
    "dev emergencies 19": _SETS / "dev_emergencies_19.yml",
    "dev narratives 3": _SETS / "dev_narratives_3.yml",
    "dev faq 5": _SETS / "dev_faq_5.yml",
    "dev near miss 4": _SETS / "dev_near_miss_4.yml",
    "dev faq 6": _SETS / "dev_faq_6.yml",
    "dev near miss 5": _SETS / "dev_near_miss_5.yml",
    "hwu64 fit": PROJECT_ROOT / "nlu_eval" / "hwu64_fit.tsv",
}
HELD_OUT = {
    "holdout": PROJECT_ROOT / "tests" / "nlu_holdout.yml",
    "hwu64 validation": _SETS / "hwu64_validation.tsv",
    "near miss": _SETS / "near_miss.yml",
    "emergencies": _SETS / "emergencies.yml",
    "narratives": _SETS / "narratives.yml",
    "forget me": _SETS / "forget_me.yml",
}
