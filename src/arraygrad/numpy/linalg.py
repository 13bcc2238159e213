"""``arraygrad.numpy.linalg``: ``numpy.linalg``, differentiable and batched like NumPy.

The primitives (solve, inv, det, the decompositions, norms) live in ``ops/linalg/``; this
module adds the functions NumPy builds from them (norms, ``cond``, ``matrix_power``,
``multi_dot``, ``tensorsolve`` ...), composed from ops so they need no rules of their own.
Plain ``numpy.linalg.fn(tensor)`` dispatches here.
"""

from __future__ import annotations

from typing import Any as _Any

import numpy as _np
from numpy.linalg import LinAlgError  # noqa: F401

from ..core.tensor import Tensor as _Tensor
from ..ops import elementwise as _ew
from ..ops import reduce as _red
from ..ops import shape as _shp
from ..ops._compose import as_tensor as _as_tensor
from ..ops.linalg import (  # noqa: F401
    EighResult,
    EigResult,
    QRResult,
    SlogdetResult,
    SVDResult,
    cholesky,
    det,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    inv,
    lstsq,
    matmul,
    matrix_rank,
    norm,
    pinv,
    qr,
    slogdet,
    solve,
    svd,
    svdvals,
)
from ..ops.linalg.norms import _norm_general, _vector_norm_axis
from ..ops.linalg.norms import inexact as _inexact
from ..ops.linalg.products import outer as _outer


def vector_norm(x: _Any, /, *, axis: _Any = None, keepdims: bool = False,
                ord: _Any = 2) -> _Tensor:
    """``numpy.linalg.vector_norm``: several axes (or None: all) are flattened first."""
    x = _inexact(_as_tensor(x))
    shape = x.shape
    if axis is None:
        flat = _shp.reshape(x, (-1,))
        out = _vector_norm_axis(flat, ord, 0, False)
        return _shp.reshape(out, (1,) * len(shape)) if keepdims else out
    axes = (axis,) if not isinstance(axis, tuple) else axis
    axes = tuple(a % x.ndim for a in axes)
    if len(axes) == 1:
        return _vector_norm_axis(x, ord, axes[0], keepdims)
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = _shp.transpose(x, tuple(rest) + axes)
    # (the merged length explicit: -1 is ambiguous when another axis has length 0)
    merged = _shp.reshape(moved, tuple(shape[a] for a in rest)
                          + (int(_np.prod([shape[a] for a in axes])),))
    out = _vector_norm_axis(merged, ord, -1, False)
    if keepdims:
        out = _shp.reshape(out, tuple(1 if a in axes else n for a, n in enumerate(shape)))
    return out


def matrix_norm(x: _Any, /, *, keepdims: bool = False, ord: _Any = "fro") -> _Tensor:
    """``numpy.linalg.matrix_norm``: the norm of each matrix in the last two axes."""
    return _norm_general(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x: _Any, p: _Any = None) -> _Tensor:
    """``numpy.linalg.cond``: the condition number, differentiable."""
    x = _inexact(_as_tensor(x))
    if p is None or p == 2 or p == -2:
        s = svdvals(x)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    return (_norm_general(x, p, axis=(-2, -1)) * _norm_general(inv(x), p, axis=(-2, -1)))


# ---------------------------------------------------------------------------- products


