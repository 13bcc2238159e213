"""Norms: the 2-norm (Frobenius for matrices) as one primitive, and every other ``ord`` of
``numpy.linalg.norm`` composed from ops (and the singular values for 2, -2, 'nuc')."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core.primitive import defvjp, primitive
from ...core.tensor import Tensor
from .. import elementwise as ew
from .. import reduce as red
from .. import shape as shp
from .._compose import as_tensor
from ..elementwise import conjugate, where
from ..reduce import restore_reduced
from .factorizations import svdvals


def inexact(x: Tensor) -> Tensor:
    """Integers and booleans are measured as float64, as NumPy does."""
    return ew.astype(x, np.float64) if x.dtype.kind not in "fc" else x


@primitive("LinalgVectorNorm")
def _norm2(x, axis=None, keepdims=False):
    if axis is None:
        out = np.linalg.norm(x.reshape(-1))
        return out.reshape((1,) * x.ndim) if keepdims else out
    return np.linalg.norm(x, axis=axis, keepdims=keepdims)


def _norm2_grad(g, ans, x, axis=None, keepdims=False):
    # d|x|/dx = x / |x|; at x = 0 we pick 0 (the minimum-norm subgradient, as PyTorch).
    ans = restore_reduced(ans, x, axis, keepdims)
    safe = where(ans._data == 0, 1, ans)
    xc = conjugate(x) if x.dtype.kind == "c" else x
    return restore_reduced(g, x, axis, keepdims) * xc / safe


defvjp(_norm2, _norm2_grad, save_ans=True)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``numpy.linalg.norm``: every vector and matrix ``ord`` NumPy has."""
    if ord is None or (ord == 2 and axis is not None and not isinstance(axis, tuple)) or (
        ord == "fro"
    ):
        if isinstance(axis, tuple) and len(axis) == 1:
            axis = axis[0]
        return _norm2(x, axis=axis, keepdims=keepdims)
    return _norm_general(x, ord=ord, axis=axis, keepdims=keepdims)


def _vector_norm_axis(x: Tensor, ord: Any, axis: int, keepdims: bool) -> Tensor:
    if ord is None or ord == 2:
        return _norm2(x, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return red.amax(ew.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return red.amin(ew.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        # The number of non-zero entries: a count, with no gradient.
        nz = (x._data != 0).astype(np.real(x._data).dtype)
        return Tensor._make(np.sum(nz, axis=axis, keepdims=keepdims))
    if ord == 1:
        return red.sum(ew.abs(x), axis=axis, keepdims=keepdims)
    return red.sum(ew.abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm_axes(x: Tensor, ord: Any, axes: tuple, keepdims: bool) -> Tensor:
    nd = x.ndim
    row, col = (a % nd for a in axes)
    if row == col:
        raise ValueError("Duplicate axes given.")
    if ord in (2, -2, "nuc"):
        s = svdvals(shp.moveaxis(x, (row, col), (-2, -1)))
        if ord == 2:
            out = red.amax(s, axis=-1)
        elif ord == -2:
            out = red.amin(s, axis=-1)
        else:
            out = red.sum(s, axis=-1)
    elif ord in (1, -1):
        reduce = red.amax if ord == 1 else red.amin
        out = reduce(red.sum(ew.abs(x), axis=row), axis=col - 1 if col > row else col)
    elif ord in (np.inf, -np.inf):
        reduce = red.amax if ord == np.inf else red.amin
        out = reduce(red.sum(ew.abs(x), axis=col), axis=row - 1 if row > col else row)
    elif ord in (None, "fro", "f"):
        out = _norm2(x, axis=(row, col), keepdims=False)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(x.shape)
        shape[row] = shape[col] = 1
        out = shp.reshape(out, tuple(shape))
    return out


def _norm_general(x: Any, ord: Any = None, axis: Any = None,
                  keepdims: bool = False) -> Tensor:
    """Every ``ord`` of ``numpy.linalg.norm``: vector ords (inf, -inf, 0, 1, 2, p) and
    matrix ords ('fro', 'nuc', 1, -1, 2, -2, inf, -inf)."""
    x = inexact(as_tensor(x))
    if axis is None:
        if ord is None:
            return _norm2(x, axis=None, keepdims=keepdims)
        if x.ndim not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(x.ndim))
    elif not isinstance(axis, tuple):
        try:
            axis = (int(axis),)
        except TypeError as exc:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from exc
    if len(axis) == 1:
        return _vector_norm_axis(x, ord, axis[0], keepdims)
    if len(axis) == 2:
        return _matrix_norm_axes(x, ord, axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")
