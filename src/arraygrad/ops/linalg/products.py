"""Products: matmul, dot, tensordot, inner, outer, vdot, vecdot, matvec, vecmat, cross and
kron (einsum has a module of its own)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core.primitive import defvjp, primitive, raise_named, wrap
from ...core.tensor import Tensor
from .._compose import as_tensor as _t
from .._compose import data_of as _raw
from .._compose import no_out, records
from ..elementwise import conjugate, multiply
from ..shape import expand_dims, ravel, reshape, squeeze, swapaxes, transpose


@primitive("Mm", arity=2)
def _matmul(a, b):
    return a @ b


def _mT(x):
    return swapaxes(x, -1, -2)


# Batch dimensions broadcast; the engine's unbroadcast sums them back.
defvjp(
    _matmul,
    lambda g, ans, a, b: _matmul(g, _mT(b)),
    lambda g, ans, a, b: _matmul(_mT(a), g),
    cross=True,
)


def _ndim(x: Any) -> int:
    return x.ndim if hasattr(x, "ndim") else np.ndim(x)


def matmul(a: Any, b: Any, /, out: Any = None, **kwargs: Any) -> Tensor:
    """``a @ b`` with NumPy's rules for 1-D operands (promoted, then squeezed)."""
    no_out(out, "matmul")
    if not (records(a) or records(b)):
        try:
            return wrap(np.matmul(_raw(a), _raw(b), **kwargs))
        except (TypeError, ValueError) as exc:
            raise_named("matmul", (_raw(a), _raw(b)), exc)
    a, b = _t(a), _t(b)  # an array-like holding tensors becomes one recorded tensor
    na, nb = a.ndim, b.ndim
    if na == 0 or nb == 0:
        raise ValueError(
            "matmul: input operand does not have enough dimensions (0-d operands are not "
            f"allowed; got shapes {np.shape(_raw(a))} and {np.shape(_raw(b))}); use multiply"
        )
    if na >= 2 and nb >= 2:
        return _matmul(a, b)
    if na == 1 and nb == 1:
        return _vector_dot(a, b)
    if na == 1:
        return squeeze(_matmul(expand_dims(a, 0), b), -2)
    return squeeze(_matmul(a, expand_dims(b, -1)), -1)


@primitive("Dot", arity=2)
def _vector_dot(a, b):
    return np.dot(a, b)


defvjp(_vector_dot, lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a, cross=True)


def dot(a: Any, b: Any, out: Any = None) -> Tensor:
    """NumPy's ``dot``: scalars multiply, vectors and matrices as ``matmul``, and for N-D
    a sum product over the last axis of ``a`` and the second-to-last of ``b``."""
    no_out(out, "dot")
    if not (records(a) or records(b)):
        try:
            return wrap(np.dot(_raw(a), _raw(b)))
        except (TypeError, ValueError) as exc:
            raise_named("dot", (_raw(a), _raw(b)), exc)
    a, b = _t(a), _t(b)  # an array-like holding tensors becomes one recorded tensor
    na, nb = a.ndim, b.ndim
    if na == 0 or nb == 0:
        return multiply(a, b)
    kb = max(nb - 2, 0)
    if a.shape[-1] != b.shape[kb]:  # NumPy's own words, under dot's name (not matmul's)
        raise_named("dot", (a._data, b._data), ValueError(
            f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {na - 1}) != "
            f"{b.shape[kb]} (dim {kb})"))
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([na - 1], [max(nb - 2, 0)]))


def _axes_list(ax: Any, ndim: int) -> list[int]:
    ax = [ax] if isinstance(ax, (int, np.integer)) else list(ax)
    return [int(i) % ndim if ndim else int(i) for i in ax]


def tensordot(a: Any, b: Any, axes: Any = 2) -> Tensor:
    """``numpy.tensordot`` as transpose, reshape and one matrix product, so each of those
    carries the gradient back (to any order)."""
    if not (records(a) or records(b)):
        return wrap(np.tensordot(_raw(a), _raw(b), axes))
    a, b = _t(a), _t(b)
    if isinstance(axes, (int, np.integer)):
        k = int(axes)
        axes_a, axes_b = list(range(a.ndim - k, a.ndim)), list(range(k))
    else:
        axes_a, axes_b = _axes_list(axes[0], a.ndim), _axes_list(axes[1], b.ndim)
    if len(axes_a) != len(axes_b) or any(a.shape[i] != b.shape[j]
                                         for i, j in zip(axes_a, axes_b)):
        raise ValueError("shape-mismatch for sum")
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    k = int(np.prod([a.shape[i] for i in axes_a], dtype=np.int64))
    shape_a = tuple(a.shape[i] for i in free_a)
    shape_b = tuple(b.shape[i] for i in free_b)
    # Every shape explicit: with a zero-length axis, -1 is ambiguous (NumPy refuses it).
    m = int(np.prod(shape_a, dtype=np.int64))
    n = int(np.prod(shape_b, dtype=np.int64))
    at = reshape(transpose(a, free_a + axes_a), (m, k))
    bt = reshape(transpose(b, axes_b + free_b), (k, n))
    return reshape(_matmul(at, bt), shape_a + shape_b)


