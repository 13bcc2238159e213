"""The engine: leaves, accumulation, graph nodes, retain/create graph, hooks, errors."""

import gc
import weakref

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import autograd
from arraygrad import numpy as anp

# ---------------------------------------------------------------------------- leaves


def test_attach_grad_writes_into_the_same_buffer():
    x = anp.arange(4.0)
    x.attach_grad()
    buf = x.grad
    data = buf.array
    np.testing.assert_array_equal(buf.detach().numpy(), [0, 0, 0, 0])
    for _ in range(3):
        with autograd.record():
            y = 2 * anp.dot(x, x)
        y.backward()
        assert x.grad is buf and x.grad.array is data  # no new memory per derivative
        np.testing.assert_array_equal(x.grad.detach().numpy(), [0, 4, 8, 12])  # overwritten


def test_grad_req_add_accumulates():
    x = anp.arange(3.0)
    x.attach_grad(grad_req="add")
    for k in range(1, 4):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
        np.testing.assert_array_equal(x.grad.detach().numpy(), k * 2 * np.arange(3.0))


def test_grad_req_null_means_no_gradient():
    x = anp.arange(3.0)
    x.attach_grad("null")
    assert x.grad is None and not x.requires_grad
    w = anp.ones(3)
    w.attach_grad()
    with autograd.record():
        y = (x * w).sum()
    y.backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.detach().numpy(), np.arange(3.0))


def test_mxnet_tensors_record_only_inside_record():
    x = anp.arange(3.0)
    x.attach_grad()
    y = x * 2
    assert y.grad_fn is None
    with autograd.record():
        z = x * 2
    assert z.grad_fn is not None
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_requires_grad_accumulates_and_zero():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert x.grad is None
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 4, 6])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [4, 8, 12])
    x.grad.zero_()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [3, 3, 3])


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="int64"):
        ag.tensor([1, 2, 3], requires_grad=True)
    x = anp.arange(4)
    with pytest.raises(TypeError, match="floating point"):
        x.attach_grad()


def test_attach_grad_on_intermediate_detaches_it():
    # Seed 000: u.attach_grad() on an intermediate makes it a new leaf.
    x = anp.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = x * x
        y.attach_grad()
        z = 3 * y
    z.backward()
    np.testing.assert_array_equal(y.grad.detach().numpy(), [3, 3, 3, 3])
    np.testing.assert_array_equal(x.grad.detach().numpy(), [0, 0, 0, 0])


def test_seed_attach_grad_on_intermediate_values():
    # Seed 000, cell 13: x.grad = -1, u.grad = 5, y.grad = 0.
    x = anp.arange(4.0)
    x.attach_grad()
    y = anp.ones(4) * 2
    y.attach_grad()
    with autograd.record():
        u = x * y
        u.attach_grad()  # implicitly u = u.detach()
        z = 5 * u - x
    z.backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [-1, -1, -1, -1])
    np.testing.assert_array_equal(u.grad.detach().numpy(), [5, 5, 5, 5])
    np.testing.assert_array_equal(y.grad.detach().numpy(), [0, 0, 0, 0])


def test_detach_blocks_gradient():
    x = anp.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = x * x
        u = y.detach()
        z = u * x
    z.backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), u.detach().numpy())
    assert u.grad_fn is None and not u.requires_grad


def test_control_flow_gradient_is_d_over_a():
    def f(a):
        b = a * 2
        while anp.linalg.norm(b) < 1000:
            b = b * 2
        c = b if b.sum() > 0 else 100 * b
        return c

    for seed in range(5):
        np.random.seed(seed)
        a = anp.random.normal(size=())
        a.attach_grad()
        with autograd.record():
            d = f(a)
        d.backward()
        assert a.grad.item() == pytest.approx((d / a).item(), rel=1e-15)


