"""``tf.keras.datasets``: Keras downloads its data sets; arraygrad cannot download.

``fashion_mnist.load_data()`` (and ``mnist``, ``cifar10`` ...) raise an error that says
so and how to go on: load the arrays yourself and pass them on, e.g.
``tf.data.Dataset.from_tensor_slices((X, y))``. Code that needs ``load_data`` to work
can assign its own loader, ``tf.keras.datasets.fashion_mnist.load_data = my_loader``.
"""

from __future__ import annotations

import types
from typing import Any


def _unavailable(name: str) -> Any:
    def load_data(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"tf.keras.datasets.{name}.load_data() downloads the data set, and arraygrad "
            "does not download anything. Load the arrays yourself (e.g. with numpy.load "
            "from a local copy) as ((x_train, y_train), (x_test, y_test)) and pass them on, "
            f"e.g. tf.data.Dataset.from_tensor_slices((x_train, y_train)); or assign a "
            f"loader: tf.keras.datasets.{name}.load_data = my_loader")

    load_data.__qualname__ = f"{name}.load_data"
    return load_data


def _dataset(name: str) -> types.ModuleType:
    mod = types.ModuleType(f"arraygrad.compat.tensorflow.keras.datasets.{name}",
                           f"``tf.keras.datasets.{name}``: not downloadable here.")
    mod.load_data = _unavailable(name)
    return mod


fashion_mnist = _dataset("fashion_mnist")
mnist = _dataset("mnist")
cifar10 = _dataset("cifar10")
cifar100 = _dataset("cifar100")
imdb = _dataset("imdb")
boston_housing = _dataset("boston_housing")
