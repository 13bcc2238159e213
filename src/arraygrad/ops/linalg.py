"""Products and norms: matmul, dot, outer, inner, vdot, norm."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._core import defvjp, primitive
from .elementwise import conjugate, multiply, where
from .reduce import restore_reduced
from .shape import expand_dims, ravel, squeeze, swapaxes


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
)


def _ndim(x: Any) -> int:
    return x.ndim if hasattr(x, "ndim") else np.ndim(x)


def matmul(a: Any, b: Any) -> Tensor:
    """``a @ b`` with NumPy's rules for 1-D operands (promoted, then squeezed)."""
    na, nb = _ndim(a), _ndim(b)
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


defvjp(_vector_dot, lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a)


def dot(a: Any, b: Any, out: Any = None) -> Tensor:
    """NumPy's ``dot``: scalars multiply, vectors and matrices as ``matmul``, and for N-D
    a sum product over the last axis of ``a`` and the second-to-last of ``b``."""
    if out is not None:
        raise TypeError("dot: out= is not supported by arraygrad; use the returned tensor")
    na, nb = _ndim(a), _ndim(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    from .. import numpy as anp  # tensordot lives with the wider NumPy surface

    return anp.tensordot(a, b, axes=([na - 1], [max(nb - 2, 0)]))


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def inner(a: Any, b: Any) -> Tensor:
    na, nb = _ndim(a), _ndim(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    if na == 1 and nb == 1:
        return _vector_dot(a, b)
    return matmul(a, _mT(b)) if nb >= 2 else matmul(a, b)


def outer(a: Any, b: Any, out: Any = None) -> Tensor:
    if out is not None:
        raise TypeError("outer: out= is not supported by arraygrad; use the returned tensor")
    return expand_dims(ravel(a), 1) * expand_dims(ravel(b), 0)


def vdot(a: Any, b: Any) -> Tensor:
    """Dot product of the flattened inputs, conjugating the first (NumPy's ``vdot``)."""
    a = ravel(a)
    if np.iscomplexobj(_raw(a)):
        a = conjugate(a)
    return _vector_dot(a, ravel(b))


@primitive("LinalgVectorNorm")
def _norm2(x, axis=None, keepdims=False):
    if axis is None:
        out = np.linalg.norm(x.reshape(-1))
        return out.reshape((1,) * x.ndim) if keepdims else out
    return np.linalg.norm(x, axis=axis, keepdims=keepdims)


def _norm2_grad(g, ans, x, axis=None, keepdims=False):
    # d|x|/dx = x / |x|; at x = 0 we pick 0 (the minimum-norm subgradient, as PyTorch).
    ans = restore_reduced(ans, x, axis, keepdims)
    safe = where(ans.data == 0, 1, ans)
    xc = conjugate(x) if x.dtype.kind == "c" else x
    return restore_reduced(g, x, axis, keepdims) * xc / safe


defvjp(_norm2, _norm2_grad, save_ans=True)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``numpy.linalg.norm``. The 2-norm and Frobenius norm are built in here; other
    ``ord`` values come with the wider linalg module."""
    if ord is None or (ord == 2 and axis is not None and not isinstance(axis, tuple)) or (
        ord == "fro"
    ):
        if isinstance(axis, tuple) and len(axis) == 1:
            axis = axis[0]
        return _norm2(x, axis=axis, keepdims=keepdims)
    from ..numpy import linalg as _linalg

    impl = getattr(_linalg, "_norm_general", None)
    if impl is None:
        raise NotImplementedError(
            f"linalg.norm: ord={ord!r} is not supported yet by arraygrad; "
            "ord=None (2-norm / Frobenius) is"
        )
    return impl(x, ord=ord, axis=axis, keepdims=keepdims)