def test_is_training_and_recording_scopes():
    assert not autograd.is_training() and not autograd.is_recording()
    with autograd.record():
        assert autograd.is_training() and autograd.is_recording()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
        with autograd.predict_mode():
            assert not autograd.is_training() and autograd.is_recording()
    with autograd.record(train_mode=False):
        assert not autograd.is_training()
    with autograd.train_mode():
        assert autograd.is_training()
    assert not autograd.is_training()


def test_no_grad_and_enable_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        y = x * 2
        assert not y.requires_grad
        with ag.enable_grad():
            z = x * 2
        assert z.requires_grad
    ag.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        ag.set_grad_enabled(True)
    with ag.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad

    @ag.no_grad()
    def f(t):
        return t * 3

    assert not f(x).requires_grad


# ---------------------------------------------------------------------------- graph nodes


def test_grad_fn_names_and_next_functions():
    x = ag.tensor(np.ones(5), requires_grad=True)
    w = ag.tensor(np.ones((5, 3)), requires_grad=True)
    b = ag.tensor(np.ones(3), requires_grad=True)
    z = anp.matmul(x, w) + b
    assert z.grad_fn.name() == "AddBackward0"
    assert repr(z.grad_fn).startswith("<AddBackward0 object at 0x")
    (left, _), (acc_b, idx) = z.grad_fn.next_functions
    assert isinstance(acc_b, autograd.AccumulateGrad) and acc_b.variable is b and idx == 0
    assert left.name() == "SqueezeBackward0"
    loss = (z * 2).sum()
    assert loss.grad_fn.name() == "SumBackward0"
    assert not z.is_leaf and x.is_leaf
    assert "grad_fn=<AddBackward0>" in repr(z)
    c = ag.tensor(2.0)
    y = x * c
    assert y.grad_fn.next_functions[1] == (None, 0)


def test_non_scalar_backward_is_sum():
    x = ag.tensor(np.arange(4.0), requires_grad=True)
    (x * x).backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [0, 2, 4, 6])


def test_vector_jacobian_product_seed_003():
    inp = ag.tensor(np.eye(5), requires_grad=True)
    out = (inp + 1) ** 2
    out.backward(anp.ones_like(out), retain_graph=True)
    expected = np.full((5, 5), 2.0) + 2 * np.eye(5)
    np.testing.assert_array_equal(inp.grad.detach().numpy(), expected)
    out.backward(anp.ones_like(out))
    np.testing.assert_array_equal(inp.grad.detach().numpy(), 2 * expected)
    inp.grad.zero_()
    out = (inp + 1) ** 2
    out.backward(anp.ones_like(out))
    np.testing.assert_array_equal(inp.grad.detach().numpy(), expected)


def test_gradient_of_wrong_shape_is_a_clear_error():
    x = ag.tensor(np.ones(3), requires_grad=True)
    y = x * 2
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        y.backward(np.ones(2))


def test_second_backward_without_retain_graph_raises():
    x = ag.tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = ag.tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 24.0


def test_saved_values_are_freed_after_backward():
    x = ag.tensor(np.ones(3), requires_grad=True)
    h = x * 2
    y = (h * h).sum()
    node = y.grad_fn.next_functions[0][0]
    assert not node.freed
    y.backward()
    assert node.freed


def test_fan_out_accumulates():
    x = ag.tensor(3.0, requires_grad=True)
    a = x * 2
    y = a * a + a + anp.sin(a)
    y.backward()
    assert x.grad.item() == pytest.approx(2 * (2 * 6 + 1 + np.cos(6)), rel=1e-15)


def test_deep_chain_is_iterative():
    x = ag.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(50_000):
        y = anp.sin(y) + x
    y.backward()
    # Reference by the chain rule, step by step.
    v, dv = 0.5, 1.0
    for _ in range(50_000):
        v, dv = np.sin(v) + 0.5, np.cos(v) * dv + 1.0
    assert y.item() == pytest.approx(v, rel=1e-12)
    assert x.grad.item() == pytest.approx(dv, rel=1e-9)


