"""A selection from pytorch/pytorch ``test/test_autograd.py`` (``TestAutograd``) that fits
arraygrad's PyTorch-style API: hooks, ``retain_grad``, accumulation, backward twice,
``no_grad``, ``detach``, the version counter, ``requires_grad`` propagation and
``autograd.grad`` (``create_graph``, ``allow_unused``, ``grad_outputs``).

Adapted: ``torch.randn(..., requires_grad=True)`` -> ``ag.tensor(..., requires_grad=True)``;
errors are ``ag.GraphError`` (PyTorch: ``RuntimeError``); ``.grad`` of a non-leaf is
None without PyTorch's UserWarning (docs/peer-compat.md).
"""

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

rng = np.random.default_rng(0)


def leaf(*shape):
    return ag.tensor(rng.standard_normal(shape), requires_grad=True)


def test_hooks():  # test_hooks
    x = ag.tensor(np.ones((5, 5)), requires_grad=True)
    y = ag.tensor(np.full((5, 5), 4.0), requires_grad=True)
    counter = [0]

    def bw_hook(inc, grad):
        assert isinstance(grad, ag.Tensor)
        counter[0] += inc

    z = x ** 2 + x * 2 + x * y + y
    h = z.register_hook(lambda g: bw_hook(1, g))
    z.backward(ag.tensor(np.ones((5, 5))), retain_graph=True)
    assert counter[0] == 1
    h2 = z.register_hook(lambda g: bw_hook(2, g))
    z.backward(ag.tensor(np.ones((5, 5))), retain_graph=True)
    assert counter[0] == 4
    h2.remove()
    z.backward(ag.tensor(np.ones((5, 5))), retain_graph=True)
    assert counter[0] == 5
    h.remove()
    # a hook that returns a value replaces the gradient
    z.register_hook(lambda g: g * 2)
    x.grad = None
    z.backward(ag.tensor(np.ones((5, 5))))
    np.testing.assert_allclose(x.grad, 2 * (2 * 1 + 2 + 4))


def test_leaf_hook_and_retain_grad():  # test_retain_grad
    x = leaf(3)
    y = x * 2
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad, 2 * y.detach())
    np.testing.assert_allclose(x.grad, 8 * x.detach())
    seen = []
    x.register_hook(lambda g: seen.append(np.asarray(g)))
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(seen[0], 3.0)
    np.testing.assert_allclose(x.grad, 3.0)


def test_accumulate_grad():  # test_accumulate_grad
    x = leaf(4)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad, 5.0)
    x.grad = None
    (x ** 2).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.detach())


def test_backward_twice_without_retain_graph_errors():
    x = leaf(3)
    y = (x.exp() * x).sum()  # exp saves its output
    y.backward()
    with pytest.raises(ag.GraphError, match="second time"):
        y.backward()


def test_backward_twice_with_retain_graph():
    x = leaf(3)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 4 * x.detach())


def test_grad_nonleaf_is_none():  # test_grad_nonleaf
    x = leaf(3)
    y = x * 2
    (y * y).sum().backward()
    assert y.grad is None and not y.is_leaf and x.is_leaf
    assert x.grad is not None


def test_no_grad():  # test_no_grad
    x = leaf(5, 5)
    y = ag.tensor(np.ones((5, 5)) * 4)
    with ag.no_grad():
        w = x + y
    assert not w.requires_grad and w.grad_fn is None
    z = x + y
    assert z.requires_grad and z.grad_fn is not None


def test_set_grad_enabled_and_nesting():  # test_set_grad_enabled / test_no_grad_python_function
    x = leaf(2)
    with ag.set_grad_enabled(False):
        assert not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def f(a):
        return a * 2

    assert not f(x).requires_grad


def test_requires_grad_propagation():  # test_requires_grad
    x = ag.tensor(rng.standard_normal((5, 5)))
    y = ag.tensor(rng.standard_normal((5, 5)))
    z = ag.tensor(rng.standard_normal((5, 5)), requires_grad=True)
    a = x + y
    assert not a.requires_grad
    b = a + z
    assert b.requires_grad
    b.sum().backward()
    np.testing.assert_allclose(z.grad, 1.0)
    assert x.grad is None


def test_requires_grad_inplace():  # test_requires_grad_inplace
    a = ag.tensor(rng.standard_normal((5, 5)))
    b = leaf(5, 5)
    a += b
    assert a.requires_grad
    a.sum().backward()
    np.testing.assert_allclose(b.grad, 1.0)


