"""Seed 000 (d2l "Automatic Differentiation", MXNet): every code cell, verbatim but for the
import line, run in order on ``arraygrad.compat.mxnet``, with the seed's outputs asserted.
Plus the seed's exercises."""

from __future__ import annotations

import numpy as onp
import pytest
from seedcells import Notebook, all_true, missing_from_seed, values

import arraygrad as ag
from arraygrad._printing import get_style

# The seed's 17 code cells, in order (copied verbatim).
CELLS = [
    """from mxnet import autograd, np, npx
npx.set_np()
""",
    """x = np.arange(4)
x
""",
    """x.attach_grad()
""",
    """x.grad
""",
    """with autograd.record():
    y = 2 * np.dot(x, x)
y
""",
    """y.backward()
""",
    """x.grad
""",
    """x.grad == 4 * x
""",
    """with autograd.record():
    y = x.sum()
y.backward()
x.grad
""",
    """with autograd.record():
    y = x * x  # y is a vector
y.backward()

u = x.copy()
u.attach_grad()
with autograd.record():
    v = (u * u).sum()  # v is a scalar
v.backward()

x.grad == u.grad
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
    """y = np.ones(4) * 2
y.attach_grad()
with autograd.record():
    u = x * y
    u.attach_grad()  # Implicitly run u = u.detach()
    z = 5 * u - x
z.backward()
x.grad, u.grad, y.grad
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
    """print(autograd.is_training())
with autograd.record():
    print(autograd.is_training())
""",
]

X = onp.arange(4, dtype=onp.float32)


def _check(k: int, out, nb: Notebook) -> None:
    v = out.value
    if k == 0:
        assert out.value is None and get_style() == "mxnet"
        assert {"autograd", "np", "npx"} <= set(nb.ns)
    elif k == 1:
        assert values(v).dtype == onp.float32
        onp.testing.assert_array_equal(values(v), X)
        assert repr(v) == "array([0., 1., 2., 3.])"
    elif k in (2, 5, 13, 14):
        assert v is None
    elif k == 3:
        onp.testing.assert_array_equal(values(v), onp.zeros(4, onp.float32))
        assert repr(v) == "array([0., 0., 0., 0.])"
    elif k == 4:
        assert values(v) == 28.0 and repr(v) == "array(28.)"
    elif k == 6:
        onp.testing.assert_array_equal(values(v), 4 * X)
        assert repr(v) == "array([ 0.,  4.,  8., 12.])"
    elif k in (7, 9, 10, 11):
        assert all_true(v) and values(v).shape == (4,)
        assert repr(v) == "array([ True,  True,  True,  True])"
    elif k == 8:
        onp.testing.assert_array_equal(values(v), onp.ones(4))
    elif k == 12:
        xg, ug, yg = (values(t) for t in v)
        onp.testing.assert_array_equal(xg, -onp.ones(4))  # z = 5u - x, u a constant
        onp.testing.assert_array_equal(ug, 5 * onp.ones(4))
        onp.testing.assert_array_equal(yg, onp.zeros(4))  # u was detached from y
    elif k == 15:
        assert values(v).shape == () and bool(v)
        a, d = nb["a"], nb["d"]
        assert values(a).dtype == onp.float32 and values(d).dtype == onp.float32
    elif k == 16:
        assert out.stdout == "False\nTrue\n"


@pytest.mark.parametrize("k", range(len(CELLS)))
def test_cell(k):
    nb = Notebook()
    for cell in CELLS[:k]:
        nb.run(cell)
    _check(k, nb.run(CELLS[k]), nb)


def test_cells_are_verbatim():
    missing = missing_from_seed("000", CELLS)
    if missing is None:
        pytest.skip("seed files not found (../shared/seeds or ARRAYGRAD_SEEDS_DIR)")
    assert missing == []


