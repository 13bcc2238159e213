"""Ported from HIPS/autograd ``tests/test_wrappers.py`` and ``tests/test_graphs.py``.

Adapted: HIPS's ``multigrad(f, argnums)`` is ``ag.grad(f, argnums=(...))``;
``grad_and_aux`` is ``ag.grad(f, has_aux=True)``; HIPS's ``checkpoint(f)`` (a wrapped
function) is ``ag.checkpoint(f, *args)`` (PyTorch's form); ``to_scalar(x)`` is
``anp.sum(anp.real(x))``; the ``@primitive`` / ``defgrad`` test is
``ag.custom_vjp``. Results are Tensors (HIPS: floats/ndarrays), compared with
``np.allclose``.
"""

import functools

import numpy as np
import pytest
from _peer_util import check_grads

import arraygrad as ag
from arraygrad import numpy as anp

rng = np.random.default_rng(1)
R = rng.standard_normal


def nd(f, *args, eps=1e-6):
    """Central-difference gradient of a scalar function, one argument at a time."""
    out = []
    for i, a in enumerate(args):
        a = np.asarray(a, dtype=float)
        g = np.zeros_like(a)
        for k in np.ndindex(a.shape):
            e = np.zeros_like(a)
            e[k] = eps
            hi = list(args)
            lo = list(args)
            hi[i], lo[i] = a + e, a - e
            g[k] = (float(f(*hi)) - float(f(*lo))) / (2 * eps)
        out.append(g)
    return out


def to_scalar(x):
    return anp.sum(anp.real(x))


# ------------------------------------------------------------------ test_wrappers.py


def test_return_both():
    fun = lambda x: 3.0 * x ** 3.2  # noqa: E731
    f, d = ag.value_and_grad(fun)(1.7)
    assert np.allclose(f, 3.0 * 1.7 ** 3.2)
    assert np.allclose(d, ag.grad(fun)(1.7))
    assert np.allclose(d, 3.0 * 3.2 * 1.7 ** 2.2)


def test_value_and_grad():
    fun = lambda x: anp.sum(anp.sin(x) ** 2)  # noqa: E731
    x = R(5)
    v, g = ag.value_and_grad(fun)(x)
    assert np.allclose(v, np.sum(np.sin(x) ** 2))
    assert np.allclose(g, 2 * np.sin(x) * np.cos(x))


def test_hessian():
    H = R((5, 5))
    assert np.allclose(ag.hessian(lambda x: anp.dot(anp.dot(x, H), x))(R(5)), H + H.T)


def test_multigrad():
    def complicated_fun(a, b, c, d, e, f=1.1, g=9.0):
        return a + anp.sin(b) + anp.cosh(c) + anp.cos(d) + anp.tan(e) + f + g

    A, B, C, D, E, F, G = 0.5, -0.3, 0.2, -1.1, 0.7, 0.6, -0.1
    exact = ag.grad(complicated_fun, argnums=(3, 1))(A, B, C, D, E, f=F, g=G)
    assert np.allclose(exact[0], -np.sin(D)) and np.allclose(exact[1], np.cos(B))
    numeric = nd(lambda d, b: complicated_fun(A, b, C, d, E, f=F, g=G), D, B)
    assert np.allclose(exact, numeric)


def test_multigrad_onearg():
    fun = lambda x, y: anp.sum(x + anp.sin(y))  # noqa: E731
    packed = lambda xy: anp.sum(xy[0] + anp.sin(xy[1]))  # noqa: E731
    a, b = R(3), R(3)
    (g,) = ag.grad(fun, argnums=(0,))(a, b)
    assert np.allclose(g, ag.grad(packed)((a, b))[0])
    assert np.allclose(ag.grad(packed)((a, b))[1], np.cos(b))


def test_elementwise_grad():
    simple = lambda a: a + anp.sin(a) + anp.cosh(a)  # noqa: E731
    a = R(10)
    assert np.allclose(ag.elementwise_grad(simple)(a), 1 + np.cos(a) + np.sinh(a))


def test_elementwise_grad_multiple_args():
    simple = lambda a, b: a + anp.sin(a) + anp.cosh(b)  # noqa: E731
    b = R(10)
    assert np.allclose(ag.elementwise_grad(simple, argnum=1)(0.9, b), np.sinh(b))


