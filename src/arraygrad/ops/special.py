"""SciPy's special functions as primitives (``arraygrad.scipy.special`` names them).

Each function is SciPy's own ufunc on raw arrays (values match SciPy exactly) with its
derivative rule below it, written with these same functions so it differentiates again.
``logsumexp``, ``softmax``, ``log_softmax`` and ``multigammaln`` are composed from ops.
Derivatives that have no closed form (with respect to the shape parameter of
``gammainc``, ``betainc``, ``stdtr``...) are refused by name, never returned as zeros.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from . import elementwise as ew
from . import reduce as red
from . import shape as shp
from ._scipy_support import as_tensor, no_grad_for, raw, require

__all__ = [
    "logsumexp", "softmax", "log_softmax", "expit", "log_expit", "logit", "erf", "erfc",
    "erfinv", "erfcinv", "gamma", "gammaln", "digamma", "psi", "polygamma",
    "beta", "betaln", "xlogy", "xlog1py", "log1p", "expm1", "i0", "i1", "i0e", "i1e",
    "entr", "rel_entr", "kl_div", "ndtr", "log_ndtr", "ndtri", "gammainc", "gammaincc",
    "betainc", "stdtr", "pdtr", "pdtrc", "multigammaln",
]

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_sc: Any = None


def _scipy_special() -> Any:
    global _sc
    if _sc is None:
        _sc = require("scipy.special")
    return _sc


def _ufunc(sc_name: str, node: str, nargs: int):
    """A primitive whose forward is ``scipy.special.<sc_name>``."""

    def fwd(*args):
        return getattr(_scipy_special(), sc_name)(*args)

    fwd.__name__ = fwd.__qualname__ = sc_name
    fwd.__doc__ = f"``scipy.special.{sc_name}``, differentiable."
    return primitive(node, arity=nargs if nargs <= 2 else None)(fwd)


def _mask(x: Any, test) -> Any:
    return test(np.asarray(raw(x)))


def _safe(x: Any, bad: Any, value: float = 1.0) -> Any:
    return ew.where(bad, value, x) if np.any(bad) else x


# ---------------------------------------------------------------------------- error functions

erf = _ufunc("erf", "Erf", 1)
defvjp(erf, lambda g, ans, x: g * (2 / _SQRT_PI) * ew.exp(-x * x))

erfc = _ufunc("erfc", "Erfc", 1)
defvjp(erfc, lambda g, ans, x: g * (-2 / _SQRT_PI) * ew.exp(-x * x))

erfinv = _ufunc("erfinv", "Erfinv", 1)
defvjp(erfinv, lambda g, ans, x: g * (_SQRT_PI / 2) * ew.exp(ans * ans), save=False,
       save_ans=True)

erfcinv = _ufunc("erfcinv", "Erfcinv", 1)
defvjp(erfcinv, lambda g, ans, x: g * (-_SQRT_PI / 2) * ew.exp(ans * ans), save=False,
       save_ans=True)

ndtr = _ufunc("ndtr", "Ndtr", 1)
defvjp(ndtr, lambda g, ans, x: g * ew.exp(-0.5 * x * x) / _SQRT_2PI)

log_ndtr = _ufunc("log_ndtr", "LogNdtr", 1)
defvjp(log_ndtr, lambda g, ans, x: g * ew.exp(-0.5 * x * x - ans) / _SQRT_2PI,
       save_ans=True)

ndtri = _ufunc("ndtri", "Ndtri", 1)
defvjp(ndtri, lambda g, ans, x: g * _SQRT_2PI * ew.exp(0.5 * ans * ans), save=False,
       save_ans=True)

# ---------------------------------------------------------------------------- logistic

expit = _ufunc("expit", "Expit", 1)
defvjp(expit, lambda g, ans, x: g * ans * (1 - ans), save=False, save_ans=True)

log_expit = _ufunc("log_expit", "LogExpit", 1)
defvjp(log_expit, lambda g, ans, x: g * expit(-x))

logit = _ufunc("logit", "Logit", 1)
defvjp(logit, lambda g, ans, x: g / (x * (1 - x)))

log1p = _ufunc("log1p", "Log1p", 1)
defvjp(log1p, lambda g, ans, x: g / (1 + x))

expm1 = _ufunc("expm1", "Expm1", 1)
defvjp(expm1, lambda g, ans, x: g * (ans + 1), save=False, save_ans=True)

# ---------------------------------------------------------------------------- gamma family

gammaln = _ufunc("gammaln", "Gammaln", 1)
digamma = _ufunc("psi", "Digamma", 1)
digamma.__name__ = "digamma"
psi = digamma
polygamma = _ufunc("polygamma", "Polygamma", 2)
gamma = _ufunc("gamma", "Gamma", 1)

defvjp(gammaln, lambda g, ans, x: g * digamma(x))
defvjp(digamma, lambda g, ans, x: g * polygamma(1, x))
defvjp(polygamma, lambda g, ans, n, x: g * polygamma(raw(n) + 1, x), argnums=(1,))
defvjp(gamma, lambda g, ans, x: g * ans * digamma(x), save_ans=True)

beta = _ufunc("beta", "Beta", 2)
defvjp(
    beta,
    lambda g, ans, a, b: g * ans * (digamma(a) - digamma(a + b)),
    lambda g, ans, a, b: g * ans * (digamma(b) - digamma(a + b)),
    save_ans=True,
)

betaln = _ufunc("betaln", "Betaln", 2)
defvjp(
    betaln,
    lambda g, ans, a, b: g * (digamma(a) - digamma(a + b)),
    lambda g, ans, a, b: g * (digamma(b) - digamma(a + b)),
)


def multigammaln(a: Any, d: int) -> Tensor:
    """The log of the multivariate gamma function (``scipy.special.multigammaln``)."""
    d = int(d)
    if np.any(np.asarray(raw(a)) <= 0.5 * (d - 1)):
        raise ValueError(f"condition a ({raw(a)}) > 0.5 * (d-1) ({0.5 * (d - 1)}) not met")
    a = as_tensor(a)
    res = (d * (d - 1) * 0.25) * math.log(math.pi)
    terms = shp.stack([gammaln(a - (j - 1.0) / 2) for j in range(1, d + 1)])
    # As SciPy: the terms in the input's dtype, their sum then added in SciPy's result
    # dtype (float64 for float32 input, since ``res`` is a NumPy float64 there).
    return res + _as_scipy_dtype(red.sum(terms, axis=0), "multigammaln", a, d)


def _as_scipy_dtype(out: Tensor, name: str, a: Tensor, *rest: Any) -> Tensor:
    """``out`` in the dtype SciPy's own ``name`` returns for an ``a`` of this dtype (asked
    of SciPy on a one-element sample inside the domain): float32 in can mean float64 out."""
    shift = float(rest[0]) if name == "multigammaln" else 0.0
    sample = np.ones(1, dtype=a.dtype) + np.asarray(shift, dtype=a.dtype)
    want = np.asarray(getattr(_scipy_special(), name)(sample, *rest)).dtype
    return out if out.dtype == want else ew.astype(out, want)


# ---------------------------------------------------------------------------- x log y


def _x_over(x, y, bump=0.0):
    # d/dy of x*log(y + bump) is x/(y + bump); where x == y + bump == 0 the function is 0
    # along x == 0, and we take 0 there too.
    den = y + bump if bump else y
    bad = _mask(x, lambda v: v == 0) & _mask(den, lambda v: v == 0)
    if not np.any(bad):
        return x / den
    return ew.where(bad, 0, x / _safe(den, bad))


xlogy = _ufunc("xlogy", "Xlogy", 2)
defvjp(
    xlogy,
    lambda g, ans, x, y: g * ew.log(y),
    lambda g, ans, x, y: g * _x_over(x, y),
)

xlog1py = _ufunc("xlog1py", "Xlog1py", 2)
defvjp(
    xlog1py,
    lambda g, ans, x, y: g * log1p(y),
    lambda g, ans, x, y: g * _x_over(x, y, 1.0),
)

entr = _ufunc("entr", "Entr", 1)
defvjp(entr, lambda g, ans, x: -g * (ew.log(x) + 1))

rel_entr = _ufunc("rel_entr", "RelEntr", 2)
defvjp(
    rel_entr,
    lambda g, ans, x, y: g * (ew.log(x / y) + 1),
    lambda g, ans, x, y: -g * _x_over(x, y),
)

kl_div = _ufunc("kl_div", "KlDiv", 2)
defvjp(
    kl_div,
    lambda g, ans, x, y: g * ew.log(x / y),
    lambda g, ans, x, y: g * (1 - _x_over(x, y)),
)

# ---------------------------------------------------------------------------- Bessel


def _at_zero(x, value: float, expr):
    zero = _mask(x, lambda v: v == 0)
    if not np.any(zero):
        return expr(x)
    return ew.where(zero, value, expr(_safe(x, zero)))


i0 = _ufunc("i0", "I0", 1)
i1 = _ufunc("i1", "I1", 1)
i0e = _ufunc("i0e", "I0e", 1)
i1e = _ufunc("i1e", "I1e", 1)
defvjp(i0, lambda g, ans, x: g * i1(x))
defvjp(i1, lambda g, ans, x: g * _at_zero(x, 0.5, lambda t: i0(t) - i1(t) / t))
defvjp(i0e, lambda g, ans, x: g * (i1e(x) - ew.sign(x) * ans), save_ans=True)
defvjp(i1e, lambda g, ans, x: g * _at_zero(
    x, 0.5, lambda t: i0e(t) - i1e(t) * (ew.sign(t) + 1 / t)))

# ---------------------------------------------------------------------------- incomplete
# Differentiable in the last argument only; the rest are refused by the wrappers.


def _gamma_density(a, x):
    return ew.exp(xlogy(a - 1, x) - x - gammaln(a))


def _beta_density(a, b, x):
    return ew.exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b))


def _t_density(df, t):
    return ew.exp(gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * ew.log(df * math.pi)
                  - xlog1py((df + 1) / 2, t * t / df))


def _poisson_mass(k, m):
    k = np.floor(raw(k))
    return ew.exp(xlogy(k, m) - m - gammaln(k + 1))


_gammainc = _ufunc("gammainc", "Gammainc", 2)
defvjp(_gammainc, lambda g, ans, a, x: g * _gamma_density(a, x), argnums=(1,))
_gammaincc = _ufunc("gammaincc", "Gammaincc", 2)
defvjp(_gammaincc, lambda g, ans, a, x: -g * _gamma_density(a, x), argnums=(1,))
_betainc = _ufunc("betainc", "Betainc", 3)
defvjp(_betainc, lambda g, ans, a, b, x: g * _beta_density(a, b, x), argnums=(2,))
_stdtr = _ufunc("stdtr", "Stdtr", 2)
defvjp(_stdtr, lambda g, ans, df, t: g * _t_density(df, t), argnums=(1,))
_pdtr = _ufunc("pdtr", "Pdtr", 2)
defvjp(_pdtr, lambda g, ans, k, m: -g * _poisson_mass(k, m), argnums=(1,))
_pdtrc = _ufunc("pdtrc", "Pdtrc", 2)
defvjp(_pdtrc, lambda g, ans, k, m: g * _poisson_mass(k, m), argnums=(1,))


def gammainc(a: Any, x: Any) -> Tensor:
    """The regularised lower incomplete gamma function; differentiable in ``x``."""
    no_grad_for("gammainc", a=a)
    return _gammainc(a, x)


def gammaincc(a: Any, x: Any) -> Tensor:
    no_grad_for("gammaincc", a=a)
    return _gammaincc(a, x)


def betainc(a: Any, b: Any, x: Any) -> Tensor:
    """The regularised incomplete beta function; differentiable in ``x``."""
    no_grad_for("betainc", a=a, b=b)
    return _betainc(a, b, x)


def stdtr(df: Any, t: Any) -> Tensor:
    """Student's t distribution function; differentiable in ``t``."""
    no_grad_for("stdtr", df=df)
    return _stdtr(df, t)


