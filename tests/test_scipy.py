"""arraygrad.scipy: values equal SciPy's, gradients (first and second order) equal finite
differences, forward mode agrees, scipy.special ufuncs dispatch, refused derivatives are
refused by name."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag

from opcheck import check_op

scipy = pytest.importorskip("scipy")
import scipy.linalg as sl  # noqa: E402
import scipy.signal as sg  # noqa: E402
import scipy.special as sc  # noqa: E402
import scipy.stats as ss  # noqa: E402

from arraygrad.scipy import linalg as SL  # noqa: E402
from arraygrad.scipy import signal as SG  # noqa: E402
from arraygrad.scipy import special as S  # noqa: E402
from arraygrad.scipy import stats as ST  # noqa: E402


@pytest.fixture
def inputs(rng):
    return {
        "unit": rng.uniform(0.2, 0.8, (2, 3)),
        "pos": rng.uniform(0.5, 2.5, (2, 3)),
        "real": rng.standard_normal((2, 3)),
    }


# ---------------------------------------------------------------------------- special

UNARY = {
    "expit": "real", "log_expit": "real", "logit": "unit", "erf": "real", "erfc": "real",
    "erfinv": "unit", "gamma": "pos", "gammaln": "pos", "digamma": "pos", "psi": "pos",
    "i0": "real", "i1": "real", "i0e": "real", "i1e": "real", "entr": "unit",
    "ndtr": "real", "log_ndtr": "real", "ndtri": "unit", "log1p": "pos", "expm1": "real",
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(inputs, name):
    check_op(getattr(S, name), [inputs[UNARY[name]]], getattr(sc, name))


def test_unary_edges():
    check_op(S.erfcinv, [np.array([0.3, 1.0, 1.6])], sc.erfcinv)
    check_op(S.i1, [np.array([0.0, 0.5, -1.2])], sc.i1)
    check_op(S.i1e, [np.array([0.0, -0.5, 2.0])], sc.i1e)
    check_op(lambda x: S.polygamma(2, x), [np.array([0.7, 1.5, 3.0])],
             lambda x: sc.polygamma(2, x), dispatch=False)


@pytest.mark.parametrize("name", ["beta", "betaln", "xlogy", "xlog1py", "rel_entr", "kl_div"])
def test_binary(inputs, name):
    check_op(getattr(S, name), [inputs["pos"], inputs["unit"]], getattr(sc, name))


def test_xlogy_at_zero():
    # xlogy(0, y) is 0 for every y: d/dy is 0 there, d/dx is log(y).
    check_op(S.xlogy, [np.array([0.0, 1.0]), np.array([2.0, 3.0])], sc.xlogy)
    check_op(S.xlog1py, [np.array([0.0, 1.0]), np.array([2.0, 3.0])], sc.xlog1py)


def test_incomplete_functions(inputs):
    pos, unit, real = inputs["pos"], inputs["unit"], inputs["real"]
    check_op(lambda x: S.gammainc(2.5, x), [pos], lambda x: sc.gammainc(2.5, x), dispatch=False)
    check_op(lambda x: S.gammaincc(2.5, x), [pos], lambda x: sc.gammaincc(2.5, x),
             dispatch=False)
    check_op(lambda x: S.betainc(2.5, 1.5, x), [unit], lambda x: sc.betainc(2.5, 1.5, x),
             dispatch=False)
    check_op(lambda x: S.stdtr(3.5, x), [real], lambda x: sc.stdtr(3.5, x), dispatch=False)
    k = np.array([0.0, 1.0, 3.0])
    check_op(lambda m: S.pdtr(k, m), [pos[0]], lambda m: sc.pdtr(k, m), dispatch=False)
    check_op(lambda m: S.pdtrc(k, m), [pos[0]], lambda m: sc.pdtrc(k, m), dispatch=False)
    check_op(lambda a: S.multigammaln(a, 3), [pos + 1], lambda a: sc.multigammaln(a, 3),
             dispatch=False)
    refused = ((S.gammainc, (2.0, 1.5), 0), (S.gammaincc, (2.0, 1.5), 0),
               (S.betainc, (2.0, 3.0, 0.5), 1), (S.stdtr, (3.0, 0.2), 0),
               (S.pdtr, (2.0, 1.5), 0))
    for fn, values, which in refused:
        args = [ag.tensor(v, requires_grad=(i == which)) for i, v in enumerate(values)]
        with pytest.raises(NotImplementedError, match="derivative with respect to"):
            fn(*args)
    with pytest.raises(ValueError):
        S.multigammaln(ag.tensor(0.5), 3)


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp(inputs, axis, keepdims):
    check_op(lambda a: S.logsumexp(a, axis=axis, keepdims=keepdims), [inputs["real"]],
             lambda a: sc.logsumexp(a, axis=axis, keepdims=keepdims), dispatch=False)


def test_logsumexp_weights_sign_complex(inputs):
    real, pos = inputs["real"], inputs["pos"]
    check_op(lambda a, b: S.logsumexp(a, axis=1, b=b), [real, pos],
             lambda a, b: sc.logsumexp(a, axis=1, b=b), dispatch=False)
    check_op(lambda a, b: S.logsumexp(a, axis=1, b=b, return_sign=True)[0], [real, pos - 1.5],
             lambda a, b: sc.logsumexp(a, axis=1, b=b, return_sign=True)[0], dispatch=False)
    _, sign = S.logsumexp(ag.tensor(real), axis=1, b=pos - 1.5, return_sign=True)
    np.testing.assert_array_equal(sign.numpy(),
                                  sc.logsumexp(real, axis=1, b=pos - 1.5, return_sign=True)[1])
    check_op(lambda a: S.logsumexp(a, axis=1), [real + 1j * pos],
             lambda a: sc.logsumexp(a, axis=1), dispatch=False)
    with np.errstate(divide="ignore"):
        out = S.logsumexp(ag.tensor(np.full(3, -np.inf)))
    assert out.item() == -np.inf


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_softmax(inputs, axis):
    check_op(lambda x: S.softmax(x, axis=axis), [inputs["real"]],
             lambda x: sc.softmax(x, axis=axis), dispatch=False)
    check_op(lambda x: S.log_softmax(x, axis=axis), [inputs["real"]],
             lambda x: sc.log_softmax(x, axis=axis), dispatch=False)


def test_special_dispatch(inputs):
    x = ag.tensor(inputs["real"], requires_grad=True)
    y = sc.erf(x)
    assert isinstance(y, ag.Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 / np.sqrt(np.pi) * np.exp(-inputs["real"] ** 2))


# ---------------------------------------------------------------------------- stats


def test_norm(inputs):
    x, loc, scale = inputs["real"], inputs["real"][::-1] * 0.3, inputs["pos"]
    for m in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
        check_op(getattr(ST.norm, m), [x, loc, scale], getattr(ss.norm, m), dispatch=False)
    check_op(ST.norm.ppf, [inputs["unit"], loc, scale], ss.norm.ppf, dispatch=False)
    check_op(ST.norm.isf, [inputs["unit"], loc, scale], ss.norm.isf, dispatch=False,
             second_order=False)


def test_t(inputs):
    x, df, loc, scale = inputs["real"], inputs["pos"] + 1, inputs["real"] * 0.1, inputs["pos"]
    for m in ("logpdf", "pdf"):
        check_op(getattr(ST.t, m), [x, df, loc, scale], getattr(ss.t, m), dispatch=False,
                 atol=1e-5)
    for m in ("cdf", "sf"):
        check_op(lambda v, lo, s, m=m: getattr(ST.t, m)(v, 3.0, lo, s), [x, loc, scale],
                 lambda v, lo, s, m=m: getattr(ss.t, m)(v, 3.0, lo, s), dispatch=False)
    with pytest.raises(NotImplementedError, match="df"):
        ST.t.cdf(0.3, ag.tensor(3.0, requires_grad=True))


def test_gamma_beta(inputs):
    pos, unit = inputs["pos"], inputs["unit"]
    check_op(ST.gamma.logpdf, [pos, pos + 1, unit * 0.1, pos], ss.gamma.logpdf, dispatch=False)
    check_op(ST.gamma.pdf, [pos, pos + 1], ss.gamma.pdf, dispatch=False, second_order=False)
    for m in ("cdf", "sf", "logcdf"):
        check_op(lambda v, s, m=m: getattr(ST.gamma, m)(v, 2.0, 0.1, s), [pos, pos],
                 lambda v, s, m=m: getattr(ss.gamma, m)(v, 2.0, 0.1, s), dispatch=False,
                 second_order=False)
    check_op(ST.beta.logpdf, [unit, pos + 1, pos + 0.5], ss.beta.logpdf, dispatch=False)
    check_op(ST.beta.pdf, [unit, pos + 1, pos + 0.5], ss.beta.pdf, dispatch=False,
             second_order=False)
    check_op(lambda v: ST.beta.cdf(v, 2.0, 3.0), [unit], lambda v: ss.beta.cdf(v, 2.0, 3.0),
             dispatch=False)
    # Outside the support: the same values as SciPy.
    outside = np.array([-0.5, 0.5, 1.5])
    np.testing.assert_array_equal(ST.beta.logpdf(outside, 2.0, 3.0).numpy(),
                                  ss.beta.logpdf(outside, 2.0, 3.0))
    np.testing.assert_array_equal(ST.beta.cdf(outside, 2.0, 3.0).numpy(),
                                  ss.beta.cdf(outside, 2.0, 3.0))
    np.testing.assert_array_equal(ST.gamma.logpdf(outside, 2.0).numpy(),
                                  ss.gamma.logpdf(outside, 2.0))
    np.testing.assert_array_equal(ST.gamma.cdf(outside, 2.0).numpy(), ss.gamma.cdf(outside, 2.0))
    with pytest.raises(NotImplementedError, match="'a'"):
        ST.gamma.cdf(1.0, ag.tensor(2.0, requires_grad=True))


def test_poisson(inputs):
    mu = inputs["pos"][0]
    k = np.array([0.0, 1.0, 4.0])
    for m in ("logpmf", "pmf", "cdf", "logcdf", "sf"):
        check_op(lambda m_, meth=m: getattr(ST.poisson, meth)(k, m_), [mu],
                 lambda m_, meth=m: getattr(ss.poisson, meth)(k, m_), dispatch=False)
    odd = np.array([-1.0, 1.5, 2.0])
    np.testing.assert_array_equal(ST.poisson.logpmf(odd, 2.0).numpy(),
                                  ss.poisson.logpmf(odd, 2.0))
    np.testing.assert_allclose(ST.poisson.cdf(odd, 2.0).numpy(), ss.poisson.cdf(odd, 2.0))


def test_dirichlet():
    alpha = np.array([1.5, 2.0, 3.0])
    # K-1 components (the last is implied), and batches along the second axis.
    check_op(ST.dirichlet.logpdf, [np.array([0.2, 0.3]), alpha], ss.dirichlet.logpdf,
             dispatch=False)
    check_op(ST.dirichlet.pdf, [np.array([[0.2, 0.3], [0.3, 0.1]]), alpha],
             ss.dirichlet.pdf, dispatch=False, second_order=False)
    full = np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(ST.dirichlet.logpdf(full, alpha).numpy(),
                               ss.dirichlet.logpdf(full, alpha), rtol=1e-12)
    with pytest.raises(ValueError):
        ST.dirichlet.logpdf(np.array([0.5, 0.6, 0.2]), alpha)


def test_multivariate_normal(rng):
    b = rng.standard_normal((3, 3))
    cov = b @ b.T + np.eye(3)
    mean, x = rng.standard_normal(3), rng.standard_normal((4, 3))

    def sym(c):
        return (c + c.T) / 2

    check_op(lambda x, m, c: ST.multivariate_normal.logpdf(x, m, sym(c)), [x, mean, cov],
             ss.multivariate_normal.logpdf, dispatch=False)
    check_op(lambda x, m, c: ST.multivariate_normal.pdf(x, m, sym(c)), [x[0], mean, cov],
             ss.multivariate_normal.pdf, dispatch=False, second_order=False)
    check_op(lambda x, m, c: ST.multivariate_normal.logpdf(x, m, c), [x, mean, np.array(1.7)],
             ss.multivariate_normal.logpdf, dispatch=False, second_order=False)
    check_op(lambda x, c: ST.multivariate_normal.logpdf(x, mean, c), [x, np.array([1.0, 2, 3])],
             lambda x, c: ss.multivariate_normal.logpdf(x, mean, c), dispatch=False,
             second_order=False)
    check_op(lambda x: ST.multivariate_normal.logpdf(x), [x[:, 0]],
             ss.multivariate_normal.logpdf, dispatch=False, second_order=False)
    # d/dmean log N(x; mean, C) = C^-1 (x - mean)
    m = ag.tensor(mean, requires_grad=True)
    ST.multivariate_normal.logpdf(x[0], m, cov).backward()
    np.testing.assert_allclose(m.grad.numpy(), np.linalg.solve(cov, x[0] - mean), rtol=1e-10)


# ---------------------------------------------------------------------------- linalg


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_solve_triangular(rng, dtype):
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    if dtype == np.complex128:
        a = a + 1j * rng.standard_normal((3, 3))
    b = rng.standard_normal((3, 2))
    for trans in (0, "T", "C"):
        for lower in (True, False):
            for unit in (False, True):
                kw = {"trans": trans, "lower": lower, "unit_diagonal": unit}

                def ours(a, b, kw=kw):
                    return SL.solve_triangular(a, b, **kw)

                def theirs(a, b, kw=kw):
                    return sl.solve_triangular(a, b, **kw)

                check_op(ours, [a, b[:, 0]], theirs, dispatch=False,
                         second_order=trans == 0 and not unit)
    # Batched (leading dimensions broadcast).
    ab = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    check_op(lambda a, b: SL.solve_triangular(a, b, lower=True), [ab, b],
             lambda a, b: np.stack([sl.solve_triangular(m, b, lower=True) for m in a]),
             dispatch=False, second_order=False)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("lower", [True, False])
def test_cholesky_factor_and_solve(rng, dtype, lower):
    b = rng.standard_normal((3, 3))
    if dtype is np.complex128:
        b = b + 1j * rng.standard_normal((3, 3))
    c = b @ b.conj().T + 3 * np.eye(3)
    rhs = rng.standard_normal((3, 2))

    def herm(x):
        return (x + ag.numpy.conj(ag.numpy.swapaxes(x, 0, 1))) / 2

    check_op(lambda a: SL.cho_factor(herm(a), lower=lower)[0], [c],
             lambda a: sl.cho_factor(a, lower=lower)[0], dispatch=False)
    check_op(lambda a, r: SL.cho_solve(SL.cho_factor(herm(a), lower=lower), r), [c, rhs],
             lambda a, r: sl.cho_solve(sl.cho_factor(a, lower=lower), r), dispatch=False,
             second_order=False)
    check_op(lambda a: SL.cholesky(herm(a), lower=lower), [c],
             lambda a: sl.cholesky(a, lower=lower), dispatch=False, second_order=False)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_matrix_functions(rng, dtype):
    a = rng.standard_normal((3, 3)) * 0.4
    if dtype == np.complex128:
        a = a + 0.4j * rng.standard_normal((3, 3))
    check_op(SL.expm, [a], sl.expm, dispatch=False)
    spd = a @ a.conj().T + np.eye(3)
    check_op(SL.sqrtm, [spd], sl.sqrtm, dispatch=False, second_order=False)
    check_op(SL.logm, [spd], sl.logm, dispatch=False, second_order=False)
    check_op(SL.expm, [rng.standard_normal((2, 3, 3)) * 0.3], sl.expm, dispatch=False,
             second_order=False)


def test_matrix_functions_closed_forms(rng):
    # For commuting A and E, d expm(A)[E] = expm(A) E: for a diagonal A the gradient of
    # sum(expm(A) * W) is exp(a_i) W_ii on the diagonal.
    d = rng.standard_normal(3)
    w = rng.standard_normal((3, 3))
    a = ag.tensor(np.diag(d), requires_grad=True)
    (SL.expm(a) * w).sum().backward()
    np.testing.assert_allclose(np.diag(a.grad.numpy()), np.exp(d) * np.diag(w), rtol=1e-10)
    torch = pytest.importorskip("torch")
    m = rng.standard_normal((3, 3)) * 0.5
    t = torch.tensor(m, requires_grad=True)
    (torch.linalg.matrix_exp(t) ** 2).sum().backward()
    ours = ag.tensor(m, requires_grad=True)
    (SL.expm(ours) ** 2).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), t.grad.numpy(), rtol=1e-9)


# ---------------------------------------------------------------------------- signal


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("method", ["direct", "fft"])
def test_convolve_correlate_1d(rng, mode, method):
    a, v = rng.standard_normal(6), rng.standard_normal(3)
    vc = v + 1j * rng.standard_normal(3)
    for fn, ref in ((SG.convolve, sg.convolve), (SG.correlate, sg.correlate)):
        for p, q in ((a, v), (v, a), (a, vc)):
            check_op(lambda x, y, f=fn: f(x, y, mode, method), [p, q],
                     lambda x, y, f=ref: f(x, y, mode, method), dispatch=False, atol=1e-5,
                     second_order=p is a and q is v)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate_2d(rng, mode):
    m1 = rng.standard_normal((4, 5))
    m2 = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))
    check_op(lambda x, y: SG.convolve(x, y, mode), [m1, m2],
             lambda x, y: sg.convolve(x, y, mode), dispatch=False, second_order=False)
    check_op(lambda x, y: SG.correlate(x, y, mode), [m1, m2.real],
             lambda x, y: sg.correlate(x, y, mode), dispatch=False, second_order=False)
    with pytest.raises(ValueError):
        SG.convolve(m1, m2, "bogus")
