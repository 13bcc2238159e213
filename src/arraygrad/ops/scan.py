"""Scans and differences: cumsum, cumprod (exact with zeros), their NaN-ignoring and
array-API forms, diff, ediff1d, gradient, trapezoid."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from ._compose import as_tensor as _t
from ._compose import composite, records
from ._compose import data_of as _d
from ._compose import no_out as _no_out
from .elementwise import where
from .reduce import _nan_filled
from .reduce import sum as _sum
from .shape import concatenate, flip, ravel, reshape

__all__ = [
    "cumsum", "cumprod", "nancumsum", "nancumprod", "cumulative_sum", "cumulative_prod",
    "diff", "ediff1d", "gradient", "trapezoid",
]


@primitive("Cumsum")
def cumsum(a, axis=None, dtype=None, out=None):
    _no_out(out, "cumsum")
    return np.cumsum(a, axis=axis, dtype=dtype)


def _reverse_cumsum(g, axis):
    return flip(cumsum(flip(g, axis), axis), axis)


def _cumsum_grad(g, ans, a, axis=None, dtype=None, out=None):
    if axis is None:
        return reshape(_reverse_cumsum(g, 0), a.shape)
    return _reverse_cumsum(g, axis)


defvjp(cumsum, _cumsum_grad, save=False)


@primitive("Cumprod")
def cumprod(a, axis=None, dtype=None, out=None):
    _no_out(out, "cumprod")
    return np.cumprod(a, axis=axis, dtype=dtype)


def _cumprod_grad(g, ans, a, axis=None, dtype=None, out=None):
    # d ans_j / d x_i = prod_{k <= j, k != i} x_k for i <= j. Without zeros that is
    # ans_j / x_i, so grad = revcumsum(g * ans) / x. With a zero in a lane the products
    # are formed without division (O(n^2) in the lane length, exact, differentiable again).
    x, ax = (ravel(a), 0) if axis is None else (a, axis)
    if not np.any(_d(x) == 0):
        r = _reverse_cumsum(g * ans, ax) / x
    else:
        r = _cumprod_vjp_at_zeros(g, x, ax)
    return reshape(r, a.shape) if axis is None else r


def _cumprod_vjp_at_zeros(g, x, axis):
    from .shape import expand_dims, moveaxis

    xm, gm = moveaxis(x, axis, -1), moveaxis(g, axis, -1)
    n = xm.shape[-1]
    eye = np.eye(n, dtype=bool)
    # rows[..., i, k] = x_k with x_i replaced by 1; its cumprod along k is the product
    # of the others up to j; only j >= i counts.
    rows = where(eye, 1, expand_dims(xm, -2) * np.ones((n, 1), dtype=x.dtype))
    partial = cumprod(rows, axis=-1)
    upper = np.triu(np.ones((n, n), dtype=bool))
    r = _sum(where(upper, partial * expand_dims(gm, -2), 0), axis=-1)
    return moveaxis(r, -1, axis)


defvjp(cumprod, _cumprod_grad, save_ans=True)


@composite(np.nancumsum)
def nancumsum(a, axis=None, dtype=None, out=None):
    return cumsum(_nan_filled(a, 0)[0], axis, dtype, out)


@composite(np.nancumprod)
def nancumprod(a, axis=None, dtype=None, out=None):
    return cumprod(_nan_filled(a, 1)[0], axis, dtype, out)


def _cumulative(scan: Any, x: Any, axis: Any, dtype: Any, out: Any, include_initial: bool,
                initial: float) -> Tensor:
    _no_out(out, scan.__name__)
    x = _t(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError("For arrays which have more than one dimension ``axis`` "
                             "argument is required.")
        axis = 0
    res = scan(x, axis=axis, dtype=dtype)
    if include_initial:
        shape = list(res.shape)
        shape[axis] = 1
        res = concatenate([Tensor(np.full(shape, initial, dtype=res.dtype)), res], axis=axis)
    return res


@composite(getattr(np, "cumulative_sum", None))
def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    return _cumulative(cumsum, x, axis, dtype, out, include_initial, 0)


@composite(getattr(np, "cumulative_prod", None))
def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    return _cumulative(cumprod, x, axis, dtype, out, include_initial, 1)


# ---------------------------------------------------------------------------- differences


def _edge(value: Any, a: Tensor, axis: int) -> Tensor:
    """``prepend``/``append`` of ``diff``: a scalar becomes a slab one wide along axis."""
    v = _t(value)
    if v.ndim == 0:
        from .shape import broadcast_to

        shape = list(a.shape)
        shape[axis] = 1
        v = broadcast_to(v, tuple(shape))
    return v


@composite(np.diff)
def diff(a, n=1, axis=-1, prepend=None, append=None):
    a = _t(a)
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    axis = int(axis) % a.ndim
    parts = []
    if prepend is not None:
        parts.append(_edge(prepend, a, axis))
    parts.append(a)
    if append is not None:
        parts.append(_edge(append, a, axis))
    if len(parts) > 1:
        a = concatenate(parts, axis=axis)
    hi = [slice(None)] * a.ndim
    lo = [slice(None)] * a.ndim
    hi[axis] = slice(1, None)
    lo[axis] = slice(None, -1)
    hi, lo = tuple(hi), tuple(lo)
    for _ in range(n):
        a = a[hi] - a[lo]
    return a


@composite(np.ediff1d)
def ediff1d(ary, to_end=None, to_begin=None):
    parts = []
    if to_begin is not None:
        parts.append(ravel(to_begin))
    parts.append(diff(ravel(ary)))
    if to_end is not None:
        parts.append(ravel(to_end))
    return concatenate(parts) if len(parts) > 1 else parts[0]


@composite(getattr(np, "trapezoid", None) or np.trapz)
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The trapezoidal rule; differentiable in ``y`` and in the sample points ``x``."""
    y = _t(y)
    nd = y.ndim
    if x is None:
        d = dx
    else:
        x = _t(x)
        if x.ndim == 1:
            d = diff(x)
            shape = [1] * nd
            shape[axis] = d.shape[0]
            d = reshape(d, tuple(shape))
        else:
            d = diff(x, axis=axis)
    hi = [slice(None)] * nd
    lo = [slice(None)] * nd
    hi[axis] = slice(1, None)
    lo[axis] = slice(None, -1)
    return _sum(d * (y[tuple(hi)] + y[tuple(lo)]) / 2.0, axis=axis)


