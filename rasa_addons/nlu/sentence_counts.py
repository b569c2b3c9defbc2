"""Rasa's CountVectorsFeaturizer without the per-token counts nothing here reads.

CountVectorsFeaturizer gives each message two sparse matrices: the counts of
each token (sequence features) and of the whole text (sentence features).
DIETClassifier and ResponseSelector turn each into dense vectors with a layer
of their own, vocabulary by `dense_dimension` (the ResponseSelector's 512 by
about 19,000 words and character n-grams). With no transformer layers and no
entity tagging (config.yml), they read only the sentence position
(`_last_token` in rasa/nlu/classifiers/diet_classifier.py): the per-token
layers get no gradient from the classification loss (only from their own
weight penalty), yet each training step still computes them and Adam updates
all their weights, about a fifth of full training's time (231 s, now 180 s).

So each token's counts are replaced by one empty column: the sequence keeps
its length (the sentence position is found by it), and the per-token layer
shrinks to one input. The sentence counts are Rasa's own. Attributes with no
sentence features (intents, action names) keep their per-token counts.
"""

from __future__ import annotations

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer


def placeholder(token_counts: scipy.sparse.spmatrix | None) -> scipy.sparse.coo_matrix | None:
    """An empty one-column matrix with one row per token: the sequence's length and nothing else."""
    if token_counts is None:
        return None
    return scipy.sparse.coo_matrix((token_counts.shape[0], 1), dtype=token_counts.dtype)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Counts of words or character n-grams in the whole text; per-token counts left out."""

    def _create_features(
        self, attribute: str, all_tokens: list[list[str]]
    ) -> tuple[list[scipy.sparse.spmatrix | None], list[scipy.sparse.spmatrix | None]]:
        sequence_features, sentence_features = super()._create_features(attribute, all_tokens)
        if attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
            return sequence_features, sentence_features
        return [placeholder(features) for features in sequence_features], sentence_features
