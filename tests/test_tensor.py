"""Tensor basics: creation, dtypes, conversions, repr, NumPy dispatch."""

import pickle

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp


def test_dtype_inference_follows_numpy():
    assert ag.tensor(1.5).dtype == np.float64
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([True]).dtype == np.bool_
    assert ag.tensor([1.0], dtype="float32").dtype == np.float32
    assert anp.arange(4.0).dtype == np.float64
    assert anp.arange(4).dtype == np.int64
    assert anp.zeros(3).dtype == np.float64
    assert anp.ones((2, 2), dtype=np.float32).dtype == np.float32


def test_creation_functions():
    np.testing.assert_array_equal(anp.full((2,), 7.0).numpy(), [7, 7])
    np.testing.assert_array_equal(anp.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5))
    np.testing.assert_array_equal(anp.eye(3).numpy(), np.eye(3))
    x = anp.arange(6.0).reshape(2, 3)
    assert anp.zeros_like(x).shape == (2, 3)
    np.testing.assert_array_equal(anp.ones_like(x).numpy(), np.ones((2, 3)))
    np.testing.assert_array_equal(anp.full_like(x, 2).numpy(), np.full((2, 3), 2.0))
    assert anp.empty((2, 3)).shape == (2, 3)
    z = anp.zeros(3, requires_grad=True)
    assert z.requires_grad and z.is_leaf


def test_random_matches_numpy_global_generator():
    anp.random.seed(3)
    a = anp.random.normal(size=(2, 3))
    b = anp.random.rand(4)
    np.random.seed(3)
    np.testing.assert_array_equal(a.numpy(), np.random.normal(size=(2, 3)))
    np.testing.assert_array_equal(b.numpy(), np.random.rand(4))
    assert isinstance(a, ag.Tensor) and a.dtype == np.float64
    assert anp.random.randint(0, 5, size=3).dtype.kind == "i"


def test_shape_facts_and_transpose():
    x = anp.arange(6.0).reshape(2, 3)
    assert (x.shape, x.ndim, x.size, len(x)) == ((2, 3), 2, 6, 2)
    assert x.T.shape == (3, 2)
    np.testing.assert_array_equal(x.T.numpy(), np.arange(6.0).reshape(2, 3).T)


def test_conversions():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(x.numpy(), np.ndarray) and isinstance(x.asnumpy(), np.ndarray)
    assert np.asarray(x).shape == (2, 2)
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert x[1, 0].item() == 3.0
    assert float(ag.tensor([2.5])) == 2.5
    assert int(ag.tensor(3.0)) == 3
    assert bool(ag.tensor(1.0)) and not bool(ag.tensor([0.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    with pytest.raises(TypeError, match="one element"):
        float(x)
    y = x.astype(np.float32)
    assert y.dtype == np.float32
    assert pickle.loads(pickle.dumps(x)).tolist() == x.tolist()


def test_copy_is_differentiable_and_independent():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = x.copy()
    assert c.grad_fn.name() == "CloneBackward0"
    assert c.array is not x.array
    (c * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 3])


def test_astype_gradient_comes_back_in_input_dtype():
    x = ag.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    (x.astype(np.float64) * 2).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2, 2])


def test_repr_shows_values_and_grad_fn():
    assert repr(anp.arange(4.0)) == "tensor([0., 1., 2., 3.])"
    assert repr(ag.tensor([1.0], dtype="float32")) == "tensor([1.], dtype=float32)"
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    assert repr(w) == "tensor([1., 2.], requires_grad=True)"
    assert repr(w * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"


def test_numpy_functions_dispatch_and_record():
    x = ag.tensor([0.5, 1.0], requires_grad=True)
    y = np.sin(x)
    assert isinstance(y, ag.Tensor) and y.grad_fn.name() == "SinBackward0"
    z = np.sum(np.multiply(y, x))
    z.backward()
    xv = np.array([0.5, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), np.cos(xv) * xv + np.sin(xv))
    assert isinstance(np.add.reduce(x), ag.Tensor)
    assert isinstance(np.mean(x * 2), ag.Tensor)


def test_unsupported_numpy_function_is_a_clear_error_when_grad_is_needed():
    x = ag.tensor([0.5, 1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy\.i0"):
        np.i0(x)  # (partition, the first example here, is differentiable now)
    # Without a gradient to lose, NumPy's own function runs on the data.
    out = np.i0(x.detach())
    assert isinstance(out, ag.Tensor)


def test_nested_lists_of_tensors_are_assembled_differentiably():
    x = ag.tensor(2.0, requires_grad=True)
    v = anp.array([x, x**2, x**3])
    v.sum().backward()
    assert x.grad.item() == 1 + 4 + 12


def test_iteration_and_comparison():
    x = anp.arange(3.0)
    assert [t.item() for t in x] == [0.0, 1.0, 2.0]
    np.testing.assert_array_equal((x > 0.5).numpy(), [False, True, True])
    assert (x == x).all().item()
    assert {x: 1}[x] == 1  # hashable by identity


def test_fill_is_numpys_in_place_fill():
    t = ag.tensor([1.0, 2.0])
    assert t.fill(3.5) is None  # NumPy's ndarray.fill returns None
    np.testing.assert_array_equal(t.array, [3.5, 3.5])
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        w.fill(0.0)  # a leaf that requires grad, as fill_
