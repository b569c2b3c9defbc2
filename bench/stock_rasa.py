"""Rasa as shipped, for the before/after pair in `make bench`: `python -m bench.stock_rasa run ...`.

The same entry point as `python -m rasa_addons`, with Rasa's own behaviour
put back wherever this project changed it for speed or memory:
- only the safety patch (the action timeout: patients depend on it, so it
  stays in whatever is measured) and the training patch are installed, not
  rasa_addons/patches/'s speed patches;
- spaCy is loaded by each graph node and run whole on every message, as
  Rasa's SpacyNLP does (rasa_addons/nlu/spacy_nlp.py changes both);
- SQLite keeps its default journal (rasa_addons/stores/tracker_store.py);
- bench/load.py also sets CLINIC_MAX_CONCURRENT very high, as Rasa's REST
  channel has no bound on the messages worked on at once.
Production code has no switch for any of this: the benchmark changes it here.
"""

from __future__ import annotations

import sys

# Rasa's channel has no bound; bench/load.py sets CLINIC_MAX_CONCURRENT to this for the stock server.
UNBOUNDED_CONCURRENCY = 1_000_000


def install_stock() -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

    from rasa_addons import patches
    from rasa_addons.nlu import spacy_nlp
    from rasa_addons.stores import tracker_store

    patches.install(patches.SAFETY, patches.TRAINING)
    spacy_nlp.SpacyNLP.load_model = staticmethod(spacy_nlp.load_once.__wrapped__)
    spacy_nlp.SpacyNLP._doc_for_text = RasaSpacyNLP._doc_for_text
    tracker_store.tune_sqlite = lambda connection, record: None


if __name__ == "__main__":
    from rasa_addons.__main__ import main

    sys.exit(main(install=install_stock))
