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
from ..elementwise import imag, where
from ..shape import expand_dims, squeeze
from ._helpers import (
    _H,
    _NUMPY2,
    _T,
    _cj,
    _cx,
    _diag,
    _diag_embed,
    _mm,
    _ndim,
    _raw,
    _scipy_linalg,
    _tril,
    _triu,
)

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


# d det(A) = tr(adj(A) dA): the cotangent is g cof(A), the cofactor matrix adj(A)^T. It is
# det(A) A^-T where A is invertible, but unlike that formula it is defined (and smooth) at
# a singular A, so the cofactors are computed from the SVD, with no inverse.
defvjp(det, lambda g, ans, a: expand_dims(g, (-1, -2)) * _cofactor(a))


def _prod_but_one(s):
    """``p_i = prod_{k != i} s_k`` over the last axis, with no division (s may hold 0)."""
    n = s.shape[-1]
    return np.prod(np.where(np.eye(n, dtype=bool), 1, s[..., None, :]), axis=-1)


@primitive("LinalgCofactor", arity=1)
def _cofactor(a):
    """The cofactor matrix ``cof(A) = adj(A)^T`` (``det(A) A^-T`` when A is invertible).
    With ``A = U S V^H``: ``cof(A) = det(U) det(V^H) conj(U) diag(p) conj(V^H)``, ``p_i``
    the product of the singular values but the i-th, exact at rank-deficient A."""
    if a.shape[-1] == 0:
        return np.zeros_like(a)
    out = _cofactor_by_inverse(a)
    bad = np.ones(a.shape[:-2], dtype=bool) if out is None else np.isnan(out[..., 0, 0])
    if out is None or bad.any():
        u, s, vh = np.linalg.svd(a[bad])
        c = (np.linalg.det(u) * np.linalg.det(vh))[..., None, None]
        by_svd = c * ((np.conj(u) * _prod_but_one(s)[..., None, :]) @ np.conj(vh))
        if out is None:
            return by_svd.reshape(a.shape).astype(a.dtype, copy=False)
        out[bad] = by_svd
    return out


def _cofactor_by_inverse(a):
    """``det(A) A^-T`` (an LU, ~8x cheaper than the SVD) with NaN for each matrix whose
    1-norm condition number exceeds eps^-1/2 (its error is about cond(A) eps, so at most
    sqrt(eps) relative; the old rule used it everywhere); None if one is singular."""
    try:
        ai = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return None
    with np.errstate(all="ignore"):
        cond = np.linalg.norm(a, 1, axis=(-2, -1)) * np.linalg.norm(ai, 1, axis=(-2, -1))
        out = np.linalg.det(a)[..., None, None] * np.swapaxes(ai, -1, -2)
    ok = np.isfinite(cond) & (cond <= np.finfo(a.dtype).eps ** -0.5)
    return np.where(ok[..., None, None], out, np.nan)


def _cofactor_grad(g, ans, a):
    # cof(U M V^H) = c conj(U) cof(M) conj(V^H) (c = det U det V^H), and at the diagonal S
    # the derivative of cof is d cof(S)[M]_ii = sum_{k != i} P_ik M_kk and
    # d cof(S)[M]_ij = -P_ij M_ji (i != j), with P_ik = prod_{m not in {i, k}} s_m: no
    # division by gaps between singular values, so it is exact at singular A too. Its
    # transpose: gM = diag(P diag(gS)) - P * gS^T with gS = U^H g V^H, gA = c conj(U) gM
    # conj(V^H). Written with ops, so a third derivative goes through the SVD's rule.
    from ..reduce import prod
    from ..reduce import sum as _sum
    from .factorizations import _svd

    n = a.shape[-1]
    if n == 0:
        return g * 0
    u, s, vh = _svd(a, full_matrices=False)
    c = expand_dims(det(u) * det(vh), (-1, -2))
    i = np.arange(n)
    drop = (i[:, None, None] == i) | (i[None, :, None] == i)  # [i, k, m]: m in {i, k}
    pairs = prod(where(drop, 1, expand_dims(s, (-2, -3))), axis=-1)
    pairs = where(np.eye(n, dtype=bool), 0, pairs)
    gs = _mm(_mm(_H(u), g), _H(vh))
    gm = _diag_embed(_sum(pairs * expand_dims(_diag(gs), -2), axis=-1)) - pairs * _T(gs)
    return c * _mm(_mm(_cj(u), gm), _cj(vh))


defvjp(_cofactor, _cofactor_grad)


@primitive("LinalgSlogdet", nout=2)
def _slogdet(a):
    sign, logabsdet = np.linalg.slogdet(a)
    return sign, logabsdet


def _slogdet_grad(g, ans, a):
    # log det A = log(sign) + logabsdet and d log det A = tr(A^-1 dA) =: t, so
    # d logabsdet = Re t and d sign = i sign Im t (zero for real A). At a singular A
    # (sign 0, logabsdet -inf) the gradient is infinite: say so rather than return inv's
    # error or nonsense.
    g_sign, g_logabs = g
    if np.any(_raw(ans[0]) == 0):
        raise np.linalg.LinAlgError(
            f"slogdet: the gradient of logabsdet at a singular matrix (det == 0; input "
            f"shape {tuple(a.shape)}, dtype {a.dtype}) is infinite; differentiate det "
            "instead, or move the matrix off the singular set")
    coef = g_logabs
    if _cx(a):
        coef = coef + 1j * imag(g_sign * ans[0])
    return expand_dims(coef, (-1, -2)) * _T(inv(a))


defvjp(_slogdet, _slogdet_grad, save_ans=True)


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
