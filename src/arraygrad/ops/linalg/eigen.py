"""Eigen-decompositions: ``eigh``/``eigvalsh`` (Hermitian, one triangle read) and
``eig``/``eigvals`` (general).

Forwards are NumPy's LAPACK calls; rules follow PyTorch's formulas turned into JAX's
convention by ``_pt``. Eigenvectors have a free gauge (sign or phase): only
gauge-invariant functions of them have gradients; repeated eigenvalues have none.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ...core.primitive import defvjp, primitive
from ...core.tensor import Tensor
from ..elementwise import real
from ..shape import expand_dims
from ._helpers import _H, _T, _cj, _cx, _diag, _diag_embed, _eye, _from_triangle, _mm, _offdiag, _pt
from .solve import _solve

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def _lower(UPLO: str) -> bool:
    if str(UPLO).upper() not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return str(UPLO).upper() == "L"


# ---------------------------------------------------------------------------- eigen


@primitive("LinalgEigh", nout=2)
def _eigh(a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO)
    return w, v


def _eigh_grad(g, ans, a, UPLO="L"):
    # gA = V (diag(gw) + skew(V^H gV)/2 / E) V^H with E_ij = w_j - w_i (PyTorch).
    gw, gv = g
    w, v = ans
    c = _cx(v)
    gv = _cj(gv)
    K = _mm(_H(v), gv)
    K = (K - _H(K)) * 0.5
    E = expand_dims(w, -2) - expand_dims(w, -1) + _eye(w.shape[-1], w)
    X = _offdiag(K / E) + _diag_embed(gw)
    return _from_triangle(_pt(_mm(_mm(v, X), _H(v)), c), _lower(UPLO))


defvjp(_eigh, _eigh_grad)


def eigh(a: Any, UPLO: str = "L") -> EighResult:
    """``numpy.linalg.eigh``: ``(eigenvalues, eigenvectors)``. Only the ``UPLO`` triangle
    is read, so only it receives a gradient (that of the function NumPy evaluates)."""
    return EighResult(*_eigh(a, UPLO=UPLO))


@primitive("LinalgEigvalsh", arity=1)
def _eigvalsh(a, UPLO="L"):
    return np.linalg.eigvalsh(a, UPLO)


def _eigvalsh_grad(g, ans, a, UPLO="L"):
    _, v = _eigh(a, UPLO=UPLO)
    # PyTorch: V diag(g) V^H; ours is its conjugate.
    return _from_triangle(_mm(_cj(v) * expand_dims(g, -2), _T(v)), _lower(UPLO))


defvjp(_eigvalsh, _eigvalsh_grad)


def eigvalsh(a: Any, UPLO: str = "L") -> Tensor:
    return _eigvalsh(a, UPLO=UPLO)


@primitive("LinalgEig", nout=2)
def _eig(a):
    w, v = np.linalg.eig(a)
    return w, v


def _eig_grad(g, ans, a):
    # PyTorch: gA = V^-H (diag(gw) + (V^H gV - V^H V diag(Re(V^H gV))) / conj(E)) V^H,
    # E_ij = w_j - w_i; the second term accounts for NumPy's unit-norm eigenvectors.
    gw, gv = g
    w, v = ans
    c = _cx(v)
    gw, gv = _cj(gw), _cj(gv)
    vh = _H(v)
    K = _mm(vh, gv)
    K = K - _mm(vh, v * expand_dims(real(_diag(K)), -2))
    E = _cj(expand_dims(w, -2) - expand_dims(w, -1)) + _eye(w.shape[-1], w)
    X = _offdiag(K / E) + _diag_embed(gw)
    return _pt(_solve(vh, _mm(X, vh)), c)


defvjp(_eig, _eig_grad)


def eig(a: Any) -> EigResult:
    """``numpy.linalg.eig`` (distinct eigenvalues; gauge-invariant functions of the
    unit-norm eigenvectors)."""
    return EigResult(*_eig(a))


@primitive("LinalgEigvals", arity=1)
def _eigvals(a):
    return np.linalg.eigvals(a)


def _eigvals_grad(g, ans, a):
    w, v = _eig(a)
    vh = _H(v)
    return _pt(_solve(vh, _mm(_diag_embed(_cj(g)), vh)), _cx(v))


defvjp(_eigvals, _eigvals_grad)


def eigvals(a: Any) -> Tensor:
    return _eigvals(a)