def inner(a: Any, b: Any, /) -> Tensor:
    """``numpy.inner``: a sum product over the last axes (scalars multiply)."""
    if not (records(a) or records(b)):
        return wrap(np.inner(_raw(a), _raw(b)))
    if _ndim(a) == 0 or _ndim(b) == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def outer(a: Any, b: Any, out: Any = None) -> Tensor:
    no_out(out, "outer")
    if not (records(a) or records(b)):
        return wrap(np.outer(_raw(a), _raw(b)))
    return expand_dims(ravel(a), 1) * expand_dims(ravel(b), 0)


def vdot(a: Any, b: Any, /) -> Tensor:
    """Dot product of the flattened inputs, conjugating the first (NumPy's ``vdot``)."""
    if not (records(a) or records(b)):
        return wrap(np.vdot(_raw(a), _raw(b)))
    a = ravel(a)
    if np.iscomplexobj(_raw(a)):
        a = conjugate(a)
    return _vector_dot(a, ravel(b))


def _ufunc_kwargs(name: str, kwargs: dict) -> None:
    extra = set(kwargs) - {"dtype", "casting", "order", "subok", "signature", "axes",
                           "axis", "keepdims"}
    if extra:
        raise TypeError(f"{name}: unexpected keyword arguments {sorted(extra)}")


def vecdot(x1: Any, x2: Any, /, out: Any = None, *, axis: int = -1, **kwargs: Any) -> Tensor:
    """The array API's vector dot product over ``axis``, conjugating ``x1``."""
    no_out(out, "vecdot")
    _ufunc_kwargs("vecdot", kwargs)
    if not (records(x1) or records(x2)):
        return wrap(np.vecdot(_raw(x1), _raw(x2), axis=axis, **kwargs))
    from ..reduce import sum as _sum

    x1 = _t(x1)
    if x1.dtype.kind == "c":
        x1 = conjugate(x1)
    return _sum(x1 * x2, axis=axis)


def matvec(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Tensor:
    """Matrix-vector products over the last axes, broadcasting the others."""
    no_out(out, "matvec")
    _ufunc_kwargs("matvec", kwargs)
    if not (records(x1) or records(x2)):
        return wrap(np.matvec(_raw(x1), _raw(x2), **kwargs))
    return squeeze(_matmul(x1, expand_dims(x2, -1)), -1)


def vecmat(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Tensor:
    """Vector-matrix products over the last axes, conjugating the vector."""
    no_out(out, "vecmat")
    _ufunc_kwargs("vecmat", kwargs)
    if not (records(x1) or records(x2)):
        return wrap(np.vecmat(_raw(x1), _raw(x2), **kwargs))
    x1 = _t(x1)
    if x1.dtype.kind == "c":
        x1 = conjugate(x1)
    return squeeze(_matmul(expand_dims(x1, -2), x2), -2)


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Tensor:
    """``numpy.cross`` of 2- or 3-vectors, written with products and ``stack``."""
    if not (records(a) or records(b)):
        return wrap(np.cross(_raw(a), _raw(b), axisa, axisb, axisc, axis))
    from ..shape import broadcast_arrays, moveaxis, stack

    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(_t(a), axisa, -1)
    b = moveaxis(_t(b), axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 "
                         "or 3)")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z
    if na == 3 and nb == 3:
        a2, b2 = a[..., 2], b[..., 2]
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    elif na == 2:
        b2 = b[..., 2]
        x, y = a1 * b2, -(a0 * b2)
    else:
        a2 = a[..., 2]
        x, y = -(a2 * b1), a2 * b0
    c = stack(broadcast_arrays(x, y, z), axis=-1)
    return moveaxis(c, -1, axisc)


def kron(a: Any, b: Any) -> Tensor:
    """``numpy.kron`` as one broadcast product and a reshape."""
    if not (records(a) or records(b)):
        return wrap(np.kron(_raw(a), _raw(b)))
    a, b = _t(a), _t(b)
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    a2 = reshape(a, tuple(v for n in sa for v in (n, 1)))
    b2 = reshape(b, tuple(v for n in sb for v in (1, n)))
    return reshape(a2 * b2, tuple(x * y for x, y in zip(sa, sb)))
