"""Indexing: ``x[idx]`` (basic, fancy, boolean) and differentiable item assignment."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import add_at, array_module
from .._backend import asarray as _backend_asarray
from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from ..core.views import declare_view
from ._compose import as_tensor, no_out
from ._compose import data_of as _d
from ._compose import records as _records
from .elementwise import where
from .shape import reshape


def raw_index(idx: Any) -> Any:
    """The index with Tensors replaced by their data (indices carry no gradient)."""
    if isinstance(idx, Tensor):
        return _index_data(idx)
    if isinstance(idx, tuple):
        return tuple(_index_data(i) if isinstance(i, Tensor) else i for i in idx)
    if isinstance(idx, list) and any(isinstance(i, Tensor) for i in idx):
        return [_index_data(i) if isinstance(i, Tensor) else i for i in idx]
    return idx


def _index_data(t: Tensor) -> Any:
    # A Tensor subclass may declare that its float arrays index as integers (MXNet's
    # np.ndarray: np.array([0, 2]) is float32 there and indexes all the same).
    data = t._data
    if type(t)._float_index_casts and data.dtype.kind == "f":
        return data.astype(np.int64)
    return data


def _is_advanced(idx: Any) -> bool:
    """Integer-array indexing, where an element may be picked more than once."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if isinstance(i, (list, np.ndarray)) or hasattr(i, "__array_function__"):
            if getattr(i, "dtype", None) is None or i.dtype.kind != "b":
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
        out = add_at(out, idx, g)  # np.add.at on out's backend (CuPy, Dask)
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
    keep = array_module(x._data if isinstance(x, Tensor) else x).ones(x.shape, dtype=bool)
    keep[idx] = False
    return keep


def _written_values_grad(g, ans, x, idx, v):
    picked = getitem(g, idx)
    if _is_advanced(idx):
        # With repeated indices only the last write to an element survives (NumPy's
        # assignment order): the values that were overwritten get no gradient.
        ids = np.arange(picked.size).reshape(picked.shape)
        owner = np.full(x.shape, -1, dtype=np.int64)
        owner[idx] = ids
        survived = np.zeros(picked.size, dtype=bool)
        survived[owner[owner >= 0]] = True
        if not survived.all():
            picked = where(survived.reshape(picked.shape), picked, 0)
    return picked


defvjp(
    setitem,
    lambda g, ans, x, idx, v: where(_overwritten(x, idx), g, 0),
    _written_values_grad,
    argnums=(0, 2),
    save=False,
)

# A basic index gives a view: a write through it is item assignment into the base.
declare_view(getitem, lambda base, rest, kwargs: lambda old, new: setitem(old, rest[0], new))


def nonzero(x: Any) -> tuple:
    """Indices of the non-zero elements (integers: no gradient)."""
    data = x._data if isinstance(x, Tensor) else x
    return tuple(Tensor._make(i) for i in np.nonzero(data))


@primitive("Take")
def _take(a, indices, axis=None, mode="raise"):
    if mode == "raise":  # NumPy's default, and the only mode Dask's take accepts
        if axis is None and not isinstance(a, np.ndarray):  # Dask's take needs an axis
            return np.take(np.reshape(a, (-1,)), indices, axis=0)
        return np.take(a, indices, axis=axis)
    return np.take(a, indices, axis=axis, mode=mode)


def _take_grad(g, ans, a, idx, axis=None, mode="raise"):
    n = a.size if axis is None else a.shape[axis]
    idx = _backend_asarray(_d(idx))  # stays on its backend (a CuPy index is not copied)
    idx = np.clip(idx, 0, n - 1) if mode == "clip" else idx % n
    if axis is None:
        return reshape(scatter_add(g, (idx,), (a.size,)), a.shape)
    index = [slice(None)] * a.ndim
    index[axis] = idx
    return scatter_add(g, tuple(index), a.shape)


defvjp(_take, _take_grad, save=False)


