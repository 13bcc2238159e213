"""Sorting and order statistics: ``sort`` (differentiable through the permutation, ties
sharing the gradient), ``partition``, ``median``/``quantile``/``percentile`` and their
NaN-ignoring forms; and the integer- or set-valued searches, without gradient.

Every quantile method of NumPy is a linear interpolation between two neighbouring order
statistics, at a *virtual index* that depends only on the lane length; NumPy itself tells
us that index when asked for the quantile of ``arange(n)``. So one construction serves all
methods: sort, gather the two neighbours, interpolate. The gradient goes to the elements
that were picked, split as the interpolation weights say.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import defvjp, old_self, primitive
from ..core.tensor import Tensor
from ._compose import as_tensor as _t
from ._compose import composite, constant, records
from ._compose import data_of as _d
from ._compose import no_out as _no_out
from .elementwise import where
from .index import take_along_axis
from .shape import moveaxis, ravel, reshape

__all__ = [
    "sort", "argsort", "partition", "argpartition", "sort_complex", "lexsort", "median",
    "quantile", "percentile", "nanmedian", "nanquantile", "nanpercentile", "searchsorted",
    "unique", "unique_all", "unique_counts", "unique_inverse", "unique_values",
    "sort_inplace",
]


# ---------------------------------------------------------------------------- sort


@primitive("Sort", arity=1)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    if stable is None:
        return np.sort(a, axis=axis, kind=kind, order=order)
    return np.sort(a, axis=axis, kind=kind, order=order, stable=stable)


@primitive("TieMean", arity=1)
def _tie_mean(g, ids, groups):
    """The mean of ``g`` over each group of ``ids`` (0 .. groups-1), put back in place: a
    symmetric linear map, so it is its own VJP."""
    flat, idf = g.reshape(-1), ids.reshape(-1)
    counts = np.bincount(idf, minlength=groups)
    if np.iscomplexobj(flat):
        sums = (np.bincount(idf, weights=flat.real, minlength=groups)
                + 1j * np.bincount(idf, weights=flat.imag, minlength=groups))
    else:
        sums = np.bincount(idf, weights=flat, minlength=groups)
    return (sums / counts)[ids].astype(g.dtype, copy=False)


defvjp(_tie_mean, lambda g, ans, x, ids, groups: _tie_mean(g, ids, groups), save=False)


def _tie_groups(s: np.ndarray, axis: int) -> tuple[np.ndarray, int] | None:
    """Group ids of runs of equal values along ``axis`` of the sorted ``s`` (None: no ties)."""
    m = np.moveaxis(s, axis, -1)
    if m.shape[-1] < 2:
        return None
    new = m[..., 1:] != m[..., :-1]
    if new.all():
        return None
    starts = np.concatenate([np.ones(m.shape[:-1] + (1,), dtype=bool), new], axis=-1)
    ids = np.cumsum(starts.reshape(-1)).reshape(m.shape) - 1
    return np.moveaxis(ids, -1, axis), int(ids.reshape(-1)[-1]) + 1 if ids.size else 0


def _sort_grad(g, ans, a, axis=-1, kind=None, order=None, *, stable=None):
    data = _d(a)
    if axis is None:
        data, ax = data.reshape(-1), 0
    else:
        ax = axis
    perm = np.argsort(data, axis=ax, kind="stable")
    ties = _tie_groups(np.take_along_axis(data, perm, ax), ax)
    if ties is not None:  # equal values share their gradient equally (as max and min do)
        g = _tie_mean(g, *ties)
    out = take_along_axis(g, np.argsort(perm, axis=ax), ax)
    return reshape(out, a.shape) if axis is None else out


defvjp(sort, _sort_grad)


def sort_inplace(self: Tensor, axis: int = -1, kind: Any = None, order: Any = None, *,
                 stable: Any = None) -> None:
    """``ndarray.sort``: sorts in place (recorded, like item assignment, inside a graph)."""
    if not records(self):
        if isinstance(self._data, np.ndarray):  # the same memory, as NumPy
            self._data.sort(axis=axis, kind=kind, order=order, stable=stable)
        else:
            self._data = np.sort(self._data, axis=axis, kind=kind, order=order, stable=stable)
        self._version += 1
        return
    self[...] = sort(old_self(self), axis, kind, order, stable=stable)


argsort = constant(np.argsort)
argpartition = constant(np.argpartition)
lexsort = constant(np.lexsort)


@composite(np.partition)
def partition(a, kth, axis=-1, kind="introselect", order=None):
    a = _t(a)
    if axis is None:
        a, axis = ravel(a), -1
    return take_along_axis(a, np.argpartition(_d(a), kth, axis=axis, kind=kind, order=order),
                           axis)


@composite(np.sort_complex)
def sort_complex(a):
    a = _t(a)
    out = sort(a)
    return out if out.dtype.kind == "c" else out.astype(np.result_type(out.dtype, 1j))


# ---------------------------------------------------------------------------- quantiles


def _lanes_last(a: Tensor, axis: Any) -> tuple[Tensor, tuple]:
    """``a`` with the reduced axes merged into one last axis; the shape of the rest."""
    if axis is None:
        return ravel(a), ()
    axes = sorted(int(x) % a.ndim for x in np.atleast_1d(axis))
    keep = [i for i in range(a.ndim) if i not in axes]
    moved = moveaxis(a, axes, list(range(a.ndim - len(axes), a.ndim)))
    rest = tuple(a.shape[i] for i in keep)
    return reshape(moved, rest + (-1,)), rest


def _kept_shape(a_shape: tuple, axis: Any) -> tuple:
    if axis is None:
        return (1,) * len(a_shape)
    axes = {int(x) % len(a_shape) for x in np.atleast_1d(axis)}
    return tuple(1 if i in axes else n for i, n in enumerate(a_shape))


def _virtual_index(n: int, q: np.ndarray, method: str) -> np.ndarray:
    """Where NumPy's ``method`` puts quantile ``q`` of ``n`` sorted values (lo + fraction)."""
    if n == 0:
        return np.full(q.shape, np.nan)
    return np.asarray(np.quantile(np.arange(n, dtype=np.float64), q, method=method),
                      dtype=np.float64)


