"""``arraygrad.scipy.stats``: log-densities, densities and distribution functions of a
few distributions, differentiable in the argument and in the parameters (``loc``,
``scale``, ``df``, ``a``, ``b``, ``mu``, ``alpha``, ``mean``, ``cov``) where a closed
form exists. Called like SciPy's frozen-free API: ``stats.norm.logpdf(x, loc, scale)``.

Everything is composed from ``arraygrad.scipy.special`` and arraygrad ops, so gradients of
any order work. The distribution functions of ``t``, ``gamma`` and ``beta`` have no
closed-form derivative in their shape parameters; asking for one raises, by name.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..ops import elementwise as ew
from ..ops import reduce as red
from ..ops import shape as shp
from ..ops.linalg import _helpers as _la
from ..ops.linalg import cholesky, solve_triangular
from . import special as sp
from ._util import as_tensor, no_grad_for, raw, require

__all__ = ["norm", "multivariate_normal", "t", "gamma", "beta", "poisson", "dirichlet"]

_LOG_2PI = math.log(2 * math.pi)


def _outside(mask: Any, value: float, inside: Any) -> Any:
    """``inside`` where the support holds, ``value`` (-inf, 0, 1) elsewhere."""
    mask = np.asarray(mask)
    if not np.any(mask):
        return inside
    return ew.where(mask, value, inside)


def _safe(x: Any, mask: Any, fill: float) -> Any:
    mask = np.asarray(mask)
    return ew.where(mask, fill, x) if np.any(mask) else x


class _Distribution:
    """``pdf = exp(logpdf)`` and ``logcdf = log(cdf)`` unless a subclass does better."""

    def pdf(self, x: Any, *args: Any, **kwargs: Any) -> Tensor:
        return ew.exp(self.logpdf(x, *args, **kwargs))

    def logcdf(self, x: Any, *args: Any, **kwargs: Any) -> Tensor:
        return ew.log(self.cdf(x, *args, **kwargs))

    def logsf(self, x: Any, *args: Any, **kwargs: Any) -> Tensor:
        return ew.log(self.sf(x, *args, **kwargs))

    def __repr__(self) -> str:
        return f"<arraygrad.scipy.stats.{type(self).__name__.strip('_').lower()}>"


# ---------------------------------------------------------------------------- normal


class _Norm(_Distribution):
    def _z(self, x, loc, scale):
        return (as_tensor(x) - loc) / scale

    def logpdf(self, x: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        z = self._z(x, loc, scale)
        return -0.5 * z * z - 0.5 * _LOG_2PI - ew.log(as_tensor(scale))

    def cdf(self, x: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return sp.ndtr(self._z(x, loc, scale))

    def logcdf(self, x: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return sp.log_ndtr(self._z(x, loc, scale))

    def sf(self, x: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return sp.ndtr(-self._z(x, loc, scale))

    def logsf(self, x: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return sp.log_ndtr(-self._z(x, loc, scale))

    def ppf(self, q: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return loc + scale * sp.ndtri(as_tensor(q))

    def isf(self, q: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return loc - scale * sp.ndtri(as_tensor(q))


norm = _Norm()


# ---------------------------------------------------------------------------- Student t


class _T(_Distribution):
    def logpdf(self, x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        z = (as_tensor(x) - loc) / scale
        df = as_tensor(df)
        return (sp.gammaln((df + 1) / 2) - sp.gammaln(df / 2)
                - 0.5 * (ew.log(df) + math.log(math.pi))
                - sp.xlog1py((df + 1) / 2, z * z / df) - ew.log(as_tensor(scale)))

    def cdf(self, x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        no_grad_for("t.cdf", df=df)
        return sp.stdtr(df, (as_tensor(x) - loc) / scale)

    def sf(self, x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        no_grad_for("t.sf", df=df)
        return sp.stdtr(df, -(as_tensor(x) - loc) / scale)


t = _T()


# ---------------------------------------------------------------------------- gamma


class _Gamma(_Distribution):
    def logpdf(self, x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        z = (as_tensor(x) - loc) / scale
        out = _safe(z, raw(z) < 0, 1.0)
        val = sp.xlogy(as_tensor(a) - 1.0, out) - out - sp.gammaln(a) - ew.log(as_tensor(scale))
        return _outside(raw(z) < 0, -np.inf, val)

    def cdf(self, x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        no_grad_for("gamma.cdf", a=a)
        z = (as_tensor(x) - loc) / scale
        return _outside(raw(z) < 0, 0.0, sp.gammainc(a, _safe(z, raw(z) < 0, 0.0)))

    def sf(self, x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        no_grad_for("gamma.sf", a=a)
        z = (as_tensor(x) - loc) / scale
        return _outside(raw(z) < 0, 1.0, sp.gammaincc(a, _safe(z, raw(z) < 0, 0.0)))


gamma = _Gamma()


# ---------------------------------------------------------------------------- beta


class _Beta(_Distribution):
    def logpdf(self, x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        z = (as_tensor(x) - loc) / scale
        bad = (raw(z) < 0) | (raw(z) > 1)
        zs = _safe(z, bad, 0.5)
        val = (sp.xlog1py(as_tensor(b) - 1.0, -zs) + sp.xlogy(as_tensor(a) - 1.0, zs)
               - sp.betaln(a, b) - ew.log(as_tensor(scale)))
        return _outside(bad, -np.inf, val)

    def cdf(self, x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        no_grad_for("beta.cdf", a=a, b=b)
        z = (as_tensor(x) - loc) / scale
        zc = np.clip(raw(z), 0, 1)
        val = sp.betainc(a, b, _safe(z, zc != raw(z), 0.5))
        return _outside(raw(z) > 1, 1.0, _outside(raw(z) < 0, 0.0, val))

    def sf(self, x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Tensor:
        return 1.0 - self.cdf(x, a, b, loc, scale)


beta = _Beta()


# ---------------------------------------------------------------------------- Poisson


class _Poisson(_Distribution):
    """Differentiable in ``mu``; ``k`` is a count."""

    def logpmf(self, k: Any, mu: Any, loc: Any = 0) -> Tensor:
        no_grad_for("poisson.logpmf", k=k)
        k = np.asarray(raw(k)) - raw(loc)
        bad = (k < 0) | (k != np.floor(k))
        ks = np.where(bad, 0, k)
        val = sp.xlogy(ks, as_tensor(mu)) - sp.gammaln(ks + 1.0) - mu
        return _outside(bad, -np.inf, val)

    def pmf(self, k: Any, mu: Any, loc: Any = 0) -> Tensor:
        return ew.exp(self.logpmf(k, mu, loc))

    def cdf(self, k: Any, mu: Any, loc: Any = 0) -> Tensor:
        k = np.floor(np.asarray(raw(k)) - raw(loc))
        return _outside(k < 0, 0.0, sp.pdtr(np.maximum(k, 0), as_tensor(mu)))

    def sf(self, k: Any, mu: Any, loc: Any = 0) -> Tensor:
        k = np.floor(np.asarray(raw(k)) - raw(loc))
        return _outside(k < 0, 1.0, sp.pdtrc(np.maximum(k, 0), as_tensor(mu)))


poisson = _Poisson()


# ---------------------------------------------------------------------------- Dirichlet


class _Dirichlet(_Distribution):
    """``x`` holds the components on its first axis (K, or K-1 with the last implied),
    as in SciPy."""

    def logpdf(self, x: Any, alpha: Any) -> Tensor:
        require("scipy.stats").dirichlet.logpdf(np.asarray(raw(x)), np.asarray(raw(alpha)))
        x, alpha = as_tensor(x), as_tensor(alpha)
        if x.shape[0] + 1 == alpha.shape[0]:
            x = shp.concatenate([x, 1 - red.sum(x, axis=0, keepdims=True)], axis=0)
        a = shp.reshape(alpha, alpha.shape + (1,) * (x.ndim - 1))
        log_b = red.sum(sp.gammaln(alpha)) - sp.gammaln(red.sum(alpha))
        return red.sum(sp.xlogy(a - 1.0, x), axis=0) - log_b


dirichlet = _Dirichlet()


# ---------------------------------------------------------------------------- multivariate normal


class _MultivariateNormal(_Distribution):
    """Differentiable in ``x``, ``mean`` and ``cov`` (the gradient of ``cov`` is the
    symmetric one); ``cov`` may be a matrix, a vector (diagonal) or a scalar."""

    def logpdf(self, x: Any, mean: Any = None, cov: Any = 1,
               allow_singular: bool = False) -> Tensor:
        if allow_singular:
            raise NotImplementedError("multivariate_normal: allow_singular=True is not "
                                      "supported by arraygrad (it needs a positive-definite cov)")
        x = as_tensor(x)
        cov = as_tensor(cov)
        # SciPy's inference: the mean's length, else the side of a 2-D cov, else 1.
        if mean is not None:
            dim = int(np.size(raw(mean)))
        else:
            dim = cov.shape[0] if cov.ndim == 2 else 1
        if cov.ndim == 0:
            cov = cov * np.eye(dim)
        elif cov.ndim == 1:
            cov = shp.expand_dims(cov, -1) * np.eye(dim)
        if x.ndim == 0:
            x = shp.reshape(x, (1, 1) if dim == 1 else (1,))
        elif x.ndim == 1 and dim == 1:
            x = shp.expand_dims(x, -1)
        diff = x - mean if mean is not None else x
        lower = cholesky(cov)
        flat = shp.reshape(diff, (-1, dim))
        z = solve_triangular(lower, shp.swapaxes(flat, 0, 1), lower=True)
        maha = red.sum(z * z, axis=0)
        half_logdet = red.sum(ew.log(_la._diag(lower)))
        out = -0.5 * (dim * _LOG_2PI + maha) - half_logdet
        out = shp.reshape(out, diff.shape[:-1])
        return shp.squeeze(out) if out.ndim else out


multivariate_normal = _MultivariateNormal()