def test_create_graph_second_and_third_derivatives():
    x = ag.tensor(2.0, requires_grad=True)
    y = x**3
    (g,) = autograd.grad(y, x, create_graph=True)
    assert g.item() == 12.0
    (g2,) = autograd.grad(g, x, create_graph=True)
    assert g2.item() == 12.0
    (g3,) = autograd.grad(g2, x)
    assert g3.item() == 6.0


def test_backward_create_graph_then_grad_of_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (anp.sin(x) * x).sum()
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.requires_grad
    x_val = x.detach().numpy()
    np.testing.assert_allclose(gx.detach().numpy(), np.cos(x_val) * x_val + np.sin(x_val))
    (h,) = autograd.grad(gx.sum(), x)
    np.testing.assert_allclose(h.detach().numpy(), -np.sin(x_val) * x_val + 2 * np.cos(x_val))


def test_autograd_grad_does_not_touch_grad_and_prunes():
    x = ag.tensor(np.ones(3), requires_grad=True)
    w = ag.tensor(np.full(3, 2.0), requires_grad=True)
    h = x * w
    y = (h * h).sum()
    (gh,) = autograd.grad(y, h, retain_graph=True)
    np.testing.assert_array_equal(gh.detach().numpy(), 2 * h.detach().numpy())
    assert x.grad is None and w.grad is None
    gx, gw = autograd.grad(y, [x, w])
    np.testing.assert_array_equal(gx.detach().numpy(), 2 * 4 * np.ones(3))
    np.testing.assert_array_equal(gw.detach().numpy(), 2 * 2 * np.ones(3))


def test_autograd_grad_unused_input():
    x = ag.tensor(1.0, requires_grad=True)
    z = ag.tensor(1.0, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="allow_unused"):
        autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = autograd.grad(y, [x, z], allow_unused=True)
    assert gx.item() == 2.0 and gz is None


def test_backward_inputs_argument():
    x = ag.tensor(1.0, requires_grad=True)
    w = ag.tensor(3.0, requires_grad=True)
    (x * w).backward(inputs=[x])
    assert x.grad.item() == 3.0 and w.grad is None


# ---------------------------------------------------------------------------- hooks


def test_tensor_hook_can_replace_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    seen = []
    h.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    h.register_hook(lambda g: g * 10)
    h.sum().backward()
    np.testing.assert_array_equal(seen[0], [1, 1])
    np.testing.assert_array_equal(x.grad.detach().numpy(), [30, 30])


def test_leaf_hook_and_removal():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 0)
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [0, 0])
    handle.remove()
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 2])


def test_retain_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    h.retain_grad()
    (h * 3).sum().backward()
    assert h.retains_grad
    np.testing.assert_array_equal(h.grad.detach().numpy(), [3, 3])
    assert (x * 2).grad is None


def test_graph_does_not_keep_dead_leaves_alive():
    x = ag.tensor(np.ones(1000), requires_grad=True)
    y = (x * x).sum()
    ref = weakref.ref(x)
    del x
    gc.collect()
    # MulBackward0 saved x (x * x needs it) but the output does not keep itself alive.
    assert ref() is not None
    del y
    gc.collect()
    assert ref() is None
    # x * 2 needs nothing of x to differentiate: the graph keeps only its shape.
    x = ag.tensor(np.ones(1000), requires_grad=True)
    y = (x * 2).sum()
    ref = weakref.ref(x)
    del x
    gc.collect()
    assert ref() is None
    assert y.grad_fn is not None


def test_float32_gradients_stay_float32():
    x = ag.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = (anp.exp(x) * 0.5 + x * 2.0).sum()
    y.backward()
    assert x.grad.dtype == np.float32


def test_broadcast_gradient_is_summed():
    a = ag.tensor(np.ones((3, 1)), requires_grad=True)
    b = ag.tensor(np.arange(4.0), requires_grad=True)
    (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad.detach().numpy(), np.full((3, 1), 6.0))
    np.testing.assert_array_equal(b.grad.detach().numpy(), np.full(4, 3.0))
