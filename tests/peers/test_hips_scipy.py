"""Ported from HIPS/autograd ``tests/test_scipy.py`` (the functions arraygrad.scipy has).

Adapted: ``autograd.scipy`` -> ``arraygrad.scipy``; each function's value is also
compared with SciPy's; gradients are checked in reverse mode to second order (HIPS: both
modes). Not ported (not in arraygrad.scipy): ``gammasgn``, ``rgamma``, Bessel ``j0/j1/
y0/y1/iv/ive``, ``solve_sylvester``, ``solve_banded``, ``multivariate_normal.entropy``.
"""

import numpy as np
import pytest
from _peer_util import check_grads

pytest.importorskip("scipy")
import scipy.special as ssp  # noqa: E402
import scipy.stats as sst  # noqa: E402

from arraygrad.scipy import signal as asig  # noqa: E402
from arraygrad.scipy import special as asp  # noqa: E402
from arraygrad.scipy import stats as ast  # noqa: E402

rng = np.random.default_rng(0)
R = rng.standard_normal
pos = lambda *s: rng.random(s) * 2 + 0.5  # noqa: E731
unit = lambda *s: rng.random(s) * 0.8 + 0.1  # noqa: E731


def check(fun, ref, *args, order=2):
    np.testing.assert_allclose(np.asarray(fun(*args)), ref(*args), rtol=1e-10, atol=1e-12)
    check_grads(fun, *args, modes=("rev",), order=order)


STATS = {
    "norm_pdf": (ast.norm.pdf, sst.norm.pdf, (R(4), R(4), pos(4))),
    "norm_cdf": (ast.norm.cdf, sst.norm.cdf, (R(4), R(4), pos(4))),
    "norm_sf": (ast.norm.sf, sst.norm.sf, (R(4), R(4), pos(4))),
    "norm_logpdf": (ast.norm.logpdf, sst.norm.logpdf, (R(4), R(4), pos(4))),
    "norm_logcdf": (ast.norm.logcdf, sst.norm.logcdf, (R(4), R(4), pos(4))),
    "norm_logsf": (ast.norm.logsf, sst.norm.logsf, (R(4), R(4), pos(4))),
    "t_pdf": (ast.t.pdf, sst.t.pdf, (R(4), pos(4) + 2, R(4), pos(4))),
    "t_logpdf": (ast.t.logpdf, sst.t.logpdf, (R(4), pos(4) + 2, R(4), pos(4))),
    "gamma_logpdf": (ast.gamma.logpdf, sst.gamma.logpdf, (pos(4), pos(4))),
    "beta_logpdf": (ast.beta.logpdf, sst.beta.logpdf, (unit(4), pos(4), pos(4))),
    "poisson_logpmf": (lambda mu: ast.poisson.logpmf(np.array([0, 1, 3, 7]), mu),
                       lambda mu: sst.poisson.logpmf(np.array([0, 1, 3, 7]), mu), (pos(4),)),
}


@pytest.mark.parametrize("name", list(STATS))
def test_stats(name):
    fun, ref, args = STATS[name]
    check(fun, ref, *args)


def test_mvn_logpdf():
    x, mean = R(3), R(3)
    m = R((3, 3))
    cov = m @ m.T + np.eye(3)
    np.testing.assert_allclose(ast.multivariate_normal.logpdf(x, mean, cov),
                               sst.multivariate_normal.logpdf(x, mean, cov))
    check_grads(lambda x, mu: ast.multivariate_normal.logpdf(x, mu, cov), x, mean,
                modes=("rev",))
    sym = lambda c: (c + c.T) / 2  # noqa: E731
    check_grads(lambda c: ast.multivariate_normal.logpdf(x, mean, sym(c)), cov,
                modes=("rev",), order=1)


def test_dirichlet_logpdf():
    x = rng.dirichlet(np.ones(4))
    alpha = pos(4)
    np.testing.assert_allclose(ast.dirichlet.logpdf(x, alpha), sst.dirichlet.logpdf(x, alpha))
    check_grads(lambda a: ast.dirichlet.logpdf(x, a), alpha, modes=("rev",))


SPECIAL = {
    "logsumexp": (asp.logsumexp, ssp.logsumexp, (R((3, 4)),)),
    "psi": (asp.psi, ssp.psi, (pos(4),)),
    "digamma": (asp.digamma, ssp.digamma, (pos(4),)),
    "gamma": (asp.gamma, ssp.gamma, (pos(4),)),
    "gammaln": (asp.gammaln, ssp.gammaln, (pos(4),)),
    "erf": (asp.erf, ssp.erf, (R(4),)),
    "erfc": (asp.erfc, ssp.erfc, (R(4),)),
    "erfinv": (asp.erfinv, ssp.erfinv, (unit(4) - 0.5,)),
    "erfcinv": (asp.erfcinv, ssp.erfcinv, (unit(4) + 0.5,)),
    "logit": (asp.logit, ssp.logit, (unit(4),)),
    "expit": (asp.expit, ssp.expit, (R(4),)),
    "i0": (asp.i0, ssp.i0, (R(4),)),
    "i1": (asp.i1, ssp.i1, (R(4),)),
    "i0e": (asp.i0e, ssp.i0e, (pos(4),)),
    "i1e": (asp.i1e, ssp.i1e, (pos(4),)),
    "beta": (asp.beta, ssp.beta, (pos(4), pos(4))),
    "betaln": (asp.betaln, ssp.betaln, (pos(4), pos(4))),
    "xlogy": (asp.xlogy, ssp.xlogy, (R(4), pos(4))),
    "xlog1py": (asp.xlog1py, ssp.xlog1py, (R(4), pos(4))),
    "log_ndtr": (asp.log_ndtr, ssp.log_ndtr, (R(4),)),
    "ndtr": (asp.ndtr, ssp.ndtr, (R(4),)),
    "ndtri": (asp.ndtri, ssp.ndtri, (unit(4),)),
    "softmax": (lambda x: asp.softmax(x, axis=1), lambda x: ssp.softmax(x, axis=1),
                (R((3, 4)),)),
}


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special(name):
    fun, ref, args = SPECIAL[name]
    check(fun, ref, *args)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_polygamma(n):
    check(lambda x: asp.polygamma(n, x), lambda x: ssp.polygamma(n, x), pos(4), order=1)


def test_multigammaln():
    check(lambda a: asp.multigammaln(a, 3), lambda a: ssp.multigammaln(a, 3),
          pos(1)[0] + 2, order=1)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc", "betainc"])
def test_incomplete(name):
    # HIPS differentiates these only in x (the last argument)
    fun, ref = getattr(asp, name), getattr(ssp, name)
    params = (pos(4),) if name != "betainc" else (pos(4), pos(4))
    x = pos(4) if name != "betainc" else unit(4)
    np.testing.assert_allclose(np.asarray(fun(*params, x)), ref(*params, x), rtol=1e-10)
    check_grads(lambda x_: fun(*params, x_), x, modes=("rev",), order=1)


def test_logsumexp_axis_keepdims_b():
    x, b = R((3, 4)), pos(3, 4)
    for axis, keepdims in [(0, True), (1, False), (None, False)]:
        kw = {"axis": axis, "keepdims": keepdims, "b": b}
        check(lambda x_, kw=kw: asp.logsumexp(x_, **kw),
              lambda x_, kw=kw: ssp.logsumexp(x_, **kw), x, order=1)


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_convolve(mode):
    import scipy.signal as ssig

    a, b = R((4, 5)), R((3, 2))
    check(lambda x, y: asig.convolve(x, y, mode=mode),
          lambda x, y: ssig.convolve(x, y, mode=mode), a, b, order=1)
