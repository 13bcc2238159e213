"""Shape ops: they move elements around, so each rule moves the gradient back."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import defvjp, defvjp_variadic, primitive


@primitive("View", arity=1)
def reshape(x, shape, order="C"):
    return np.reshape(x, shape, order=order)


defvjp(reshape, lambda g, ans, x, shape, order="C": reshape(g, x.shape, order=order), save=False)


def ravel(x: Any, order: str = "C") -> Any:
    return reshape(x, (-1,), order=order)


flatten = ravel


@primitive("Permute", arity=1)
def transpose(x, axes=None):
    return np.transpose(x, axes)


def _transpose_grad(g, ans, x, axes=None):
    if axes is None:
        return transpose(g)
    inverse = np.argsort([a % x.ndim for a in axes])
    return transpose(g, tuple(int(i) for i in inverse))


defvjp(transpose, _transpose_grad, save=False)


@primitive("Transpose", arity=1)
def swapaxes(x, axis1, axis2):
    return np.swapaxes(x, axis1, axis2)


defvjp(swapaxes, lambda g, ans, x, a1, a2: swapaxes(g, a1, a2), save=False)


@primitive("Moveaxis", arity=1)
def moveaxis(x, source, destination):
    return np.moveaxis(x, source, destination)


defvjp(moveaxis, lambda g, ans, x, src, dst: moveaxis(g, dst, src), save=False)


@primitive("Unsqueeze", arity=1)
def expand_dims(x, axis):
    return np.expand_dims(x, axis)


defvjp(expand_dims, lambda g, ans, x, axis: reshape(g, x.shape), save=False)


@primitive("Squeeze", arity=1)
def squeeze(x, axis=None):
    return np.squeeze(x, axis)


defvjp(squeeze, lambda g, ans, x, axis=None: reshape(g, x.shape), save=False)


@primitive("Expand", arity=1)
def broadcast_to(x, shape):
    return np.broadcast_to(x, shape)


# The engine's unbroadcast sums the gradient back to x's shape.
defvjp(broadcast_to, lambda g, ans, x, shape: g, save=False)


def _offsets(arrays: tuple, axis: int) -> list[int]:
    sizes = [a.shape[axis] for a in arrays]
    return [int(s) for s in np.cumsum([0, *sizes])]


@primitive("Cat")
def _concatenate(*arrays, axis=0):
    return np.concatenate(arrays, axis=axis)


def _concatenate_grad(i, g, ans, *arrays, axis=0):
    if axis is None:
        start = int(np.sum([a.size for a in arrays[:i]]))
        return reshape(g[start:start + arrays[i].size], arrays[i].shape)
    off = _offsets(arrays, axis)
    index = [slice(None)] * g.ndim
    index[axis] = slice(off[i], off[i + 1])
    return g[tuple(index)]


defvjp_variadic(_concatenate, _concatenate_grad, save=False)


def concatenate(arrays: Any, axis: int | None = 0, out: Any = None, dtype: Any = None) -> Tensor:
    if out is not None:
        raise TypeError("concatenate: out= is not supported by arraygrad (tensors are immutable "
                        "inside a graph); use the returned tensor")
    arrays = tuple(arrays)
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if dtype is not None:
        arrays = tuple(Tensor(a).astype(dtype) if not isinstance(a, Tensor) else a.astype(dtype)
                       for a in arrays)
    return _concatenate(*arrays, axis=axis)


@primitive("Stack")
def _stack(*arrays, axis=0):
    return np.stack(arrays, axis=axis)


def _stack_grad(i, g, ans, *arrays, axis=0):
    index = [slice(None)] * g.ndim
    index[axis] = i
    return g[tuple(index)]


defvjp_variadic(_stack, _stack_grad, save=False)


def stack(arrays: Any, axis: int = 0, out: Any = None) -> Tensor:
    if out is not None:
        raise TypeError("stack: out= is not supported by arraygrad; use the returned tensor")
    arrays = tuple(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    return _stack(*arrays, axis=axis)
