"""``tf.keras.callbacks``: the ``Callback`` base class, so code that subclasses it (the
d2l library's ``TrainCallback``) can be defined. arraygrad's tf.keras has no ``fit``
loop that would call it."""

from __future__ import annotations

from typing import Any


class Callback:
    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params
