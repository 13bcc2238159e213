"""``tf.keras.losses`` (also ``tf.losses``): Keras losses over ``arraygrad.nn.functional``.

Arguments come in Keras' order, ``loss(y_true, y_pred)``. A loss object returns the mean
over the batch by default (``reduction='sum_over_batch_size'``; ``'sum'`` and ``'none'``
as in Keras); the functions (``sparse_categorical_crossentropy`` ...) return one value
per example. As Keras does, a prediction with a trailing axis of 1 against labels
without it (or the reverse) is squeezed first, so ``MeanSquaredError()(y, net(X))`` with
``y`` of shape ``(n,)`` and ``net(X)`` of shape ``(n, 1)`` compares ``n`` pairs.
Probabilities (``from_logits=False``) are clipped to ``[1e-7, 1 - 1e-7]`` before the log,
as Keras does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .... import numpy as _anp
from ....core.tensor import Tensor
from ....nn import functional as _F

EPSILON = 1e-7  # Keras' backend.epsilon()


class Reduction:
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)


def _tensor(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    from .. import constant

    return constant(x)


def _squeeze_pair(y_pred: Tensor, y_true: Tensor) -> tuple[Tensor, Tensor]:
    """Keras' squeeze_or_expand_dimensions: drop a trailing axis of 1 from whichever of
    the two has one axis more."""
    diff = y_pred.ndim - y_true.ndim
    if diff == 1 and y_pred.shape[-1] == 1:
        y_pred = _anp.squeeze(y_pred, -1)
    elif diff == -1 and y_true.shape[-1] == 1:
        y_true = _anp.squeeze(y_true, -1)
    return y_pred, y_true


def _as_float(y_true: Tensor, like: Tensor) -> Tensor:
    return y_true if y_true.dtype == like.dtype else _anp.astype(y_true, like.dtype)


def _clip(p: Tensor) -> Tensor:
    return _anp.clip(p, EPSILON, 1.0 - EPSILON)


# ---------------------------------------------------------------------------- functions


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean((y_pred - y_true) ** 2, axis=-1)``."""
    y_pred = _tensor(y_pred)
    y_true = _as_float(_tensor(y_true), y_pred)
    return _anp.mean(_F.mse_loss(y_pred, y_true, reduction="none"), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    y_pred = _tensor(y_pred)
    y_true = _as_float(_tensor(y_true), y_pred)
    return _anp.mean(_F.l1_loss(y_pred, y_true, reduction="none"), axis=-1)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    axis: int = -1, ignore_class: Any = None) -> Tensor:
    """The cross-entropy of integer labels ``y_true`` against logits or probabilities
    ``y_pred`` (classes on ``axis``), one value per example."""
    if ignore_class is not None:
        raise NotImplementedError("sparse_categorical_crossentropy(ignore_class=...) is not "
                                  "supported")
    y_pred = _tensor(y_pred)
    labels = y_true._data if isinstance(y_true, Tensor) else np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.dtype.kind not in "iu":
        labels = labels.astype(np.int64)
    logits = y_pred if from_logits else _anp.log(_clip(y_pred))
    if logits.ndim > 1 and axis % logits.ndim != 1:
        logits = _anp.moveaxis(logits, axis, 1)
    # cross_entropy normalises (log_softmax) its input: for probabilities that is
    # log(p / sum(p)), Keras' renormalisation
    return _F.cross_entropy(logits, labels, reduction="none")


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """The cross-entropy of one-hot (or soft) labels against logits or probabilities."""
    y_pred = _tensor(y_pred)
    y_true = _as_float(_tensor(y_true), y_pred)
    if label_smoothing:
        k = y_true.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / k
    if from_logits:
        logp = _F.log_softmax(y_pred, axis)
    else:
        logp = _anp.log(_clip(y_pred / _anp.sum(y_pred, axis=axis, keepdims=True)))
    return -_anp.sum(y_true * logp, axis=axis)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """Binary cross-entropy, averaged over the last axis."""
    y_pred = _tensor(y_pred)
    y_true = _as_float(_tensor(y_true), y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per = _F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        p = _clip(y_pred)
        per = -(y_true * _anp.log(p + EPSILON) + (1 - y_true) * _anp.log(1 - p + EPSILON))
    return _anp.mean(per, axis=axis)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# ---------------------------------------------------------------------------- objects


class Loss:
    """Base class: subclasses define ``call(y_true, y_pred)`` returning per-example
    losses; ``loss(y_true, y_pred, sample_weight=None)`` weights and reduces them."""

    def __init__(self, reduction: str = Reduction.AUTO, name: str | None = None) -> None:
        if reduction not in Reduction.all():
            raise ValueError(f"Invalid Reduction Key: {reduction!r}; expected one of "
                             f"{Reduction.all()}")
        self.reduction = reduction
        self.name = name

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        losses = _tensor(self.call(_tensor(y_true), _tensor(y_pred)))
        if sample_weight is not None:
            losses = losses * _anp.astype(_tensor(sample_weight), losses.dtype)
        if self.reduction == Reduction.NONE:
            return losses
        total = _anp.sum(losses)
        if self.reduction == Reduction.SUM:
            return total
        return total / max(1, losses.size)

    def get_config(self) -> dict:
        return {"reduction": self.reduction, "name": self.name}


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-example function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn: Any, reduction: str = Reduction.AUTO, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        y_pred, y_true = _squeeze_pair(_tensor(y_pred), _tensor(y_true))
        return self.fn(y_true, y_pred, **self._fn_kwargs)


class MeanSquaredError(LossFunctionWrapper):
    def __init__(self, reduction: str = Reduction.AUTO, name: str = "mean_squared_error"
                 ) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(self, reduction: str = Reduction.AUTO, name: str = "mean_absolute_error"
                 ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits: bool = False, ignore_class: Any = None,
                 reduction: str = Reduction.AUTO,
                 name: str = "sparse_categorical_crossentropy") -> None:
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, ignore_class=ignore_class)


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "categorical_crossentropy") -> None:
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: str = Reduction.AUTO,
                 name: str = "binary_crossentropy") -> None:
        super().__init__(binary_crossentropy, reduction=reduction, name=name,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


def get(identifier: Any) -> Any:
    if callable(identifier):
        return identifier
    table = {"mse": mean_squared_error, "mean_squared_error": mean_squared_error,
             "mae": mean_absolute_error, "mean_absolute_error": mean_absolute_error,
             "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
             "categorical_crossentropy": categorical_crossentropy,
             "binary_crossentropy": binary_crossentropy}
    try:
        return table[identifier]
    except (KeyError, TypeError):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}") from None
