"""arraygrad.numpy.linalg: values equal NumPy's, gradients (first and second order, real
and complex) equal finite differences, forward mode agrees, numpy.linalg dispatches, and
a few closed forms and PyTorch's gradients agree (ours are the conjugate of PyTorch's for
complex inputs)."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

from opcheck import check_op

LA = anp.linalg
DTYPES = [np.float64, np.complex128]


def rand(rng, shape, dtype=np.float64):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def well_conditioned(rng, shape, dtype=np.float64):
    n = shape[-1]
    return rand(rng, shape, dtype) + 3 * np.eye(n)


def herm(a):
    """Hermitian (symmetric) part, written with arraygrad ops or NumPy."""
    at = anp.swapaxes(a, -1, -2) if isinstance(a, ag.Tensor) else np.swapaxes(a, -1, -2)
    if a.dtype.kind == "c":
        at = anp.conj(at) if isinstance(a, ag.Tensor) else np.conj(at)
    return (a + at) / 2


def spd(rng, n, dtype=np.float64, batch=()):
    b = rand(rng, batch + (n, n), dtype)
    return herm(b @ np.conj(np.swapaxes(b, -1, -2)) + n * np.eye(n))


def spectrum(rng, values, dtype=np.float64, hermitian=False):
    """A matrix with the given (well-separated) eigenvalues."""
    n = len(values)
    if hermitian:
        q, _ = np.linalg.qr(rand(rng, (n, n), dtype))
        return herm((q * np.asarray(values)) @ np.conj(q.T))
    v = rand(rng, (n, n), dtype) + 2 * np.eye(n)
    return (v * np.asarray(values)) @ np.linalg.inv(v)


def weights(n):
    return np.arange(1.0, n + 1.0)


# ---------------------------------------------------------------------------- inverses, solves


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_inv_det_slogdet(rng, dtype, shape):
    a = well_conditioned(rng, shape, dtype)
    second = len(shape) == 2
    check_op(LA.inv, [a], np.linalg.inv, second_order=second)
    check_op(LA.det, [a], np.linalg.det, second_order=second)
    check_op(LA.slogdet, [a], np.linalg.slogdet, second_order=second)


@pytest.mark.parametrize("dtype", DTYPES)
def test_solve(rng, dtype):
    a = well_conditioned(rng, (3, 3), dtype)
    check_op(LA.solve, [a, rand(rng, (3, 2), dtype)], np.linalg.solve)
    check_op(LA.solve, [a, rand(rng, (3,), dtype)], np.linalg.solve)
    # Batched a, broadcast b (its gradient is summed over the batch).
    ab = well_conditioned(rng, (2, 3, 3), dtype)
    check_op(LA.solve, [ab, rand(rng, (3, 2), dtype)], np.linalg.solve, second_order=False)
    check_op(LA.solve, [ab, rand(rng, (3,), dtype)], np.linalg.solve, second_order=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4)])
def test_pinv(rng, dtype, shape):
    check_op(LA.pinv, [rand(rng, shape, dtype)], np.linalg.pinv)


def test_pinv_batched_hermitian(rng):
    check_op(LA.pinv, [rand(rng, (2, 3, 2))], np.linalg.pinv, second_order=False)
    s = spd(rng, 3)
    check_op(lambda a: LA.pinv(herm(a), hermitian=True), [s],
             lambda a: np.linalg.pinv(a, hermitian=True), dispatch=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lstsq(rng, dtype):
    a, b, b2 = rand(rng, (5, 3), dtype), rand(rng, (5,), dtype), rand(rng, (5, 2), dtype)
    check_op(lambda a, b: LA.lstsq(a, b)[0], [a, b],
             lambda a, b: np.linalg.lstsq(a, b)[0], dispatch=False)
    check_op(lambda a, b: LA.lstsq(a, b)[1], [a, b2],
             lambda a, b: np.linalg.lstsq(a, b)[1], dispatch=False, second_order=False)
    check_op(lambda a, b: LA.lstsq(a, b)[3], [a, b2], lambda a, b: np.linalg.lstsq(a, b)[3],
             dispatch=False, second_order=False)
    # The whole tuple, through numpy dispatch: rank is an int, the rest tensors.
    x, res, rank, sv = np.linalg.lstsq(ag.tensor(a), ag.tensor(b2), rcond=None)
    ex = np.linalg.lstsq(a, b2, rcond=None)
    assert rank == ex[2]
    for got, want in zip((x, res, sv), (ex[0], ex[1], ex[3])):
        assert isinstance(got, ag.Tensor)
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------- decompositions


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(rng, dtype, upper):
    a = spd(rng, 3, dtype)
    check_op(lambda a: LA.cholesky(herm(a), upper=upper), [a],
             lambda a: np.linalg.cholesky(a, upper=upper))


def test_cholesky_batched(rng):
    a = spd(rng, 3, batch=(2,))
    check_op(lambda a: LA.cholesky(herm(a)), [a], np.linalg.cholesky, second_order=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4)])
def test_qr(rng, dtype, shape):
    check_op(LA.qr, [rand(rng, shape, dtype)], np.linalg.qr)
    check_op(lambda a: LA.qr(a, mode="r"), [rand(rng, shape, dtype)],
             lambda a: np.linalg.qr(a, mode="r"), second_order=False)


def test_qr_batched_and_complete(rng):
    check_op(LA.qr, [rand(rng, (2, 3, 2))], np.linalg.qr, second_order=False)
    wide = rand(rng, (2, 3))
    check_op(lambda a: LA.qr(a, mode="complete"), [wide],
             lambda a: np.linalg.qr(a, mode="complete"), second_order=False)
    tall = ag.tensor(rand(rng, (3, 2)), requires_grad=True)
    q, r = LA.qr(tall, mode="complete")
    with pytest.raises(NotImplementedError, match="complete"):
        q.sum().backward()
    with pytest.raises(TypeError, match="raw"):
        LA.qr(tall, mode="raw")
    h, tau = LA.qr(tall.detach(), mode="raw")
    np.testing.assert_array_equal(h.detach().numpy(),
                                  np.linalg.qr(tall.detach().numpy(), mode="raw")[0])


def _eigh_invariants(a):
    w, v = LA.eigh(herm(a))
    return w, anp.abs(v) ** 2 * weights(v.shape[-1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_eigh(rng, dtype):
    a = spectrum(rng, [-1.0, 0.5, 2.0, 4.0], dtype, hermitian=True)
    check_op(_eigh_invariants, [a])
    check_op(lambda a: LA.eigvalsh(herm(a)), [a], np.linalg.eigvalsh)
    # Values and dispatch of the decomposition itself.
    w, v = np.linalg.eigh(ag.tensor(a))
    ew_, ev = np.linalg.eigh(a)
    np.testing.assert_allclose(w.detach().numpy(), ew_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v.detach().numpy(), ev, rtol=1e-12, atol=1e-12)
    # The reconstruction V diag(w) V^H is A itself: its Jacobian is the identity's.
    check_op(lambda a: (lambda w, v: (v * w) @ anp.conj(anp.swapaxes(v, -1, -2)))(
        *LA.eigh(herm(a))), [a], second_order=False)


def test_eigh_upper_and_batched(rng):
    a = np.stack([spectrum(rng, [1.0, 2.0, 3.5], hermitian=True) for _ in range(2)])
    check_op(lambda a: LA.eigh(herm(a), UPLO="U")[0], [a],
             lambda a: np.linalg.eigh(a, UPLO="U")[0], dispatch=False, second_order=False)
    check_op(lambda a: LA.eigvalsh(herm(a), UPLO="U"), [a],
             lambda a: np.linalg.eigvalsh(a, UPLO="U"), second_order=False)


def _eig_invariants(a):
    w, v = LA.eig(a)
    return w, anp.abs(v) ** 2 * weights(v.shape[-1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_eig(rng, dtype):
    values = [1.0, 2.5, 4.0] if dtype == np.float64 else [1.0 + 1j, 2.5 - 0.5j, -2.0]
    a = spectrum(rng, values, dtype)
    check_op(_eig_invariants, [a])
    check_op(LA.eigvals, [a], np.linalg.eigvals)
    w, v = np.linalg.eig(ag.tensor(a))
    np.testing.assert_allclose(w.detach().numpy(), np.linalg.eig(a)[0], rtol=1e-12, atol=1e-12)


def test_eig_real_input_complex_pair(rng):
    # A real matrix with a complex-conjugate pair: complex outputs, real gradient.
    a = np.array([[0.0, -2.0, 0.3], [1.5, 0.2, 0.0], [0.1, 0.4, 3.0]])
    assert np.iscomplexobj(np.linalg.eigvals(a))
    check_op(_eig_invariants, [a], second_order=False)
    check_op(LA.eigvals, [a], np.linalg.eigvals, second_order=False)


def _svd_invariants(a):
    u, s, vh = LA.svd(a, full_matrices=False)
    k = s.shape[-1]
    return (s, anp.abs(u) ** 2 * weights(k), anp.abs(vh) ** 2 * weights(k)[:, None],
            (u * anp.expand_dims(s, -2)) @ vh)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4)])
def test_svd(rng, dtype, shape):
    a = rand(rng, shape, dtype)
    check_op(_svd_invariants, [a])
    check_op(lambda a: LA.svd(a, compute_uv=False), [a],
             lambda a: np.linalg.svd(a, compute_uv=False))
    check_op(LA.svdvals, [a], np.linalg.svdvals, second_order=False)
    for full in (True, False):
        got = np.linalg.svd(ag.tensor(a), full_matrices=full)
        for g, e in zip(got, np.linalg.svd(a, full_matrices=full)):
            np.testing.assert_allclose(g.detach().numpy(), e, rtol=1e-12, atol=1e-12)


def test_svd_full_matrices_and_batched(rng):
    a = rand(rng, (4, 2))

    def full(a):
        u, s, vh = LA.svd(a, full_matrices=True)
        return (u[:, :2] * s) @ vh, s

    check_op(full, [a], second_order=False)
    check_op(_svd_invariants, [rand(rng, (2, 3, 2))], second_order=False)
    s = spd(rng, 3)
    check_op(lambda a: LA.svd(herm(a), hermitian=True)[1], [s],
             lambda a: np.linalg.svd(a, hermitian=True)[1], dispatch=False, second_order=False)


# ---------------------------------------------------------------------------- norms

VECTOR_ORDS = [None, np.inf, -np.inf, 1, 2, 3, 0.5, -1.5]
MATRIX_ORDS = ["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_vector_norms(rng, dtype, ord):
    v = rand(rng, (5,), dtype)
    check_op(lambda x: LA.norm(x, ord), [v], lambda x: np.linalg.norm(x, ord))
    m = rand(rng, (2, 3, 4), dtype)
    check_op(lambda x: LA.norm(x, ord, axis=1, keepdims=True), [m],
             lambda x: np.linalg.norm(x, ord, axis=1, keepdims=True), second_order=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ord", MATRIX_ORDS)
def test_matrix_norms(rng, dtype, ord):
    check_op(lambda x: LA.norm(x, ord), [rand(rng, (3, 4), dtype)],
             lambda x: np.linalg.norm(x, ord))
    m = rand(rng, (2, 3, 4), dtype)
    check_op(lambda x: LA.norm(x, ord, axis=(2, 0), keepdims=True), [m],
             lambda x: np.linalg.norm(x, ord, axis=(2, 0), keepdims=True), second_order=False)
    check_op(lambda x: LA.matrix_norm(x, ord=ord), [m],
             lambda x: np.linalg.matrix_norm(x, ord=ord), second_order=False)


def test_norm_zero_ord_and_vector_norm(rng):
    x = np.array([0.0, 1.5, -2.0, 0.0])
    out = np.linalg.norm(ag.tensor(x, requires_grad=True), 0)
    assert isinstance(out, ag.Tensor) and not out.requires_grad  # a count: no gradient
    assert out.item() == np.linalg.norm(x, 0)
    m = rand(rng, (2, 3, 4))
    check_op(lambda x: LA.vector_norm(x, axis=(0, 2), ord=3, keepdims=True), [m],
             lambda x: np.linalg.vector_norm(x, axis=(0, 2), ord=3, keepdims=True),
             second_order=False)
    check_op(lambda x: LA.vector_norm(x), [m], np.linalg.vector_norm, second_order=False)
    with pytest.raises(ValueError):
        LA.norm(ag.tensor(m), 2)  # ord given, 3-D, no axis
    with pytest.raises(ValueError):
        LA._norm_general(ag.tensor(m[0, 0]), "nuc", axis=0)


# ---------------------------------------------------------------------------- composites


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -2])
def test_matrix_power(rng, dtype, n):
    a = well_conditioned(rng, (2, 3, 3), dtype) / 3
    check_op(lambda x: LA.matrix_power(x, n), [a], lambda x: np.linalg.matrix_power(x, n),
             second_order=abs(n) <= 2)


@pytest.mark.parametrize("p", [None, 2, -2, 1, "fro", np.inf, "nuc"])
def test_cond(rng, p):
    check_op(lambda x: LA.cond(x, p), [well_conditioned(rng, (2, 3, 3))],
             lambda x: np.linalg.cond(x, p), second_order=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_products_and_tensor_solves(rng, dtype):
    v, m1, m2 = rand(rng, (3,), dtype), rand(rng, (3, 4), dtype), rand(rng, (4, 2), dtype)
    check_op(lambda a, b, c, d: LA.multi_dot([a, b, c, d]), [v, m1, m2, rand(rng, (2,), dtype)],
             lambda a, b, c, d: np.linalg.multi_dot([a, b, c, d]))
    check_op(lambda a, b, c: LA.multi_dot([a, b, c]), [m1.T, m1, m2],
             lambda a, b, c: np.linalg.multi_dot([a, b, c]), second_order=False)
    m = rand(rng, (2, 3, 4), dtype)
    check_op(lambda x: LA.trace(x, offset=1), [m], lambda x: np.linalg.trace(x, offset=1))
    check_op(lambda x: LA.diagonal(x, offset=-1), [m],
             lambda x: np.linalg.diagonal(x, offset=-1), second_order=False)
    check_op(LA.matrix_transpose, [m], np.linalg.matrix_transpose, second_order=False)
    check_op(LA.cross, [m[..., :3], m[..., 1:]], np.linalg.cross, second_order=False)
    check_op(LA.vecdot, [m, m[::-1]], np.linalg.vecdot, second_order=False)
    check_op(LA.outer, [v, m1[0]], np.linalg.outer, second_order=False)
    check_op(LA.matmul, [m, rand(rng, (4, 2), dtype)], np.linalg.matmul, second_order=False)
    t = (rand(rng, (6, 6), dtype) + 3 * np.eye(6)).reshape(2, 3, 6)
    check_op(lambda x: LA.tensorinv(x, ind=2), [t], lambda x: np.linalg.tensorinv(x, ind=2),
             second_order=False)
    check_op(LA.tensorsolve, [t, rand(rng, (2, 3), dtype)], np.linalg.tensorsolve,
             second_order=False)


def test_matrix_rank_is_a_constant(rng):
    a = ag.tensor(np.outer(np.arange(1.0, 4.0), np.ones(3)), requires_grad=True)
    r = np.linalg.matrix_rank(a)
    assert isinstance(r, ag.Tensor) and r.item() == 1 and not r.requires_grad


# ---------------------------------------------------------------------------- closed forms


def _grad(f, x):
    t = ag.tensor(x, requires_grad=True)
    f(t).backward()
    return t.grad.detach().numpy()


def test_closed_forms(rng):
    a = well_conditioned(rng, (4, 4))
    b = rand(rng, (4, 4))
    ainv = np.linalg.inv(a)
    # d det(A)/dA = det(A) A^-T
    np.testing.assert_allclose(_grad(LA.det, a), np.linalg.det(a) * ainv.T, rtol=1e-10)
    # d log|det A| / dA = A^-T
    np.testing.assert_allclose(_grad(lambda x: LA.slogdet(x)[1], a), ainv.T, rtol=1e-10)
    # d tr(A^-1 B) / dA = -(A^-1 B A^-1)^T
    np.testing.assert_allclose(_grad(lambda x: LA.trace(LA.inv(x) @ b), a),
                               -(ainv @ b @ ainv).T, rtol=1e-10)
    # d ||A||_* / dA = U V^T, d ||A||_2 / dA = u1 v1^T
    u, s, vh = np.linalg.svd(b)
    np.testing.assert_allclose(_grad(lambda x: LA.norm(x, "nuc"), b), u @ vh, rtol=1e-10)
    np.testing.assert_allclose(_grad(lambda x: LA.norm(x, 2), b), np.outer(u[:, 0], vh[0]),
                               rtol=1e-10)
    # d sum(eigvalsh(S)) / dS = I (for symmetric S, through the symmetric part)
    s_ = spd(rng, 4)
    np.testing.assert_allclose(_grad(lambda x: LA.eigvalsh(herm(x)).sum(), s_), np.eye(4),
                               atol=1e-12)
    # Complex: d log|det A| / dA = conj(A^-T) in PyTorch's convention, A^-T in ours.
    c = well_conditioned(rng, (3, 3), np.complex128)
    np.testing.assert_allclose(_grad(lambda x: LA.slogdet(x)[1], c), np.linalg.inv(c).T,
                               rtol=1e-10)


def test_third_order_det(rng):
    # det of a 2x2 is quadratic: its Hessian is constant and its third derivative is 0.
    a = ag.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    (g,) = ag.autograd.grad(LA.det(a), a, create_graph=True)
    rows = [ag.autograd.grad(g.reshape(-1)[i], a, retain_graph=True, create_graph=True)[0]
            for i in range(4)]
    h = np.stack([r.detach().numpy().reshape(-1) for r in rows])
    expected = np.array([[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]], float)
    np.testing.assert_allclose(h, expected, atol=1e-12)
    third = ag.autograd.grad((rows[0] * rows[3]).sum(), a, allow_unused=True)[0]
    assert third is None or np.allclose(third.detach().numpy(), 0)


# ---------------------------------------------------------------------------- PyTorch oracle


def _torch_grad(torch, f, x):
    t = torch.tensor(x, requires_grad=True)
    out = f(t)
    out.backward()
    return t.grad.resolve_conj().detach().numpy()


@pytest.mark.parametrize("dtype", DTYPES)
def test_against_pytorch(rng, dtype):
    torch = pytest.importorskip("torch")
    a = well_conditioned(rng, (3, 3), dtype)
    rect = rand(rng, (4, 3), dtype)
    h = spectrum(rng, [-1.0, 0.5, 2.0], dtype, hermitian=True)
    w = np.arange(1.0, 4.0)
    tw = torch.tensor(w)

    def herm_t(x):
        return (x + x.mH) / 2

    cases = [
        (lambda x: anp.abs(LA.det(x)), lambda x: torch.linalg.det(x).abs(), a),
        (lambda x: LA.slogdet(x)[1], lambda x: torch.linalg.slogdet(x)[1], a),
        (lambda x: anp.abs(LA.inv(x)).sum(), lambda x: torch.linalg.inv(x).abs().sum(), a),
        (lambda x: anp.abs(LA.pinv(x) ** 2).sum(),
         lambda x: (torch.linalg.pinv(x) ** 2).abs().sum(), rect),
        (lambda x: anp.abs(LA.cholesky(herm(x)) ** 2 @ w).sum(),
         lambda x: ((torch.linalg.cholesky(herm_t(x)) ** 2) @ tw.to(x.dtype)).abs().sum(),
         spd(rng, 3, dtype)),
        (lambda x: (anp.abs(LA.qr(x)[0]) ** 3).sum() + anp.abs(LA.qr(x)[1]).sum(),
         lambda x: (torch.linalg.qr(x)[0].abs() ** 3).sum() + torch.linalg.qr(x)[1].abs().sum(),
         rect),
        (lambda x: (LA.eigh(herm(x))[0] * w).sum() + (anp.abs(LA.eigh(herm(x))[1]) ** 2 @ w).sum(),
         lambda x: (torch.linalg.eigh(herm_t(x))[0] * tw).sum()
         + ((torch.linalg.eigh(herm_t(x))[1].abs() ** 2) @ tw).sum(), h),
        (lambda x: (LA.svd(x, full_matrices=False)[1] * w).sum()
         + (anp.abs(LA.svd(x, full_matrices=False)[0]) ** 2 @ w).sum(),
         lambda x: (torch.linalg.svd(x, full_matrices=False)[1] * tw).sum()
         + ((torch.linalg.svd(x, full_matrices=False)[0].abs() ** 2) @ tw).sum(), rect),
        (lambda x: anp.abs(LA.eigvals(x) ** 2).sum(),
         lambda x: (torch.linalg.eigvals(x) ** 2).abs().sum(),
         spectrum(rng, [1.0, 2.5, 4.0], dtype)),
    ]
    for ours, theirs, x in cases:
        got = _grad(ours, x)
        want = _torch_grad(torch, theirs, x)
        np.testing.assert_allclose(got, np.conj(want), rtol=1e-8, atol=1e-10)


def test_dispatch_covers_the_namespace():
    from arraygrad.numpy import _dispatch

    _dispatch._build()
    for name in ("inv", "solve", "det", "slogdet", "cholesky", "qr", "eigh", "eig", "eigvals",
                 "eigvalsh", "svd", "pinv", "lstsq", "norm", "matrix_power", "matrix_rank",
                 "multi_dot", "cond", "tensorinv", "tensorsolve", "trace", "outer",
                 "vector_norm", "matrix_norm", "svdvals", "cross", "vecdot", "diagonal",
                 "matrix_transpose", "matmul", "tensordot"):
        theirs = getattr(np.linalg, name, None)
        if theirs is not None:
            assert _dispatch._FUNCTIONS.get(theirs) is getattr(LA, name), name
