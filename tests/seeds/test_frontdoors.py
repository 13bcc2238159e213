"""The front doors themselves: dtype defaults, PyTorch's callable ``size`` beside NumPy's
``size``, the print styles, and that every name maps onto arraygrad (no maths of their own)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as onp
import pytest

import arraygrad as ag
import arraygrad.compat.tensorflow as tf
import arraygrad.compat.torch as torch
from arraygrad import numpy as anp
from arraygrad._printing import print_style
from arraygrad.compat import get_print_style, set_print_style

# ---------------------------------------------------------------------------- torch


def test_torch_creation_dtypes():
    assert torch.tensor([1.0, 2.0]).dtype == onp.float32
    assert torch.tensor(2.5).dtype == onp.float32
    assert torch.tensor([1, 2]).dtype == onp.int64
    assert torch.tensor([True]).dtype == onp.bool_
    assert torch.tensor(onp.array([1.0])).dtype == onp.float64  # NumPy arrays keep theirs
    assert torch.tensor([1, 2], dtype=torch.float64).dtype == onp.float64
    assert torch.arange(4.0).dtype == onp.float32 and torch.arange(4).dtype == onp.int64
    assert torch.arange(0, 1, 0.25).dtype == onp.float32
    for make in (torch.ones, torch.zeros, torch.empty, torch.randn, torch.rand):
        t = make(2, 3)
        assert t.dtype == onp.float32 and t.shape == (2, 3)
        assert make((2, 3)).shape == (2, 3)
    assert torch.randn(size=()).shape == ()
    assert torch.eye(3).dtype == torch.linspace(0, 1, 5).dtype == onp.float32
    assert torch.full((2,), 1.5).dtype == onp.float32 and torch.full((2,), 7).dtype == onp.int64
    assert torch.ones_like(torch.ones(2, dtype=torch.float64)).dtype == onp.float64
    assert torch.randint(0, 5, (3,)).dtype == onp.int64
    assert torch.float32 == onp.float32 and torch.ones(1).dtype == torch.float32


def test_torch_requires_grad_on_creation_is_pytorch_style():
    w = torch.randn(5, 3, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.grad is None
    (w * 2).sum().backward()
    (w * 2).sum().backward()  # accumulates
    onp.testing.assert_array_equal(w.grad.numpy(), onp.full((5, 3), 4.0))


def test_torch_manual_seed_is_reproducible():
    torch.manual_seed(3)
    a = torch.randn(4)
    torch.manual_seed(3)
    onp.testing.assert_array_equal(a.numpy(), torch.randn(4).numpy())


def test_size_is_numpy_attribute_and_pytorch_method():
    x = anp.ones((2, 3))  # a plain arraygrad tensor, made without the front door
    assert x.size == 6 and isinstance(x.size, int) and x.size + 1 == 7
    assert onp.size(x) == 6 and anp.size(x) == 6
    assert x.size() == (2, 3) and repr(x.size()) == "torch.Size([2, 3])"
    assert x.size(0) == 2 and x.size(-1) == 3
    assert (x * 2).size() == (2, 3)  # results of ops too: no subclass involved
    assert pickle.loads(pickle.dumps(x.size)) == 6
    assert type(pickle.loads(pickle.dumps(x.size))) is int
    assert f"{x.size}" == "6" and repr(x.size) == "6"


def test_torch_tensor_methods():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x.dim() == 2 and x.t().shape == (2, 2)
    onp.testing.assert_array_equal(x.t().detach().numpy(), [[1, 3], [2, 4]])
    y = x.pow(2).sum()
    assert y.item() == 30.0
    y.backward()
    onp.testing.assert_array_equal(x.grad.numpy(), 2 * x.detach().numpy())
    assert x.norm().item() == pytest.approx(30**0.5)
    assert x.mean().item() == 2.5 and x.sum(dim=0).shape == (2,)
    x.grad.zero_()
    assert not x.grad.numpy().any()
    assert torch.ones(3).t().shape == (3,)


def test_torch_grad_mode_and_autograd_namespace():
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        assert not (x * 2).requires_grad
        with torch.enable_grad():
            assert (x * 2).requires_grad
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert torch.is_grad_enabled()
    y = (x * x).sum()
    (g,) = torch.autograd.grad(y, x, retain_graph=True)
    onp.testing.assert_array_equal(g.numpy(), [2, 2])
    torch.autograd.backward([y])
    onp.testing.assert_array_equal(x.grad.numpy(), [2, 2])


def test_torch_functions_map_onto_arraygrad():
    assert torch.matmul is anp.matmul and torch.exp is anp.exp and torch.dot is anp.dot
    import arraygrad.nn.functional as F

    assert torch.nn.functional is F
    x = torch.tensor([-1.0, 2.0])
    onp.testing.assert_allclose(torch.sigmoid(x).numpy(), F.sigmoid(x).numpy())
    onp.testing.assert_array_equal(torch.relu(x).numpy(), [0, 2])
    onp.testing.assert_allclose(torch.softmax(x, dim=0).numpy().sum(), 1, rtol=1e-6)
    assert torch.sum(torch.ones(2, 3), dim=1).shape == (2,)
    assert torch.mean(torch.ones(2, 3)).item() == 1
    assert torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape == (2, 4)
    values, idx = torch.max(torch.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=1)
    onp.testing.assert_array_equal(values.numpy(), [5, 7])
    onp.testing.assert_array_equal(idx.numpy(), [1, 0])
    assert torch.cat([torch.ones(2), torch.zeros(2)]).shape == (4,)


@pytest.mark.parametrize("name", ["cross_entropy", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits", "mse_loss", "relu",
                                  "sigmoid", "softmax", "log_softmax"])
def test_torch_functional_names_exist(name):
    assert callable(getattr(torch.nn.functional, name))


def test_torch_losses_agree_with_pytorch():
    real = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = onp.random.default_rng(0)
    logits = rng.normal(size=(4, 3)).astype(onp.float32)
    target = onp.array([0, 2, 1, 2])
    probs = (1 / (1 + onp.exp(-logits))).astype(onp.float32)
    labels = (rng.random((4, 3)) > 0.5).astype(onp.float32)
    cases = [
        ("cross_entropy", logits, target),
        ("binary_cross_entropy", probs, labels),
        ("binary_cross_entropy_with_logits", logits, labels),
        ("mse_loss", logits, labels),
    ]
    for name, a, b in cases:
        ours_in = torch.tensor(a, requires_grad=True)
        theirs_in = real.tensor(a, requires_grad=True)
        ours = getattr(F, name)(ours_in, torch.tensor(b))
        theirs = getattr(real.nn.functional, name)(theirs_in, real.tensor(b))
        ours.backward()
        theirs.backward()
        onp.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-5, err_msg=name)
        onp.testing.assert_allclose(ours_in.grad.numpy(), theirs_in.grad.numpy(), rtol=1e-5,
                                    atol=1e-7, err_msg=name)


# ---------------------------------------------------------------------------- tensorflow


def test_tensorflow_creation_dtypes():
    assert tf.range(4).dtype == onp.int32 and tf.range(4.0).dtype == onp.float32
    assert tf.range(4, dtype=tf.float32).dtype == onp.float32
    assert tf.constant([1, 2]).dtype == onp.int32 and tf.constant(1.5).dtype == onp.float32
    assert tf.constant(onp.ones(2)).dtype == onp.float64
    assert tf.ones((2, 3)).dtype == tf.zeros(2).dtype == onp.float32
    assert tf.random.normal(shape=()).dtype == onp.float32
    assert tf.random.normal([2, 3]).shape == (2, 3)
    assert tf.constant(2.0, shape=(2, 2)).shape == (2, 2)
    assert tf.cast(tf.constant([1, 2]), tf.float32).dtype == onp.float32


def test_tensorflow_maths_maps_onto_arraygrad():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert tf.reduce_sum(x).item() == 10 and tf.reduce_mean(x, axis=0).shape == (2,)
    assert tf.reduce_sum(x, axis=1, keepdims=True).shape == (2, 1)
    onp.testing.assert_allclose(tf.norm(x).item(), 30**0.5, rtol=1e-6)
    onp.testing.assert_array_equal(tf.matmul(x, x, transpose_b=True).numpy(),
                                   x.numpy() @ x.numpy().T)
    a, b = onp.random.rand(2, 3, 4), onp.random.rand(4, 3, 5)
    onp.testing.assert_allclose(tf.tensordot(a, b, axes=([1, 2], [1, 0])).numpy(),
                                onp.tensordot(a, b, axes=([1, 2], [1, 0])))
    onp.testing.assert_allclose(tf._tensordot(a, b, ([1, 2], [1, 0])).numpy(),
                                onp.tensordot(a, b, axes=([1, 2], [1, 0])))
    assert tf.tensordot(tf.ones(3), tf.ones(3), axes=1).item() == 3
    assert tf.math.exp is anp.exp and tf.exp is anp.exp
    assert tf.reshape(tf.range(6), (2, 3)).shape == (2, 3)
    y = tf.stop_gradient(x)
    assert not y.requires_grad


def test_tensorflow_tape_and_variable_are_arraygrads():
    assert tf.GradientTape is ag.GradientTape and issubclass(tf.Variable, ag.Variable)
    v = tf.Variable([1.0, 2.0])
    assert v.dtype == onp.float32 and tf.Variable(3).dtype == onp.int32
    assert tf.Variable(onp.ones(2)).dtype == onp.float64
    assert repr(v) == ("<tf.Variable 'Variable:0' shape=(2,) dtype=float32, "
                       "numpy=array([1., 2.], dtype=float32)>")
    with tf.GradientTape() as t:
        y = tf.reduce_sum(v * v)
    onp.testing.assert_array_equal(t.gradient(y, v).numpy(), [2, 4])
    v.assign([3.0, 4.0])
    onp.testing.assert_array_equal(v.numpy(), [3, 4])


# ---------------------------------------------------------------------------- printing


def test_print_styles():
    x = anp.arange(4.0).astype("float32")
    assert get_print_style() == "arraygrad"
    assert repr(x) == "tensor([0., 1., 2., 3.], dtype=float32)"
    with print_style("torch"):
        assert repr(x) == "tensor([0., 1., 2., 3.])"
        assert repr(anp.arange(2.0)) == "tensor([0., 1.], dtype=torch.float64)"
        w = torch.ones(2, requires_grad=True)
        assert repr(w) == "tensor([1., 1.], requires_grad=True)"
        assert repr(w * 2) == "tensor([2., 2.], grad_fn=<MulBackward0>)"
        assert str(torch.tensor([0.03251234])) == "tensor([0.0325])"
        assert repr(torch.tensor([True, False])) == "tensor([ True, False])"
    with print_style("mxnet"):
        assert repr(x) == "array([0., 1., 2., 3.])" and str(x) == "[0. 1. 2. 3.]"
        assert repr(anp.arange(2)) == "array([0, 1], dtype=int64)"
    with print_style("tensorflow"):
        assert repr(x) == ("<tf.Tensor: shape=(4,), dtype=float32, "
                           "numpy=array([0., 1., 2., 3.], dtype=float32)>")
        assert str(x) == "tf.Tensor([0. 1. 2. 3.], shape=(4,), dtype=float32)"
        assert repr(x.sum()) == "<tf.Tensor: shape=(), dtype=float32, numpy=6.0>"
    assert get_print_style() == "arraygrad"
    prev = set_print_style("mxnet")
    assert prev == "arraygrad" and get_print_style() == "mxnet"
    set_print_style(prev)
    with pytest.raises(ValueError):
        set_print_style("jax")


@pytest.mark.parametrize("first_line, code, expected", [
    ("import arraygrad.compat.torch as torch",
     "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\nprint(repr(y))\n"
     "y.backward()\nprint(repr(x.grad))",
     "tensor(28., grad_fn=<MulBackward0>)\ntensor([ 0.,  4.,  8., 12.])\n"),
    ("import arraygrad.compat.tensorflow as tf",
     "x = tf.range(4, dtype=tf.float32)\nprint(repr(x))",
     "<tf.Tensor: shape=(4,), dtype=float32, numpy=array([0., 1., 2., 3.], dtype=float32)>\n"),
])
def test_import_line_first_in_a_fresh_interpreter(first_line, code, expected):
    out = subprocess.run([sys.executable, "-c", first_line + "\n" + code],
                         capture_output=True, text=True, check=True).stdout
    assert out == expected


def test_front_doors_import_lazily():
    code = ("import sys, arraygrad, arraygrad.compat\n"
            "print(any(m in sys.modules for m in ('arraygrad.compat.torch', "
            "'arraygrad.compat.mxnet', 'arraygrad.compat.tensorflow')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "False\n"
