"""``arraygrad.nn.functional``: activations and losses as functions (PyTorch's names).

Arguments take Tensors, NumPy arrays or nested lists. Axis arguments are spelled ``dim``
as in PyTorch; ``axis`` is accepted too. The heavier functions are single primitives with
their own derivative rules (``arraygrad.ops.nn``); the rest are compositions of ops.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..core.mode import SWITCHES
from ..core.tensor import Tensor
from ..ops import elementwise as _ew
from ..ops import nn as _nn
from ..ops import reduce as _rd
from ..ops import shape as _sh

__all__ = [
    "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "softmax", "log_softmax",
    "logsumexp", "cross_entropy", "nll_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "mse_loss", "l1_loss", "dropout", "linear",
    "one_hot", "l2_penalty",
]


def _t(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    return Tensor(np.asarray(x))


def _raw(x: Any) -> Any:
    """A non-differentiable argument (indices, class weights) as a raw array."""
    if x is None:
        return None
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x)


def _axis(dim: Any, axis: Any, default: Any) -> Any:
    if axis is not None:
        return axis
    return default if dim is None else dim


# ---------------------------------------------------------------------------- activations


def relu(input: Any, inplace: bool = False) -> Tensor:
    """max(x, 0). ``inplace`` is accepted for PyTorch compatibility; the result is new."""
    return _nn.relu(_t(input))


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    x = _t(input)
    return _ew.where(x._data > 0, x, x * negative_slope)


def sigmoid(input: Any) -> Tensor:
    """1 / (1 + exp(-x)), stable for any x."""
    return _nn.sigmoid(_t(input))


def tanh(input: Any) -> Tensor:
    return _ew.tanh(_t(input))


def softplus(input: Any, beta: float = 1.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, stable for any x."""
    x = _t(input)
    if beta == 1:
        return _nn.softplus(x)
    return _nn.softplus(x * beta) / beta


