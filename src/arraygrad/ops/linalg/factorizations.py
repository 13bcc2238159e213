"""Factorizations: Cholesky, QR and the SVD (with the singular values alone).

Forwards are NumPy's LAPACK calls; each VJP rule is written with arraygrad ops. Several
rules are the well-known formulas of PyTorch's convention (``gA = V (...) V^H``); ``_pt``
turns such a formula into ours (JAX's), using ``ours(g) = conj(theirs(conj(g)))``.
Outputs with a free gauge (signs or phases of singular vectors) give gradients of
gauge-invariant functions only, as in every framework; repeated singular values have none.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ...core.primitive import defvjp, primitive
from ...core.tensor import Tensor
from ..elementwise import real
from ..shape import concatenate, expand_dims
from ._helpers import (
    _H,
    _NUMPY2,
    _T,
    _cj,
    _cx,
    _diag,
    _diag_embed,
    _eye,
    _from_triangle,
    _mm,
    _offdiag,
    _pt,
    _raw,
    _requires_grad,
    _triu,
)
from .solve import _trisolve

QRResult = namedtuple("QRResult", ["Q", "R"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


# ---------------------------------------------------------------------------- Cholesky


@primitive("LinalgCholesky", arity=1)
def _cholesky(a, upper=False):
    return np.linalg.cholesky(a, upper=True) if upper else np.linalg.cholesky(a)


def _cholesky_grad(g, ans, a, upper=False):
    # Murray (2016), arXiv:1602.07527: L' = L phi(L^-1 S' L^-H), phi = tril with the
    # diagonal halved. Its transpose: S = L^-T phi(L^T g) conj(L)^-1, then symmetrised
    # (the Hermitian-space gradient, as in PyTorch), then carried to the one triangle of
    # ``a`` that LAPACK reads (the lower, or the upper with ``upper=True``).
    L, gL = (_H(ans), _H(g)) if upper else (ans, g)
    n = L.shape[-1]
    phi = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    Y = _trisolve(L, _mm(_T(L), gL) * phi, lower=True, trans=1)
    S = _T(_trisolve(L, _T(Y), lower=True, trans=2))
    return _from_triangle((S + _H(S)) * 0.5, lower=not upper)


defvjp(_cholesky, _cholesky_grad, save=False, save_ans=True)


def cholesky(a: Any, upper: bool = False) -> Tensor:
    """``numpy.linalg.cholesky``. Only the triangle read (lower, or upper with
    ``upper=True``) receives a gradient: that of the function NumPy evaluates."""
    if upper:
        if not _NUMPY2:
            return _H(_cholesky(a))
        return _cholesky(a, upper=True)
    return _cholesky(a)


# ---------------------------------------------------------------------------- QR


@primitive("LinalgQr", nout=2)
def _qr(a, mode="reduced"):
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


def _qr_tall_pt(q, r, gq, gr):
    # m >= n, PyTorch convention: gA = (gQ + Q N) R^-H with N the Hermitian matrix built
    # from the upper triangle of M = gR R^H - Q^H gQ (real diagonal).
    M = _mm(gr, _H(r)) - _mm(_H(q), gq)
    up = _triu(M, 1)
    N = up + _H(up) + _diag_embed(real(_diag(M)))
    b = gq + _mm(q, N)
    return _H(_trisolve(r, _H(b), lower=False))


def _qr_grad(g, ans, a, mode="reduced"):
    gq, gr = g
    q, r = ans
    m, n = a.shape[-2:]
    if mode == "complete" and m > n:
        raise NotImplementedError(
            "linalg.qr: mode='complete' with more rows than columns is not differentiable "
            "(the extra columns of Q are an arbitrary basis); use mode='reduced'"
        )
    c = _cx(q)
    gq, gr = _cj(gq), _cj(gr)
    if m >= n:
        return _pt(_qr_tall_pt(q, r, gq, gr), c)
    # Wide: A = Q [R1 R2] with X = A[:, :m] = Q R1 and R2 = Q^H A[:, m:].
    y = a[..., :, m:]
    gr1, gr2 = gr[..., :, :m], gr[..., :, m:]
    gx = _qr_tall_pt(q, r[..., :, :m], gq + _mm(y, _H(gr2)), gr1)
    return _pt(concatenate([gx, _mm(q, gr2)], axis=-1), c)


defvjp(_qr, _qr_grad)


def qr(a: Any, mode: str = "reduced") -> Any:
    """``numpy.linalg.qr``: ``(Q, R)`` for 'reduced' and 'complete', ``R`` for 'r';
    differentiable except 'raw' (and 'complete' with more rows than columns)."""
    if mode == "raw":
        if _requires_grad(a):
            raise TypeError("linalg.qr(mode='raw') is not differentiable; use 'reduced'")
        h, tau = np.linalg.qr(_raw(a), mode="raw")
        return Tensor._make(h), Tensor._make(tau)
    if mode == "r":
        return _qr(a, mode="reduced")[1]
    if mode not in ("reduced", "complete"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    return QRResult(*_qr(a, mode=mode))


# ---------------------------------------------------------------------------- SVD


@primitive("LinalgSvd", nout=3)
def _svd(a, full_matrices=True, hermitian=False):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    return u, s, vh


def _svd_grad(g, ans, a, full_matrices=True, hermitian=False):
    # PyTorch's svd_backward (Townsend's note), A = U S V^H, k = min(m, n):
    # gA = U [ (skew(U^H gU) S + S skew(V^H gV)) / E + diag(gS) + diag(skew(U^H gU))/2S ] V^H
    #      + (I - U U^H) gU S^-1 V^H + U S^-1 gV^H (I - V V^H),
    # E_ij = s_j^2 - s_i^2. With full_matrices the extra columns of U and rows of Vh are
    # an arbitrary basis: their cotangents are ignored (as PyTorch and JAX do).
    gu, gs, gvh = g
    u, s, vh = ans
    m, n = a.shape[-2:]
    k = min(m, n)
    if full_matrices and m != n:
        u, gu = u[..., :, :k], gu[..., :, :k]
        vh, gvh = vh[..., :k, :], gvh[..., :k, :]
    c = _cx(u)
    gu, gvh = _cj(gu), _cj(gvh)
    v = _H(vh)
    J = _mm(_H(u), gu)
    J = J - _H(J)
    K = _mm(vh, _H(gvh))
    K = K - _H(K)
    s_row, s_col = expand_dims(s, -2), expand_dims(s, -1)
    s2 = s * s
    E = expand_dims(s2, -2) - expand_dims(s2, -1) + _eye(k, s)
    X = _offdiag((J * s_row + s_col * K) / E) + _diag_embed(gs)
    if c:
        X = X + _diag_embed(_diag(J) / (2 * s))
    if m > k:
        gA = _mm(_mm(u, X) + (gu - _mm(u, _mm(_H(u), gu))) / s_row, vh)
    elif n > k:
        gA = _mm(u, _mm(X, vh) + (gvh - _mm(_mm(gvh, v), vh)) / s_col)
    else:
        gA = _mm(_mm(u, X), vh)
    return _pt(gA, c)


defvjp(_svd, _svd_grad)


@primitive("LinalgSvdvals", arity=1)
def _svdvals(a, hermitian=False):
    return np.linalg.svd(a, compute_uv=False, hermitian=hermitian)


def _svdvals_grad(g, ans, a, hermitian=False):
    u, _, vh = _svd(a, full_matrices=False, hermitian=hermitian)
    return _cj(_mm(u * expand_dims(g, -2), vh))


defvjp(_svdvals, _svdvals_grad)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """``numpy.linalg.svd``: ``(U, S, Vh)``, or ``S`` with ``compute_uv=False``."""
    if hermitian:
        return _svd_hermitian(a, compute_uv)
    if not compute_uv:
        return _svdvals(a, hermitian=hermitian)
    return SVDResult(*_svd(a, full_matrices=full_matrices, hermitian=hermitian))


def _svd_hermitian(a: Any, compute_uv: bool) -> Any:
    """NumPy's ``hermitian=True`` path, step by step: ``eigh`` (which reads the lower
    triangle only), absolute values sorted descending, signs moved into ``Vh``. Composed,
    so the gradient is that of what NumPy computes, also on non-Hermitian input."""
    from ..elementwise import absolute, sign
    from ..index import take_along_axis
    from .eigen import eigh, eigvalsh

    if not compute_uv:
        s = absolute(eigvalsh(a))
        order = np.argsort(-_raw(s), axis=-1, kind="stable")
        return take_along_axis(s, order, axis=-1)
    w, u = eigh(a)
    sgn, s = sign(w), absolute(w)
    order = np.argsort(_raw(s), axis=-1)[..., ::-1]
    sgn = take_along_axis(sgn, order, axis=-1)
    s = take_along_axis(s, order, axis=-1)
    u = take_along_axis(u, order[..., None, :], axis=-1)
    return SVDResult(u, s, _H(u * expand_dims(sgn, -2)))


def svdvals(x: Any) -> Tensor:
    """The singular values (``numpy.linalg.svdvals``)."""
    return _svdvals(x)
