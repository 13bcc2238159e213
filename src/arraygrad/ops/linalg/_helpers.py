"""What the linear-algebra rules share: transposes, conjugates, diagonals and triangles
written with arraygrad ops (so rules built from them differentiate again)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core.mode import STATE
from ...core.tensor import Tensor
from ..elementwise import conjugate, where
from ..shape import expand_dims, swapaxes
from .products import _matmul, _ndim, _raw  # noqa: F401

_NUMPY2 = int(np.__version__.split(".")[0]) >= 2


# Rules see Tensors; these small pieces keep the formulas readable.


def _T(x):
    return swapaxes(x, -1, -2)


def _cx(x) -> bool:
    return x.dtype.kind == "c"


def _H(x):
    return _T(conjugate(x)) if _cx(x) else _T(x)


def _cj(x):
    return conjugate(x) if _cx(x) else x


def _mm(a, b):
    return _matmul(a, b)


def _eye(n: int, like: Any) -> np.ndarray:
    return np.eye(n, dtype=like.dtype)


def _diag(x):
    """``x[..., i, i]``: the diagonal of each matrix."""
    i = np.arange(min(x.shape[-2:]))
    return x[..., i, i]


def _diag_embed(d):
    return expand_dims(d, -1) * np.eye(d.shape[-1], dtype=d.dtype)


def _offdiag(x):
    return where(~np.eye(x.shape[-1], dtype=bool), x, 0)


def _tril(x, k: int = 0):
    return where(np.tri(x.shape[-2], x.shape[-1], k, dtype=bool), x, 0)


def _triu(x, k: int = 0):
    return where(~np.tri(x.shape[-2], x.shape[-1], k - 1, dtype=bool), x, 0)


def _pt(rule_output, out_like_complex: bool):
    return conjugate(rule_output) if out_like_complex else rule_output


def _requires_grad(*xs: Any) -> bool:
    """Whether any argument would be recorded (an op on it makes a graph node)."""
    return any(isinstance(x, Tensor) and x._rg and x._rg <= STATE.level for x in xs)




def _scipy_linalg():
    try:
        import scipy.linalg as sl
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return sl


def _require_scipy_linalg():
    sl = _scipy_linalg()
    if sl is None:
        raise ImportError("this function needs SciPy: pip install 'arraygrad[scipy]'")
    return sl


def _from_triangle(G, lower: bool):
    """The cotangent of ``A`` for a LAPACK routine that reads one triangle of ``A``
    (``eigh``/``eigvalsh`` with ``UPLO``, ``cholesky``), given ``G``, the (Hermitian)
    cotangent of the Hermitian matrix ``S`` it builds: ``S = tri(A) + tri(A, strict)^H``
    with a real diagonal. Entry ``A_ij`` of the triangle read appears as ``S_ij`` and as
    ``conj(S_ji)``, so it receives ``G_ij + conj(G_ji)``; the other triangle receives 0.
    This is the gradient of the very function NumPy evaluates, also on non-symmetric input.
    """
    keep = _tril if lower else _triu
    k = -1 if lower else 1
    diag = _diag(G)
    if _cx(G):
        from ..elementwise import real

        diag = real(diag)
    return keep(G, k) + keep(_T(_cj(G)), k) + expand_dims(diag, -1) * np.eye(
        G.shape[-1], dtype=diag.dtype)
