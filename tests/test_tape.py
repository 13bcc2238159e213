"""TensorFlow's idiom: GradientTape, Variable, watch rules, nesting, Jacobians."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp


def _values(t):
    # A tensor that requires grad refuses np.asarray (as PyTorch): compare its values.
    if isinstance(t, (list, tuple)):
        return np.array([_values(i) for i in t])
    return np.asarray(t.detach() if isinstance(t, ag.Tensor) else t)


def close(a, b, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(_values(a), _values(b), rtol=rtol, atol=atol)


def test_seed_lesson_tf_idiom():
    # d2l: y = 2 x^T x, dy/dx = 4x, with a Variable
    x = ag.Variable(np.arange(4.0))
    with ag.GradientTape() as t:
        y = 2 * anp.dot(x, x)
    close(t.gradient(y, x), 4 * np.arange(4.0))
    with ag.GradientTape() as t:
        y = anp.sum(x)
    close(t.gradient(y, x), np.ones(4))
    with ag.GradientTape() as t:  # non-scalar target: the gradient of its sum
        y = x * x
    close(t.gradient(y, x), 2 * np.arange(4.0))


def test_watch_constant_and_unwatched_is_none():
    x = ag.tensor(3.0)
    with ag.GradientTape() as t:
        t.watch(x)
        y = x * x
    close(t.gradient(y, x), 6.0)
    assert not x.requires_grad  # the tape turned recording off again on exit
    c = ag.tensor(2.0)
    with ag.GradientTape() as t:
        y = c * c
    assert t.gradient(y, c) is None
    with ag.GradientTape() as t:
        y = c * c
    close(t.gradient(y, c, unconnected_gradients="zero"), 0.0)


def test_variable_watched_when_read():
    w = ag.Variable([[1.0, 2.0]], name="w")
    b = ag.Variable(0.5, trainable=False)
    with ag.GradientTape() as t:
        loss = anp.sum(w @ w.T) + b
    assert [v is w for v in t.watched_variables()] == [True]
    g = t.gradient(loss, {"w": w, "b": b})
    close(g["w"], [[2.0, 4.0]])
    assert g["b"] is None  # non-trainable: not watched
    # outside any tape a Variable is a constant: nothing records
    y = w * 2
    assert not y.requires_grad and y.grad_fn is None


def test_watch_accessed_variables_false():
    a, b = ag.Variable(2.0), ag.Variable(3.0)
    with ag.GradientTape(watch_accessed_variables=False) as t:
        t.watch(a)
        y = a * b
    ga, gb = t.gradient(y, [a, b])
    close(ga, 3.0)
    assert gb is None
    assert t.watched_variables() == (a,)


def test_persistent_and_non_persistent():
    x = ag.tensor(3.0)
    with ag.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x
        z = y * y
    close(t.gradient(z, x), 4 * 27.0)
    close(t.gradient(y, x), 6.0)
    with ag.GradientTape() as t:
        t.watch(x)
        y = x * x
    t.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        t.gradient(y, x)


def test_nested_tapes_second_order():
    x = ag.Variable(np.array([1.0, 2.0, 3.0]))
    with ag.GradientTape() as t2:
        with ag.GradientTape() as t1:
            y = anp.sin(x)
        dy = t1.gradient(y, x)
    d2y = t2.gradient(dy, x)
    close(dy, np.cos([1.0, 2.0, 3.0]))
    close(d2y, -np.sin([1.0, 2.0, 3.0]))
    # constants watched by both tapes, third order with three tapes
    c = ag.tensor(2.0)
    with ag.GradientTape() as t3:
        t3.watch(c)
        with ag.GradientTape() as t2:
            t2.watch(c)
            with ag.GradientTape() as t1:
                t1.watch(c)
                y = c**4
            d1 = t1.gradient(y, c)
        d2 = t2.gradient(d1, c)
    d3 = t3.gradient(d2, c)
    close([d1, d2, d3], [32.0, 48.0, 48.0])


def test_inner_tape_exit_keeps_outer_watch():
    x = ag.tensor(2.0)
    with ag.GradientTape() as outer:
        with ag.GradientTape() as inner:
            inner.watch(x)
            outer.watch(x)
            y = x * x
        z = y * x  # still recorded: the outer tape watches x
        inner.gradient(y, x)
    close(outer.gradient(z, x), 12.0)


def test_sources_structures_and_output_gradients():
    a = ag.tensor([1.0, 2.0])
    b = ag.tensor(3.0)
    with ag.GradientTape(persistent=True) as t:
        t.watch([a, b])
        y = a * b
        s = anp.sum(y)
    g = t.gradient(s, {"a": a, "pair": (b, [a])})
    close(g["a"], [3.0, 3.0])
    close(g["pair"][0], 3.0)
    close(g["pair"][1][0], [3.0, 3.0])
    # output_gradients weights the target: a vector-Jacobian product
    close(t.gradient(y, a, output_gradients=ag.tensor([1.0, -1.0])), [3.0, -3.0])
    # a list of targets means their sum
    close(t.gradient([y, s], b), 6.0)
    # intermediates computed on the tape are sources too
    close(t.gradient(s, y), [1.0, 1.0])


def test_jacobian_and_batch_jacobian():
    x = ag.tensor(np.array([0.1, 0.5, 0.9]))
    with ag.GradientTape(persistent=True) as t:
        t.watch(x)
        y = anp.sin(x) * 2
        z = anp.outer(x, x)
    close(t.jacobian(y, x), np.diag(2 * np.cos(x.numpy())))
    J = t.jacobian(z, x)
    assert J.shape == (3, 3, 3)
    xv = x.numpy()
    expect = np.zeros((3, 3, 3))
    for i in range(3):
        for j in range(3):
            expect[i, j, i] += xv[j]
            expect[i, j, j] += xv[i]
    close(J, expect)
    rng = np.random.default_rng(0)
    W = ag.tensor(rng.standard_normal((4, 2)))
    xb = ag.tensor(rng.standard_normal((5, 4)))
    with ag.GradientTape(persistent=True) as t:
        t.watch(xb)
        yb = anp.tanh(xb @ W)
    bj = t.batch_jacobian(yb, xb)
    assert bj.shape == (5, 2, 4)
    full = t.jacobian(yb, xb).numpy()  # (5, 2, 5, 4)
    for k in range(5):
        close(bj[k], full[k, :, k, :])


def test_stop_recording_and_reset():
    v = ag.Variable(2.0)
    with ag.GradientTape() as t:
        y = v * v
        with t.stop_recording():
            z = v * v * v
        assert not z.requires_grad
    close(t.gradient(y + z, v), 4.0)
    x = ag.tensor(1.0)
    with ag.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * 5
        t.reset()
        assert not x.requires_grad  # reset: x is no longer watched
        w = ag.tensor(2.0)
        t.watch(w)
        z = w * w
    assert t.gradient(z, x) is None
    close(t.gradient(z, w), 4.0)
    with pytest.raises(RuntimeError, match="not recording"):
        t.stop_recording()


def test_variable_methods():
    v = ag.Variable([1.0, 2.0], name="v")
    assert isinstance(v, ag.Tensor) and v.trainable and v.name == "v"
    v.assign([3.0, 4.0])
    close(v.numpy(), [3.0, 4.0])
    v.assign_add(np.ones(2))
    v.assign_sub(ag.tensor([0.5, 0.5]))
    close(v, [3.5, 4.5])
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    assert "ag.Variable 'v'" in repr(v)
    arr = np.array([1.0, 2.0])
    w = ag.Variable(arr)
    w.assign_add([1.0, 1.0])
    close(arr, [1.0, 2.0])  # the initial value was copied
    assert ag.Variable(1.0).dtype == np.float64
    import copy
    import pickle

    c = copy.deepcopy(v)
    assert isinstance(c, ag.Variable) and c is not v
    p = pickle.loads(pickle.dumps(v))
    assert isinstance(p, ag.Variable)
    close(p, v)


def test_assign_after_recording_is_caught():
    v = ag.Variable([1.0, 2.0])
    with ag.GradientTape() as t:
        y = anp.sum(v * v)
    v.assign([5.0, 5.0])
    with pytest.raises(ag.GraphError, match="modified by an inplace operation"):
        t.gradient(y, v)


def test_training_loop_with_variables():
    rng = np.random.default_rng(1)
    X = ag.tensor(rng.standard_normal((50, 2)))
    true_w = np.array([2.0, -3.4])
    Y = ag.tensor(X.numpy() @ true_w + 4.2)
    w, b = ag.Variable(np.zeros(2)), ag.Variable(0.0)
    for _ in range(200):
        with ag.GradientTape() as t:
            loss = anp.mean((X @ w + b - Y) ** 2)
        gw, gb = t.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
    close(w, true_w, rtol=1e-3)
    close(b, 4.2, rtol=1e-3)


def test_watch_errors_and_int_warning():
    with ag.GradientTape() as t:
        with pytest.raises(TypeError, match="only Tensors and Variables"):
            t.watch(np.ones(2))
        with pytest.warns(UserWarning, match="floating point"):
            t.watch(ag.tensor([1, 2]))
        with pytest.raises(ValueError, match="unconnected_gradients"):
            t.gradient(ag.tensor(1.0), ag.tensor(1.0), unconnected_gradients="maybe")


def test_stop_gradient_in_tape():
    x = ag.tensor(3.0)
    with ag.GradientTape() as t:
        t.watch(x)
        y = x * ag.stop_gradient(x)
    close(t.gradient(y, x), 3.0)


def test_tape_and_functional_nest():
    # a tape inside ag.grad: the tape's gradient stays connected to grad's input
    def f(x):
        with ag.GradientTape() as t:
            t.watch(x)
            y = x**3
        return t.gradient(y, x)  # 3x^2

    close(ag.grad(f)(2.0), 12.0)
