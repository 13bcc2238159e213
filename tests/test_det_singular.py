"""det's derivatives everywhere, singular matrices included (the fuzzer's "det-singular"
class), slogdet's clear error where its gradient is infinite, and products over a
zero-length axis (the fuzzer's "empty-contraction" class).

Oracles: central finite differences in float64 (det is a polynomial, so they are accurate
to rounding at any matrix), gradcheck/gradgradcheck, and PyTorch where its answer is
defined (its second derivative goes through inv near a singular matrix, or is NaN at a
rank n-2 one, so there it is not an oracle)."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp
from arraygrad.gradcheck import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def _matrix(rng, kind, n, batch, dtype):
    a = rng.standard_normal(batch + (n, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(batch + (n, n))
    u, s, vh = np.linalg.svd(a)
    s = s.copy()
    if kind == "nearly":
        s[..., -1] = 1e-9
    elif kind == "rank n-1":
        s[..., -1] = 0
    elif kind == "rank n-2":
        s[..., -2:] = 0
    return ((u * s[..., None, :]) @ vh).astype(dtype)


def _fd_grad(f, a, eps=1e-6):
    """Central differences of the real-or-holomorphic scalar f along each entry of a."""
    out = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        e = np.zeros_like(a)
        e[idx] = eps
        out[idx] = (f(a + e) - f(a - e)) / (2 * eps)
    return out


def _ag_grad(a, w, create_graph=False):
    x = ag.tensor(a, requires_grad=True)
    (g,) = ag.autograd.grad([anp.sum(anp.linalg.det(x) * w)], [x], create_graph=create_graph)
    return x, g


CASES = [(kind, n, batch) for n in (1, 2, 3, 4) for batch in ((), (3,))
         for kind in ("random", "nearly", "rank n-1", "rank n-2")
         if not (kind == "rank n-1" and n < 2) and not (kind == "rank n-2" and n < 3)]


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("kind,n,batch", CASES)
def test_det_gradient_and_hvp_match_finite_differences(kind, n, batch, dtype):
    rng = np.random.default_rng(hash((kind, n, batch)) % 2**32)
    a = _matrix(rng, kind, n, batch, dtype)
    w = rng.standard_normal(batch)
    v = _matrix(rng, "random", n, batch, dtype)

    def f(m):
        return np.sum(np.linalg.det(m) * w)

    x, g = _ag_grad(a, w, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), _fd_grad(f, a), atol=1e-8, rtol=1e-6)
    (h,) = ag.autograd.grad([anp.sum(g * v)], [x])
    # the HVP is the derivative of the gradient along v (holomorphic: no conjugation)
    eps = 1e-6
    want = (_ag_grad(a + eps * v, w)[1].numpy() - _ag_grad(a - eps * v, w)[1].numpy()) / (2 * eps)
    np.testing.assert_allclose(h.numpy(), want, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("kind,n,batch", [c for c in CASES if c[0] in ("random", "rank n-1")])
def test_det_gradient_and_hvp_match_torch(kind, n, batch):
    rng = np.random.default_rng(hash((kind, n, batch, "torch")) % 2**32)
    a = _matrix(rng, kind, n, batch, np.float64)
    w, v = rng.standard_normal(batch), rng.standard_normal(a.shape)
    x, g = _ag_grad(a, w, create_graph=True)
    (h,) = ag.autograd.grad([anp.sum(g * v)], [x])
    t = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad((torch.linalg.det(t) * torch.tensor(w)).sum(), t,
                                create_graph=True)
    ht = (torch.autograd.grad((gt * torch.tensor(v)).sum(), t)[0] if gt.requires_grad
          else torch.zeros_like(t))  # (1x1: torch's gradient is a constant)
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), atol=1e-12, rtol=1e-9)
    np.testing.assert_allclose(h.numpy(), ht.numpy(), atol=1e-12, rtol=1e-9)


@pytest.mark.parametrize("kind", ["random", "rank n-1", "rank n-2"])
def test_det_gradgradcheck(kind):
    a = _matrix(np.random.default_rng(7), kind, 3, (2,), np.float64)
    assert gradcheck(anp.linalg.det, [ag.tensor(a, requires_grad=True)])
    assert gradgradcheck(anp.linalg.det, [ag.tensor(a, requires_grad=True)])


def test_det_of_an_exactly_singular_stack_has_zero_gradient_and_hvp():
    x = ag.tensor([0.5, 0.96, -0.2], requires_grad=True)
    y = ag.tensor([1.5, 0.3, 0.7], requires_grad=True)
    d = anp.linalg.det(anp.stack([x, x, y]))  # a repeated row: det == 0 for every x, y
    gx, gy = ag.autograd.grad([d], [x, y], create_graph=True)
    np.testing.assert_allclose(gy.detach().numpy(), 0, atol=1e-12)
    (h,) = ag.autograd.grad([anp.sum(gx * np.array([0.3, -0.7, 0.1]))], [y])
    np.testing.assert_allclose(h.numpy(), 0, atol=1e-12)


def test_det_of_an_empty_matrix():
    x = ag.tensor(np.zeros((2, 0, 0)), requires_grad=True)
    d = anp.linalg.det(x)
    np.testing.assert_array_equal(d.detach().numpy(), [1.0, 1.0])
    d.sum().backward()
    assert x.grad.shape == (2, 0, 0)


def test_slogdet_gradient_at_a_singular_matrix_raises_clearly():
    x = ag.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    sign, logabs = anp.linalg.slogdet(x)
    assert sign.item() == 0
    with pytest.raises(np.linalg.LinAlgError, match=r"slogdet: .*singular.*infinite"):
        logabs.backward()


def test_slogdet_gradient_is_unchanged_elsewhere():
    a = _matrix(np.random.default_rng(3), "random", 3, (2,), np.float64)
    x = ag.tensor(a, requires_grad=True)
    anp.linalg.slogdet(x)[1].sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.swapaxes(np.linalg.inv(a), -1, -2),
                               rtol=1e-10)


# ---------------------------------------------------------------------------- empty contractions

PRODUCTS = [
    ("tensordot", lambda a, b: anp.tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1),
     [((0,), (0, 1)), ((2, 0), (0, 3)), ((0, 2), (2, 0)), ((0,), (0,))]),
    ("tensordot 2", lambda a, b: anp.tensordot(a, b, 2), lambda a, b: np.tensordot(a, b, 2),
     [((2, 0), (2, 0)), ((3, 0, 2), (0, 2, 1)), ((0, 0), (0, 0, 4))]),
    ("tensordot 0", lambda a, b: anp.tensordot(a, b, 0), lambda a, b: np.tensordot(a, b, 0),
     [((0,), (2,)), ((2,), (0, 3))]),
    ("inner", anp.inner, np.inner, [((0,), (0,)), ((2, 0), (3, 0)), ((0, 3), (2, 3))]),
    ("dot", anp.dot, np.dot, [((0,), (0,)), ((2, 0), (0, 3)), ((0,), (0, 3)), ((2, 0), (0,)),
                              ((2, 3, 0), (4, 0, 5)), ((0, 2, 3), (3,)),
                              ((2, 0, 3), (4, 3, 0))]),
    ("matmul", anp.matmul, np.matmul, [((0,), (0,)), ((2, 0), (0, 3)), ((5, 2, 0), (0, 3)),
                                       ((0, 2, 3), (3, 4))]),
    ("vdot", anp.vdot, np.vdot, [((0,), (0,)), ((2, 0), (0, 3))]),
    ("outer", anp.outer, np.outer, [((0,), (3,)), ((2, 0), (3,)), ((0,), (0,))]),
    ("kron", anp.kron, np.kron, [((0,), (3,)), ((2, 0), (3, 2)), ((0, 2), (2, 0))]),
    ("einsum", lambda a, b: anp.einsum("ij,jk->ik", a, b),
     lambda a, b: np.einsum("ij,jk->ik", a, b), [((2, 0), (0, 3)), ((0, 2), (2, 0))]),
    ("vector_norm", lambda a, b: anp.linalg.vector_norm(a, axis=(1, 2)) + anp.sum(b),
     lambda a, b: np.linalg.vector_norm(a, axis=(1, 2)) + np.sum(b), [((0, 2, 3), (1,))]),
]


@pytest.mark.parametrize("name,f,np_f,sa,sb", [(n, f, nf, sa, sb) for n, f, nf, shapes in PRODUCTS
                                               for sa, sb in shapes])
def test_product_over_an_empty_axis_while_recording(name, f, np_f, sa, sb):
    a0 = np.arange(1.0, 1 + np.prod(sa)).reshape(sa)
    b0 = np.arange(1.0, 1 + np.prod(sb)).reshape(sb)
    a, b = ag.tensor(a0, requires_grad=True), ag.tensor(b0, requires_grad=True)
    out = f(a, b)
    want = np_f(a0, b0)
    assert out.shape == np.shape(want)
    np.testing.assert_array_equal(out.detach().numpy(), want)
    ga, gb = ag.autograd.grad([anp.sum(out)], [a, b])
    # every term of the sum is a product with an empty factor, or the output is empty
    np.testing.assert_array_equal(ga.numpy(), np.zeros(sa))
    np.testing.assert_array_equal(gb.numpy(), np.zeros(sb))
