"""A selection from jax-ml/jax ``tests/api_test.py`` (``APITest``): grad of grad,
``argnums`` tuples, ``has_aux``, ``value_and_grad``, ``jacfwd``/``jacrev`` agreement,
``hessian``, pytrees, and the error messages for bad inputs.

Adapted: ``jnp`` -> ``arraygrad.numpy``; results are Tensors (compared with
``np.allclose``); JAX's ``TypeError`` for integer inputs is kept.
"""

import collections

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

rng = np.random.default_rng(0)


def test_grad_argnums():  # testGradArgnums
    def f(x, y, z, flag=False):
        assert flag
        return 1.0 * x + 2.0 * y + 3.0 * z

    assert np.allclose(ag.grad(f)(1.0, 1.0, 1.0, flag=True), 1.0)
    assert np.allclose(ag.grad(f, argnums=1)(1.0, 1.0, 1.0, flag=True), 2.0)
    assert np.allclose(ag.grad(f, argnums=(2, 0))(1.0, 1.0, 1.0, flag=True), (3.0, 1.0))


def test_value_and_grad_argnums():  # testValueAndGradArgnums
    def f(x, y, z, flag=False):
        assert flag
        return 1.0 * x + 2.0 * y + 3.0 * z

    y = f(1.0, 1.0, 1.0, flag=True)
    v, g = ag.value_and_grad(f)(1.0, 1.0, 1.0, flag=True)
    assert np.allclose(v, y) and np.allclose(g, 1.0)
    v, g = ag.value_and_grad(f, argnums=(2, 0))(1.0, 1.0, 1.0, flag=True)
    assert np.allclose(v, y) and np.allclose(g, (3.0, 1.0))


def test_grad_of_grad():  # testHigherOrderGrad / grad of grad
    f = lambda x: x ** 4  # noqa: E731
    assert np.allclose(ag.grad(ag.grad(f))(2.0), 48.0)
    assert np.allclose(ag.grad(ag.grad(ag.grad(f)))(2.0), 48.0)
    assert np.allclose(ag.grad(ag.grad(ag.grad(ag.grad(f))))(2.0), 24.0)


def test_grad_of_int_errors():  # testGradOfInt
    with pytest.raises(TypeError, match="float"):
        ag.grad(lambda x: x * 2.0)(np.int32(1))


def test_grad_tuple_output_errors():  # testGradTupleOutputError
    with pytest.raises(TypeError, match="scalar"):
        ag.grad(lambda x: (x, x))(1.0)


def test_grad_nonscalar_output_errors():  # testGradNonScalarOutput
    with pytest.raises(TypeError, match="scalar"):
        ag.grad(lambda x: x)(np.zeros(3))


def test_has_aux():  # testHasAux
    f = lambda x: (anp.sin(x), x ** 2)  # noqa: E731
    g, aux = ag.grad(f, has_aux=True)(3.0)
    assert np.allclose(g, np.cos(3.0)) and np.allclose(aux, 9.0)
    (v, aux), g = ag.value_and_grad(f, has_aux=True)(3.0)
    assert np.allclose(v, np.sin(3.0)) and np.allclose(aux, 9.0)
    # aux can be a pytree and need not be differentiable
    g, aux = ag.grad(lambda x: (anp.sin(x), {"s": "text", "y": [x, x ** 2]}),
                     has_aux=True)(3.0)
    assert aux["s"] == "text" and np.allclose(aux["y"][1], 9.0)


def test_has_aux_not_a_pair_errors():
    with pytest.raises(TypeError, match="pair"):
        ag.grad(lambda x: anp.sin(x), has_aux=True)(1.0)


def test_pytree_grads():  # testGradPytree-ish
    Point = collections.namedtuple("Point", ["x", "y"])
    params = {"w": np.ones((2, 3)), "b": [np.zeros(3), 2.0], "p": Point(1.0, 3.0)}

    def loss(p):
        return (anp.sum(p["w"] ** 2) + anp.sum(p["b"][0]) + p["b"][1] ** 3
                + p["p"].x * p["p"].y)

    g = ag.grad(loss)(params)
    assert set(g) == {"w", "b", "p"} and isinstance(g["b"], list)
    assert isinstance(g["p"], Point)
    assert np.allclose(g["w"], 2.0) and np.allclose(g["b"][0], 1.0)
    assert np.allclose(g["b"][1], 12.0)
    assert np.allclose(g["p"].x, 3.0) and np.allclose(g["p"].y, 1.0)


