"""Seed 002 (d2l "Automatic Differentiation", three tabs): every code cell of each tab,
verbatim but for the import line, run in order on ``arraygrad.compat.mxnet``,
``arraygrad.compat.torch`` and ``arraygrad.compat.tensorflow``; each output asserted."""

from __future__ import annotations

import numpy as onp
import pytest
from seedcells import Notebook, all_true, missing_from_seed, values

# The seed's cells per tab, in order (copied verbatim; 12 per tab).
MXNET = [
    """from mxnet import autograd, np, npx
npx.set_np()

x = np.arange(4.0)
x
""",
    """# We allocate memory for a tensor's gradient by invoking `attach_grad`
x.attach_grad()
# After we calculate a gradient taken with respect to `x`, we will be able to
# access it via the `grad` attribute, whose values are initialized with 0s
x.grad
""",
    """# Place our code inside an `autograd.record` scope to build the computational
# graph
with autograd.record():
    y = 2 * np.dot(x, x)
y
""",
    """y.backward()
x.grad
""",
    """x.grad == 4 * x
""",
    """with autograd.record():
    y = x.sum()
y.backward()
x.grad  # Overwritten by the newly calculated gradient
""",
    """# When we invoke `backward` on a vector-valued variable `y` (function of `x`),
# a new scalar variable is created by summing the elements in `y`. Then the
# gradient of that scalar variable with respect to `x` is computed
with autograd.record():
    y = x * x  # `y` is a vector
y.backward()
x.grad  # Equals to y = sum(x * x)
""",
    """with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
x.grad == u
""",
    """y.backward()
x.grad == 2 * x
""",
    """def f(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
""",
    """a = np.random.normal()
a.attach_grad()
with autograd.record():
    d = f(a)
d.backward()
""",
    """a.grad == d / a
""",
]

PYTORCH = [
    """#@tab pytorch
import torch

x = torch.arange(4.0)
x
""",
    """#@tab pytorch
x.requires_grad_(True)  # Same as `x = torch.arange(4.0, requires_grad=True)`
x.grad  # The default value is None
""",
    """#@tab pytorch
y = 2 * torch.dot(x, x)
y
""",
    """#@tab pytorch
y.backward()
x.grad
""",
    """#@tab pytorch
x.grad == 4 * x
""",
    """#@tab pytorch
# PyTorch accumulates the gradient in default, we need to clear the previous
# values
x.grad.zero_()
y = x.sum()
y.backward()
x.grad
""",
    """#@tab pytorch
# Invoking `backward` on a non-scalar requires passing in a `gradient` argument
# which specifies the gradient of the differentiated function w.r.t `self`.
# In our case, we simply want to sum the partial derivatives, so passing
# in a gradient of ones is appropriate
x.grad.zero_()
y = x * x
# y.backward(torch.ones(len(x))) equivalent to the below
y.sum().backward()
x.grad
""",
    """#@tab pytorch
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
x.grad == u
""",
    """#@tab pytorch
x.grad.zero_()
y.sum().backward()
x.grad == 2 * x
""",
    """#@tab pytorch
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
""",
    """#@tab pytorch
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
""",
    """#@tab pytorch
a.grad == d / a
""",
]

TENSORFLOW = [
    """#@tab tensorflow
import tensorflow as tf

x = tf.range(4, dtype=tf.float32)
x
""",
    """#@tab tensorflow
x = tf.Variable(x)
""",
    """#@tab tensorflow
# Record all computations onto a tape
with tf.GradientTape() as t:
    y = 2 * tf.tensordot(x, x, axes=1)
y
""",
    """#@tab tensorflow
x_grad = t.gradient(y, x)
x_grad
""",
    """#@tab tensorflow
x_grad == 4 * x
""",
    """#@tab tensorflow
with tf.GradientTape() as t:
    y = tf.reduce_sum(x)
t.gradient(y, x)  # Overwritten by the newly calculated gradient
""",
    """#@tab tensorflow
with tf.GradientTape() as t:
    y = x * x
t.gradient(y, x)  # Same as `y = tf.reduce_sum(x * x)`
""",
    """#@tab tensorflow
# Set `persistent=True` to run `t.gradient` more than once
with tf.GradientTape(persistent=True) as t:
    y = x * x
    u = tf.stop_gradient(y)
    z = u * x

x_grad = t.gradient(z, x)
x_grad == u
""",
    """#@tab tensorflow
t.gradient(y, x) == 2 * x
""",
    """#@tab tensorflow
def f(a):
    b = a * 2
    while tf.norm(b) < 1000:
        b = b * 2
    if tf.reduce_sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c
""",
    """#@tab tensorflow
a = tf.Variable(tf.random.normal(shape=()))
with tf.GradientTape() as t:
    d = f(a)
d_grad = t.gradient(d, a)
d_grad
""",
    """#@tab tensorflow
d_grad == d / a
""",
]

