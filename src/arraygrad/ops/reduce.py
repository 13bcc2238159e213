"""Reductions: sum, mean, prod, max, min, var, std, their NaN-ignoring forms, ptp, average
(and the integer- or boolean-valued ones, without gradient).

Signatures are NumPy's (``axis``, ``dtype``, ``out``, ``keepdims``, ``initial``, ``where``,
``ddof``); ``out=`` is refused because a tensor inside a graph is never written into.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from ._compose import as_tensor, composite, constant
from ._compose import data_of as _d
from ._compose import no_out as _no_out
from .elementwise import conjugate
from .elementwise import where as _pick  # ``where`` is also a keyword of reductions
from .shape import broadcast_to, expand_dims, moveaxis, reshape


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


def _opts(initial: Any = None, where: Any = None) -> dict:
    """NumPy's optional reduction keywords, passed only when given."""
    kw = {}
    if initial is not None:
        kw["initial"] = _d(initial)
    if where is not None:
        kw["where"] = _d(where)
    return kw


def _mask(where_: Any, x: Any) -> Any:
    """The ``where=`` mask broadcast over ``x`` (None when every element counts)."""
    if where_ is None:
        return None
    return np.broadcast_to(_d(where_), x.shape)


def _count(x: Any, axis: Any, mask: Any) -> Any:
    """How many elements each reduction lane holds (an int, or an array with keepdims)."""
    axes = normalize_axes(axis, x.ndim)
    if mask is None:
        n = 1
        for a in axes:
            n *= x.shape[a]
        return n
    return np.sum(mask, axis=axes, keepdims=True)


# ---------------------------------------------------------------------------- sum, mean, prod


@primitive("Sum")
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    _no_out(out, "sum")
    if initial is None and where is None:
        return np.sum(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return np.sum(a, axis=axis, dtype=dtype, keepdims=keepdims, **_opts(initial, where))


def _sum_grad(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
              where=None):
    g = restore_reduced(g, a, axis, keepdims)
    return g if where is None else _pick(_mask(where, a), g, 0)


defvjp(sum, _sum_grad, save=False)


@primitive("Mean")
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    _no_out(out, "mean")
    if where is None:
        return np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims, where=_d(where))


def _mean_grad(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    mask = _mask(where, a)
    n = _count(a, axis, mask)
    g = restore_reduced(g, a, axis, keepdims) / n
    return g if mask is None else _pick(mask, g, 0)


defvjp(mean, _mean_grad, save=False)


@primitive("Prod")
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "prod")
    if initial is None and where is None:
        return np.prod(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return np.prod(a, axis=axis, dtype=dtype, keepdims=keepdims, **_opts(initial, where))


def _prod_grad(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
               where=None):
    # d prod / d x_i is the product of the others.
    mask = _mask(where, a)
    x = a if mask is None else _pick(mask, a, 1)
    g = restore_reduced(g, a, axis, keepdims)
    if not _near_zero(_d(x)):
        out_ = g * restore_reduced(ans, a, axis, keepdims) / x
    else:
        others = _product_of_others(x, axis)
        out_ = g * (others if initial is None else others * initial)
    return out_ if mask is None else _pick(mask, out_, 0)


def _near_zero(x: Any) -> bool:
    """A zero, or a value so small that ``ans / x`` differentiated again (``ans / x**2``)
    underflows to a division by zero: then the product of the others, without division."""
    try:  # (any backend's dtype: NumPy's, CuPy's, an array API namespace's)
        floor = float(np.finfo(np.dtype(str(x.dtype))).smallest_normal) ** 0.5
    except (TypeError, ValueError):
        floor = 0.0
    return bool(np.any(abs(x) <= floor))


def _product_of_others(x, axis):
    """For each element, the product of the other elements of its reduction group, with
    no division (exact at zeros, and differentiable again): O(n^2) in the group size, so
    only used when a zero is present."""
    axes = normalize_axes(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = moveaxis(x, axes, tuple(range(len(kept), x.ndim))) if axes else x
    lead = moved.shape[: len(kept)]
    n = int(np.prod(moved.shape[len(kept):], dtype=np.int64))
    flat = reshape(moved, lead + (n,))
    rows = expand_dims(flat, -2) * np.ones((n, 1), dtype=x.dtype)  # (..., n, n)
    others = prod(_pick(np.eye(n, dtype=bool), 1, rows), axis=-1)  # (..., n)
    others = reshape(others, moved.shape)
    return moveaxis(others, tuple(range(len(kept), x.ndim)), axes) if axes else others


defvjp(prod, _prod_grad, save_ans=True)


# ---------------------------------------------------------------------------- max, min


def _extremum_grad(g, ans, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    # Ties share the gradient equally, as in PyTorch and JAX.
    hit = _d(a) == _d(restore_reduced(ans, a, axis, keepdims))
    mask = _mask(where, a)
    if mask is not None:
        hit = hit & mask
    # Count in g's dtype: the array API sums numbers only (no bools), and g / count keeps
    # g's dtype (no float64 count promoting a float32 gradient).
    count = np.sum(hit.astype(_d(g).dtype), axis=normalize_axes(axis, a.ndim), keepdims=True)
    count = np.maximum(count, 1)
    return _pick(hit, restore_reduced(g, a, axis, keepdims) / count, 0)


@primitive("Amax")
def amax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "max")
    if initial is None and where is None:
        return np.max(a, axis=axis, keepdims=keepdims)
    return np.max(a, axis=axis, keepdims=keepdims, **_opts(initial, where))


defvjp(amax, _extremum_grad, save_ans=True)


@primitive("Amin")
def amin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "min")
    if initial is None and where is None:
        return np.min(a, axis=axis, keepdims=keepdims)
    return np.min(a, axis=axis, keepdims=keepdims, **_opts(initial, where))


defvjp(amin, _extremum_grad, save_ans=True)
max = amax  # noqa: A001 - the NumPy name
min = amin  # noqa: A001 - the NumPy name


@primitive("Nanmax")
def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "nanmax")
    return np.nanmax(a, axis=axis, keepdims=keepdims, **_opts(initial, where))


