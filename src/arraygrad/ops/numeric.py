"""Numerical routines made of ops: convolution and correlation, interpolation, covariance,
phase unwrapping, Vandermonde matrices, and the polynomial helpers (``polyval``,
``polymul`` ...). Each is a composite: NumPy's function when nothing records, and a
differentiable construction from other ops when something does."""

from __future__ import annotations

import numpy as np

from ..core.tensor import Tensor
from ._compose import as_tensor as _t
from ._compose import composite, records
from ._compose import data_of as _d
from .elementwise import conjugate, power, real, remainder, sqrt, where
from .index import diagonal, take
from .linalg.eigen import eigvals
from .linalg.least_squares import lstsq
from .linalg.products import _matmul, dot
from .reduce import average, sum
from .shape import atleast_1d, atleast_2d, concatenate, flip, ravel, reshape, squeeze, transpose

__all__ = [
    "convolve", "correlate", "interp", "cov", "corrcoef", "unwrap", "vander", "polyval",
    "polyadd", "polysub", "polymul", "polyder", "polyint", "polydiv", "poly", "polyfit", "roots",
]


# ---------------------------------------------------------------------------- convolution


@composite(np.convolve)
def convolve(a, v, mode="full"):
    """Discrete linear convolution of 1-D sequences: a Toeplitz gather of the longer one
    times the shorter one, so both get their gradients."""
    a, v = ravel(_t(a)), ravel(_t(v))
    if a.shape[0] == 0 or v.shape[0] == 0:
        raise ValueError("v cannot be empty" if v.shape[0] == 0 else "a cannot be empty")
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    n, m = a.shape[0], v.shape[0]
    dtype = np.result_type(a.dtype, v.dtype)
    zeros = Tensor(np.zeros(m - 1, dtype=a.dtype))
    padded = concatenate([zeros, a, zeros]) if m > 1 else a
    k = np.arange(n + m - 1)[:, None]
    j = np.arange(m)[None, :]
    full = _matmul(take(padded, k + (m - 1) - j), reshape(v, (m, 1)))[:, 0]
    if full.dtype != dtype:
        full = full.astype(dtype)
    if mode == "full":
        return full
    if mode == "same":
        start = (m - 1) // 2
        return full[start:start + n]
    if mode == "valid":
        return full[m - 1:n]
    raise ValueError(f"mode must be one of 'full', 'same' or 'valid', not {mode!r}")


@composite(np.correlate)
def correlate(a, v, mode="valid"):
    """``c[k] = sum_n a[n + k] conj(v[n])``: a convolution with ``v`` reversed and
    conjugated."""
    a, v = ravel(_t(a)), ravel(_t(v))
    if v.dtype.kind == "c":
        v = conjugate(v)
    if mode != "same" or a.shape[0] >= v.shape[0]:
        return convolve(a, flip(v, 0), mode)
    # NumPy centres the 'same' window on the correlation of the longer with the shorter
    # sequence, then reverses it: for an even-length shorter ``a`` that window starts one
    # later than convolution's (the full correlation is the same either way).
    n = a.shape[0]
    start = n - 1 - (n - 1) // 2
    return convolve(a, flip(v, 0), "full")[start:start + v.shape[0]]


# ---------------------------------------------------------------------------- interpolation


