"""Synthetic stand-in for Fashion-MNIST (it cannot be downloaded here), shaped like it.

28x28 uint8 images, 10 classes, labels as uint8 (as the real files store them). Each class
is a fixed random prototype plus per-image noise, so the chapters' models learn it well
(at the book's own learning rates, dropout's 0.5 included) but not perfectly.
"""

from __future__ import annotations

import numpy as np

TEXT_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def load(n_train: int = 2000, n_test: int = 500, seed: int = 0):
    """((X_train, y_train), (X_test, y_test)) as keras.datasets.fashion_mnist.load_data()."""
    rng = np.random.default_rng(seed)
    protos = rng.uniform(0, 1, size=(10, 28, 28)) ** 3

    def make(n: int):
        y = rng.integers(0, 10, size=n).astype(np.uint8)
        img = protos[y] + 0.35 * rng.standard_normal((n, 28, 28))
        return (np.clip(img, 0, 1) * 255).astype(np.uint8), y

    return make(n_train), make(n_test)
