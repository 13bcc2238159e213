"""Neural-network primitives: activations, (log-)softmax, losses and the linear layer.

Each is one primitive with its own VJP rule, for speed: one node instead of the five to
ten a composition would record, and a numerically stable forward. The rules are written
with arraygrad ops (and with these primitives themselves), so they are differentiable
again: second derivatives work. Node names follow PyTorch's (``ReluBackward0``,
``LogSoftmaxBackward0``, ``NllLossBackward0``, ``BinaryCrossEntropyWithLogitsBackward0``).

Arguments that never need a gradient (class indices, class weights) are passed to the
primitives as raw arrays, so that rules which need no input values keep nothing but
those (``save=False``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from .elementwise import exp, log, maximum
from .linalg.products import _matmul
from .reduce import restore_reduced
from .reduce import sum as _sum
from .shape import expand_dims, reshape, swapaxes

__all__ = [
    "relu", "sigmoid", "softplus", "softmax", "log_softmax", "logsumexp", "nll_loss",
    "binary_cross_entropy_with_logits", "binary_cross_entropy", "mse_loss", "addmm", "mm_t",
]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def _scale(d: Any, g: Tensor, reduction: str, n: int) -> Any:
    """The VJP of an elementwise loss ``d`` (its derivative) through the reduction."""
    if reduction == "mean":
        return (g / n) * d
    return g * d  # 'sum': g is a scalar; 'none': g has d's shape


# ---------------------------------------------------------------------------- activations


@primitive("Relu", arity=1)
def relu(x):
    """max(x, 0), elementwise."""
    return np.maximum(x, 0)


# relu'(z) is 0 or 1: the rule needs only the output's sign (no input kept).
defvjp(relu, lambda g, ans, x: g * (ans._data > 0), save=False, save_ans=True)


@primitive("Sigmoid", arity=1)
def sigmoid(x):
    """1 / (1 + exp(-x)), without overflow for large |x| and accurate in both tails."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


defvjp(sigmoid, lambda g, ans, x: g * (ans * (1 - ans)), save=False, save_ans=True)


@primitive("Softplus", arity=1)
def softplus(x):
    """log(1 + exp(x)), stable for large |x|."""
    return np.logaddexp(0, x)


defvjp(softplus, lambda g, ans, x: g * sigmoid(x))


@primitive("Softmax", arity=1)
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, computed as exp(x - max) to avoid overflow."""
    m = np.max(x, axis=axis, keepdims=True)
    if not np.all(np.isfinite(m)):
        m = np.where(np.isfinite(m), m, 0)
    e = np.exp(x - m)
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


defvjp(
    softmax,
    lambda g, ans, x, axis=-1: ans * (g - _sum(g * ans, axis=axis, keepdims=True)),
    save=False,
    save_ans=True,
)


@primitive("LogSoftmax", arity=1)
def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``, stable for any magnitude."""
    m = np.max(x, axis=axis, keepdims=True)
    if not np.all(np.isfinite(m)):
        m = np.where(np.isfinite(m), m, 0)
    s = x - m
    s -= np.log(np.sum(np.exp(s), axis=axis, keepdims=True))
    return s


defvjp(
    log_softmax,
    lambda g, ans, x, axis=-1: g - exp(ans) * _sum(g, axis=axis, keepdims=True),
    save=False,
    save_ans=True,
)


@primitive("Logsumexp", arity=1)
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis`` (all axes by default), stable for any magnitude."""
    m = np.max(x, axis=axis, keepdims=True)
    if not np.all(np.isfinite(m)):
        m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out


defvjp(
    logsumexp,
    lambda g, ans, x, axis=None, keepdims=False: restore_reduced(g, x, axis, keepdims)
    * exp(x - restore_reduced(ans, x, axis, keepdims)),
    save_ans=True,
)


# ---------------------------------------------------------------------------- losses


def _class_last(logp: np.ndarray) -> np.ndarray:
    """(N, C, d1, ...) -> (N, d1, ..., C); (C,) stays."""
    return np.moveaxis(logp, 1, -1) if logp.ndim > 1 else logp


def _nll_weights(shape: tuple, target: np.ndarray, weight: Any, ignore_index: int):
    """Per-example weights (0 where ignored) and the targets made safe for indexing."""
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"nll_loss: the target must hold class indices of an integer dtype, got "
            f"{target.dtype}; for class probabilities use cross_entropy"
        )
    expected = (shape[0],) + tuple(shape[2:]) if len(shape) > 1 else ()
    if target.shape != expected:
        raise ValueError(
            f"nll_loss: input of shape {tuple(shape)} needs a target of shape {expected}, "
            f"got {target.shape}"
        )
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    if safe.size and (safe.min() < 0 or safe.max() >= n_classes):
        bad = safe[(safe < 0) | (safe >= n_classes)].flat[0]
        raise IndexError(f"nll_loss: target {int(bad)} is out of bounds for {n_classes} classes")
    w = valid.astype(np.float64) if weight is None else np.asarray(weight)[safe] * valid
    return w, safe


@primitive("NllLoss")
def nll_loss(logp, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of class indices ``target`` under log-probabilities
    ``logp`` (classes on axis 1, or axis 0 for a single example)."""
    _check_reduction(reduction)
    w, safe = _nll_weights(logp.shape, target, weight, ignore_index)
    picked = np.take_along_axis(_class_last(logp), safe[..., None], axis=-1)[..., 0]
    loss = -(w * picked).astype(logp.dtype, copy=False)
    if reduction == "none":
        return loss
    total = np.sum(loss)
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total / np.sum(w)).astype(logp.dtype)


