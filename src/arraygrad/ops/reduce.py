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
    # d prod / d x_i is the product of the others.
    g = restore_reduced(g, x, axis, keepdims)
    if not np.any(x.data == 0):
        return g * restore_reduced(ans, x, axis, keepdims) / x
    return g * _product_of_others(x, axis)


def _product_of_others(x, axis):
    """For each element, the product of the other elements of its reduction group, with
    no division (exact at zeros, and differentiable again): O(n^2) in the group size, so
    only used when a zero is present."""
    from .shape import moveaxis, reshape

    axes = normalize_axes(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = moveaxis(x, axes, tuple(range(len(kept), x.ndim))) if axes else x
    lead = moved.shape[: len(kept)]
    n = int(np.prod(moved.shape[len(kept):], dtype=np.int64))
    flat = reshape(moved, lead + (n,))
    rows = expand_dims(flat, -2) * np.ones((n, 1), dtype=x.dtype)  # (..., n, n)
    others = prod(where(np.eye(n, dtype=bool), 1, rows), axis=-1)  # (..., n)
    others = reshape(others, moved.shape)
    return moveaxis(others, tuple(range(len(kept), x.ndim)), axes) if axes else others


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
