"""Indexing: ``x[idx]`` (basic, fancy, boolean) and differentiable item assignment."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import array_module
from ..tensor import Tensor
from ._core import defvjp, primitive
from .elementwise import where
from .shape import reshape


def raw_index(idx: Any) -> Any:
    """The index with Tensors replaced by their data (indices carry no gradient)."""
    if isinstance(idx, Tensor):
        return idx.data
    if isinstance(idx, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in idx)
    if isinstance(idx, list) and any(isinstance(i, Tensor) for i in idx):
        return [i.data if isinstance(i, Tensor) else i for i in idx]
    return idx


def _is_advanced(idx: Any) -> bool:
    """Integer-array indexing, where an element may be picked more than once."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if isinstance(i, (list, np.ndarray)) or hasattr(i, "__array_function__"):
            if getattr(i, "dtype", None) is None or np.asarray(i).dtype.kind != "b":
                return True
    return False


@primitive("Index", arity=1)
def getitem(x, idx):
    return x[idx]


defvjp(getitem, lambda g, ans, x, idx: scatter_add(g, idx, x.shape), save=False)


@primitive("IndexPut", arity=1)
def scatter_add(g, idx, shape):
    """A zero array of ``shape`` with ``g`` added at ``idx`` (repeats accumulate)."""
    out = array_module(g).zeros(shape, dtype=g.dtype)
    if _is_advanced(idx):
        np.add.at(out, idx, g)
    else:
        out[idx] = g
    return out


defvjp(scatter_add, lambda g, ans, x, idx, shape: getitem(g, idx), save=False)


@primitive("CopySlices")
def setitem(x, idx, v):
    """``x`` with ``x[idx] = v``, as a new array: differentiable in both ``x`` and ``v``."""
    out = x.copy()
    out[idx] = v
    return out


def _overwritten(x: Any, idx: Any) -> Any:
    keep = array_module(x.data if isinstance(x, Tensor) else x).ones(x.shape, dtype=bool)
    keep[idx] = False
    return keep


defvjp(
    setitem,
    lambda g, ans, x, idx, v: where(_overwritten(x, idx), g, 0),
    lambda g, ans, x, idx, v: getitem(g, idx),
    argnums=(0, 2),
    save=False,
)


def nonzero(x: Any) -> tuple:
    """Indices of the non-zero elements (integers: no gradient)."""
    data = x.data if isinstance(x, Tensor) else x
    return tuple(Tensor._make(i) for i in np.nonzero(data))


@primitive("Take")
def take(a, indices, axis=None, mode="raise"):
    return np.take(a, indices, axis=axis, mode=mode)


def _take_grad(g, ans, a, indices, axis=None, mode="raise"):
    idx = indices.data if isinstance(indices, Tensor) else indices
    n = a.size if axis is None else a.shape[axis]
    idx = np.clip(idx, 0, n - 1) if mode == "clip" else np.asarray(idx) % n
    if axis is None:
        return reshape(scatter_add(g, (idx,), (a.size,)), a.shape)
    index = [slice(None)] * a.ndim
    index[axis] = idx
    return scatter_add(g, tuple(index), a.shape)


defvjp(take, _take_grad, save=False)
