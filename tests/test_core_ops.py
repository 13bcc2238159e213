"""The engine's first ops, each checked on scalar, vector, matrix and broadcast inputs:
forward against NumPy, gradcheck and gradgradcheck in float64, forward mode, dispatch."""

import numpy as np
import pytest

from arraygrad import numpy as anp

from opcheck import check_op

R = np.random.default_rng(7)
SHAPES = {"scalar": (), "vector": (4,), "matrix": (2, 3)}
BROADCAST = {"scalar-matrix": ((), (2, 3)), "row-matrix": ((3,), (2, 3)),
             "col-row": ((2, 1), (1, 3))}


def pos(shape):
    return R.uniform(0.5, 2.0, size=shape)


def anyv(shape):
    return R.uniform(-1.5, 1.5, size=shape)


UNARY = {
    "negative": (anp.negative, np.negative, anyv),
    "abs": (anp.abs, np.abs, lambda s: pos(s) * np.where(R.random(s) < 0.5, -1, 1)),
    "exp": (anp.exp, np.exp, anyv),
    "log": (anp.log, np.log, pos),
    "sin": (anp.sin, np.sin, anyv),
    "cos": (anp.cos, np.cos, anyv),
    "tan": (anp.tan, np.tan, anyv),
    "tanh": (anp.tanh, np.tanh, anyv),
    "sqrt": (anp.sqrt, np.sqrt, pos),
    "square": (anp.square, np.square, anyv),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, shape):
    fn, ref, sample = UNARY[name]
    check_op(fn, [sample(shape)], ref)


def _distinct_pair(sa, sb):
    a, b = anyv(sa), anyv(sb)
    return a, b + np.where(np.abs(np.broadcast_to(a, np.broadcast_shapes(sa, sb))[
        (0,) * len(np.broadcast_shapes(sa, sb))] - b) < 0.1, 0.3, 0)


BINARY = {
    "add": (anp.add, np.add, anyv, anyv),
    "subtract": (anp.subtract, np.subtract, anyv, anyv),
    "multiply": (anp.multiply, np.multiply, anyv, anyv),
    "divide": (anp.divide, np.divide, anyv, pos),
    "power": (anp.power, np.power, pos, anyv),
    "maximum": (anp.maximum, np.maximum, anyv, lambda s: anyv(s) + 0.05),
    "minimum": (anp.minimum, np.minimum, anyv, lambda s: anyv(s) + 0.05),
}
PAIRS = {**{k: (v, v) for k, v in SHAPES.items()}, **BROADCAST}


@pytest.mark.parametrize("shapes", PAIRS.values(), ids=PAIRS.keys())
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, shapes):
    fn, ref, sa, sb = BINARY[name]
    check_op(fn, [sa(shapes[0]), sb(shapes[1])], ref)


def test_ties_share_the_gradient():
    import arraygrad as ag

    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ag.tensor([1.0, 0.0, 3.0], requires_grad=True)
    anp.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 1, 0.5])
    np.testing.assert_array_equal(y.grad.numpy(), [0.5, 0, 0.5])
    m = ag.tensor([[1.0, 5.0, 5.0], [2.0, 2.0, 2.0]], requires_grad=True)
    m.max(axis=1).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


def test_where_and_clip():
    cond = np.array([True, False, True, False])
    check_op(lambda a, b: anp.where(cond, a, b), [anyv(4), anyv(4)],
             lambda a, b: np.where(cond, a, b), dispatch=False)
    check_op(lambda a: anp.clip(a, -0.5, 0.5), [np.array([-1.0, -0.2, 0.3, 0.9])],
             lambda a: np.clip(a, -0.5, 0.5))


REDUCTIONS = {
    "sum": (anp.sum, np.sum),
    "mean": (anp.mean, np.mean),
    "prod": (anp.prod, np.prod),
    "max": (anp.max, np.max),
    "min": (anp.min, np.min),
}
AXES = {"all": {}, "axis0": {"axis": 0}, "axis1-keep": {"axis": 1, "keepdims": True},
        "neg-tuple": {"axis": (-1, 0)}}


