"""``gluon.loss``: per-example losses, as Gluon's.

Every loss returns one value per example: the element losses (times ``weight`` and
``sample_weight``) averaged over every axis but ``batch_axis``. ``l.backward()`` then
sums them, and ``Trainer.step(batch_size)`` divides by the batch size. The element losses
are ``arraygrad.nn.functional``'s.
"""

from __future__ import annotations

from typing import Any

import numpy as _onp

from ....core.tensor import Tensor
from ....nn import functional as F
from ....ops import elementwise as _ew
from ....ops import index as _ix
from ....ops import reduce as _rd
from ....ops import shape as _sh
from .block import HybridBlock

__all__ = ["Loss", "L2Loss", "L1Loss", "SoftmaxCrossEntropyLoss", "SoftmaxCELoss",
           "SigmoidBinaryCrossEntropyLoss", "SigmoidBCELoss"]


def _as_tensor(x: Any, like: Tensor) -> Tensor:
    if isinstance(x, Tensor):
        return x
    return Tensor(_onp.asarray(x, dtype=like.dtype))


def _reshape_like(label: Any, pred: Tensor) -> Tensor:
    label = _as_tensor(label, pred)
    if label.shape == pred.shape:
        return label
    if label.size != pred.size:
        raise ValueError(f"loss: the label has shape {label.shape} and the prediction "
                         f"{pred.shape}; they must have the same number of elements")
    return _sh.reshape(label, pred.shape)


class Loss(HybridBlock):
    """Base class: ``Loss(weight, batch_axis)``; subclasses define ``hybrid_forward``."""

    def __init__(self, weight: float | None, batch_axis: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batch_axis={self._batch_axis}, w={self._weight})"

    def _weighted(self, loss: Tensor, weight: float | None, sample_weight: Any) -> Tensor:
        if sample_weight is not None:
            loss = loss * sample_weight
        if weight is not None:
            if not isinstance(weight, (int, float)):
                raise TypeError("loss: weight must be a number")
            loss = loss * weight
        return loss

    def _per_example(self, loss: Tensor) -> Tensor:
        """The mean over every axis but the batch axis."""
        if loss.ndim <= 1:
            return loss
        axes = tuple(a for a in range(loss.ndim) if a != self._batch_axis % loss.ndim)
        return _rd.mean(loss, axis=axes)


class L2Loss(Loss):
    """``weight/2 * (pred - label)**2``, averaged per example (weight 1: the book's
    squared loss ``(y_hat - y)**2 / 2``)."""

    def __init__(self, weight: float = 1.0, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F_: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(label, pred)
        loss = F.mse_loss(pred, label, reduction="none")
        return self._per_example(self._weighted(loss, self._weight / 2, sample_weight))


class L1Loss(Loss):
    """``weight * |pred - label|``, averaged per example."""

    def __init__(self, weight: float | None = None, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F_: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(label, pred)
        loss = F.l1_loss(pred, label, reduction="none")
        return self._per_example(self._weighted(loss, self._weight, sample_weight))


class SoftmaxCrossEntropyLoss(Loss):
    """``-log softmax(pred)[label]`` per example (``sparse_label=True``: class indices,
    which may be float as MXNet's; out-of-range ones are clipped, as MXNet's ``pick``), or
    ``-sum(label * log softmax(pred))`` (``sparse_label=False``). ``from_logits=True``:
    ``pred`` holds log-probabilities already."""

    def __init__(self, axis: int = -1, sparse_label: bool = True, from_logits: bool = False,
                 weight: float | None = None, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F_: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        logp = pred if self._from_logits else F.log_softmax(pred, self._axis)
        axis = self._axis % logp.ndim
        if self._sparse_label:
            idx = label._data if isinstance(label, Tensor) else _onp.asarray(label)
            idx = _onp.clip(idx.astype(_onp.int64), 0, logp.shape[axis] - 1)
            idx = _onp.expand_dims(idx.reshape(logp.shape[:axis] + logp.shape[axis + 1:]), axis)
            loss = -_ix.take_along_axis(logp, idx, axis)
        else:
            label = _reshape_like(label, logp)
            loss = -_rd.sum(logp * label, axis=axis, keepdims=True)
        return self._per_example(self._weighted(loss, self._weight, sample_weight))


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy of ``sigmoid(pred)`` (from the logits, stably), or of ``pred``
    itself with ``from_sigmoid=True`` (``-(y log(p + 1e-12) + (1 - y) log(1 - p +
    1e-12))``, MXNet's formula); ``pos_weight`` weighs the positive class."""

    def __init__(self, from_sigmoid: bool = False, weight: float | None = None,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F_: Any, pred: Any, label: Any, sample_weight: Any = None,
                       pos_weight: Any = None) -> Any:
        label = _reshape_like(label, pred)
        if not self._from_sigmoid:
            loss = F.binary_cross_entropy_with_logits(pred, label, reduction="none",
                                                      pos_weight=pos_weight)
        else:
            eps = 1e-12
            pos = _ew.log(pred + eps) * label
            if pos_weight is not None:
                pos = pos * pos_weight
            loss = -(pos + _ew.log(1.0 - pred + eps) * (1.0 - label))
        return self._per_example(self._weighted(loss, self._weight, sample_weight))


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss
