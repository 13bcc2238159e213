"""Assembling and splitting arrays: the ``*stack`` family, ``block``, the ``split`` family,
``append``/``insert``/``delete``, ``meshgrid``, and the functions that call back into user
code (``piecewise``, ``apply_along_axis``, ``apply_over_axes``).

All are composites (see ``_compose``): NumPy's own function when nothing records, and
``concatenate``/indexing/``reshape`` on Tensors when something does, so the gradient of
each piece goes back to where it came from.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ._compose import as_tensor as _t
from ._compose import composite
from ._compose import data_of as _d
from .elementwise import where
from .index import getitem, setitem, take
from .shape import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_arrays,
    concatenate,
    expand_dims,
    ravel,
    reshape,
    stack,
    transpose,
)

__all__ = [
    "hstack", "vstack", "row_stack", "dstack", "column_stack", "block", "concat", "split",
    "array_split", "hsplit", "vsplit", "dsplit", "unstack", "append", "insert", "delete",
    "trim_zeros", "meshgrid", "piecewise", "apply_along_axis", "apply_over_axes",
]


def _as_list(result: Any) -> list:
    return [result] if isinstance(result, Tensor) else list(result)


# ---------------------------------------------------------------------------- stacking


@composite(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    arrs = _as_list(atleast_1d(*tup))
    return concatenate(arrs, axis=0 if arrs and arrs[0].ndim == 1 else 1, dtype=dtype,
                       casting=casting)


@composite(np.vstack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    return concatenate(_as_list(atleast_2d(*tup)), axis=0, dtype=dtype, casting=casting)


row_stack = vstack


@composite(np.dstack)
def dstack(tup):
    return concatenate(_as_list(atleast_3d(*tup)), axis=2)


@composite(np.column_stack)
def column_stack(tup):
    arrays = []
    for v in tup:
        v = _t(v)
        if v.ndim < 2:
            v = transpose(atleast_2d(v))
        arrays.append(v)
    return concatenate(arrays, axis=1)


def concat(arrays: Any, /, *, axis: int | None = 0) -> Tensor:
    """The array API's name for ``concatenate``."""
    return concatenate(arrays, axis=axis)


def _list_depth(x: Any) -> int:
    if isinstance(x, list):
        if not x:
            raise ValueError("List at arrays cannot be empty")
        return 1 + _list_depth(x[0])
    if isinstance(x, tuple):
        raise TypeError("arrays is a tuple. Only lists can be used to arrange blocks, and "
                        "np.block does not allow implicit conversion from tuple to ndarray.")
    return 0


def _max_ndim(x: Any) -> int:
    if isinstance(x, list):
        return max(_max_ndim(i) for i in x)
    return np.ndim(_d(x))


@composite(np.block)
def block(arrays):
    depth = _list_depth(arrays)
    ndim = max(depth, _max_ndim(arrays))

    def assemble(x: Any, level: int) -> Tensor:
        if level == depth:
            x = _t(x)
            return reshape(x, (1,) * (ndim - x.ndim) + x.shape) if x.ndim < ndim else x
        return concatenate([assemble(i, level + 1) for i in x], axis=-(depth - level))

    return assemble(arrays, 0)


# ---------------------------------------------------------------------------- splitting


def _split(ary: Any, indices_or_sections: Any, axis: int, even: bool) -> list:
    ary = _t(ary)
    n = ary.shape[axis]
    if np.ndim(indices_or_sections) == 0:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        if even and n % sections:
            raise ValueError("array split does not result in an equal division")
        each, extra = divmod(n, sections)
        sizes = [0] + extra * [each + 1] + (sections - extra) * [each]
        points = np.cumsum(sizes).tolist()
    else:
        points = [0, *[int(i) for i in indices_or_sections], n]
    out = []
    index = [slice(None)] * ary.ndim
    for lo, hi in zip(points[:-1], points[1:]):
        index[axis] = slice(lo, hi)
        out.append(getitem(ary, tuple(index)))
    return out


@composite(np.split)
def split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, even=True)


@composite(np.array_split)
def array_split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, even=False)


def _nd_split(ary: Any, indices_or_sections: Any, axis: int, least: int, name: str) -> list:
    if np.ndim(_d(ary)) < least:
        raise ValueError(f"{name} only works on arrays of {least} or more dimensions")
    return _split(ary, indices_or_sections, axis, even=True)


@composite(np.hsplit)
def hsplit(ary, indices_or_sections):
    axis = 1 if np.ndim(_d(ary)) > 1 else 0
    return _nd_split(ary, indices_or_sections, axis, 1, "hsplit")


@composite(np.vsplit)
def vsplit(ary, indices_or_sections):
    return _nd_split(ary, indices_or_sections, 0, 2, "vsplit")