@pytest.mark.parametrize("seed", range(20))
def test_control_flow_gradient_for_many_draws(seed):
    # Whatever `a` is drawn, f is linear around it: f(a) = k a and the gradient is k.
    nb = Notebook()
    nb.run_all(CELLS[:1] + CELLS[13:14])
    nb.run(f"np.random.seed({seed})")
    nb.run(CELLS[14])
    a, d = values(nb["a"]), values(nb["d"])
    grad = values(nb["a"].grad)
    onp.testing.assert_allclose(grad, d / a, rtol=1e-6)
    k = grad.item()
    assert k in {2.0**n for n in range(1, 40)} | {100 * 2.0**n for n in range(1, 40)}
    if a > 0:  # the seed's run: c = b, a power of two, exactly d / a
        assert bool(nb.run(CELLS[15]).value)


# ---------------------------------------------------------------------------- exercises


def _nb():
    nb = Notebook()
    nb.run(CELLS[0])
    return nb


def test_exercise_backward_twice_raises_without_retain_graph():
    nb = _nb()
    nb.run("x = np.arange(4)\nx.attach_grad()\nwith autograd.record():\n"
           "    y = 2 * np.dot(x, x)\ny.backward()")
    with pytest.raises(RuntimeError, match="retain_graph"):
        nb.run("y.backward()")
    # With retain_graph the second call works and writes the same gradient again.
    nb.run("with autograd.record():\n    y = 2 * np.dot(x, x)\ny.backward(retain_graph=True)\n"
           "y.backward()")
    onp.testing.assert_array_equal(values(nb["x"].grad), 4 * X)


def test_exercise_second_derivative():
    nb = _nb()
    out = nb.run("""x = np.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = x ** 3
    dy_dx = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
dy_dx.backward()
dy_dx, x.grad""")
    onp.testing.assert_allclose(values(out.value[0]), 3 * onp.array([1, 4, 9.0]))
    onp.testing.assert_allclose(values(out.value[1]), 6 * onp.array([1, 2, 3.0]))


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_exercise_control_flow_with_a_random_vector_or_matrix(shape):
    # f(a) is no longer a scalar: backward sums it, and the gradient is still k = d / a.
    nb = _nb()
    nb.run(CELLS[13])
    out = nb.run(f"""a = np.random.normal(size={shape})
a.attach_grad()
with autograd.record():
    d = f(a)
d.backward()
a.grad""")
    a, d, g = values(nb["a"]), values(nb["d"]), values(out.value)
    assert g.shape == shape and d.shape == shape
    onp.testing.assert_allclose(g, d / a, rtol=1e-6)
    assert onp.all(g == g.flat[0])  # one k for the whole array


def test_exercise_sin_derivative_without_cos(tmp_path):
    nb = _nb()
    out = nb.run("""x = np.linspace(-np.pi, np.pi, 100)
x.attach_grad()
with autograd.record():
    y = np.sin(x)
y.backward()
x.grad""")
    x = values(nb["x"])
    onp.testing.assert_allclose(values(out.value), onp.cos(x), atol=1e-6)
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots()
    ax.plot(x, values(nb["y"]), label="f(x) = sin(x)")
    ax.plot(x, values(out.value), label="df/dx by autograd")
    ax.legend()
    fig.savefig(tmp_path / "sin.png")
    plt.close(fig)
    assert (tmp_path / "sin.png").stat().st_size > 0


def test_exercise_second_price_auction():
    # The winner pays the second-highest bid: the price does not move with the winner's bid
    # (gradient 0) and moves one for one with the runner-up's (gradient 1).
    nb = _nb()
    out = nb.run("""bids = np.array([3.0, 7.5, 5.0, 1.0])
bids.attach_grad()
with autograd.record():
    winner = bids == bids.max()
    price = np.where(winner, -np.inf, bids).max()
price.backward()
price, bids.grad""")
    assert values(out.value[0]) == 5.0
    onp.testing.assert_array_equal(values(out.value[1]), [0, 0, 1, 0])