def _quantile(a: Any, q: Any, axis: Any, method: str, keepdims: bool, ignore_nan: bool,
              weights: Any, name: str) -> Tensor:
    if weights is not None:
        raise TypeError(f"numpy.{name}(..., weights=...) is not differentiable in arraygrad "
                        "(yet); detach the inputs")
    if records(q):
        raise TypeError(f"numpy.{name}: q is treated as a constant in arraygrad; detach it")
    a = _t(a)
    qs = np.asarray(_d(q), dtype=np.float64)
    lanes, rest = _lanes_last(a, axis)
    s = sort(lanes, axis=-1)
    n = s.shape[-1]
    nan = np.isnan(_d(lanes)) if lanes.dtype.kind in "fc" else np.zeros(lanes.shape, bool)
    has_nan = nan.any(axis=-1)
    qf = qs.reshape(-1)
    if ignore_nan:
        counts = n - nan.sum(axis=-1)
        v = np.empty(rest + (qf.size,))
        for c in np.unique(counts):
            v[counts == c] = _virtual_index(int(c), qf, method)
        empty = counts == 0
    else:
        v = np.broadcast_to(_virtual_index(n, qf, method), rest + (qf.size,))
        empty = has_nan
    lo = np.floor(np.nan_to_num(v)).astype(np.int64)
    t = np.nan_to_num(v) - lo
    hi = np.minimum(lo + 1, max(n - 1, 0))
    lo = np.clip(lo, 0, max(n - 1, 0))
    below = take_along_axis(s, lo, axis=-1)
    above = take_along_axis(s, hi, axis=-1)
    diff = above - below
    # NumPy's lerp: from the nearer end, so that t = 0 and t = 1 are exact.
    out = where(t >= 0.5, above - diff * (1 - t), below + diff * t)
    if np.any(empty):
        out = where(np.broadcast_to(np.asarray(empty)[..., None], out.shape), np.nan, out)
    out = moveaxis(out, -1, 0)
    shape = _kept_shape(a.shape, axis) if keepdims else rest
    return reshape(out, qs.shape + shape)


@composite(np.quantile)
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    _no_out(out, "quantile")
    return _quantile(a, q, axis, method, keepdims, False, weights, "quantile")


@composite(np.percentile)
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    _no_out(out, "percentile")
    return _quantile(a, np.true_divide(_d(q), 100), axis, method, keepdims, False, weights,
                     "percentile")


@composite(np.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    _no_out(out, "median")
    return _quantile(a, 0.5, axis, "linear", keepdims, False, None, "median")


@composite(np.nanquantile)
def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None):
    _no_out(out, "nanquantile")
    return _quantile(a, q, axis, method, keepdims, True, weights, "nanquantile")


@composite(np.nanpercentile)
def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None):
    _no_out(out, "nanpercentile")
    return _quantile(a, np.true_divide(_d(q), 100), axis, method, keepdims, True, weights,
                     "nanpercentile")


@composite(np.nanmedian)
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    _no_out(out, "nanmedian")
    return _quantile(a, 0.5, axis, "linear", keepdims, True, None, "nanmedian")


# ---------------------------------------------------------------------------- no gradient

searchsorted = constant(np.searchsorted)
unique = constant(np.unique)
unique_all, unique_counts, unique_inverse, unique_values = (  # NumPy >= 2
    constant(getattr(np, n, None), n)
    for n in ("unique_all", "unique_counts", "unique_inverse", "unique_values"))