def take(a: Any, indices: Any, axis: int | None = None, out: Any = None,
         mode: str = "raise") -> Tensor:
    """``numpy.take``; the gradient adds back onto the taken elements (repeats add up)."""
    no_out(out, "take")
    return _take(a, _d(indices), axis=axis, mode=mode)


# ---------------------------------------------------------------------------- along an axis


def _along_axis_index(shape: tuple, indices: Any, axis: int) -> tuple:
    """The fancy index that ``take_along_axis`` reads (NumPy's own construction)."""
    ndim = len(shape)
    index = []
    for dim in range(ndim):
        if dim == axis:
            index.append(indices)
        else:
            view = [1] * ndim
            view[dim] = shape[dim]
            index.append(np.arange(shape[dim]).reshape(view))
    return tuple(index)


def _along(arr: Any, indices: Any, axis: Any) -> tuple[Any, tuple]:
    from .shape import ravel

    if axis is None:
        return ravel(arr), (indices,)
    shape = np.shape(_d(arr))
    if np.ndim(indices) != len(shape):
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    return arr, _along_axis_index(shape, indices, int(axis) % len(shape))


def take_along_axis(arr: Any, indices: Any, axis: int | None = -1) -> Tensor:
    """``numpy.take_along_axis``: a gather whose gradient scatters back (repeats add up)."""
    indices = np.asarray(_d(indices))
    if not _records(arr):
        return Tensor._make(np.take_along_axis(_d(arr), indices, axis))
    src, index = _along(arr, indices, axis)
    return getitem(src, index)


def put_along_axis(arr: Any, indices: Any, values: Any, axis: int | None, *,
                   inplace: bool = True) -> Any:
    """``numpy.put_along_axis``, differentiable in ``arr``'s other entries and ``values``.

    As NumPy's, it writes into ``arr`` (recorded exactly like ``arr[idx] = values``) and it
    returns ``arr``; ``inplace=False`` (JAX's spelling) leaves ``arr`` alone and returns a
    new tensor: use it on a leaf that requires grad, which cannot be written into."""
    indices = np.asarray(_d(indices))
    if not isinstance(arr, Tensor):
        if inplace and not _records(values):
            np.put_along_axis(arr, indices, _d(values), axis)
            return arr
        arr, inplace = Tensor(np.array(arr)), False
    if axis is None:
        index = np.unravel_index(indices.ravel() % max(arr.size, 1), arr.shape)
    else:
        index = _along_axis_index(arr.shape, indices, int(axis) % arr.ndim)
    if not inplace:
        return setitem(arr, index, values)
    arr[index] = values
    return arr


# ---------------------------------------------------------------------------- diagonals


@primitive("Diagonal", arity=1)
def diagonal(a, offset=0, axis1=0, axis2=1):
    return np.diagonal(a, offset, axis1, axis2)


@primitive("DiagEmbed", arity=1)
def _diag_embed(d, offset, axis1, axis2, shape):
    """Zeros of ``shape`` with ``d`` on the diagonal that ``diagonal(., offset, axis1,
    axis2)`` reads: the adjoint of ``diagonal``."""
    out = array_module(d).zeros(shape, dtype=d.dtype)
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    i = np.arange(d.shape[-1])
    view[..., i + max(-offset, 0), i + max(offset, 0)] = d
    return out


defvjp(diagonal, lambda g, ans, a, offset=0, axis1=0, axis2=1:
       _diag_embed(g, offset, axis1, axis2, a.shape), save=False)
defvjp(_diag_embed, lambda g, ans, d, offset, axis1, axis2, shape:
       diagonal(g, offset, axis1, axis2), save=False)


def _diagonal_write_back(base, rest, kwargs):
    # (NumPy's diagonal view is read-only; PyTorch's is writable: written back here as
    # the base with its diagonal replaced.)
    def write_back(old, new):
        args = (*rest, *(kwargs.get(k, d) for k, d in
                         (("offset", 0), ("axis1", 0), ("axis2", 1))[len(rest):]))
        on_diagonal = _diag_embed.__wrapped__(np.ones(new.shape, bool), *args, old.shape)
        return where(on_diagonal, _diag_embed(new, *args, old.shape), old)

    return write_back


