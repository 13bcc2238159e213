"""``arraygrad.scipy.linalg``: triangular and Cholesky solves and matrix functions,
differentiable (batched over leading dimensions). SciPy's names over the primitives of
``ops/linalg/`` (``expm``, ``sqrtm`` and ``logm`` are in ``ops/linalg/matfun.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..ops import elementwise as ew
from ..ops import linalg as decomp
from ..ops.linalg._helpers import _T
from ..ops.linalg.matfun import expm, logm, sqrtm  # noqa: F401
from ..ops.linalg.solve import _solve, solve_triangular  # noqa: F401
from ._util import as_tensor, raw

__all__ = ["solve_triangular", "cho_factor", "cho_solve", "cholesky", "expm", "sqrtm",
           "logm", "inv", "det", "solve", "eigh", "svd", "qr", "pinv"]


def cho_factor(a: Any, lower: bool = False, overwrite_a: bool = False,
               check_finite: bool = True) -> tuple:
    """``(c, lower)``: the Cholesky factor in one triangle of ``c``; as in SciPy, the other
    triangle keeps the entries of ``a``."""
    a = as_tensor(a)
    factor = decomp.cholesky(a, upper=not lower)
    n = a.shape[-1]
    keep = np.tri(n, dtype=bool) if lower else ~np.tri(n, k=-1, dtype=bool)
    return ew.where(keep, factor, a), lower


def cho_solve(c_and_lower: tuple, b: Any, overwrite_b: bool = False,
              check_finite: bool = True) -> Tensor:
    """Solve ``A x = b`` given ``cho_factor(A)``."""
    c, lower = c_and_lower
    if lower:
        y = solve_triangular(c, b, trans=0, lower=True)
        return solve_triangular(c, y, trans=2, lower=True)
    y = solve_triangular(c, b, trans=2, lower=False)
    return solve_triangular(c, y, trans=0, lower=False)


def cholesky(a: Any, lower: bool = False, overwrite_a: bool = False,
             check_finite: bool = True) -> Tensor:
    """``scipy.linalg.cholesky``: upper by default (``A = U^H U``)."""
    return decomp.cholesky(a, upper=not lower)


def inv(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Tensor:
    return decomp.inv(a)


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Tensor:
    return decomp.det(a)


def solve(a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
          overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
          transposed: bool = False) -> Tensor:
    """``scipy.linalg.solve`` (a general solve; ``assume_a`` only picks SciPy's method)."""
    if transposed:
        a = _T(as_tensor(a))
    if np.ndim(raw(b)) == 1:
        return decomp.solve(a, b)
    return _solve(a, b)


def eigh(a: Any, lower: bool = True, eigvals_only: bool = False, **kwargs: Any) -> Any:
    if kwargs.get("b") is not None:
        raise NotImplementedError("eigh: the generalised problem (b=) is not supported")
    w, v = decomp.eigh(a, UPLO="L" if lower else "U")
    return w if eigvals_only else (w, v)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True, **kwargs: Any) -> Any:
    return decomp.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def qr(a: Any, mode: str = "full", **kwargs: Any) -> Any:
    modes = {"full": "complete", "economic": "reduced", "r": "r"}
    if mode not in modes:
        raise ValueError(f"qr: mode {mode!r} is not supported by arraygrad")
    out = decomp.qr(a, mode=modes[mode])
    return (out,) if mode == "r" else tuple(out)


def pinv(a: Any, **kwargs: Any) -> Tensor:
    return decomp.pinv(a)