def test_none_is_empty_subtree():
    g = ag.grad(lambda t: t[0] ** 2)((3.0, None))
    assert np.allclose(g[0], 6.0) and g[1] is None


@pytest.mark.parametrize("jac", [ag.jacfwd, ag.jacrev])
def test_jacobian(jac):  # testJacobian
    R = rng.standard_normal
    A = R((4, 3))
    x = R(3)
    f = lambda x: anp.tanh(anp.dot(A, x))  # noqa: E731
    expect = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    assert np.allclose(jac(f)(x), expect)
    f2 = lambda x: anp.sin(x) * anp.exp(x)  # noqa: E731
    assert np.allclose(jac(f2)(x), np.diag(np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x)))


def test_jacfwd_jacrev_agree_argnums_pytree():
    R = rng.standard_normal
    x, y = R((2, 3)), R(3)

    def f(x, y):
        return {"a": anp.sin(x) * y, "b": anp.sum(x, axis=0) @ y}

    jf = ag.jacfwd(f, argnums=(0, 1))(x, y)
    jr = ag.jacrev(f, argnums=(0, 1))(x, y)
    for k in ("a", "b"):
        for i in range(2):
            assert np.allclose(jf[k][i], jr[k][i])
    assert jf["a"][0].shape == (2, 3, 2, 3) and jf["a"][1].shape == (2, 3, 3)
    assert jf["b"][0].shape == (2, 3)


def test_hessian():  # testHessian
    R = rng.standard_normal
    A = R((4, 4))
    f = lambda x: anp.dot(x, anp.dot(A, x))  # noqa: E731
    x = R(4)
    assert np.allclose(ag.hessian(f)(x), A + A.T)


def test_hessian_on_pytree():  # testHessianOnPyTree-like
    f = lambda x, y: anp.sum(x ** 2 * y)  # noqa: E731
    x, y = np.arange(1.0, 3.0), np.array([3.0, 5.0])
    hxx = ag.hessian(f)(x, y)
    assert np.allclose(hxx, np.diag(2 * y))
    h = ag.hessian(f, argnums=(0, 1))(x, y)
    assert np.allclose(h[0][1], np.diag(2 * x)) and np.allclose(h[1][1], 0.0)


def test_jvp_vjp():  # testJVP / testVJP
    f = lambda x, y: anp.sin(x) * y  # noqa: E731
    x, y = 0.5, 2.0
    out, t = ag.jvp(f, (x, y), (1.0, 0.0))
    assert np.allclose(out, np.sin(0.5) * 2.0) and np.allclose(t, np.cos(0.5) * 2.0)
    out, vjp_fn = ag.vjp(f, x, y)
    gx, gy = vjp_fn(1.0)
    assert np.allclose(gx, np.cos(0.5) * 2.0) and np.allclose(gy, np.sin(0.5))


def test_float32_stays_float32():  # dtype preservation
    x = np.ones(3, np.float32)
    g = ag.grad(lambda x: anp.sum(anp.sin(x) * 2.0))(x)
    assert g.dtype == np.float32
    assert ag.jacrev(lambda x: anp.sin(x))(x).dtype == np.float32


def test_perturbation_confusion():  # testIssue... (Siskind & Pearlmutter)
    f = lambda x: x * ag.grad(lambda y: x + y)(1.0)  # noqa: E731
    assert np.allclose(ag.grad(f)(1.0), 1.0)


def test_grad_closure_over_outer_tracer():  # testGradOfClosure
    def outer(x):
        return ag.grad(lambda y: anp.sin(x * y))(2.0)
    assert np.allclose(ag.grad(outer)(0.3), -np.sin(0.6) * 0.6 + np.cos(0.6))
