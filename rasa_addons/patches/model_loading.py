"""Memory and start-up: a trained DIET or ResponseSelector model is loaded for prediction without a training step.

Replaces `RasaModel.load` (rasa/utils/tensorflow/models.py) when a model is
loaded only to predict. Rasa's loader trains on one example to create the
weights before reading them (RasaHQ/rasa#7096), which also builds the
training graph and the optimiser's state: 465 MB of the server's memory,
never used by a server that only predicts. Here the weights are restored as
the first prediction creates them (TensorFlow's deferred restoration): the
same values, checked weight by weight in tests/unit/rasa_addons/test_patches.py.
Fine-tuning and training still use Rasa's loader.
"""

from __future__ import annotations

from typing import Any

from rasa.utils.tensorflow.models import RasaModel

rasa_load = RasaModel.load.__func__


def load_for_prediction(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """RasaModel.load without the one-example training step, when the model will only predict."""
    if finetune_mode or predict_data_example is None:
        return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    # Layers create their weights on the first prediction; each is restored from the file as it is created.
    status = model.load_weights(model_file_name)
    # The file also holds the optimiser's training state, which prediction never reads.
    status.expect_partial()
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    RasaModel.load = classmethod(load_for_prediction)