def test_hessian_vector_product():
    fun = lambda a: anp.sum(anp.sin(a))  # noqa: E731
    a, v = R(5), R(5)
    H = ag.hessian(fun)(a)
    assert np.allclose(np.dot(H, v), ag.hessian_vector_product(fun)(a, v))
    assert np.allclose(ag.hvp(fun, (a,), (v,))[1], -np.sin(a) * v)


def test_hessian_matrix_product():
    fun = lambda a: anp.sum(anp.sin(a))  # noqa: E731
    a, V = R((5, 4)), R((5, 4))
    H = np.asarray(ag.hessian(fun)(a))
    assert np.allclose(np.tensordot(H, V), ag.hessian_vector_product(fun)(a, V))


def test_hessian_tensor_product():
    fun = lambda a: anp.sum(anp.sin(a))  # noqa: E731
    a, V = R((5, 4, 3)), R((5, 4, 3))
    H = np.asarray(ag.hessian(fun)(a))
    assert np.allclose(np.tensordot(H, V, axes=V.ndim), ag.hessian_vector_product(fun)(a, V))


@pytest.mark.parametrize("ashape,vshape", [((5,), (5,)), ((5, 4), (5, 4)),
                                           ((5, 4, 3), (5, 4))])
def test_vector_jacobian_product(ashape, vshape):
    fun = lambda a: anp.roll(anp.sin(a), 1)  # noqa: E731  (an asymmetric Jacobian)
    a, V = R(ashape), R(vshape)
    J = np.asarray(ag.jacobian(fun)(a))
    assert np.allclose(np.tensordot(V, J, axes=V.ndim), ag.vector_jacobian_product(fun)(a, V))


def test_make_vjp_hips_order():
    vjp_fn, ans = ag.make_vjp(lambda x, y: x * y, argnum=1)(2.0, 3.0)
    assert np.allclose(ans, 6.0) and np.allclose(vjp_fn(1.0), 2.0)


def test_holomorphic_grad():
    z = 0.3 + 0.7j
    assert np.allclose(ag.holomorphic_grad(lambda z: z ** 3)(z), 3 * z ** 2)
    assert np.allclose(ag.holomorphic_grad(anp.sin)(z), np.cos(z))


def test_grad_named():
    f = lambda x, scale: scale * anp.sum(x ** 2)  # noqa: E731
    assert np.allclose(ag.grad_named(f, "scale")(np.arange(3.0), 2.0), 5.0)


def test_grad_and_aux():
    g, aux = ag.grad(lambda x: (anp.sum(x ** 2), x.shape), has_aux=True)(np.ones(3))
    assert np.allclose(g, 2.0) and aux == (3,)


def test_custom_primitive():  # HIPS's @primitive + defvjp
    @ag.custom_vjp
    def new_mul(x, y):
        return x * y

    new_mul.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (res[1] * g, res[0] * g))
    a, b = R((2, 2)), R((2, 2))
    ga, gb = ag.grad(lambda x, y: to_scalar(new_mul(x, y)), argnums=(0, 1))(a, b)
    assert np.allclose(ga, b) and np.allclose(gb, a)