IDIOMS = {"mxnet": MXNET, "pytorch": PYTORCH, "tensorflow": TENSORFLOW}

X = onp.arange(4, dtype=onp.float32)

# What each cell shows, the same lesson in every tab (None: the cell shows nothing).
EXPECTED = [
    X,                         # x
    "grad buffer",             # MXNet: zeros; PyTorch: None; TensorFlow: nothing
    onp.float32(28.0),         # y = 2 x.x
    4 * X,                     # the gradient 4x
    "all true",                # x.grad == 4 * x
    onp.ones(4, onp.float32),  # the gradient of x.sum()
    2 * X,                     # the gradient of sum(x * x)
    "all true",                # detach: x.grad == u
    "all true",                # y still differentiable: x.grad == 2 * x
    None,                      # def f
    "control flow",            # d.backward() (TensorFlow shows d_grad)
    "scalar true",             # a.grad == d / a
]

# The printed form where the framework's own is cheap to match (d2l.ai shows these).
REPRS = {
    ("mxnet", 0): "array([0., 1., 2., 3.])",
    ("mxnet", 1): "array([0., 0., 0., 0.])",
    ("mxnet", 2): "array(28.)",
    ("mxnet", 3): "array([ 0.,  4.,  8., 12.])",
    ("mxnet", 4): "array([ True,  True,  True,  True])",
    ("pytorch", 0): "tensor([0., 1., 2., 3.])",
    ("pytorch", 2): "tensor(28., grad_fn=<MulBackward0>)",
    ("pytorch", 3): "tensor([ 0.,  4.,  8., 12.])",
    ("pytorch", 4): "tensor([True, True, True, True])",
    ("pytorch", 5): "tensor([1., 1., 1., 1.])",
    ("pytorch", 6): "tensor([0., 2., 4., 6.])",
    ("tensorflow", 0):
        "<tf.Tensor: shape=(4,), dtype=float32, numpy=array([0., 1., 2., 3.], dtype=float32)>",
    ("tensorflow", 2): "<tf.Tensor: shape=(), dtype=float32, numpy=28.0>",
    ("tensorflow", 3):
        "<tf.Tensor: shape=(4,), dtype=float32, numpy=array([ 0.,  4.,  8., 12.], dtype=float32)>",
    ("tensorflow", 4):
        "<tf.Tensor: shape=(4,), dtype=bool, numpy=array([ True,  True,  True,  True])>",
}



def _check(idiom, k, out, nb):
    exp, v = EXPECTED[k], out.value
    if not isinstance(exp, str) and exp is not None:
        got = values(v)
        assert got.dtype == onp.float32
        onp.testing.assert_array_equal(got, exp)
    elif exp is None:
        assert v is None
    elif exp == "grad buffer":
        if idiom == "mxnet":
            onp.testing.assert_array_equal(values(v), onp.zeros(4))
            assert values(v).dtype == onp.float32
        else:
            assert v is None
            onp.testing.assert_array_equal(values(nb["x"]), X)
    elif exp == "all true":
        assert all_true(v) and values(v).shape == (4,)
    elif exp == "scalar true":
        assert values(v).shape == () and all_true(v)
    elif exp == "control flow":
        a, d = values(nb["a"]), values(nb["d"])
        grad = values(nb["d_grad"] if idiom == "tensorflow" else nb["a"].grad)
        assert a.shape == d.shape == grad.shape == () and grad.dtype == onp.float32
        onp.testing.assert_allclose(grad, d / a, rtol=1e-6)
        if idiom == "tensorflow":
            onp.testing.assert_array_equal(values(v), grad)
        else:
            assert v is None
    if (idiom, k) in REPRS:
        assert repr(v) == REPRS[idiom, k]


@pytest.mark.parametrize("k", range(12))
@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_cell(idiom, k):
    cells = IDIOMS[idiom]
    nb = Notebook()
    for cell in cells[:k]:
        nb.run(cell)
    _check(idiom, k, nb.run(cells[k]), nb)


def test_every_tab_has_twelve_cells():
    assert [len(c) for c in IDIOMS.values()] == [12, 12, 12]


def test_cells_are_verbatim():
    missing = missing_from_seed("002", MXNET + PYTORCH + TENSORFLOW)
    if missing is None:
        pytest.skip("seed files not found (../shared/seeds or ARRAYGRAD_SEEDS_DIR)")
    assert missing == []