@composite(np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation; differentiable in ``x`` (the slope) and in ``fp``
    (the values). The sample points ``xp`` are constants."""
    if records(xp):
        raise TypeError("numpy.interp: the sample points xp are constants in arraygrad; "
                        "detach them (gradients flow to x and fp)")
    x, fp = _t(x), _t(fp)
    xp = np.asarray(_d(xp), dtype=np.float64)
    if xp.ndim != 1 or fp.ndim != 1 or xp.shape[0] != fp.shape[0]:
        raise ValueError("fp and xp are not of the same length.")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        x = remainder(x, period)
        xp = np.mod(xp, period)
        order = np.argsort(xp)
        xp = xp[order]
        fp = take(fp, order)
        xp = np.concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = concatenate([fp[-1:], fp, fp[0:1]])
    xd = np.asarray(_d(x))
    n = xp.shape[0]
    if n == 1:
        lo = np.zeros(xd.shape, dtype=np.int64)
        y = take(fp, lo)
    else:
        lo = np.clip(np.searchsorted(xp, xd, side="right") - 1, 0, n - 2)
        x0, x1 = xp[lo], xp[lo + 1]
        f0, f1 = take(fp, lo), take(fp, lo + 1)
        y = f0 + (f1 - f0) * ((x - x0) / (x1 - x0))
        y = where(xd == x1, f1, y)  # exact at the sample points, as NumPy
    below, above = xd < xp[0], xd > xp[-1]
    if np.any(below):
        y = where(below, fp[0] if left is None else left, y)
    if np.any(above):
        y = where(above, fp[-1] if right is None else right, y)
    return y


# ---------------------------------------------------------------------------- statistics


@composite(np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """The covariance matrix, as NumPy computes it (weights are constants)."""
    if records(fweights) or records(aweights):
        raise TypeError("numpy.cov: fweights and aweights are constants in arraygrad")
    X = atleast_2d(_t(m))
    if not rowvar and X.shape[0] != 1:
        X = transpose(X)
    if X.shape[0] == 0:
        return Tensor(np.array([]).reshape(0, 0))
    if y is not None:
        Y = atleast_2d(_t(y))
        if not rowvar and Y.shape[0] != 1:
            Y = transpose(Y)
        X = concatenate((X, Y), axis=0)
    if dtype is None:
        dtype = np.result_type(X.dtype, np.float64)
    if X.dtype != dtype:
        X = X.astype(dtype)
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = np.asarray(_d(fweights), dtype=float)
    if aweights is not None:
        aw = np.asarray(_d(aweights), dtype=float)
        w = aw if w is None else w * aw
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = float(np.real(np.asarray(_d(w_sum))[0]))
    if w is None:
        fact = X.shape[1] - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * float(np.sum(w * aw)) / w_sum
    fact = max(fact, 0.0)
    X = X - avg[:, None]
    X_T = transpose(X) if w is None else transpose(X * w)
    c = dot(X, conjugate(X_T) if X_T.dtype.kind == "c" else X_T)
    return squeeze(c * (1.0 / np.float64(fact)))


@composite(np.corrcoef)
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = diagonal(c)
    stddev = sqrt(real(d) if d.dtype.kind == "c" else d)
    c = c / stddev[:, None]
    c = c / stddev[None, :]
    if c.dtype.kind == "c":
        return c  # NumPy clips the real part only; clipping is the identity inside [-1, 1]
    from .elementwise import clip

    return clip(c, -1, 1)


@composite(np.unwrap)
def unwrap(p, discont=None, axis=-1, *, period=2 * np.pi):
    """Adds multiples of ``period`` (constants) to remove jumps: the gradient is the
    identity."""
    p = _t(p)
    data = np.asarray(_d(p))
    return p + (np.unwrap(data, discont, axis, period=period) - data)


@composite(np.vander)
def vander(x, N=None, increasing=False):
    x = ravel(_t(x))
    n = x.shape[0] if N is None else int(N)
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return power(x[:, None], powers[None, :])


# ---------------------------------------------------------------------------- polynomials


@composite(np.polyval)
def polyval(p, x):
    """Horner's scheme, as NumPy."""
    p = atleast_1d(_t(p))
    x = _t(x)
    y = x * 0
    for i in range(p.shape[0]):
        y = y * x + p[i]
    return y


def _pad_front(a: Tensor, n: int) -> Tensor:
    if a.shape[0] >= n:
        return a
    return concatenate([Tensor(np.zeros(n - a.shape[0], dtype=a.dtype)), a])


@composite(np.polyadd)
def polyadd(a1, a2):
    a1, a2 = atleast_1d(_t(a1)), atleast_1d(_t(a2))
    n = max(a1.shape[0], a2.shape[0])
    return _pad_front(a1, n) + _pad_front(a2, n)


@composite(np.polysub)
def polysub(a1, a2):
    a1, a2 = atleast_1d(_t(a1)), atleast_1d(_t(a2))
    n = max(a1.shape[0], a2.shape[0])
    return _pad_front(a1, n) - _pad_front(a2, n)


@composite(np.polymul)
def polymul(a1, a2):
    return convolve(atleast_1d(_t(a1)), atleast_1d(_t(a2)))


@composite(np.polyder)
def polyder(p, m=1):
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = atleast_1d(_t(p))
    for _ in range(m):
        n = p.shape[0] - 1
        p = p[:-1] * np.arange(n, 0, -1)
    return p


@composite(np.polyint)
def polyint(p, m=1, k=None):
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k = np.zeros(m) if k is None else k
    k = _t(k)
    if k.ndim == 0:
        k = reshape(k, (1,)) * np.ones(m)
    p = atleast_1d(_t(p))
    for i in range(m):
        p = concatenate([p / np.arange(p.shape[0], 0, -1), reshape(k[i], (1,))])
    return p


@composite(np.polydiv)
def polydiv(u, v):
    """Polynomial long division, ``(quotient, remainder)``, as NumPy performs it."""
    from .shape import stack

    u, v = atleast_1d(_t(u)) * 1.0, atleast_1d(_t(v)) * 1.0
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = 1.0 / v[0]
    r = [u[i] for i in range(m + 1)]
    q = []
    for k in range(m - n + 1):
        d = scale * r[k]
        q.append(d)
        for j in range(n + 1):
            r[k + j] = r[k + j] - d * v[j]
    if not q:
        q = [u[0] * 0]
    while len(r) > 1 and np.allclose(np.asarray(_d(r[0])), 0, rtol=1e-14):
        r = r[1:]
    return stack(q), stack(r)


@composite(np.poly)
def poly(seq_of_zeros):
    """The coefficients of the monic polynomial with the given roots (1-D input)."""
    z = _t(seq_of_zeros)
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0] != 0:
        raise TypeError("numpy.poly of a matrix (its characteristic polynomial) needs "
                        "eigenvalues: not differentiable in arraygrad (yet)")
    if z.ndim != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    a = Tensor(np.ones(1, dtype=z.dtype))
    for i in range(z.shape[0]):
        a = convolve(a, concatenate([Tensor(np.ones(1, dtype=z.dtype)), -z[i:i + 1]]))
    if a.dtype.kind == "c":
        roots = np.asarray(_d(z), dtype=complex)
        if np.all(np.sort(roots) == np.sort(roots.conjugate())):
            a = real(a)
    return a