@composite(np.dsplit)
def dsplit(ary, indices_or_sections):
    return _nd_split(ary, indices_or_sections, 2, 3, "dsplit")


@composite(getattr(np, "unstack", None))
def unstack(x, /, *, axis=0):
    x = _t(x)
    index = [slice(None)] * x.ndim
    out = []
    for i in range(x.shape[axis]):
        index[axis] = i
        out.append(getitem(x, tuple(index)))
    return tuple(out)


# ---------------------------------------------------------------------------- edit


@composite(np.append)
def append(arr, values, axis=None):
    arr = _t(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        values = ravel(values)
        axis = arr.ndim - 1
    return concatenate((arr, values), axis=axis)


@composite(np.delete)
def delete(arr, obj, axis=None):
    arr = _t(arr)
    source = np.delete(np.arange(arr.size).reshape(arr.shape), _d(obj), axis)
    return take(ravel(arr), source)


@composite(np.insert)
def insert(arr, obj, values, axis=None):
    """``numpy.insert``; differentiable in ``arr`` and in ``values``."""
    arr = _t(arr)
    values = _t(values)
    ids = np.arange(arr.size)
    if axis is not None:
        ids = ids.reshape(arr.shape)
    # Entries >= 0 come from arr, entries < 0 are -1 - (the value's flat index).
    vids = -1 - np.arange(values.size).reshape(values.shape)
    source = np.insert(ids, _d(obj), vids, axis)
    from_arr = source >= 0
    out = where(from_arr, take(ravel(arr), np.where(from_arr, source, 0)),
                take(ravel(values), np.where(from_arr, 0, -1 - source)))
    return out if out.dtype == arr.dtype else out.astype(arr.dtype)


@composite(np.trim_zeros)
def trim_zeros(filt, trim="fb", axis=None):
    filt = _t(filt)
    data = np.asarray(_d(filt))
    trim = trim.lower()
    axes = range(data.ndim) if axis is None else [int(a) % data.ndim for a in np.atleast_1d(axis)]
    nz = np.nonzero(data)
    index = [slice(None)] * data.ndim
    for ax in axes:
        if nz[ax].size == 0:
            index[ax] = slice(0, 0)
            continue
        lo = int(nz[ax].min()) if "f" in trim else 0
        hi = int(nz[ax].max()) + 1 if "b" in trim else data.shape[ax]
        index[ax] = slice(lo, hi)
    return getitem(filt, tuple(index))


# ---------------------------------------------------------------------------- grids


@composite(np.meshgrid)
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    ones = (1,) * ndim
    out = [reshape(x, ones[:i] + (-1,) + ones[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        out[0] = reshape(xi[0], (1, -1) + ones[2:])
        out[1] = reshape(xi[1], (-1, 1) + ones[2:])
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


# ---------------------------------------------------------------------------- user functions


@composite(np.piecewise)
def piecewise(x, condlist, funclist, *args, **kw):
    x = _t(x)
    n2 = len(funclist)
    if np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray, Tensor))
                                 and x.ndim != 0):
        condlist = [condlist]
    conds = [np.asarray(_d(c), dtype=bool) for c in condlist]
    if len(conds) == n2 - 1:
        conds.append(~np.any(conds, axis=0))
    elif len(conds) != n2:
        raise ValueError(f"with {len(conds)} condition(s), either {len(conds)} or "
                         f"{len(conds) + 1} functions are expected")
    y = Tensor(np.zeros(x.shape, dtype=x.dtype))
    for cond, func in zip(conds, funclist):
        cond = np.broadcast_to(cond, x.shape)
        if not cond.any():
            continue
        vals = func(getitem(x, cond), *args, **kw) if callable(func) else func
        y = setitem(y, cond, vals)
    return y


@composite(np.apply_along_axis)
def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    from .shape import moveaxis

    arr = _t(arr)
    axis = int(axis) % arr.ndim
    moved = moveaxis(arr, axis, -1)
    outer = moved.shape[:-1]
    results = [_t(func1d(moved[idx], *args, **kwargs)) for idx in np.ndindex(*outer)]
    if not results:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    res_nd = results[0].ndim
    out = reshape(stack(results), outer + results[0].shape)
    # The function's output dimensions go where ``axis`` was.
    perm = (list(range(axis)) + list(range(len(outer), len(outer) + res_nd))
            + list(range(axis, len(outer))))
    return transpose(out, tuple(perm))


@composite(np.apply_over_axes)
def apply_over_axes(func, a, axes):
    val = _t(a)
    for axis in np.atleast_1d(axes):
        axis = int(axis) % val.ndim
        res = _t(func(val, axis))
        if res.ndim != val.ndim:
            res = expand_dims(res, axis)
            if res.ndim != val.ndim:
                raise ValueError("function is not returning an array of the correct shape")
        val = res
    return val
