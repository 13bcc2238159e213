"""Inverses, linear solves (general and triangular) and determinants.

Each forward is NumPy's (or SciPy's) own LAPACK call on raw arrays, so values match
exactly; its VJP rule sits right below it and is written with arraygrad ops, so running it
with ``create_graph=True`` differentiates it again. Complex numbers follow JAX's
convention (the VJP of a holomorphic map is its plain transpose, no conjugation).
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..._backend import array_module
from ...core.primitive import defvjp, primitive
from ...core.tensor import Tensor
from ..elementwise import imag
from ..shape import expand_dims, squeeze
from ._helpers import _NUMPY2, _T, _cj, _cx, _mm, _ndim, _scipy_linalg, _tril, _triu

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])


# ---------------------------------------------------------------------------- inverse


@primitive("LinalgInv", arity=1)
def inv(a):
    return np.linalg.inv(a)


# d(A^-1) = -A^-1 dA A^-1, so the cotangent is -A^-T g A^-T.
defvjp(inv, lambda g, ans, a: -_mm(_mm(_T(ans), g), _T(ans)), save=False, save_ans=True)


@primitive("LinalgSolve", arity=2)
def _solve(a, b):
    return np.linalg.solve(a, b)


def _solve_grad_a(g, ans, a, b):
    return -_mm(_solve(_T(a), g), _T(ans))


defvjp(_solve, _solve_grad_a, lambda g, ans, a, b: _solve(_T(a), g), save_ans=True)


def _b_is_vector(a: Any, b: Any) -> bool:
    # NumPy 2: b is a stack of vectors only when it is 1-D; NumPy 1: when b.ndim == a.ndim-1.
    return _ndim(b) == 1 if _NUMPY2 else _ndim(b) == _ndim(a) - 1


def solve(a: Any, b: Any) -> Tensor:
    """``numpy.linalg.solve``: ``x`` with ``a @ x == b``, batched; differentiable in both."""
    if _b_is_vector(a, b):
        return squeeze(_solve(a, expand_dims(b, -1)), -1)
    return _solve(a, b)


# ---------------------------------------------------------------------------- determinants


@primitive("LinalgDet", arity=1)
def det(a):
    return np.linalg.det(a)


# d det(A) = det(A) tr(A^-1 dA): the cotangent is g det(A) A^-T.
defvjp(det, lambda g, ans, a: expand_dims(g * ans, (-1, -2)) * _T(inv(a)), save_ans=True)


@primitive("LinalgSlogdet", nout=2)
def _slogdet(a):
    sign, logabsdet = np.linalg.slogdet(a)
    return sign, logabsdet


def _slogdet_grad(g, ans, a):
    # log det A = log(sign) + logabsdet and d log det A = tr(A^-1 dA) =: t, so
    # d logabsdet = Re t and d sign = i sign Im t (zero for real A).
    g_sign, g_logabs = g
    coef = g_logabs
    if _cx(a):
        coef = coef + 1j * imag(g_sign * ans[0])
    return expand_dims(coef, (-1, -2)) * _T(inv(a))


defvjp(_slogdet, _slogdet_grad)


def slogdet(a: Any) -> SlogdetResult:
    """``numpy.linalg.slogdet``: ``(sign, logabsdet)``, both differentiable."""
    return SlogdetResult(*_slogdet(a))


# ---------------------------------------------------------------------------- triangular


def _trisolve_matrix(a, b, lower, trans, unit_diagonal):
    sl = _scipy_linalg()
    if sl is not None:
        return sl.solve_triangular(a, b, trans=trans, lower=lower,
                                   unit_diagonal=unit_diagonal, check_finite=False)
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        t = t.copy()
        np.fill_diagonal(t, 1)
    if trans == 1:
        t = t.T
    elif trans == 2:
        t = t.conj().T
    return np.linalg.solve(t, b)


@primitive("TriangularSolve", arity=2)
def _trisolve(a, b, lower=False, trans=0, unit_diagonal=False):
    """``op(a) x = b`` for triangular ``a`` (``op``: identity, transpose, conjugate
    transpose for ``trans`` 0, 1, 2) with ``b`` of shape (..., n, k), batched."""
    if a.ndim == 2 and b.ndim == 2:
        return _trisolve_matrix(a, b, lower, trans, unit_diagonal)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    out = array_module(a).empty(batch + b.shape[-2:], dtype=np.result_type(a, b, np.float32))
    for idx in np.ndindex(*batch):
        out[idx] = _trisolve_matrix(a[idx], b[idx], lower, trans, unit_diagonal)
    return out


def _trisolve_grad_b(g, ans, a, b, lower=False, trans=0, unit_diagonal=False):
    if trans == 0:
        return _trisolve(a, g, lower=lower, trans=1, unit_diagonal=unit_diagonal)
    if trans == 1:
        return _trisolve(a, g, lower=lower, trans=0, unit_diagonal=unit_diagonal)
    # x = (A^H)^-1 b: the transpose of that map is conj(A)^-1.
    return _cj(_trisolve(a, _cj(g), lower=lower, trans=0, unit_diagonal=unit_diagonal))


def _trisolve_grad_a(g, ans, a, b, lower=False, trans=0, unit_diagonal=False):
    gb = _trisolve_grad_b(g, ans, a, b, lower, trans, unit_diagonal)
    if trans == 0:
        ga = -_mm(gb, _T(ans))
    elif trans == 1:
        ga = -_mm(ans, _T(gb))
    else:
        ga = -_cj(_mm(ans, _T(gb)))
    k = -1 if unit_diagonal else 0
    return _tril(ga, k) if lower else _triu(ga, -k)


defvjp(_trisolve, _trisolve_grad_a, _trisolve_grad_b, save_ans=True)

_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2, "n": 0, "t": 1, "c": 2}


def solve_triangular(a: Any, b: Any, trans: Any = 0, lower: bool = False,
                     unit_diagonal: bool = False) -> Tensor:
    """Solve ``op(a) x = b`` for triangular ``a`` (``scipy.linalg.solve_triangular``);
    only the triangle of ``a`` that is read receives a gradient."""
    t = _TRANS[trans]
    if _ndim(b) == 1:
        return squeeze(_trisolve(a, expand_dims(b, -1), lower=lower, trans=t,
                                 unit_diagonal=unit_diagonal), -1)
    return _trisolve(a, b, lower=lower, trans=t, unit_diagonal=unit_diagonal)