@pytest.mark.parametrize("kw", AXES.values(), ids=AXES.keys())
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions(name, kw):
    fn, ref = REDUCTIONS[name]
    x = R.permutation(np.linspace(0.5, 1.7, 6)).reshape(2, 3)  # distinct: no ties
    check_op(lambda a: fn(a, **kw), [x], lambda a: ref(a, **kw), dispatch=False)


def test_prod_with_zeros():
    check_op(lambda a: anp.prod(a, axis=1), [np.array([[0.0, 2.0, 3.0], [1.5, 2.0, 0.5]])],
             lambda a: np.prod(a, axis=1))
    import arraygrad as ag

    x = ag.tensor([0.0, 0.0, 3.0], requires_grad=True)
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 0, 0])
    x = ag.tensor([0.0, 2.0, 3.0], requires_grad=True)
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6, 0, 0])


PRODUCTS = {
    "dot-vv": (anp.dot, np.dot, (3,), (3,)),
    "dot-mv": (anp.dot, np.dot, (2, 3), (3,)),
    "dot-mm": (anp.dot, np.dot, (2, 3), (3, 2)),
    "dot-scalar": (anp.dot, np.dot, (), (3,)),
    "matmul-vm": (anp.matmul, np.matmul, (2,), (2, 3)),
    "matmul-batch": (anp.matmul, np.matmul, (2, 2, 3), (3, 2)),
    "outer": (anp.outer, np.outer, (3,), (2,)),
}


@pytest.mark.parametrize("name", PRODUCTS)
def test_products(name):
    fn, ref, sa, sb = PRODUCTS[name]
    check_op(fn, [anyv(sa), anyv(sb)], ref)


SHAPE_OPS = {
    "reshape": (lambda a: anp.reshape(a, (3, 2)), lambda a: np.reshape(a, (3, 2))),
    "transpose": (anp.transpose, np.transpose),
    "swapaxes": (lambda a: anp.swapaxes(a, 0, 1), lambda a: np.swapaxes(a, 0, 1)),
    "expand_dims": (lambda a: anp.expand_dims(a, 1), lambda a: np.expand_dims(a, 1)),
    "squeeze": (lambda a: anp.squeeze(anp.expand_dims(a, 0)), lambda a: a),
    "broadcast_to": (lambda a: anp.broadcast_to(a, (4, 2, 3)),
                     lambda a: np.broadcast_to(a, (4, 2, 3))),
    "concatenate": (lambda a: anp.concatenate([a, 2 * a], axis=1),
                    lambda a: np.concatenate([a, 2 * a], axis=1)),
    "stack": (lambda a: anp.stack([a, a * a], axis=-1), lambda a: np.stack([a, a * a], -1)),
    "index-basic": (lambda a: a[1, ::2], lambda a: a[1, ::2]),
    "index-fancy": (lambda a: a[[0, 1, 1], [2, 0, 2]], lambda a: a[[0, 1, 1], [2, 0, 2]]),
    "index-bool": (lambda a: a[np.array([[True, False, True], [False, True, True]])],
                   lambda a: a[np.array([[True, False, True], [False, True, True]])]),
    "norm": (anp.linalg.norm, np.linalg.norm),
    "norm-axis": (lambda a: anp.linalg.norm(a, axis=1), lambda a: np.linalg.norm(a, axis=1)),
}


@pytest.mark.parametrize("name", SHAPE_OPS)
def test_shape_and_index_ops(name):
    fn, ref = SHAPE_OPS[name]
    check_op(fn, [anyv((2, 3))], ref, dispatch=False)


def test_numpy_dispatch_of_shape_ops():
    x = anyv((2, 3))
    for fn in (np.transpose, np.ravel, np.linalg.norm, lambda a: np.concatenate([a, a])):
        check_op(fn, [x], fn, second_order=False, forward_mode=False)


def test_complex_inputs_follow_jax_convention():
    z = R.standard_normal(3) + 1j * R.standard_normal(3)
    check_op(anp.exp, [z], np.exp)
    check_op(lambda a: anp.abs(a) ** 2, [z], lambda a: np.abs(a) ** 2, dispatch=False)
    import arraygrad as ag

    # d|z|^2: JAX gives 2 conj(z) (PyTorch gives 2 z).
    t = ag.tensor(z, requires_grad=True)
    (anp.abs(t) ** 2).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), 2 * np.conj(z))