def test_detach():  # test_detach
    x = leaf(10, 10)
    y = x + 2
    y = y.detach()
    z = y * 4 + 2
    assert not y.requires_grad and not z.requires_grad
    x = leaf(10, 10)
    y = x * 2
    y = y.detach()
    assert not y.requires_grad and y.grad_fn is None
    z = x + y
    z.sum().backward()
    np.testing.assert_allclose(x.grad, 1.0)


def test_detach_shares_data_and_version():
    x = leaf(3)
    d = x.detach()
    np.testing.assert_array_equal(d, x.detach())
    assert not d.requires_grad


def test_inplace_version_counter_error():  # test_inplace_on_view_backward / saved var
    x = leaf(3)
    y = x * 1.0
    z = y.exp()  # ExpBackward saves its output
    z += 1
    with pytest.raises(ag.GraphError, match="modified by an inplace operation"):
        z.sum().backward()


def test_inplace_modify_saved_input_error():
    a = leaf(3)
    b = a * 1.0
    c = b * b  # saves b
    b += 1
    with pytest.raises(ag.GraphError, match="inplace"):
        c.sum().backward()


def test_inplace_on_leaf_requiring_grad_errors():
    x = leaf(3)
    with pytest.raises((ag.GraphError, RuntimeError)):
        x += 1


def test_autograd_grad_basic():  # test_grad
    x = leaf(2, 2)
    y = leaf(2, 2)
    z = x ** 2 + y * x + y ** 2
    z.backward(ag.tensor(np.ones((2, 2))), create_graph=True)
    x_grad = 2 * x + y
    y_grad = x + 2 * y
    np.testing.assert_allclose(x.grad.detach(), x_grad.detach())
    np.testing.assert_allclose(y.grad.detach(), y_grad.detach())
    grad_sum = 2 * x.grad + y.grad
    (x_hv,) = ag.autograd.grad(grad_sum, [x], grad_outputs=ag.tensor(np.ones((2, 2))),
                               create_graph=True)
    np.testing.assert_allclose(x_hv, 5.0)  # d/dx (2(2x+y) + (x+2y)) = 5


def test_autograd_grad_leaves_grad_untouched():
    x = leaf(3)
    (g,) = ag.autograd.grad((x * x).sum(), [x])
    np.testing.assert_allclose(g, 2 * x.detach())
    assert x.grad is None


def test_grad_unreachable_allow_unused():  # test_grad_unreachable
    x = leaf(2)
    y = leaf(2)
    z = x * 2
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.autograd.grad(z.sum(), [x, y])
    gx, gy = ag.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    np.testing.assert_allclose(gx, 2.0)
    assert gy is None


def test_grad_outputs_shape_mismatch_errors():
    x = leaf(3)
    y = x * 2
    with pytest.raises((ValueError, ag.GraphError, RuntimeError)):
        ag.autograd.grad(y, [x], grad_outputs=ag.tensor(np.ones(4)))


def test_backward_of_nonscalar_uses_ones():
    # PyTorch raises "grad can be implicitly created only for scalar outputs"; arraygrad
    # follows MXNet (head gradient of ones), a deliberate difference.
    x = leaf(3)
    (x * 2).backward()
    np.testing.assert_allclose(x.grad, 2.0)


def test_double_backward_create_graph():  # test_hessian_vector
    x = leaf(2, 2)
    y = leaf(2, 2)
    z = x ** 2 + y * x + y ** 2
    z.backward(ag.tensor(np.ones((2, 2))), create_graph=True)
    with ag.no_grad():
        x_grad = 2 * x + y
        y_grad = x + 2 * y
    np.testing.assert_allclose(x.grad.detach(), x_grad.detach())
    np.testing.assert_allclose(y.grad.detach(), y_grad.detach())
    grad_sum = 2 * x.grad + y.grad
    x.grad = None
    y.grad = None
    grad_sum.backward(ag.tensor(np.ones((2, 2))))
    np.testing.assert_allclose(x.grad, 5.0)
    np.testing.assert_allclose(y.grad, 4.0)


def test_torch_oracle_mixed_graph():
    torch = pytest.importorskip("torch")
    a0, b0 = rng.standard_normal((3, 4)), rng.standard_normal(4)
    a, b = ag.tensor(a0, requires_grad=True), ag.tensor(b0, requires_grad=True)
    at = torch.tensor(a0, requires_grad=True)
    bt = torch.tensor(b0, requires_grad=True)
    for lib, x, y in ((anp, a, b), (torch, at, bt)):
        out = (lib.tanh(x * y + 1) ** 2).sum() + (x @ y).max()
        out.backward()
    np.testing.assert_allclose(a.grad, at.grad.numpy())
    np.testing.assert_allclose(b.grad, bt.grad.numpy())