def test_partial():
    f = lambda x, y: x * y  # noqa: E731
    assert np.allclose(ag.grad(functools.partial(f, y=3.0))(2.0), 3.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_dtypes(dtype):
    y = R((10, 10)).astype(dtype)
    g = ag.grad(lambda x: anp.sum(x ** 2))(y)
    assert g.dtype == dtype
    assert np.allclose(g, 2 * y, rtol=1e-2)


def test_checkpoint_correctness():
    bar = lambda x, y: 2 * x + y + 5  # noqa: E731
    cbar = functools.partial(ag.checkpoint, bar)
    foo = lambda x: bar(x, x / 3.0) + bar(x, x ** 2)  # noqa: E731
    foo2 = lambda x: cbar(x, x / 3.0) + cbar(x, x ** 2)  # noqa: E731
    assert np.allclose(foo(anp.asarray(3.0)), foo2(anp.asarray(3.0)))
    assert np.allclose(ag.grad(foo)(3.0), ag.grad(foo2)(3.0))
    baz = lambda *args: sum(args)  # noqa: E731
    foobaz2 = lambda x: ag.checkpoint(baz, x, x / 3.0)  # noqa: E731
    assert np.allclose(ag.grad(foobaz2)(3.0), 4.0 / 3.0)


# ------------------------------------------------------------------ test_graphs.py


def test_grad_fanout():
    fun = lambda x: anp.sin(anp.sin(x) + anp.sin(x))  # noqa: E731
    check_grads(fun, R())
    check_grads(ag.grad(fun), rng.random())


def test_grad_const():
    assert np.allclose(ag.grad(lambda x: 1.0)(2.0), 0.0)


def test_grad_identity():
    df = ag.grad(lambda x: x)
    assert np.allclose(df(2.0), 1.0)
    assert np.allclose(ag.grad(df)(2.0), 0.0)


def test_hess_vector_prod():
    randv = R(10)
    fun = lambda x: anp.sin(anp.dot(x, randv))  # noqa: E731
    df = ag.grad(fun)
    vector_product = lambda x, v: anp.sin(anp.dot(v, df(x)))  # noqa: E731
    check_grads(fun, R(10))
    check_grads(vector_product, R(10), R(10))


def test_enclosing_scope_ref():
    fun = lambda x: x * ag.grad(lambda y: x * y)(2.0)  # noqa: E731
    check_grads(fun, 1.0)
    assert np.allclose(ag.grad(fun)(1.5), 3.0)  # d/dx x^2


def test_enclosing_scope_ref_2():
    fun = lambda x: x * ag.grad(lambda y: y * x)(2.0)  # noqa: E731
    check_grads(fun, 1.0)


def test_mutating_outgrad():
    def fun(a):
        b = a + 1.0
        c = b + 1.5
        d = a + b
        return to_scalar(d + c)
    check_grads(fun, R(5))


def test_mutating_outgrad_from_indexing():
    def fun(a):
        b = a + 1.0
        c = b[0] + 1.5
        d = a + b
        return to_scalar(d + c)
    check_grads(fun, R(5))
    expect = np.full(5, 2.0)
    expect[0] += 5.0  # c broadcasts over 5 entries of the sum
    assert np.allclose(ag.grad(fun)(R(5)), expect)


def test_complex_mutating_outgrad_from_indexing():
    def fun(a):
        b = a + 1.0j
        c = b[0] + 1.5
        d = a + b
        return to_scalar(d + c)
    check_grads(fun, R(5))
    check_grads(lambda x: to_scalar(ag.grad(fun)(x)), R(5))


def test_complex_separate_real_and_imaginary():
    def fun(a):
        r, i = anp.real(a), anp.imag(a)
        return to_scalar(anp.abs(r) ** 1.4 + anp.abs(i) ** 1.3)
    a = R((5, 3)) + 0.1j * R((5, 3))
    check_grads(fun, a)
    check_grads(lambda x: to_scalar(ag.grad(fun)(x)), a)


@pytest.mark.parametrize("argnums", [(0, 0, 0), (0, 1, 0), (1, 0, 1)])
def test_third_derivative_other_args(argnums):
    fun = lambda x, y: anp.sin(anp.sin(x) + anp.sin(y))  # noqa: E731
    f = fun
    for a in argnums:
        f = ag.grad(f, a)
        check_grads(f, R(), R())


def test_third_derivative_value():
    assert np.allclose(ag.grad(ag.grad(ag.grad(anp.sin)))(0.3), -np.cos(0.3))


@pytest.mark.parametrize("shape,axis,keepdims", [((3, 3), None, True), ((3, 1), 0, True),
                                                 ((1, 3), 1, True), ((3, 1), 0, False),
                                                 ((1, 3), 1, False)])
def test_singleton_array_output(shape, axis, keepdims):
    fun = lambda x: anp.sum(anp.sin(x), axis=axis, keepdims=keepdims)  # noqa: E731
    check_grads(fun, R(shape))
    check_grads(lambda x: anp.sum(ag.grad(fun)(x)), R(shape))
