"""Linear algebra: inverses, solvers, determinants and decompositions.

Each forward is NumPy's own LAPACK call on raw arrays (so values match ``numpy.linalg``
exactly); its VJP rule sits right below it and is written with arraygrad ops, so running
it with ``create_graph=True`` differentiates it again.

Complex numbers follow JAX's convention (the VJP of a holomorphic map is its plain
transpose, no conjugation). Several rules below are the well-known formulas of PyTorch's
convention (``gA = V (...) V^H``); ``_pt`` turns such a formula into ours, using
``ours(g) = conj(theirs(conj(g)))``. Decompositions whose outputs have a free gauge
(signs or phases of eigen/singular vectors) give gradients of gauge-invariant functions
only, as in every framework; repeated eigenvalues / singular values have no gradient.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .._backend import array_module
from ..core.mode import STATE
from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from .elementwise import conjugate, imag, real, where
from .linalg import _matmul, _ndim, _raw
from .shape import concatenate, expand_dims, squeeze, swapaxes

__all__ = [
    "inv", "solve", "det", "slogdet", "cholesky", "qr", "eigh", "eigvalsh", "eig", "eigvals",
    "svd", "svdvals", "pinv", "lstsq", "matrix_rank", "solve_triangular", "expm",
    "matrix_function_vjp", "EighResult", "EigResult", "SVDResult", "QRResult",
    "SlogdetResult",
]

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])

_NUMPY2 = int(np.__version__.split(".")[0]) >= 2


# ---------------------------------------------------------------------------- helpers
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


def _scipy_linalg():
    try:
        import scipy.linalg as sl
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return sl


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


# ---------------------------------------------------------------------------- Cholesky


@primitive("LinalgCholesky", arity=1)
def _cholesky(a, upper=False):
    return np.linalg.cholesky(a, upper=True) if upper else np.linalg.cholesky(a)


def _cholesky_grad(g, ans, a, upper=False):
    # Murray (2016), arXiv:1602.07527: L' = L phi(L^-1 S' L^-H), phi = tril with the
    # diagonal halved. Its transpose: S = L^-T phi(L^T g) conj(L)^-1, then symmetrised
    # (the input is Hermitian; the gradient is taken in that space, as in PyTorch).
    L, gL = (_H(ans), _H(g)) if upper else (ans, g)
    n = L.shape[-1]
    phi = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    Y = _trisolve(L, _mm(_T(L), gL) * phi, lower=True, trans=1)
    S = _T(_trisolve(L, _T(Y), lower=True, trans=2))
    return (S + _H(S)) * 0.5


defvjp(_cholesky, _cholesky_grad, save=False, save_ans=True)


def cholesky(a: Any, upper: bool = False) -> Tensor:
    """``numpy.linalg.cholesky``. The gradient treats ``a`` as Hermitian (symmetric)."""
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
    return _pt(_mm(_mm(v, X), _H(v)), c)


defvjp(_eigh, _eigh_grad)


def eigh(a: Any, UPLO: str = "L") -> EighResult:
    """``numpy.linalg.eigh``: ``(eigenvalues, eigenvectors)``. Only the ``UPLO`` triangle
    is read; the gradient is the Hermitian one (the input is taken to be Hermitian)."""
    return EighResult(*_eigh(a, UPLO=UPLO))


@primitive("LinalgEigvalsh", arity=1)
def _eigvalsh(a, UPLO="L"):
    return np.linalg.eigvalsh(a, UPLO)


def _eigvalsh_grad(g, ans, a, UPLO="L"):
    _, v = _eigh(a, UPLO=UPLO)
    # PyTorch: V diag(g) V^H; ours is its conjugate.
    return _mm(_cj(v) * expand_dims(g, -2), _T(v))


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
    if not compute_uv:
        return _svdvals(a, hermitian=hermitian)
    return SVDResult(*_svd(a, full_matrices=full_matrices, hermitian=hermitian))


def svdvals(x: Any) -> Tensor:
    """The singular values (``numpy.linalg.svdvals``)."""
    return _svdvals(x)


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
    if rcond is not None:
        kwargs["rcond"] = rcond
    return _pinv(a, hermitian=hermitian, **kwargs)


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
    from .reduce import sum as _sum

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


# ---------------------------------------------------------------------------- matrix functions


def matrix_function_vjp(fn, a, g):
    """The cotangent of ``fn(a)`` for a primary matrix function ``fn`` (expm, logm, sqrtm):
    ``L_f(a^T, g)``, the upper-right block of ``fn([[a^T, g], [0, a^T]])``. Written with
    ``fn`` itself, so it differentiates again."""
    n = a.shape[-1]
    at = _T(a)
    zero = at * 0
    big = concatenate([concatenate([at, g], axis=-1), concatenate([zero, at], axis=-1)],
                      axis=-2)
    return fn(big)[..., :n, n:]


def _require_scipy_linalg():
    sl = _scipy_linalg()
    if sl is None:
        raise ImportError("this function needs SciPy: pip install 'arraygrad[scipy]'")
    return sl


@primitive("LinalgMatrixExp", arity=1)
def expm(a):
    return _require_scipy_linalg().expm(a)


defvjp(expm, lambda g, ans, a: matrix_function_vjp(expm, a, g))