def test_training_and_prediction_modes():
    nb = _nb()
    out = nb.run("""print(autograd.is_training(), autograd.is_recording())
with autograd.record():
    print(autograd.is_training(), autograd.is_recording())
    with autograd.pause():
        print(autograd.is_training(), autograd.is_recording())
    with autograd.predict_mode():
        print(autograd.is_training())
with autograd.train_mode():
    print(autograd.is_training())
with autograd.record(train_mode=False):
    print(autograd.is_training())""")
    assert out.stdout.split("\n")[:-1] == [
        "False False", "True True", "False False", "False", "True", "False"]


def test_first_line_works_in_a_fresh_interpreter():
    import subprocess
    import sys

    code = ("from arraygrad.compat.mxnet import autograd, np, npx\nnpx.set_np()\n"
            "x = np.arange(4)\nx.attach_grad()\nwith autograd.record():\n"
            "    y = 2 * np.dot(x, x)\ny.backward()\nprint(repr(x))\nprint(repr(x.grad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "array([0., 1., 2., 3.])\narray([ 0.,  4.,  8., 12.])\n"


def test_mxnet_np_float32_defaults_and_fallthrough():
    from arraygrad.compat.mxnet import np, npx

    assert np.arange(4).dtype == onp.float32
    assert np.ones(3).dtype == np.zeros(3).dtype == np.empty(2).dtype == onp.float32
    assert np.full((2,), 3).dtype == np.eye(2).dtype == np.linspace(0, 1, 5).dtype == onp.float32
    assert np.array([1, 2]).dtype == onp.float32 and np.array([True]).dtype == onp.bool_
    assert np.array(onp.arange(3)).dtype == onp.int64  # NumPy arrays keep their dtype
    assert np.random.normal().dtype == onp.float32 and np.random.normal().shape == ()
    assert np.random.uniform(size=(2, 3)).shape == (2, 3)
    assert np.arange(4, dtype="float64").dtype == onp.float64
    assert np.sin is ag.numpy.sin and np.linalg.norm is ag.numpy.linalg.norm
    x = np.arange(4)
    assert isinstance(x, np.ndarray)
    assert isinstance(x.asnumpy(), onp.ndarray)
    onp.testing.assert_array_equal(npx.relu(x - 2).asnumpy(), [0, 0, 0, 1])
    onp.testing.assert_allclose(npx.sigmoid(np.zeros(2)).asnumpy(), [0.5, 0.5])
    onp.testing.assert_allclose(npx.softmax(np.zeros((2, 4))).asnumpy(), onp.full((2, 4), 0.25))
    onp.testing.assert_allclose(npx.log_softmax(np.zeros(4)).asnumpy(), onp.log(onp.full(4, 0.25)),
                                rtol=1e-6)
    onp.testing.assert_array_equal(npx.one_hot(onp.array([0, 2]), 3).asnumpy(),
                                   [[1, 0, 0], [0, 0, 1]])


def test_mxnet_activations_are_differentiable():
    from arraygrad.compat.mxnet import autograd, np, npx

    x = np.array([-1.0, 0.5, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (npx.relu(x) + npx.sigmoid(x) + npx.log_softmax(x)).sum()
    y.backward()
    xs = onp.array([-1.0, 0.5, 2.0])
    s = 1 / (1 + onp.exp(-xs))
    sm = onp.exp(xs) / onp.exp(xs).sum()
    onp.testing.assert_allclose(values(x.grad), (xs > 0) + s * (1 - s) + 1 - 3 * sm, rtol=1e-5)


def test_grad_req_add_accumulates():
    from arraygrad.compat.mxnet import autograd, np

    x = np.arange(3)
    x.attach_grad(grad_req="add")
    for _ in range(3):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
    onp.testing.assert_array_equal(values(x.grad), 3 * 2 * onp.arange(3))


def test_autograd_backward_with_head_grads():
    from arraygrad.compat.mxnet import autograd, np

    x = np.arange(3)
    x.attach_grad()
    with autograd.record():
        y = x * x
    autograd.backward(y, np.array([1.0, 10.0, 100.0]))
    onp.testing.assert_array_equal(values(x.grad), [0, 20, 400])
