"""The pseudo-inverse, least squares and the rank (all through the SVD)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core.primitive import defvjp, primitive
from ...core.tensor import Tensor
from ..elementwise import conjugate, real
from ..shape import expand_dims, squeeze
from ._helpers import _H, _T, _cj, _cx, _eye, _mm, _raw, _requires_grad
from .factorizations import _svdvals

# ---------------------------------------------------------------------------- pinv, lstsq


@primitive("LinalgPinv", arity=1)
def _pinv(a, **kwargs):
    return np.linalg.pinv(a, **kwargs)


def _pinv_cotangent(g, p, a):
    # Golub & Pereyra: dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P.
    # The dA^H terms are not holomorphic; their transposes carry conjugates.
    m, n = a.shape[-2:]
    pt, cp, ca, gh = _T(p), _cj(p), _cj(a), _H(g)
    t1 = -_mm(_mm(pt, g), pt)
    t2 = _mm(_mm(_mm(_eye(m, a) - _mm(ca, cp), gh), cp), pt)
    t3 = _mm(_mm(_mm(pt, cp), gh), _eye(n, a) - _mm(cp, ca))
    return t1 + t2 + t3


defvjp(_pinv, lambda g, ans, a, **kw: _pinv_cotangent(g, ans, a), save_ans=True)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, **kwargs: Any) -> Tensor:
    """``numpy.linalg.pinv``; the gradient is that of a constant-rank pseudo-inverse."""
    if hermitian and _requires_grad(a):
        return _pinv_hermitian(a, rcond, **kwargs)
    if rcond is not None:
        kwargs["rcond"] = rcond
    return _pinv(a, hermitian=hermitian, **kwargs)


def _pinv_hermitian(a: Any, rcond: Any, rtol: Any = None) -> Tensor:
    """NumPy's pinv with ``hermitian=True`` composed from the Hermitian SVD (which reads
    one triangle), so the gradient is that of what NumPy computes."""
    from ..elementwise import conjugate as _conj
    from ..elementwise import where
    from .factorizations import svd

    if rcond is None:
        rcond = 1e-15 if rtol is None else rtol
    a = _conj(a) if _cx(a) else a
    u, s, vt = svd(a, full_matrices=False, hermitian=True)
    cutoff = np.asarray(rcond)[..., None] * np.amax(_raw(s), axis=-1, keepdims=True)
    large = _raw(s) > cutoff
    inv_s = where(large, 1 / where(large, s, 1), 0)
    res = _mm(_T(vt), expand_dims(inv_s, -1) * _T(u))
    return _conj(res) if _cx(res) else res


@primitive("LinalgLstsq", arity=2)
def _lstsq_solution(a, b, rcond=None):
    return np.linalg.lstsq(a, b, rcond=rcond)[0]


def _lstsq_pinv(a, rcond):
    m, n = a.shape[-2:]
    cut = np.finfo(a.dtype).eps * max(m, n) if rcond is None else rcond
    return _pinv(a, rcond=cut)


def _lstsq_grad_a(g, ans, a, b, rcond=None):
    # x = pinv(a) b: the cotangent of pinv(a) is g b^T.
    gp = expand_dims(g, -1) * expand_dims(b, -2) if b.ndim == 1 else _mm(g, _T(b))
    return _pinv_cotangent(gp, _lstsq_pinv(a, rcond), a)


def _lstsq_grad_b(g, ans, a, b, rcond=None):
    pt = _T(_lstsq_pinv(a, rcond))
    return squeeze(_mm(pt, expand_dims(g, -1)), -1) if g.ndim == 1 else _mm(pt, g)


defvjp(_lstsq_solution, _lstsq_grad_a, _lstsq_grad_b)


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """``numpy.linalg.lstsq``: ``(x, residuals, rank, s)``. ``x``, ``residuals`` and ``s``
    are differentiable (constant rank); ``rank`` is an integer."""
    x_raw, res_raw, rank, s_raw = np.linalg.lstsq(_raw(a), _raw(b), rcond=rcond)
    if not _requires_grad(a, b):
        return (Tensor._make(x_raw), Tensor._make(res_raw), rank, Tensor._make(s_raw))
    from ..reduce import sum as _sum

    x = _lstsq_solution(a, b, rcond=rcond)
    if res_raw.size:
        r = b - (squeeze(_mm(a, expand_dims(x, -1)), -1) if x.ndim == 1 else _mm(a, x))
        res = _sum(real(r * conjugate(r)) if _cx(r) else r * r, axis=0)
        if res.ndim == 0:
            res = expand_dims(res, 0)
    else:
        res = Tensor._make(res_raw)
    return (x, res, rank, _svdvals(a))


def matrix_rank(A: Any, *args: Any, **kwargs: Any) -> Tensor:
    """An integer: no gradient."""
    return Tensor._make(np.asarray(np.linalg.matrix_rank(_raw(A), *args, **kwargs)))
