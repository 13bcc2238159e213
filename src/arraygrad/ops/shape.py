"""Shape ops: they move elements around, so each rule moves the gradient back."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import defvjp, defvjp_variadic, primitive
from ..core.tensor import Tensor
from ..core.views import declare_view
from ._compose import as_tensor, composite, no_out, records
from .identity import clone


@primitive("View", arity=1)
def reshape(x, shape, order="C"):
    if order == "C":  # Dask's reshape takes no order=
        return np.reshape(x, shape)
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


defvjp(swapaxes, lambda g, ans, x, axis1, axis2: swapaxes(g, axis1, axis2), save=False)


@primitive("Moveaxis", arity=1)
def moveaxis(x, source, destination):
    return np.moveaxis(x, source, destination)


defvjp(moveaxis, lambda g, ans, x, source, destination: moveaxis(g, destination, source),
       save=False)


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


def _by_rule(op: Any) -> Any:
    """A view that moves every element of its base once (a permutation of the elements):
    the base it writes back is the inverse view of the new value, which is its VJP rule
    applied to that value."""
    rule = op.prim.vjps[0]
    return lambda base, rest, kwargs: lambda old, new: rule(new, None, old, *rest, **kwargs)


for _op in (reshape, transpose, swapaxes, moveaxis, expand_dims, squeeze):
    declare_view(_op, _by_rule(_op))


def _broadcast_write_back(base: Any, rest: tuple, kwargs: dict) -> Any:
    # A broadcast that repeats no element is a reshape (written back as one); one that
    # does would write each element from several places (NumPy's broadcast views are
    # read-only, PyTorch refuses such writes): not supported, so a write raises.
    if int(np.prod(rest[0] if rest else kwargs["shape"], dtype=np.int64)) != base.size:
        return None
    return lambda old, new: reshape(new, old.shape)


declare_view(broadcast_to, _broadcast_write_back)


def _offsets(arrays: tuple, axis: int) -> list[int]:
    sizes = [a.shape[axis] for a in arrays]
    return [int(s) for s in np.cumsum([0, *sizes])]


@primitive("Cat")
def _concatenate(*arrays, axis=0, dtype=None, casting="same_kind"):
    if dtype is None and casting == "same_kind":
        return np.concatenate(arrays, axis=axis)
    return np.concatenate(arrays, axis=axis, dtype=dtype, casting=casting)


def _concatenate_grad(i, g, ans, *arrays, axis=0, dtype=None, casting="same_kind"):
    if axis is None:
        start = int(np.sum([a.size for a in arrays[:i]]))
        return reshape(g[start:start + arrays[i].size], arrays[i].shape)
    off = _offsets(arrays, axis)
    index = [slice(None)] * g.ndim
    index[axis] = slice(off[i], off[i + 1])
    return g[tuple(index)]


defvjp_variadic(_concatenate, _concatenate_grad, save=False)


def _array_items(arrays: Any, name: str) -> tuple:
    if isinstance(arrays, Tensor):
        arrays = list(arrays)  # NumPy iterates over the first axis
    # a nested list holding recorded tensors ([x[0], 1.0]) is stacked, keeping its graph
    items = tuple(a if isinstance(a, Tensor) or hasattr(a, "shape")
                  else as_tensor(a) if isinstance(a, (list, tuple)) and records(a)
                  else np.asarray(a) for a in arrays)
    if not items:
        raise ValueError(f"need at least one array to {name}")
    return items


def concatenate(arrays: Any, /, axis: int | None = 0, out: Any = None, *, dtype: Any = None,
                casting: str = "same_kind") -> Tensor:
    no_out(out, "concatenate")
    return _concatenate(*_array_items(arrays, "concatenate"), axis=axis, dtype=dtype,
                        casting=casting)


@primitive("Stack")
def _stack(*arrays, axis=0, dtype=None, casting="same_kind"):
    if dtype is None and casting == "same_kind":
        return np.stack(arrays, axis=axis)
    return np.stack(arrays, axis=axis, dtype=dtype, casting=casting)


def _stack_grad(i, g, ans, *arrays, axis=0, dtype=None, casting="same_kind"):
    index = [slice(None)] * g.ndim
    index[axis] = i
    return g[tuple(index)]


defvjp_variadic(_stack, _stack_grad, save=False)


def stack(arrays: Any, axis: int = 0, out: Any = None, *, dtype: Any = None,
          casting: str = "same_kind") -> Tensor:
    no_out(out, "stack")
    return _stack(*_array_items(arrays, "stack"), axis=axis, dtype=dtype, casting=casting)


# ---------------------------------------------------------------------------- more of NumPy


def _permutation(numpy_fn: Any, ndim: int, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """The axis permutation an axis-moving NumPy function applies, read off a dummy view."""
    probe = np.broadcast_to(np.zeros(()), tuple(range(1, ndim + 1)))
    return tuple(n - 1 for n in numpy_fn(probe, *args, **kwargs).shape)


@composite(np.rollaxis)
def rollaxis(a: Any, axis: int, start: int = 0) -> Tensor:
    return transpose(a, _permutation(np.rollaxis, np.ndim(_raw(a)), axis, start))


def permute_dims(a: Any, axes: Any = None) -> Tensor:
    return transpose(a, axes)


def matrix_transpose(x: Any) -> Tensor:
    if np.ndim(_raw(x)) < 2:
        raise ValueError("Input array must be at least 2-dimensional, but it is "
                         f"{np.ndim(_raw(x))}")
    return swapaxes(x, -1, -2)


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _at_least(numpy_fn: Any, arys: tuple) -> Any:
    out = []
    for a in arys:
        shape = numpy_fn(np.broadcast_to(np.zeros(()), np.shape(_raw(a)))).shape
        out.append(reshape(a, shape))
    return out[0] if len(out) == 1 else tuple(out)


@composite(np.atleast_1d)
def atleast_1d(*arys: Any) -> Any:
    return _at_least(np.atleast_1d, arys)


@composite(np.atleast_2d)
def atleast_2d(*arys: Any) -> Any:
    return _at_least(np.atleast_2d, arys)


@composite(np.atleast_3d)
def atleast_3d(*arys: Any) -> Any:
    return _at_least(np.atleast_3d, arys)


@composite(np.broadcast_arrays)
def broadcast_arrays(*args: Any, subok: bool = False) -> tuple:
    shape = np.broadcast_shapes(*[np.shape(_raw(a)) for a in args])
    return tuple(broadcast_to(a, shape) for a in args)


@primitive("Flip", arity=1)
def flip(m, axis=None):
    return np.flip(m, axis)


defvjp(flip, lambda g, ans, m, axis=None: flip(g, axis), save=False)
declare_view(flip, _by_rule(flip))


def fliplr(m: Any) -> Tensor:
    if np.ndim(_raw(m)) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def flipud(m: Any) -> Tensor:
    if np.ndim(_raw(m)) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


@composite(np.rot90)
def rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> Tensor:
    """NumPy's ``rot90``, made of ``flip`` and ``transpose`` as NumPy makes it."""
    ndim = np.ndim(_raw(m))
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % ndim == axes[1] % ndim:
        raise ValueError("len(axes) must be 2 and the axes must be different.")
    k %= 4
    if k == 0:
        return m if isinstance(m, Tensor) else Tensor(np.asarray(m))
    if k == 2:
        return flip(m, axes)
    perm = list(range(ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return transpose(flip(m, axes[1]), perm)
    return flip(transpose(m, perm), axes[1])


@primitive("Roll", arity=1)
def roll(a, shift, axis=None):
    return np.roll(a, shift, axis)


def _negate(shift: Any) -> Any:
    return tuple(-int(s) for s in shift) if isinstance(shift, (tuple, list)) else -shift


defvjp(roll, lambda g, ans, a, shift, axis=None: roll(g, _negate(shift), axis), save=False)


def tile(A: Any, reps: Any) -> Tensor:
    """NumPy's ``tile`` as reshape and broadcast: the gradient sums over the copies."""
    reps = tuple(reps) if isinstance(reps, (tuple, list)) else (int(reps),)
    shape = np.shape(_raw(A))
    d = max(len(reps), len(shape))
    shape = (1,) * (d - len(shape)) + tuple(shape)
    reps = (1,) * (d - len(reps)) + tuple(int(r) for r in reps)
    if not records(A):
        return Tensor._make(np.tile(_raw(A), reps))
    inter = tuple(v for pair in zip((1,) * d, shape) for v in pair)
    spread = tuple(v for pair in zip(reps, shape) for v in pair)
    out = broadcast_to(reshape(A, inter), spread)
    return _a_copy(reshape(out, tuple(r * s for r, s in zip(reps, shape))), A)


def _a_copy(out: Tensor, a: Any) -> Tensor:
    """NumPy's tile and repeat return new arrays; built of views, ours may still be a view
    of ``a`` (one copy of each element): copy it, so that a write into it stays there."""
    data = out._data
    if isinstance(a, Tensor) and type(data) is np.ndarray and \
            np.may_share_memory(data, a._data):
        return clone(out)
    return out


def repeat(a: Any, repeats: Any, axis: int | None = None) -> Tensor:
    """NumPy's ``repeat``; the gradient sums over the copies of each element."""
    if not records(a):
        return Tensor._make(np.repeat(_raw(a), _raw(repeats), axis))
    a = as_tensor(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = int(axis) % max(a.ndim, 1)
    reps = np.asarray(_raw(repeats))
    if reps.size == 1:
        r = int(reps.reshape(()))
        spread = a.shape[:axis + 1] + (r,) + a.shape[axis + 1:]
        out = broadcast_to(expand_dims(a, axis + 1), spread)
        return _a_copy(reshape(out, a.shape[:axis] + (a.shape[axis] * r,) + a.shape[axis + 1:]),
                       a)
    from .index import take

    return take(a, np.repeat(np.arange(a.shape[axis]), reps), axis=axis)


# pad: modes that copy elements (constant, edge, reflect, symmetric, wrap) are linear maps
# whose transpose adds each padded gradient back onto the element it copies.
_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")


@primitive("Pad", arity=1)
def _pad(array, pad_width, mode="constant", **kwargs):
    return np.pad(array, pad_width, mode=mode, **kwargs)


def _pad_grad(g, ans, array, pad_width, mode="constant", **kwargs):
    shape = array.shape
    size = int(np.prod(shape, dtype=np.int64))
    if mode in ("constant", "empty"):
        # The input sits in one block of the output: find its first corner, slice it out.
        first = np.pad(np.arange(size).reshape(shape) == 0, pad_width)
        start = np.argwhere(first)[0] if size else np.zeros(len(shape), dtype=int)
        return g[tuple(slice(int(s), int(s) + n) for s, n in zip(start, shape))]
    from .index import scatter_add

    source = np.pad(np.arange(size).reshape(shape), pad_width, mode=mode, **kwargs)
    return reshape(scatter_add(ravel(g), (source.ravel(),), (size,)), shape)


defvjp(_pad, _pad_grad, save=False)


def pad(array: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> Tensor:
    """``numpy.pad``; differentiable for the modes that copy elements: constant (in
    ``array``; ``constant_values`` are constants), edge, reflect, symmetric and wrap."""
    if records(array) and not (mode in ("constant", "empty") or (
            mode in _COPY_MODES and kwargs.get("reflect_type", "even") == "even")):
        raise TypeError(f"numpy.pad: mode={mode!r} is not differentiable in arraygrad (yet); "
                        "constant, edge, reflect, symmetric and wrap are")
    return _pad(array, pad_width, mode=mode, **kwargs)


def resize(a: Any, new_shape: Any) -> Tensor:
    """``numpy.resize``: the flattened ``a`` repeated to fill ``new_shape``."""
    if not records(a):
        return Tensor._make(np.resize(_raw(a), new_shape))
    from .index import take

    size = int(np.size(_raw(a)))
    source = np.resize(np.arange(size), new_shape)
    return take(ravel(a), source)
