"""In-place ops: version counters, errors naming the op, differentiable item assignment."""

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import autograd
from arraygrad import numpy as anp


def test_modified_saved_value_raises_naming_the_op():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = h * h  # MulBackward0 saves h
    h += 1
    with pytest.raises(RuntimeError, match=r"inplace operation.*MulBackward0"):
        y.sum().backward()


def test_modified_saved_output_raises():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = anp.exp(x)  # ExpBackward0 uses its output
    with ag.no_grad():
        y *= 2
    with pytest.raises(RuntimeError, match="ExpBackward0"):
        y.sum().backward()


def test_in_place_inside_graph_is_differentiable():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1
    h *= x  # h = x^2, recorded out of place; h keeps its identity
    h += 3 * x
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.array([1, 2, 3]) + 3)
    assert h._version == 2


def test_in_place_on_leaf_requiring_grad_is_an_error():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w += 1
    with ag.no_grad():
        data = w.array
        w -= 0.5 * anp.ones(2)
    assert w.array is data  # the same memory: an optimizer step allocates nothing
    np.testing.assert_array_equal(w.detach().numpy(), [0.5, 1.5])
    assert w.is_leaf and w.requires_grad


def test_mxnet_update_outside_record_is_in_place():
    w = anp.ones(3)
    w.attach_grad()
    with autograd.record():
        loss = (w * w).sum()
    loss.backward()
    data = w.array
    w[:] = w - 0.1 * w.grad
    assert w.array is data
    np.testing.assert_allclose(w.numpy(), [0.8, 0.8, 0.8])


def test_item_assignment_differentiable_in_both():
    x = ag.tensor(np.arange(5.0), requires_grad=True)
    v = ag.tensor([10.0, 20.0], requires_grad=True)
    h = x * 2
    h[1:3] = v * v
    (h * anp.arange(5.0)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 0, 6, 8])
    np.testing.assert_array_equal(v.grad.numpy(), [2 * 10 * 1, 2 * 20 * 2])


def test_item_assignment_boolean_and_broadcast_value():
    x = ag.tensor(np.array([-1.0, 2.0, -3.0, 4.0]), requires_grad=True)
    s = ag.tensor(5.0, requires_grad=True)
    h = x * 1
    h[h.array < 0] = s
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 0, 1])
    assert s.grad.item() == 2.0


def test_fancy_index_repeats_accumulate():
    x = ag.tensor(np.arange(4.0), requires_grad=True)
    y = x[[0, 0, 2, 0]]
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 0, 1, 0])


def test_version_counter_moves():
    x = anp.zeros(3)
    assert x._version == 0
    x += 1
    x[0] = 5
    x.zero_()
    assert x._version == 3
    np.testing.assert_array_equal(x.numpy(), [0, 0, 0])


def test_numpy_out_argument_outside_graph():
    x = anp.ones(3)
    y = anp.zeros(3)
    np.add(x, x, out=y)
    np.testing.assert_array_equal(y.numpy(), [2, 2, 2])
    w = ag.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(TypeError, match="out="):
        np.multiply(w, 2, out=y)


def test_updating_a_factor_whose_gradient_is_not_needed_is_legal():
    # `3 * d` with a constant 3 needs only the constant to differentiate d: PyTorch keeps
    # nothing of d, so updating d afterwards is fine; the same for x @ W with x a constant.
    d = ag.tensor([1.0, 2.0], requires_grad=True) * 1
    e = 3 * d
    d += 1
    e.sum().backward()
    x = anp.ones((2, 3))
    w = ag.tensor(np.ones((3, 2)), requires_grad=True)
    out = (x @ w).sum()
    with ag.no_grad():
        x += 1  # x is needed for W's gradient: this must be caught
    with pytest.raises(RuntimeError, match="MmBackward0"):
        out.backward()
