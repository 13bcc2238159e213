"""Reductions: sum, mean, prod, max, min (and the integer-valued ones, without gradient)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._core import defvjp, primitive
from .elementwise import where
from .shape import broadcast_to, expand_dims


def normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, int or tuple, possibly negative) as a sorted tuple of positives."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < (ndim or 1):
            raise np.exceptions.AxisError(a, ndim)
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(out))


def restore_reduced(g, x, axis, keepdims):
    """Broadcast a reduction's gradient ``g`` back over ``x``'s shape."""
    if not keepdims and x.ndim:
        axes = normalize_axes(axis, x.ndim)
        if axes:
            g = expand_dims(g, axes)
    return broadcast_to(g, x.shape)


@primitive("Sum")
def sum(x, axis=None, dtype=None, keepdims=False):  # noqa: A001 - the NumPy name
    return np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)


defvjp(
    sum,
    lambda g, ans, x, axis=None, dtype=None, keepdims=False: restore_reduced(g, x, axis, keepdims),
    save=False,
)


@primitive("Mean")
def mean(x, axis=None, dtype=None, keepdims=False):
    return np.mean(x, axis=axis, dtype=dtype, keepdims=keepdims)


def _mean_grad(g, ans, x, axis=None, dtype=None, keepdims=False):
    n = 1
    for a in normalize_axes(axis, x.ndim):
        n *= x.shape[a]
    return restore_reduced(g / n, x, axis, keepdims)


defvjp(mean, _mean_grad, save=False)


@primitive("Prod")
def prod(x, axis=None, dtype=None, keepdims=False):
    return np.prod(x, axis=axis, dtype=dtype, keepdims=keepdims)


def _prod_grad(g, ans, x, axis=None, dtype=None, keepdims=False):
    # d prod / d x_i is the product of the others; computed without dividing by zero.
    g = restore_reduced(g, x, axis, keepdims)
    ans = restore_reduced(ans, x, axis, keepdims)
    is_zero = x.data == 0
    if not np.any(is_zero):
        return g * ans / x
    zeros_in_group = np.sum(is_zero, axis=axis, keepdims=True)
    safe_x = where(is_zero, 1, x)
    others_nonzero = restore_reduced(prod(safe_x, axis=axis, keepdims=True), x, axis, True)
    one_zero = zeros_in_group == 1
    no_zero = zeros_in_group == 0
    return g * where(is_zero, where(one_zero, others_nonzero, 0),
                     where(no_zero, ans / safe_x, 0))


defvjp(prod, _prod_grad, save_ans=True)


def _extremum_grad(g, ans, x, axis=None, keepdims=False):
    # Ties share the gradient equally, as in PyTorch and JAX.
    ans_b = restore_reduced(ans, x, axis, keepdims)
    hit = x.data == ans_b.data
    count = np.sum(hit, axis=axis, keepdims=True).astype(x.dtype)
    return where(hit, restore_reduced(g, x, axis, keepdims) / count, 0)


@primitive("Amax")
def amax(x, axis=None, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


defvjp(amax, _extremum_grad, save_ans=True)


@primitive("Amin")
def amin(x, axis=None, keepdims=False):
    return np.min(x, axis=axis, keepdims=keepdims)


defvjp(amin, _extremum_grad, save_ans=True)
max = amax  # noqa: A001 - the NumPy name
min = amin  # noqa: A001 - the NumPy name


# ---------------------------------------------------------------------------- no gradient


@primitive("Argmax")
def argmax(x, axis=None, keepdims=False):
    return np.argmax(x, axis=axis, keepdims=keepdims)


@primitive("Argmin")
def argmin(x, axis=None, keepdims=False):
    return np.argmin(x, axis=axis, keepdims=keepdims)


@primitive("All")
def all(x, axis=None, keepdims=False):  # noqa: A001 - the NumPy name
    return np.all(x, axis=axis, keepdims=keepdims)


@primitive("Any")
def any(x, axis=None, keepdims=False):  # noqa: A001 - the NumPy name
    return np.any(x, axis=axis, keepdims=keepdims)


@primitive("CountNonzero")
def count_nonzero(x, axis=None, keepdims=False):
    return np.count_nonzero(x, axis=axis, keepdims=keepdims)
