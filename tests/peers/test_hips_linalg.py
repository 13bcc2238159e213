"""Ported from HIPS/autograd ``tests/test_linalg.py``.

Adapted: ``to_scalar(x)`` is ``anp.sum(anp.real(x))``; ``spla`` is
``arraygrad.scipy.linalg``; each ``fun`` is checked to second order in reverse mode and
``d_fun = to_scalar(grad(fun))`` to first order (HIPS: both to second order, forward and
reverse) to keep the suite fast.
"""

import itertools

import numpy as np
import pytest
from _peer_util import check_grads

import arraygrad as ag
from arraygrad import numpy as anp

rng = np.random.default_rng(1)
R = rng.standard_normal


def to_scalar(x):
    return anp.sum(anp.real(x))


def T(a):
    return anp.swapaxes(a, -1, -2)


def symmetrize(a):
    low = anp.tril(a)
    return (low + T(low)) / 2.0


def rand_psd(d):
    m = R((d, d))
    return m @ m.T


def check_fun_and_dfun(fun, x, sym=False):
    f = (lambda a: fun(symmetrize(a))) if sym else fun
    check_grads(f, x, modes=("rev",), order=2)
    check_grads(lambda a: to_scalar(ag.grad(f)(a)), x, modes=("rev",), order=1)


D8 = R((8, 8))
B87, B8, A6, B546 = R((8, 7)), R(8), R((6, 6)) + np.eye(6), R((5, 4, 6))
CASES = {
    "inv": (lambda x: to_scalar(anp.linalg.inv(x)), D8 @ D8 + np.eye(8)),
    "inv_3d": (lambda x: to_scalar(anp.linalg.inv(x)), R((4, 4, 4)) + 5 * np.eye(4)),
    "inv_4d": (lambda x: to_scalar(anp.linalg.inv(x)), R((2, 3, 4, 4)) + 5 * np.eye(4)),
    "solve_arg1": (lambda a: to_scalar(anp.linalg.solve(a, B87)), R((8, 8)) + 10 * np.eye(8)),
    "solve_arg1_1d": (lambda a: to_scalar(anp.linalg.solve(a, B8)), R((8, 8)) + 10 * np.eye(8)),
    "solve_arg2": (lambda b: to_scalar(anp.linalg.solve(A6, b)), R((6, 5))),
    "solve_arg1_3d_3d": (lambda a: to_scalar(anp.linalg.solve(a, B546)),
                         R((5, 4, 4)) + 5 * np.eye(4)),
    "det": (anp.linalg.det, R((6, 6))),
    "det_3d": (lambda x: to_scalar(anp.linalg.det(x)), R((3, 3, 3))),
    "slogdet": (lambda x: anp.linalg.slogdet(x)[1], R((6, 6))),
    "slogdet_neg": (lambda x: anp.linalg.slogdet(-x)[1], R((6, 6))),
    "slogdet_3d": (lambda x: anp.sum(anp.linalg.slogdet(x)[1]),
                   np.stack([rand_psd(5) + 5 * np.eye(5) for _ in range(3)])),
    "vector_2norm": (lambda x: to_scalar(anp.linalg.norm(x)), R(6)),
    "frobenius_norm": (lambda x: to_scalar(anp.linalg.norm(x)), R((6, 5))),
    "frobenius_norm_axis": (lambda x: to_scalar(anp.linalg.norm(x, axis=(0, 1))),
                            R((6, 5, 4))),
    "norm_nuclear": (lambda x: to_scalar(anp.linalg.norm(x, ord="nuc")), R((6, 5))),
    "norm_nuclear_axis": (lambda x: to_scalar(anp.linalg.norm(x, ord="nuc", axis=(0, 1))),
                          R((6, 5, 4))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    fun, x = CASES[name]
    check_fun_and_dfun(fun, x)


@pytest.mark.parametrize("ord", [2, 3, 4])
def test_vector_norm_ord(ord):
    check_grads(lambda x: anp.linalg.norm(x, ord=ord), R(6))


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_norm_axis(axis):
    check_grads(lambda x: to_scalar(anp.linalg.norm(x, axis=axis)), R((6, 5, 4)))


@pytest.mark.parametrize("uplo,batch", [("L", ()), ("U", ()), ("L", (2, 3)), ("U", (2, 3))])
def test_eigh(uplo, batch):
    def fun(x):
        w, v = anp.linalg.eigh(x, uplo)
        # eigenvectors are defined up to sign: fix it by the first row's sign
        v = v * anp.sign(v[..., :1, :])
        return to_scalar(w) + to_scalar(v)
    m = R(batch + (6, 6)) + 10 * np.eye(6)
    check_fun_and_dfun(fun, np.einsum("...ij,...kj->...ik", m, m), sym=True)


@pytest.mark.parametrize("batch", [(), (3,)])
def test_cholesky(batch):
    fun = lambda a: to_scalar(anp.linalg.cholesky(a))  # noqa: E731
    a = np.stack([rand_psd(6) for _ in range(3)]) if batch else rand_psd(6)
    check_fun_and_dfun(fun, a, sym=True)


def test_cholesky_reparameterization_trick():
    z0 = np.random.RandomState(0).randn(6)
    fun = lambda a: anp.linalg.norm(anp.dot(anp.linalg.cholesky(a), z0))  # noqa: E731
    check_grads(lambda a: fun(symmetrize(a)), rand_psd(6))


def test_sqrtm():
    spla = pytest.importorskip("arraygrad.scipy.linalg")
    pytest.importorskip("scipy")
    check_grads(lambda a: to_scalar(spla.sqrtm(symmetrize(a))), rand_psd(6) + np.eye(6),
                modes=("rev",), order=1)


@pytest.mark.parametrize("trans,lower", list(itertools.product(["T", "N", "C", 0, 1, 2],
                                                               [True, False])))
def test_solve_triangular(trans, lower):
    pytest.importorskip("scipy")
    from arraygrad.scipy import linalg as spla

    A = R((6, 6)) + 10 * np.eye(6)
    b, B = R(6), R((6, 5))
    check_grads(lambda a: to_scalar(spla.solve_triangular(a, b, trans=trans, lower=lower)),
                A, modes=("rev",), order=1)
    check_grads(lambda x: to_scalar(spla.solve_triangular(A, x, trans=trans, lower=lower)),
                b, modes=("rev",), order=1)
    check_grads(lambda x: to_scalar(spla.solve_triangular(A, x, trans=trans, lower=lower)),
                B, modes=("rev",), order=1)


@pytest.mark.parametrize("shape", [(3, 5), (4, 3, 5), (4, 4), (3, 4, 4), (5, 3), (4, 5, 3)])
def test_svd(shape):
    def fun(x):
        u, s, vh = anp.linalg.svd(x, full_matrices=False)
        return to_scalar(u) + to_scalar(s) + to_scalar(vh)
    check_fun_and_dfun(fun, R(shape))


@pytest.mark.parametrize("shape", [(5, 3), (4, 5, 3)])
def test_svd_only_s(shape):
    fun = lambda x: to_scalar(anp.linalg.svd(x, full_matrices=False, compute_uv=False))  # noqa
    check_fun_and_dfun(fun, R(shape))