def _spacings(f: Tensor, varargs: tuple, axes: tuple) -> list:
    n = len(varargs)
    if n == 0:
        return [1.0] * len(axes)
    if n == 1 and np.ndim(_d(varargs[0])) == 0:
        return [float(_d(varargs[0]))] * len(axes)
    if n != len(axes):
        raise TypeError("invalid number of arguments")
    if records(varargs):
        raise TypeError("numpy.gradient: the sample spacing is treated as a constant in "
                        "arraygrad; detach it (the gradient flows to f only)")
    out = []
    for i, dist in enumerate(varargs):
        dist = np.asarray(_d(dist))
        if dist.ndim == 0:
            out.append(float(dist))
            continue
        if dist.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if len(dist) != f.shape[axes[i]]:
            raise ValueError("when 1d, distances must match the length of the corresponding "
                             "dimension")
        step = np.diff(dist.astype(np.float64) if dist.dtype.kind in "iu" else dist)
        out.append(step[0] if (step == step[0]).all() else step)
    return out


@composite(np.gradient)
def gradient(f, *varargs, axis=None, edge_order=1):
    """``numpy.gradient`` (central differences inside, one-sided at the edges): linear in
    ``f``, differentiable in it; the spacings are constants."""
    f = _t(f)
    if f.dtype.kind in "iub":
        f = f.astype(np.float64)
    nd = f.ndim
    axes = tuple(range(nd)) if axis is None else tuple(
        int(a) % nd for a in np.atleast_1d(axis))
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    spacings = _spacings(f, varargs, axes)
    outs = []
    for ax, h in zip(axes, spacings):
        if f.shape[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")

        def at(s, ax=ax):
            index = [slice(None)] * nd
            index[ax] = s
            return f[tuple(index)]

        uniform = np.ndim(h) == 0
        if uniform:
            inner = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * h)
        else:
            dx1, dx2 = h[:-1], h[1:]
            shape = [1] * nd
            shape[ax] = -1
            a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
            b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
            c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
            inner = a * at(slice(None, -2)) + b * at(slice(1, -1)) + c * at(slice(2, None))
        if edge_order == 1:
            first = (at(slice(1, 2)) - at(slice(0, 1))) / (h if uniform else h[0])
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / (h if uniform else h[-1])
        else:
            if uniform:
                a, b, c = -1.5 / h, 2.0 / h, -0.5 / h
            else:
                dx1, dx2 = h[0], h[1]
                a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2))
                b = (dx1 + dx2) / (dx1 * dx2)
                c = -dx1 / (dx2 * (dx1 + dx2))
            first = a * at(slice(0, 1)) + b * at(slice(1, 2)) + c * at(slice(2, 3))
            if uniform:
                a, b, c = 0.5 / h, -2.0 / h, 1.5 / h
            else:
                dx1, dx2 = h[-2], h[-1]
                a = dx2 / (dx1 * (dx1 + dx2))
                b = -(dx2 + dx1) / (dx1 * dx2)
                c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))
            last = a * at(slice(-3, -2)) + b * at(slice(-2, -1)) + c * at(slice(-1, None))
        outs.append(concatenate([first, inner, last], axis=ax))
    return outs[0] if len(outs) == 1 else tuple(outs)