def pdtr(k: Any, m: Any) -> Tensor:
    """The Poisson distribution function; differentiable in ``m``."""
    no_grad_for("pdtr", k=k)
    return _pdtr(k, m)


def pdtrc(k: Any, m: Any) -> Tensor:
    no_grad_for("pdtrc", k=k)
    return _pdtrc(k, m)


# ---------------------------------------------------------------------------- log-sum-exp


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``log(sum(b * exp(a)))``, computed stably (``scipy.special.logsumexp``);
    differentiable in ``a`` and ``b``."""
    a = as_tensor(a)
    shift = np.amax(np.real(a._data), axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0)
    tmp = ew.exp(a - shift)
    if b is not None:
        tmp = tmp * b
    s = red.sum(tmp, axis=axis, keepdims=keepdims)
    sgn = None
    if return_sign:
        sgn = Tensor._make(np.sign(s._data))
        s = ew.abs(s)
    if not keepdims:
        shift = np.squeeze(shift, axis=axis)
    out = ew.log(s) + shift
    return (out, sgn) if return_sign else out


def softmax(x: Any, axis: Any = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (``scipy.special.softmax``)."""
    x = as_tensor(x)
    return ew.exp(x - logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x: Any, axis: Any = None) -> Tensor:
    x = as_tensor(x)
    return x - logsumexp(x, axis=axis, keepdims=True)