def matrix_power(a: _Any, n: int) -> _Tensor:
    """``numpy.linalg.matrix_power`` by repeated squaring (NumPy's own order of products)."""
    a = _as_tensor(a)
    try:
        n = int(n)
    except TypeError as exc:
        raise TypeError("exponent must be an integer") from exc
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    if n == 0:
        # The identity, still connected to ``a`` (a zero gradient, as in PyTorch).
        eye = _np.broadcast_to(_np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return _ew.where(_np.ones(a.shape, dtype=bool), eye, a)
    if n < 0:
        a = inv(a)
        n = -n
    if n == 1:
        return a
    if n == 2:
        return matmul(a, a)
    if n == 3:
        return matmul(matmul(a, a), a)
    z = result = None
    while n > 0:
        z = a if z is None else matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def multi_dot(arrays: _Any, *, out: _Any = None) -> _Tensor:
    """``numpy.linalg.multi_dot``: the chain product in the cheapest order."""
    if out is not None:
        raise TypeError("multi_dot: out= is not supported by arraygrad")
    arrays = [_as_tensor(a) for a in arrays]
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    if n == 2:
        return matmul(arrays[0], arrays[1]) if arrays[0].ndim and arrays[1].ndim else \
            arrays[0] * arrays[1]
    first_1d, last_1d = arrays[0].ndim == 1, arrays[-1].ndim == 1
    if first_1d:
        arrays[0] = _shp.expand_dims(arrays[0], 0)
    if last_1d:
        arrays[-1] = _shp.expand_dims(arrays[-1], 1)
    dims = [arrays[0].shape[0]] + [a.shape[1] for a in arrays]
    order = _chain_order(dims)

    def product(i: int, j: int) -> _Tensor:
        if i == j:
            return arrays[i]
        k = order[i][j]
        return matmul(product(i, k), product(k + 1, j))

    result = product(0, n - 1)
    if first_1d and last_1d:
        return result[0, 0]
    if first_1d:
        return result[0]
    if last_1d:
        return result[:, 0]
    return result


def _chain_order(p: list) -> list:
    """Split points of the cheapest parenthesisation (the matrix-chain recurrence)."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def outer(x1: _Any, x2: _Any, /) -> _Tensor:
    """``numpy.linalg.outer``: of two vectors."""
    if _np.ndim(x1) != 1 or _np.ndim(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional")
    return _outer(x1, x2)


def diagonal(x: _Any, /, *, offset: int = 0) -> _Tensor:
    """The diagonal of each matrix in the last two axes."""
    x = _as_tensor(x)
    m, n = x.shape[-2:]
    rows = _np.arange(max(0, -offset), min(m, n - offset))
    return x[..., rows, rows + offset]


def trace(x: _Any, /, *, offset: int = 0, dtype: _Any = None) -> _Tensor:
    """The trace of each matrix in the last two axes (``numpy.linalg.trace``)."""
    return _red.sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)


def matrix_transpose(x: _Any, /) -> _Tensor:
    return _shp.swapaxes(_as_tensor(x), -1, -2)


def vecdot(x1: _Any, x2: _Any, /, *, axis: int = -1) -> _Tensor:
    """``sum(conj(x1) * x2, axis)`` (``numpy.linalg.vecdot``)."""
    x1 = _as_tensor(x1)
    if x1.dtype.kind == "c":
        x1 = _ew.conjugate(x1)
    return _red.sum(x1 * x2, axis=axis)


def cross(x1: _Any, x2: _Any, /, *, axis: int = -1) -> _Tensor:
    """The cross product of 3-vectors (``numpy.linalg.cross``)."""
    a = _shp.moveaxis(_as_tensor(x1), axis, -1)
    b = _shp.moveaxis(_as_tensor(x2), axis, -1)
    if a.shape[-1] != 3 or b.shape[-1] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors")
    i, j = _np.array([1, 2, 0]), _np.array([2, 0, 1])
    out = a[..., i] * b[..., j] - a[..., j] * b[..., i]
    return _shp.moveaxis(out, -1, axis)


def tensordot(x1: _Any, x2: _Any, /, *, axes: _Any = 2) -> _Tensor:
    from .. import numpy as anp

    return anp.tensordot(x1, x2, axes=axes)


def tensorinv(a: _Any, ind: int = 2) -> _Tensor:
    """``numpy.linalg.tensorinv``: the inverse of ``a`` seen as a matrix."""
    a = _as_tensor(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    old = a.shape
    prod = int(_np.prod(old[ind:]))
    inverse = inv(_shp.reshape(a, (int(_np.prod(old[:ind])), prod)))
    return _shp.reshape(inverse, old[ind:] + old[:ind])


def tensorsolve(a: _Any, b: _Any, axes: _Any = None) -> _Tensor:
    """``numpy.linalg.tensorsolve``: ``x`` with ``tensordot(a, x, x.ndim) == b``."""
    a, b = _as_tensor(a), _as_tensor(b)
    an = a.ndim
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(an, k)
        a = _shp.transpose(a, tuple(allaxes))
    oldshape = a.shape[-(an - b.ndim):]
    prod = int(_np.prod(oldshape))
    if a.size != prod**2:
        raise LinAlgError("Input arrays must satisfy the requirement "
                          "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = solve(_shp.reshape(a, (prod, prod)), _shp.reshape(b, (-1,)))
    return _shp.reshape(x, oldshape)