def softmax(input: Any, dim: int | None = None, dtype: Any = None, *,
            axis: int | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (default: the last axis)."""
    x = _cast(_t(input), dtype)
    return _nn.softmax(x, axis=_axis(dim, axis, -1))


def log_softmax(input: Any, dim: int | None = None, dtype: Any = None, *,
                axis: int | None = None) -> Tensor:
    """x - logsumexp(x) along ``dim`` (default: the last axis), stable for any x."""
    x = _cast(_t(input), dtype)
    return _nn.log_softmax(x, axis=_axis(dim, axis, -1))


def logsumexp(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
              keepdims: bool | None = None) -> Tensor:
    """log(sum(exp(x))) over ``dim`` (default: every axis), stable for any x."""
    keep = keepdim if keepdims is None else keepdims
    ax = _axis(dim, axis, None)
    if isinstance(ax, list):
        ax = tuple(ax)
    return _nn.logsumexp(_t(input), axis=ax, keepdims=bool(keep))


def _cast(x: Tensor, dtype: Any) -> Tensor:
    if dtype is not None and x.dtype != np.dtype(dtype):
        return _ew.astype(x, np.dtype(dtype))
    return x


# ---------------------------------------------------------------------------- losses


def nll_loss(input: Any, target: Any, weight: Any = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: ``input`` holds log-probabilities with the classes on axis 1
    (shape (N, C) or (N, C, d1, ...), or (C,) for one example); ``target`` class indices."""
    reduction = _legacy(size_average, reduce, reduction)
    return _nn.nll_loss(_t(input), _raw(target), weight=_raw(weight),
                        ignore_index=ignore_index, reduction=reduction)


def cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits ``input`` (classes on axis 1) and ``target``: class
    indices (an integer array) or class probabilities (a float array of ``input``'s shape).

    Equal to ``nll_loss(log_softmax(input, 1), target)`` for indices, as in PyTorch (so
    ``loss.grad_fn`` is ``NllLossBackward0``).
    """
    reduction = _legacy(size_average, reduce, reduction)
    x = _t(input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    _nn._check_reduction(reduction)
    class_axis = 1 if x.ndim > 1 else 0
    n_classes = x.shape[class_axis]
    logp = _nn.log_softmax(x, axis=class_axis)
    w = _raw(weight)
    t_raw = _raw(target)
    if t_raw.dtype.kind in "iu":
        loss = _nn.nll_loss(logp, t_raw, weight=w, ignore_index=ignore_index,
                            reduction=reduction)
        if label_smoothing == 0:
            return loss
        wb = None if w is None else w.reshape(_class_shape(x.ndim, class_axis, n_classes))
        smooth = -_rd.sum(logp if wb is None else logp * wb, axis=class_axis)
        valid = t_raw != ignore_index
        smooth = _ew.where(valid, smooth, 0)
        if reduction == "mean":
            if w is None:
                denom = float(np.sum(valid))
            else:
                denom = float(np.sum(w[np.where(valid, t_raw, 0)] * valid))
            smooth = _rd.sum(smooth) / denom
        elif reduction == "sum":
            smooth = _rd.sum(smooth)
        return (1 - label_smoothing) * loss + smooth * (label_smoothing / n_classes)
    # class probabilities
    if t_raw.shape != x.shape:
        raise ValueError(
            f"cross_entropy: class-probability targets must have the input's shape "
            f"{x.shape}, got {t_raw.shape}; class indices must be an integer array"
        )
    t = target if isinstance(target, Tensor) else Tensor(t_raw.astype(x.dtype, copy=False))
    if label_smoothing > 0:
        t = t * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * t
    if w is not None:
        prod = prod * w.reshape(_class_shape(x.ndim, class_axis, n_classes))
    per_example = -_rd.sum(prod, axis=class_axis)
    if reduction == "none":
        return per_example
    total = _rd.sum(per_example)
    if reduction == "sum":
        return total
    return total / (x.size // n_classes)


def _legacy(size_average: Any, reduce: Any, reduction: str) -> str:
    """PyTorch's deprecated ``size_average``/``reduce`` flags, mapped onto ``reduction``
    (they sit in the same argument positions as in PyTorch)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _class_shape(ndim: int, class_axis: int, n: int) -> tuple:
    shape = [1] * ndim
    shape[class_axis] = n
    return tuple(shape)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)`` and ``target``, computed from the logits
    without overflow. ``pos_weight`` weighs the positive class (broadcast on the last
    axis); ``weight`` each element. One primitive: ``BinaryCrossEntropyWithLogitsBackward0``.
    """
    reduction = _legacy(size_average, reduce, reduction)
    x = _t(input)
    y = _target(target, x, "binary_cross_entropy_with_logits")
    return _nn.binary_cross_entropy_with_logits(x, y, weight=_raw(weight),
                                                pos_weight=_raw(pos_weight),
                                                reduction=reduction)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities ``input`` and ``target`` (logs clamped at
    -100, as in PyTorch). Prefer ``binary_cross_entropy_with_logits`` on logits."""
    reduction = _legacy(size_average, reduce, reduction)
    x = _t(input)
    y = _target(target, x, "binary_cross_entropy")
    return _nn.binary_cross_entropy(x, y, weight=_raw(weight), reduction=reduction)


def _target(target: Any, x: Tensor, where: str) -> Any:
    y = target if isinstance(target, Tensor) else np.asarray(target)
    if tuple(y.shape) != tuple(x.shape):
        raise ValueError(f"{where}: target size {tuple(y.shape)} must be the same as input "
                         f"size {tuple(x.shape)}")
    if y.dtype != x.dtype:
        y = y.astype(x.dtype)
    return y


def mse_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """Mean squared error (x - y)**2, reduced ('mean', 'sum' or 'none')."""
    reduction = _legacy(size_average, reduce, reduction)
    x = _t(input)
    y = target if isinstance(target, Tensor) else np.asarray(target, dtype=x.dtype)
    return _nn.mse_loss(x, y, reduction=reduction)


def l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean") -> Tensor:
    reduction = _legacy(size_average, reduce, reduction)
    _nn._check_reduction(reduction)
    d = _ew.absolute(_t(input) - target)
    if reduction == "mean":
        return _rd.mean(d)
    return _rd.sum(d) if reduction == "sum" else d


# ---------------------------------------------------------------------------- layers


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False, *,
            generator: Any = None) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p), when
    ``training``; the identity otherwise. Draws from ``generator`` (a NumPy Generator or a
    seed), or from NumPy's global generator (``numpy.random.seed`` makes it repeatable)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _t(input)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * np.zeros((), dtype=x.dtype)
    tracer = SWITCHES.tracer  # ag.compile: the draw is an op of the program, fresh per call
    u = _uniform(generator, x.shape) if tracer is None else \
        tracer.draw(_uniform, (generator, x.shape), {})
    mask = (u >= p).astype(x.dtype)
    mask *= np.asarray(1.0 / (1.0 - p), dtype=x.dtype)
    return x * mask


def _uniform(generator: Any, shape: tuple) -> np.ndarray:
    """Uniform [0, 1) numbers from ``generator`` (a Generator, a seed, or None: NumPy's
    global generator)."""
    if generator is None:
        return np.random.random_sample(shape)
    rng = generator if isinstance(generator, np.random.Generator) else \
        np.random.default_rng(generator)
    return rng.random(shape)


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """``input @ weight.T + bias`` with PyTorch's layout: weight has shape (out, in)."""
    x = _t(input)
    if x.ndim == 1:
        return _sh.squeeze(linear(_sh.expand_dims(x, 0), weight, bias), 0)
    if bias is None:
        return _nn.mm_t(x, weight)
    return _nn.addmm(x, weight, bias)


def one_hot(tensor: Any, num_classes: int = -1, dtype: Any = np.int64) -> Tensor:
    """Class indices (any shape) -> one-hot vectors on a new last axis."""
    idx = _raw(tensor)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class indices, got {idx.dtype}")
    if num_classes < 0:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(f"one_hot: class values must be in [0, {num_classes})")
    out = np.zeros(idx.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return Tensor(out)


def l2_penalty(params: Any) -> Tensor:
    """Half the squared l2 norm, ``sum(w**2) / 2``, of a tensor or summed over an iterable
    of tensors (d2l.ai's ``l2_penalty``). Seed 004's regulariser is
    ``s = lambda * l2_penalty([W1, W2])`` = lambda/2 (|W1|_F^2 + |W2|_F^2)."""
    if isinstance(params, Tensor):
        return _rd.sum(_ew.square(params)) / 2
    if not isinstance(params, Iterable):
        params = [params]
    total = None
    for w in params:
        term = _rd.sum(_ew.square(_t(w)))
        total = term if total is None else total + term
    if total is None:
        return Tensor(np.zeros(()))
    return total / 2