declare_view(diagonal, _diagonal_write_back)


def diag(v: Any, k: int = 0) -> Tensor:
    """``numpy.diag``: a 1-D ``v`` onto the k-th diagonal of a square matrix, or the k-th
    diagonal of a 2-D ``v``."""
    if not _records(v):
        return Tensor._make(np.diag(_d(v), k))
    v = as_tensor(v)
    ndim = v.ndim
    if ndim == 1:
        n = v.shape[0] + abs(k)
        return _diag_embed(v, k, 0, 1, (n, n))
    if ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v: Any, k: int = 0) -> Tensor:
    from .shape import ravel

    if not _records(v):
        return Tensor._make(np.diagflat(_d(v), k))
    return diag(ravel(v), k)


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
          out: Any = None) -> Tensor:
    no_out(out, "trace")
    if not _records(a):
        return Tensor._make(np.trace(_d(a), offset, axis1, axis2, dtype))
    from .reduce import sum as _sum

    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


@primitive("Tril", arity=1)
def tril(m, k=0):
    return np.tril(m, k)


@primitive("Triu", arity=1)
def triu(m, k=0):
    return np.triu(m, k)


defvjp(tril, lambda g, ans, m, k=0: tril(g, k), save=False)
defvjp(triu, lambda g, ans, m, k=0: triu(g, k), save=False)


# ---------------------------------------------------------------------------- selections


def compress(condition: Any, a: Any, axis: int | None = None, out: Any = None) -> Tensor:
    no_out(out, "compress")
    if not _records(a):
        return Tensor._make(np.compress(_d(condition), _d(a), axis))
    return take(a, np.nonzero(np.asarray(_d(condition)))[0], axis=axis)


def extract(condition: Any, arr: Any) -> Tensor:
    if not _records(arr):
        return Tensor._make(np.extract(_d(condition), _d(arr)))
    from .shape import ravel

    return take(ravel(arr), np.nonzero(np.ravel(_d(condition)))[0])


def choose(a: Any, choices: Any, out: Any = None, mode: str = "raise") -> Tensor:
    """``numpy.choose``: differentiable in the choices."""
    no_out(out, "choose")
    choices = list(choices) if not isinstance(choices, Tensor) else list(choices)
    if not _records(choices):
        return Tensor._make(np.choose(_d(a), [_d(c) for c in choices], mode=mode))
    from .shape import broadcast_to, stack

    n = len(choices)
    idx = np.asarray(_d(a))
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    elif np.any((idx < 0) | (idx >= n)):
        raise ValueError("invalid entry in choice array")
    shape = np.broadcast_shapes(idx.shape, *[np.shape(_d(c)) for c in choices])
    stacked = stack([broadcast_to(c, shape) for c in choices])
    return take_along_axis(stacked, np.broadcast_to(idx, shape)[None], axis=0)[0]


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Tensor:
    """``numpy.select``: the first true condition picks; differentiable in the choices and
    in ``default``."""
    if not (_records(choicelist) or _records(default)):
        return Tensor._make(np.select([_d(c) for c in condlist], [_d(c) for c in choicelist],
                                      _d(default)))
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    from .elementwise import where as _where_op
    from .shape import broadcast_to

    shape = np.broadcast_shapes(*[np.shape(_d(c)) for c in condlist],
                                *[np.shape(_d(c)) for c in choicelist])
    dtype = np.result_type(*[_d(c) for c in choicelist], _d(default))
    out = broadcast_to(default if isinstance(default, Tensor) else
                       Tensor(np.asarray(default, dtype=dtype)), shape)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = _where_op(np.asarray(_d(cond), dtype=bool), choice, out)
    return out


# ---------------------------------------------------------------------------- in place
# NumPy's writers (put, place, putmask, copyto, fill_diagonal) as item assignment: on a
# Tensor inside a graph the write is recorded, differentiable in the old entries and the
# values, exactly like ``a[idx] = v``.


