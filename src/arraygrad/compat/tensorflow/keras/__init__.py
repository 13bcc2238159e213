"""``tf.keras``: layers, models, losses, optimizers, initializers, regularizers and
activations for custom training loops with ``tf.GradientTape``, as tf.keras 2 defines
them, built on ``arraygrad.nn`` / ``arraygrad.optim`` / ``arraygrad.numpy``.

``Sequential``, subclassed ``Model`` (``call(inputs, training=None)``), ``layers.Dense``
(kernel ``(in, out)``, built at the first call), ``Flatten``, ``Dropout`` (active only
with ``training=True``), ``Layer`` subclasses with ``build``/``add_weight``;
``trainable_variables``, ``get_weights``/``set_weights``, ``losses`` (regularisation),
``save_weights``/``load_weights``, ``summary``. There is no ``compile``/``fit`` loop.
"""

from __future__ import annotations

from . import (  # noqa: F401
    activations,
    backend,
    callbacks,
    datasets,
    initializers,
    layers,
    losses,
    models,
    optimizers,
    regularizers,
)
from .models import Model, Sequential  # noqa: F401