defvjp(nanmax, _extremum_grad, save_ans=True)  # NaN == NaN is False: NaNs get nothing


@primitive("Nanmin")
def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _no_out(out, "nanmin")
    return np.nanmin(a, axis=axis, keepdims=keepdims, **_opts(initial, where))


defvjp(nanmin, _extremum_grad, save_ans=True)


@composite(np.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    _no_out(out, "ptp")
    return amax(a, axis=axis, keepdims=keepdims) - amin(a, axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------------------- var, std


def _var_opts(where, mean_, correction):
    kw = {}
    if where is not None:
        kw["where"] = _d(where)
    if mean_ is not None:
        kw["mean"] = _d(mean_)
    if correction is not None:
        kw["correction"] = correction
    return kw


@primitive("Var")
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
        correction=None):
    _no_out(out, "var")
    return np.var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                  **_var_opts(where, mean, correction))


@primitive("Std")
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
        correction=None):
    _no_out(out, "std")
    return np.std(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                  **_var_opts(where, mean, correction))


def _centered(a, axis, where_):
    """``a`` minus its mean over ``axis`` (0 outside ``where``), lane counts, and the mask."""
    mask = _mask(where_, a)
    axes = normalize_axes(axis, a.ndim)
    n = _count(a, axes, mask)
    if mask is None:
        c = a - sum(a, axis=axes, keepdims=True) / n
    else:
        c = _pick(mask, a - sum(a, axis=axes, keepdims=True, where=mask) / np.maximum(n, 1),
                   0)
    if c.dtype.kind == "c":
        c = conjugate(c)  # the cotangent of |z|**2 is 2 conj(z) (JAX convention)
    return c, n