def _write(a: Any, index: Any, values: Any, name: str) -> None:
    if isinstance(a, Tensor):
        a[index] = values
        return
    if _records(values):
        raise TypeError(f"numpy.{name}: cannot write values that require grad into a NumPy "
                        "array in place; make `a` a tensor")
    a[index] = _d(values)


def put(a: Any, ind: Any, v: Any, mode: str = "raise") -> None:
    """``numpy.put``: ``a.flat[ind] = v`` (``v`` repeated as needed)."""
    from .shape import ravel, resize

    shape = np.shape(_d(a))
    size = int(np.prod(shape, dtype=np.int64))
    ind = np.asarray(_d(ind), dtype=np.int64).ravel()
    if mode == "wrap":
        ind = ind % size
    elif mode == "clip":
        ind = np.clip(ind, 0, size - 1)
    elif np.any((ind < -size) | (ind >= size)):
        raise IndexError(f"index out of bounds for array of size {size}")
    values = resize(ravel(v), ind.shape) if _records(v) else np.resize(np.ravel(_d(v)),
                                                                          ind.shape)
    _write(a, np.unravel_index(ind % size, shape), values, "put")


def place(arr: Any, mask: Any, vals: Any) -> None:
    """``numpy.place``: the true entries of ``mask`` take ``vals`` in turn (repeated)."""
    from .shape import ravel, resize

    mask = np.asarray(_d(mask), dtype=bool)
    n = int(mask.sum())
    if n == 0:
        return
    values = resize(ravel(vals), (n,)) if _records(vals) else np.resize(np.ravel(_d(vals)), n)
    _write(arr, mask, values, "place")


def putmask(a: Any, mask: Any, values: Any) -> None:
    """``numpy.putmask``: ``a.flat[n] = values.flat[n % len(values)]`` where ``mask``."""
    from .shape import ravel, reshape, resize

    shape = np.shape(_d(a))
    mask = np.broadcast_to(np.asarray(_d(mask), dtype=bool), shape)
    if _records(values):
        full = reshape(resize(ravel(values), (int(np.prod(shape)),)), shape)
        picked = full[mask]
    else:
        picked = np.resize(np.ravel(_d(values)), shape)[mask]
    _write(a, mask, picked, "putmask")


def copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    """``numpy.copyto``: ``dst[...] = src`` (broadcast) where ``where``."""
    from .shape import broadcast_to

    src = as_tensor(src)  # (a list holding tensors: one tensor)
    src_dtype = np.result_type(_d(src))
    if not np.can_cast(src_dtype, np.result_type(_d(dst)), casting=casting):
        raise TypeError(f"Cannot cast array data from {src_dtype} to "
                        f"{np.result_type(_d(dst))} according to the rule {casting!r}")
    shape = np.shape(_d(dst))
    mask = np.asarray(_d(where), dtype=bool)
    if mask.ndim == 0 and bool(mask):
        _write(dst, Ellipsis, broadcast_to(src, shape) if _records(src) else
               np.broadcast_to(_d(src), shape), "copyto")
        return
    mask = np.broadcast_to(mask, shape)
    full = broadcast_to(src, shape) if _records(src) else np.broadcast_to(_d(src), shape)
    _write(dst, mask, full[mask], "copyto")


def fill_diagonal(a: Any, val: Any, wrap: bool = False) -> None:
    """``numpy.fill_diagonal``: the main diagonal of ``a`` takes ``val`` (repeated)."""
    from .shape import ravel, resize

    shape = np.shape(_d(a))
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) == 2:
        step = shape[1] + 1
        end = None if wrap else shape[1] * shape[1]
    else:
        if len(set(shape)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(shape[:-1]).sum())
        end = None
    flat = np.arange(int(np.prod(shape)))[:end:step]
    values = resize(ravel(val), flat.shape) if _records(val) else np.resize(np.ravel(_d(val)),
                                                                           flat.shape)
    _write(a, np.unravel_index(flat, shape), values, "fill_diagonal")