@pytest.mark.parametrize("idiom", list(IDIOMS))
@pytest.mark.parametrize("seed", range(10))
def test_control_flow_for_many_draws(idiom, seed):
    cells = IDIOMS[idiom]
    nb = Notebook()
    nb.run(cells[0])
    nb.run(cells[9])
    nb.run({"mxnet": f"np.random.seed({seed})", "pytorch": f"torch.manual_seed({seed})",
            "tensorflow": f"tf.random.set_seed({seed})"}[idiom])
    nb.run(cells[10])
    a, d = values(nb["a"]), values(nb["d"])
    grad = values(nb["d_grad"] if idiom == "tensorflow" else nb["a"].grad)
    onp.testing.assert_allclose(grad, d / a, rtol=1e-6)
    if a > 0:
        assert all_true(nb.run(cells[11]).value)


# ---------------------------------------------------------------------------- exercises

BACKWARD_TWICE = {
    "mxnet": """x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = 2 * np.dot(x, x)
y.backward()
y.backward()""",
    "pytorch": """x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
y.backward()""",
    "tensorflow": """x = tf.Variable(tf.range(4, dtype=tf.float32))
with tf.GradientTape() as t:
    y = 2 * tf.tensordot(x, x, axes=1)
t.gradient(y, x)
t.gradient(y, x)""",
}

IMPORT = {"mxnet": "from mxnet import autograd, np, npx\nnpx.set_np()",
          "pytorch": "import torch", "tensorflow": "import tensorflow as tf"}


@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_exercise_running_backward_twice_raises(idiom):
    nb = Notebook()
    nb.run(IMPORT[idiom])
    with pytest.raises(RuntimeError):
        nb.run(BACKWARD_TWICE[idiom])


RETAINED = {
    "mxnet": """x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = 2 * np.dot(x, x)
y.backward(retain_graph=True)
y.backward()
x.grad""",
    "pytorch": """x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward(retain_graph=True)
y.backward()
x.grad""",
    "tensorflow": """x = tf.Variable(tf.range(4, dtype=tf.float32))
with tf.GradientTape(persistent=True) as t:
    y = 2 * tf.tensordot(x, x, axes=1)
t.gradient(y, x)
t.gradient(y, x)""",
}


@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_exercise_backward_twice_with_a_retained_graph(idiom):
    # MXNet writes the gradient again, PyTorch accumulates it, TensorFlow returns it again.
    nb = Notebook()
    nb.run(IMPORT[idiom])
    out = nb.run(RETAINED[idiom])
    onp.testing.assert_array_equal(values(out.value), (8 if idiom == "pytorch" else 4) * X)


SECOND_DERIVATIVE = {
    "mxnet": """x = np.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = np.sin(x)
    dy = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
dy.backward()
dy, x.grad""",
    "pytorch": """x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.sin(x)
dy, = torch.autograd.grad(y.sum(), x, create_graph=True)
dy.sum().backward()
dy, x.grad""",
    "tensorflow": """x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = tf.sin(x)
    dy = t1.gradient(y, x)
d2y = t2.gradient(dy, x)
dy, d2y""",
}


@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_exercise_second_derivative(idiom):
    nb = Notebook()
    nb.run(IMPORT[idiom])
    dy, d2y = nb.run(SECOND_DERIVATIVE[idiom]).value
    x = onp.array([1.0, 2.0, 3.0])
    onp.testing.assert_allclose(values(dy), onp.cos(x), rtol=1e-6)
    onp.testing.assert_allclose(values(d2y), -onp.sin(x), rtol=1e-6)
    assert values(d2y).dtype == onp.float32


SIN = {
    "mxnet": """x = np.linspace(-5, 5, 101)
x.attach_grad()
with autograd.record():
    y = np.sin(x)
y.backward()
x.grad""",
    "pytorch": """x = torch.linspace(-5, 5, 101, requires_grad=True)
y = torch.sin(x)
y.sum().backward()
x.grad""",
    "tensorflow": """x = tf.Variable(tf.linspace(-5.0, 5.0, 101))
with tf.GradientTape() as t:
    y = tf.sin(x)
t.gradient(y, x)""",
}


@pytest.mark.parametrize("idiom", list(IDIOMS))
def test_exercise_sin_derivative_without_cos(idiom):
    nb = Notebook()
    nb.run(IMPORT[idiom])
    g = values(nb.run(SIN[idiom]).value)
    onp.testing.assert_allclose(g, onp.cos(onp.linspace(-5, 5, 101)), atol=1e-6)