def _nll_grad(g, ans, logp, target, weight=None, ignore_index=-100, reduction="mean"):
    w, safe = _nll_weights(logp.shape, target, weight, ignore_index)
    shape = tuple(logp.shape)
    last = (shape[0],) + shape[2:] + (shape[1],) if len(shape) > 1 else shape
    d = np.zeros(last, dtype=logp.dtype)
    np.put_along_axis(d, safe[..., None], -w[..., None].astype(logp.dtype), axis=-1)
    if len(shape) > 1:
        d = np.moveaxis(d, -1, 1)
    if reduction == "mean":
        return (g / float(np.sum(w))) * d
    if reduction == "sum":
        return g * d
    return (expand_dims(g, 1) if len(shape) > 1 else g) * d


defvjp(nll_loss, _nll_grad, save=False)


def _bce_logits_value(x, y, pos_weight):
    sp = np.logaddexp(0, -x)  # softplus(-x) = -log(sigmoid(x))
    if pos_weight is None:
        return (1 - y) * x + sp
    return (1 - y) * x + (1 + (pos_weight - 1) * y) * sp


@primitive("BinaryCrossEntropyWithLogits")
def binary_cross_entropy_with_logits(x, y, weight=None, pos_weight=None, reduction="mean"):
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], from logits, without overflow."""
    _check_reduction(reduction)
    loss = _bce_logits_value(x, y, pos_weight)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _bce_logits_dx(g, ans, x, y, weight=None, pos_weight=None, reduction="mean"):
    if pos_weight is None:
        d = sigmoid(x) - y
    else:
        d = (1 - y) - (1 + (pos_weight - 1) * y) * sigmoid(-x)
    if weight is not None:
        d = d * weight
    return _scale(d, g, reduction, _bcast_size(x, y, weight))


def _bce_logits_dy(g, ans, x, y, weight=None, pos_weight=None, reduction="mean"):
    d = -x if pos_weight is None else (pos_weight - 1) * softplus(-x) - x
    if weight is not None:
        d = d * weight
    return _scale(d, g, reduction, _bcast_size(x, y, weight))


def _bcast_size(*arrays: Any) -> int:
    shape = np.broadcast_shapes(*[np.shape(a) for a in arrays if a is not None])
    return int(np.prod(shape, dtype=np.int64))


defvjp(binary_cross_entropy_with_logits, _bce_logits_dx, _bce_logits_dy)


@primitive("BinaryCrossEntropy")
def binary_cross_entropy(p, y, weight=None, reduction="mean"):
    """-[y log p + (1 - y) log(1 - p)] for probabilities ``p``; logs clamped at -100 as in
    PyTorch, so p = 0 or 1 gives a finite loss."""
    _check_reduction(reduction)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("binary_cross_entropy: all elements of the input should be between "
                         "0 and 1 (use binary_cross_entropy_with_logits for logits)")
    with np.errstate(divide="ignore"):
        loss = (y - 1) * np.maximum(np.log1p(-p), -100) - y * np.maximum(np.log(p), -100)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


_BCE_EPS = float(np.float32(1e-12))  # PyTorch's EPSILON, a float constant in its C++


def _bce_dp(g, ans, p, y, weight=None, reduction="mean"):
    d = (p - y) / maximum((1 - p) * p, _BCE_EPS)
    if weight is not None:
        d = d * weight
    return _scale(d, g, reduction, _bcast_size(p, y, weight))


def _bce_dy(g, ans, p, y, weight=None, reduction="mean"):
    with np.errstate(divide="ignore"):
        d = maximum(log(1 - p), -100) - maximum(log(p), -100)
    if weight is not None:
        d = d * weight
    return _scale(d, g, reduction, _bcast_size(p, y, weight))


defvjp(binary_cross_entropy, _bce_dp, _bce_dy)


@primitive("MseLoss")
def mse_loss(x, y, reduction="mean"):
    """(x - y)**2, reduced."""
    _check_reduction(reduction)
    d = x - y
    return _reduce(d * d, reduction)


def _mse_dx(g, ans, x, y, reduction="mean"):
    return _scale((x - y) * 2, g, reduction, _bcast_size(x, y))


def _mse_dy(g, ans, x, y, reduction="mean"):
    return _scale((y - x) * 2, g, reduction, _bcast_size(x, y))


defvjp(mse_loss, _mse_dx, _mse_dy)


# ---------------------------------------------------------------------------- linear layer


def _rows(a: Any) -> Any:
    """Collapse leading axes: (..., k) -> (n, k)."""
    return reshape(a, (-1, a.shape[-1])) if a.ndim != 2 else a


@primitive("Addmm")
def addmm(x, w, b):
    """x @ w.T + b: PyTorch's linear layer with a bias (w has shape (out, in))."""
    out = x @ w.T
    out += b
    return out


@primitive("Mm")
def mm_t(x, w):
    """x @ w.T: PyTorch's linear layer without a bias."""
    return x @ w.T


def _linear_dx(g, ans, x, w, *b):
    return _matmul(g, w)


def _linear_dw(g, ans, x, w, *b):
    return _matmul(swapaxes(_rows(g), 0, 1), _rows(x))


def _linear_db(g, ans, x, w, b):
    return g  # the engine's unbroadcast sums over the batch axes


defvjp(addmm, _linear_dx, _linear_dw, _linear_db)
defvjp(mm_t, _linear_dx, _linear_dw)
