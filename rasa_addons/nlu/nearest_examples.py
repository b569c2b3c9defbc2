"""How near a message is to each answer's own training examples, in a sentence-embedding space.

Named in config.yml, after the featurizer whose sentence features it reads
(`featurizer:` is that featurizer's alias) and before the answer gate, which
decides with it. A classifier's softmax cannot say "far from everything I
know": a message about a sofa cushion is still most like *something* in
training, and gets it with high confidence. Distances to the examples can
(nearest neighbours in a sentence-embedding space: Podolskiy et al., AAAI
2021; Sun et al., ICML 2022).

Training keeps each example's unit-length embedding and its path: the intent,
or `faq/<topic>` for a leaflet question. For a message, the similarity to a
path is the cosine similarity of its nearest example of that path; for a
message of several sentences (a story, then the question), the highest of
the whole message's and each sentence's (the featurizer's per-sentence
embeddings, minilm_featurizer.py). The message gets:
- `nearest_examples` (in the parse output): the nearest path, its
  similarity, and the similarities of the best few paths, for the record and
  for `make report`;
- every path's similarity for the components after it (not stored).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.nlu.minilm_featurizer import SENTENCES_KEY

NEAREST_KEY = "nearest_examples"
SIMILARITIES_KEY = "nearest_example_similarities"
FILE = "examples.npz"


def path_of(example: Message) -> str | None:
    """The answer path an example teaches: `faq/<topic>` for a leaflet question, else its intent."""
    return example.get_full_intent()


def similarities_by_path(matrix: np.ndarray, starts: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """For each path (examples sorted by path, `starts` its first rows), the highest cosine similarity
    to any of `vectors` (one per row: the message, then its sentences)."""
    return np.maximum.reduceat(matrix @ vectors.T, starts, axis=0).max(axis=1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NearestExamples(GraphComponent):
    """Scores each message's similarity to the training examples of every answer path."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"featurizer": None, "report_top": 3}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        matrix: np.ndarray | None = None,
        paths: list[str] | None = None,
    ) -> None:
        if not config["featurizer"]:
            raise ValueError("NearestExamples needs `featurizer:`, the alias of a dense featurizer before it")
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.matrix = matrix if matrix is not None else np.zeros((0, 0), dtype=np.float32)
        self.paths = paths or []
        self.starts = np.array(
            [i for i in range(len(self.paths)) if i == 0 or self.paths[i] != self.paths[i - 1]], dtype=np.int64
        )
        self.path_names = [self.paths[i] for i in self.starts]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NearestExamples:
        return cls(config, model_storage, resource)

    def _embedding(self, message: Message) -> np.ndarray | None:
        _, sentence = message.get_dense_features(TEXT, [self.config["featurizer"]])
        if sentence is None:
            return None
        vector = np.asarray(sentence.features, dtype=np.float32).reshape(-1)
        norm = np.linalg.norm(vector)
        return vector / norm if norm else None

    def train(self, training_data: TrainingData) -> Resource:
        pairs = []
        for example in training_data.intent_examples:
            path, vector = path_of(example), self._embedding(example)
            if path and vector is not None:
                pairs.append((path, vector))
        pairs.sort(key=lambda pair: pair[0])
        paths = [path for path, _ in pairs]
        matrix = np.stack([vector for _, vector in pairs]).astype(np.float32)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / FILE, matrix=matrix, paths=np.array(paths))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NearestExamples:
        try:
            with model_storage.read_from(resource) as directory:
                stored = np.load(directory / FILE)
                return cls(config, model_storage, resource, stored["matrix"], [str(p) for p in stored["paths"]])
        except ValueError:
            return cls(config, model_storage, resource)  # not trained: nothing to compare with

    def similarities(self, message: Message) -> dict[str, float]:
        """Each path's highest similarity to the message or one of its sentences (empty if nothing to compare)."""
        vector = self._embedding(message)
        if vector is None or not len(self.paths):
            return {}
        vectors = np.vstack([vector, *message.get(SENTENCES_KEY, [])])
        best = similarities_by_path(self.matrix, self.starts, vectors)
        return dict(zip(self.path_names, best.tolist(), strict=True))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            by_path = self.similarities(message)
            if not by_path:
                continue
            ranked = sorted(by_path.items(), key=lambda item: -item[1])
            message.set(SIMILARITIES_KEY, by_path)
            message.set(
                NEAREST_KEY,
                {
                    "path": ranked[0][0],
                    "similarity": round(ranked[0][1], 4),
                    "ranking": [{"path": p, "similarity": round(s, 4)} for p, s in ranked[: self.config["report_top"]]],
                },
                add_to_output=True,
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