def _per_dof(k: float, n: Any, ddof: Any) -> Any:
    """``k / (n - ddof)`` as NumPy divides (inf, then NaN, when no degree of freedom is
    left, e.g. an empty lane), never a Python ZeroDivisionError."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(k, np.subtract(n, ddof, dtype=np.float64))


def _var_grad(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
              where=None, mean=None, correction=None):
    ddof = ddof if correction is None else correction
    c, n = _centered(a, axis, where)
    return restore_reduced(g, a, axis, keepdims) * c * _per_dof(2.0, n, ddof)


def _std_grad(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
              where=None, mean=None, correction=None):
    ddof = ddof if correction is None else correction
    c, n = _centered(a, axis, where)
    # Where std is 0 every centred value is 0 too: use 0 (PyTorch's choice), not 0/0.
    # (no data-dependent branch: lazy and device backends need no sync here)
    ans = _pick(_d(ans) == 0, 1, ans)
    return restore_reduced(g / ans, a, axis, keepdims) * c * _per_dof(1.0, n, ddof)


defvjp(var, _var_grad)
defvjp(std, _std_grad, save_ans=True)


# ---------------------------------------------------------------------------- NaN-ignoring


def _nan_filled(a: Any, fill: float) -> tuple[Any, Any]:
    """``a`` with NaNs replaced by ``fill`` (a constant mask: NaNs get no gradient)."""
    nan = np.isnan(_d(a))
    return (_pick(nan, fill, a) if np.any(nan) else a), ~nan


@composite(np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    return sum(_nan_filled(a, 0)[0], axis, dtype, out, keepdims, initial, where)


@composite(np.nanprod)
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    return prod(_nan_filled(a, 1)[0], axis, dtype, out, keepdims, initial, where)


def _and_where(valid: Any, where_: Any) -> Any:
    return valid if where_ is None else valid & _d(where_)


@composite(np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    filled, valid = _nan_filled(a, 0)
    return mean(filled, axis, dtype, out, keepdims, where=_and_where(valid, where))


@composite(np.nanvar)
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    filled, valid = _nan_filled(a, 0)
    return var(filled, axis, dtype, out, ddof, keepdims, where=_and_where(valid, where),
               mean=mean, correction=correction)


@composite(np.nanstd)
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    filled, valid = _nan_filled(a, 0)
    return std(filled, axis, dtype, out, ddof, keepdims, where=_and_where(valid, where),
               mean=mean, correction=correction)


# ---------------------------------------------------------------------------- average


def _weights_along(w: Any, a: Any, axis: Any) -> Any:
    """Weights given for ``axis`` only (NumPy's 1-D or per-axes weights) as a tensor that
    broadcasts against ``a``."""
    if w.shape == a.shape:
        return w
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = tuple(int(ax) % a.ndim for ax in axes)
    if w.shape != tuple(a.shape[ax] for ax in axes):
        raise ValueError("average: weights must have the shape of a, or of a along axis")
    w = reshape(w, w.shape + (1,) * (a.ndim - w.ndim))
    return moveaxis(w, tuple(range(len(axes))), axes)


@composite(np.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """The (weighted) mean along ``axis``; differentiable in ``a`` and in ``weights``."""
    a = as_tensor(a)
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        scl = np.asarray(a.size / builtins.max(avg.size, 1), dtype=avg.dtype)
        scl = Tensor._make(np.broadcast_to(scl, avg.shape).copy())
    else:
        w = as_tensor(weights)
        if axis is None and w.shape != a.shape:
            raise TypeError("average: axis must be specified when shapes of a and weights "
                            "differ")
        w = _weights_along(w, a, axis)
        scl = sum(broadcast_to(w, a.shape), axis=axis, keepdims=keepdims)
        if np.any(_d(scl) == 0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = sum(a * w, axis=axis, keepdims=keepdims) / scl
    if returned:
        if scl.shape != avg.shape:
            scl = broadcast_to(scl, avg.shape)
        return avg, scl
    return avg


# ---------------------------------------------------------------------------- no gradient

argmax = constant(np.argmax)
argmin = constant(np.argmin)
nanargmax = constant(np.nanargmax)
nanargmin = constant(np.nanargmin)
all = constant(np.all)  # noqa: A001 - the NumPy name
any = constant(np.any)  # noqa: A001 - the NumPy name
count_nonzero = constant(np.count_nonzero)

__all__ = [
    "sum", "mean", "prod", "amax", "amin", "max", "min", "nanmax", "nanmin", "ptp", "var",
    "std", "nansum", "nanprod", "nanmean", "nanvar", "nanstd", "average", "argmax", "argmin",
    "nanargmax", "nanargmin", "all", "any", "count_nonzero", "normalize_axes",
    "restore_reduced",
]
