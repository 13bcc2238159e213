"""Every linalg and scipy.linalg gradient against central finite differences (float64) of
the very NumPy/SciPy function, on *unstructured* input: non-symmetric where a function
reads one triangle (eigh, eigvalsh, cholesky, hermitian svd/pinv), garbage in the triangle
a triangular solve does not read. The oracle never runs arraygrad: it perturbs the raw
array and calls NumPy/SciPy. A coverage test keeps the table complete."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

sl = pytest.importorskip("scipy.linalg")
from arraygrad.scipy import linalg as asl  # noqa: E402

N = 4


def _rng(tag: str) -> np.random.Generator:
    return np.random.default_rng(abs(hash(tag)) % 2**32)


def general(n=N, m=None, tag="g"):
    m = n if m is None else m
    a = _rng(tag).standard_normal((n, m))
    if n == m:
        a += n * np.eye(n)  # well conditioned, still unstructured
    return a


def pd_with_garbage(lower: bool, tag="pd"):
    """Positive definite in the triangle read, arbitrary numbers in the other."""
    r = _rng(tag)
    m = r.standard_normal((N, N))
    s = m @ m.T + N * np.eye(N)
    junk = r.standard_normal((N, N)) * 3
    keep = np.tri(N, dtype=bool) if lower else ~np.tri(N, k=-1, dtype=bool)
    return np.where(keep, s, junk)


def near_identity(tag="ni"):
    return np.eye(N) + 0.3 * _rng(tag).standard_normal((N, N))


def wsum(xp, y, tag):
    """A fixed random weighting of ``y`` (the same for ours and NumPy's)."""
    w = _rng("w" + tag).standard_normal(np.shape(y))
    return xp.sum(xp.real(y) * w) + (xp.sum(xp.imag(y) * w[::-1]) if np.iscomplexobj(
        y.detach().numpy() if isinstance(y, ag.Tensor) else y) else 0.0)


def sq(xp, v):
    """``|v|^2``: invariant to the sign/phase of eigen- and singular vectors."""
    return xp.real(v * xp.conj(v))


# name -> (loss(xp, la, *args), input makers). ``la`` is anp.linalg / numpy.linalg, or
# arraygrad.scipy.linalg / scipy.linalg; ``xp`` is anp / numpy.
NP = {
    "cholesky": (lambda xp, la, a: wsum(xp, la.cholesky(a), "c"), [lambda: pd_with_garbage(True)]),
    "cholesky_upper": (lambda xp, la, a: wsum(xp, la.cholesky(a, upper=True), "cu"),
                       [lambda: pd_with_garbage(False)]),
    "eigh_L": (lambda xp, la, a: wsum(xp, la.eigh(a)[0], "e1") + wsum(xp, sq(xp, la.eigh(a)[1]),
                                                                       "e2"), [general]),
    "eigh_U": (lambda xp, la, a: wsum(xp, la.eigh(a, "U")[0], "e3")
               + wsum(xp, sq(xp, la.eigh(a, "U")[1]), "e4"), [general]),
    "eigvalsh_L": (lambda xp, la, a: wsum(xp, la.eigvalsh(a), "e5"), [general]),
    "eigvalsh_U": (lambda xp, la, a: wsum(xp, la.eigvalsh(a, UPLO="U"), "e6"), [general]),
    "eig": (lambda xp, la, a: wsum(xp, la.eig(a)[0], "e7") + wsum(xp, sq(xp, la.eig(a)[1]), "e8"),
            [general]),
    "eigvals": (lambda xp, la, a: wsum(xp, la.eigvals(a), "e9"), [general]),
    "inv": (lambda xp, la, a: wsum(xp, la.inv(a), "i"), [general]),
    "det": (lambda xp, la, a: la.det(a), [general]),
    "slogdet": (lambda xp, la, a: la.slogdet(a)[1], [general]),
    "solve": (lambda xp, la, a, b: wsum(xp, la.solve(a, b), "s"),
              [general, lambda: general(N, 2, "b")]),
    "solve_vector": (lambda xp, la, a, b: wsum(xp, la.solve(a, b), "sv"),
                     [general, lambda: general(N, 2, "b")[:, 0]]),
    "lstsq": (lambda xp, la, a, b: wsum(xp, la.lstsq(a, b, rcond=None)[0], "l"),
              [lambda: general(6, 3, "la"), lambda: general(6, 2, "lb")]),
    "pinv": (lambda xp, la, a: wsum(xp, la.pinv(a), "p"), [lambda: general(5, 3, "pa")]),
    "pinv_hermitian": (lambda xp, la, a: wsum(xp, la.pinv(a, hermitian=True), "ph"), [general]),
    "qr": (lambda xp, la, a: wsum(xp, la.qr(a)[0], "q1") + wsum(xp, la.qr(a)[1], "q2"),
           [lambda: general(5, 3, "qa")]),
    "qr_wide": (lambda xp, la, a: wsum(xp, la.qr(a)[0], "q3") + wsum(xp, la.qr(a)[1], "q4"),
                [lambda: general(3, 5, "qw")]),
    "qr_r": (lambda xp, la, a: wsum(xp, la.qr(a, mode="r"), "q5"), [lambda: general(5, 3, "qr")]),
    "svd": (lambda xp, la, a: wsum(xp, la.svd(a, full_matrices=False)[1], "v1")
            + wsum(xp, sq(xp, la.svd(a, full_matrices=False)[0]), "v2")
            + wsum(xp, sq(xp, la.svd(a, full_matrices=False)[2]), "v3"),
            [lambda: general(5, 3, "sa")]),
    "svd_values": (lambda xp, la, a: wsum(xp, la.svd(a, compute_uv=False), "v4"),
                   [lambda: general(3, 5, "sb")]),
    "svd_hermitian": (lambda xp, la, a: wsum(xp, la.svd(a, hermitian=True)[1], "v5")
                      + wsum(xp, sq(xp, la.svd(a, hermitian=True)[0]), "v6"), [general]),
    "svd_hermitian_values": (lambda xp, la, a: wsum(xp, la.svd(a, compute_uv=False,
                                                                hermitian=True), "v7"),
                             [general]),
    "svdvals": (lambda xp, la, a: wsum(xp, la.svdvals(a), "v8"), [lambda: general(4, 3, "sv")]),
    "matrix_power_3": (lambda xp, la, a: wsum(xp, la.matrix_power(a, 3), "mp"), [general]),
    "matrix_power_-2": (lambda xp, la, a: wsum(xp, la.matrix_power(a, -2), "mq"), [general]),
    "multi_dot": (lambda xp, la, a, b, c: wsum(xp, la.multi_dot([a, b, c]), "md"),
                  [lambda: general(3, 4, "m1"), lambda: general(4, 2, "m2"),
                   lambda: general(2, 5, "m3")]),
    "tensorinv": (lambda xp, la, a: wsum(xp, la.tensorinv(xp.reshape(a, (4, 2, 2)), ind=1),
                                          "ti"), [general]),
    "tensorsolve": (lambda xp, la, a, b: wsum(xp, la.tensorsolve(xp.reshape(a, (2, 2, 4)), b),
                                              "ts"), [general, lambda: general(2, 2, "tb")]),
    "cond": (lambda xp, la, a: la.cond(a), [general]),
    "cond_fro": (lambda xp, la, a: la.cond(a, "fro"), [general]),
    "cond_1": (lambda xp, la, a: la.cond(a, 1), [general]),
    "cond_-2": (lambda xp, la, a: la.cond(a, -2), [general]),
    "matrix_norm_fro": (lambda xp, la, a: la.matrix_norm(a), [general]),
    "matrix_norm_nuc": (lambda xp, la, a: la.matrix_norm(a, ord="nuc"), [general]),
    "matrix_norm_2": (lambda xp, la, a: la.matrix_norm(a, ord=2), [general]),
    "matrix_norm_inf": (lambda xp, la, a: la.matrix_norm(a, ord=np.inf), [general]),
    "norm": (lambda xp, la, a: la.norm(a), [general]),
    "norm_1_axis": (lambda xp, la, a: wsum(xp, la.norm(a, 1, axis=0), "n1"), [general]),
    "norm_3_axis": (lambda xp, la, a: wsum(xp, la.norm(a, 3, axis=1), "n3"), [general]),
    "norm_nuc": (lambda xp, la, a: la.norm(a, "nuc"), [general]),
    "norm_-1": (lambda xp, la, a: la.norm(a, -1), [general]),
    "vector_norm": (lambda xp, la, a: la.vector_norm(a, ord=1.5), [general]),
    "vecdot": (lambda xp, la, a, b: wsum(xp, la.vecdot(a, b), "vd"), [general, general]),
    "outer": (lambda xp, la, a, b: wsum(xp, la.outer(a[0], b[1]), "o"), [general, general]),
    "cross": (lambda xp, la, a, b: wsum(xp, la.cross(a[:, :3], b[:, :3]), "x"),
              [general, lambda: general(tag="x2")]),
    "diagonal": (lambda xp, la, a: wsum(xp, la.diagonal(a, offset=1), "dg"), [general]),
    "trace": (lambda xp, la, a: la.trace(a), [general]),
    "matrix_transpose": (lambda xp, la, a: wsum(xp, la.matrix_transpose(a), "mt"), [general]),
    "tensordot": (lambda xp, la, a, b: wsum(xp, la.tensordot(a, b, axes=1), "td"),
                  [general, general]),
    "matmul": (lambda xp, la, a, b: wsum(xp, la.matmul(a, b), "mm"), [general, general]),
}

SP = {
    "solve_triangular_lower": (lambda xp, la, a, b: wsum(xp, la.solve_triangular(a, b,
                                                                                   lower=True),
                                                         "t1"), [general, general]),
    "solve_triangular_upper_T": (lambda xp, la, a, b: wsum(
        xp, la.solve_triangular(a, b, trans=1), "t2"), [general, general]),
    "solve_triangular_unit": (lambda xp, la, a, b: wsum(
        xp, la.solve_triangular(a, b, lower=True, unit_diagonal=True), "t3"),
        [general, general]),
    "cho_factor": (lambda xp, la, a: wsum(xp, la.cho_factor(a, lower=True)[0], "cf"),
                   [lambda: pd_with_garbage(True)]),
    "cho_solve": (lambda xp, la, c, b: wsum(xp, la.cho_solve((c, False), b), "cs"),
                  [lambda: np.triu(np.linalg.cholesky(pd_with_garbage(True)).T)
                   + np.tril(np.ones((N, N)), -1) * 7, general]),
    "cholesky": (lambda xp, la, a: wsum(xp, la.cholesky(a), "sc"),
                 [lambda: pd_with_garbage(False)]),
    "cholesky_lower": (lambda xp, la, a: wsum(xp, la.cholesky(a, lower=True), "sl"),
                       [lambda: pd_with_garbage(True)]),
    "expm": (lambda xp, la, a: wsum(xp, la.expm(a), "ex"), [near_identity]),
    "sqrtm": (lambda xp, la, a: wsum(xp, la.sqrtm(a), "sq"), [near_identity]),
    "logm": (lambda xp, la, a: wsum(xp, la.logm(a), "lg"), [near_identity]),
    "inv": (lambda xp, la, a: wsum(xp, la.inv(a), "si"), [general]),
    "det": (lambda xp, la, a: la.det(a), [general]),
    "solve": (lambda xp, la, a, b: wsum(xp, la.solve(a, b), "ss"), [general, general]),
    "eigh": (lambda xp, la, a: wsum(xp, la.eigh(a)[0], "h1") + wsum(xp, sq(xp, la.eigh(a)[1]),
                                                                     "h2"), [general]),
    "eigh_upper_values": (lambda xp, la, a: wsum(xp, la.eigh(a, lower=False,
                                                             eigvals_only=True), "h3"),
                          [general]),
    "svd": (lambda xp, la, a: wsum(xp, la.svd(a, compute_uv=False), "sd"),
            [lambda: general(5, 3, "ssv")]),
    "qr": (lambda xp, la, a: wsum(xp, la.qr(a, mode="economic")[0], "sq1")
           + wsum(xp, la.qr(a, mode="economic")[1], "sq2"), [lambda: general(5, 3, "sqr")]),
    "pinv": (lambda xp, la, a: wsum(xp, la.pinv(a), "sp"), [lambda: general(5, 3, "spv")]),
}

# Public names with no gradient by nature (integers, exceptions, result types).
NO_GRADIENT = {"matrix_rank", "LinAlgError", "EighResult", "EigResult", "QRResult",
               "SlogdetResult", "SVDResult"}


def _fd(loss, arrays, k, eps=1e-6):
    base = [a.copy() for a in arrays]
    grad = np.zeros_like(base[k])
    for idx in np.ndindex(*base[k].shape):
        plus = [a.copy() for a in base]
        minus = [a.copy() for a in base]
        plus[k][idx] += eps
        minus[k][idx] -= eps
        grad[idx] = (float(loss(*plus)) - float(loss(*minus))) / (2 * eps)
    return grad


def _check(loss, makers, ours_la, theirs_la):
    arrays = [np.asarray(m(), dtype=np.float64) for m in makers]
    ts = [ag.tensor(a, requires_grad=True) for a in arrays]
    value = loss(anp, ours_la, *ts)
    expected = loss(np, theirs_la, *arrays)
    np.testing.assert_allclose(float(value.detach().numpy()), float(expected), rtol=1e-9,
                               atol=1e-9)
    value.backward()
    for k, t in enumerate(ts):
        numeric = _fd(lambda *xs: loss(np, theirs_la, *xs), arrays, k)
        got = np.zeros_like(arrays[k]) if t.grad is None else t.grad.detach().numpy()
        scale = max(1.0, np.abs(numeric).max())
        np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("name", sorted(NP))
def test_numpy_linalg_gradient_equals_finite_differences(name):
    loss, makers = NP[name]
    _check(loss, makers, anp.linalg, np.linalg)


@pytest.mark.parametrize("name", sorted(SP))
def test_scipy_linalg_gradient_equals_finite_differences(name):
    loss, makers = SP[name]
    _check(loss, makers, asl, sl)


def test_the_triangle_not_read_gets_no_gradient():
    # The classic mistake: a symmetrised gradient puts half of it in the unread triangle.
    for uplo, keep in (("L", np.tril), ("U", np.triu)):
        a = ag.tensor(general(tag="tri" + uplo), requires_grad=True)
        anp.sum(anp.linalg.eigvalsh(a, UPLO=uplo) ** 3).backward()
        g = a.grad.detach().numpy()
        np.testing.assert_array_equal(g, keep(g))
        assert np.abs(g).max() > 0


def _public(mod):
    return {n for n in dir(mod) if not n.startswith("_") and callable(getattr(mod, n))}


def test_every_linalg_function_is_checked():
    covered = {n.split("_")[0] if n not in dir(anp.linalg) else n for n in NP}
    covered |= {n for n in _public(anp.linalg) if any(k.startswith(n) for k in NP)}
    missing = _public(anp.linalg) & set(dir(np.linalg)) - covered - NO_GRADIENT
    assert not missing, f"add these to NP: {sorted(missing)}"
    covered_sp = {n for n in _public(asl) if any(k.startswith(n) for k in SP)}
    missing_sp = set(asl.__all__) - covered_sp - NO_GRADIENT
    assert not missing_sp, f"add these to SP: {sorted(missing_sp)}"