@composite(np.polyfit)
def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit, as NumPy solves it (scaled Vandermonde + lstsq);
    differentiable in ``y`` (and ``x``, ``w``) through ``linalg.lstsq``."""
    if full or cov:
        raise TypeError("numpy.polyfit(..., full=True or cov=True) is not differentiable in "
                        "arraygrad (yet)")
    order = int(deg) + 1
    x, y = _t(x) * 1.0, _t(y) * 1.0
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if x.ndim != 1 or x.shape[0] == 0 or y.ndim not in (1, 2) or x.shape[0] != y.shape[0]:
        raise TypeError("expected non-empty 1-D x and y of the same length")
    if rcond is None:
        rcond = x.shape[0] * np.finfo(x.dtype).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = _t(w) * 1.0
        lhs = lhs * w[:, None]
        rhs = rhs * w if rhs.ndim == 1 else rhs * w[:, None]
    scale = sqrt(sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c = lstsq(lhs, rhs, rcond)[0]
    return c / scale if c.ndim == 1 else c / scale[:, None]


@composite(np.roots)
def roots(p):
    """The roots of a polynomial: eigenvalues of its companion matrix (differentiable
    through ``linalg.eigvals`` where the roots are simple)."""
    from .index import setitem

    p = atleast_1d(_t(p))
    if p.ndim != 1:
        raise ValueError("Input must be a rank-1 array.")
    nz = np.nonzero(np.ravel(_d(p)))[0]
    if len(nz) == 0:
        return Tensor(np.array([]))
    trailing = p.shape[0] - int(nz[-1]) - 1
    p = p[int(nz[0]):int(nz[-1]) + 1]
    n = p.shape[0]
    if n > 1:
        a = Tensor(np.diag(np.ones(n - 2, dtype=np.result_type(p.dtype, float)), -1))
        a = setitem(a, 0, -p[1:] / p[0])
        r = eigvals(a)
    else:
        r = Tensor(np.array([]))
    if trailing:
        r = concatenate([r, Tensor(np.zeros(trailing, dtype=r.dtype))])
    return r
