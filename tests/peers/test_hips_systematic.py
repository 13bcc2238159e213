"""Ported from HIPS/autograd ``tests/test_systematic.py`` (the ``stat_check``,
``unary_ufunc_check``, ``binary_ufunc_check`` and ``combo_check`` families).

Adapted: ``autograd.numpy`` -> ``arraygrad.numpy``; ``op.div`` -> ``op.truediv``;
``np.msort`` (gone in NumPy 2) dropped; ``all``/``any`` are checked for values only
(boolean outputs have no gradient). Complex checks use JAX's convention (see
``_peer_util``).
"""

import operator as op

import numpy as np
import pytest
from _peer_util import binary_ufunc_check, combo_check, stat_check, unary_ufunc_check

from arraygrad import numpy as anp

R = np.random.default_rng(0).standard_normal


@pytest.mark.parametrize("name", ["max", "mean", "min", "sum", "prod", "var", "std"])
def test_stat(name):
    stat_check(getattr(anp, name), test_complex=name not in ("max", "min"))


@pytest.mark.parametrize("name", ["all", "any"])
def test_stat_bool(name):
    x = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 1.0]])
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(getattr(anp, name)(anp.array(x), axis=axis),
                                      getattr(np, name)(x, axis=axis))


UNARY = [
    ("sin", {}), ("abs", {"lims": [0.1, 4.0]}), ("absolute", {"lims": [0.1, 4.0]}),
    ("arccosh", {"lims": [1.1, 4.0]}), ("arcsinh", {"lims": [-0.9, 0.9]}),
    ("arctanh", {"lims": [-0.9, 0.9]}), ("ceil", {"lims": [-1.5, 1.5], "test_complex": False}),
    ("cos", {}), ("cosh", {}), ("deg2rad", {"test_complex": False}), ("exp", {}),
    ("exp2", {}), ("expm1", {}), ("fabs", {"test_complex": False}),
    ("floor", {"lims": [-1.5, 1.5], "test_complex": False}), ("log", {"lims": [0.2, 2.0]}),
    ("log10", {"lims": [0.2, 2.0]}), ("log1p", {"lims": [0.2, 2.0]}),
    ("log2", {"lims": [0.2, 2.0]}), ("radians", {"test_complex": False}),
    ("sign", {"test_complex": False}), ("sinh", {}), ("sqrt", {"lims": [1.0, 3.0]}),
    ("square", {"test_complex": False}), ("tan", {"lims": [-1.1, 1.1]}), ("tanh", {}),
    ("real", {}), ("real_if_close", {}), ("imag", {}), ("conj", {}), ("angle", {}),
]


@pytest.mark.parametrize("name,kw", UNARY, ids=[n for n, _ in UNARY])
def test_unary(name, kw):
    unary_ufunc_check(getattr(anp, name), **kw)


def test_sign_complex():
    # NumPy 2's sign of a complex number is z/|z|, smooth away from 0 (PyTorch's sgn).
    unary_ufunc_check(anp.sign, lims=[0.5, 2.0], modes=("rev",), order=1)


def test_degrees():
    unary_ufunc_check(lambda x: anp.degrees(x) / 50.0, test_complex=False)


def test_rad2deg():
    unary_ufunc_check(lambda x: anp.rad2deg(x) / 50.0, test_complex=False)


BINARY = [
    ("add", anp.add, {}),
    ("logaddexp", anp.logaddexp, {"test_complex": False}),
    ("logaddexp2", anp.logaddexp2, {"test_complex": False}),
    ("remainder", anp.remainder, {"lims_A": [-0.9, 0.9], "lims_B": [0.7, 1.9],
                                  "test_complex": False, "same_args": False}),
    ("true_divide", anp.true_divide, {"lims_B": [0.3, 2.0], "test_complex": False}),
    ("mod", anp.mod, {"lims_B": [0.8, 2.1], "test_complex": False, "same_args": False}),
    ("true_divide_neg", anp.true_divide, {"lims_B": [-0.3, -2.0], "test_complex": False}),
    ("mod_neg", anp.mod, {"lims_B": [-0.3, -2.0], "test_complex": False,
                          "same_args": False}),
    ("op_mul", op.mul, {}), ("op_add", op.add, {}), ("op_sub", op.sub, {}),
    ("op_mod", op.mod, {"lims_B": [0.3, 2.0], "test_complex": False, "same_args": False}),
    ("op_mod_neg", op.mod, {"lims_B": [-0.3, -2.0], "test_complex": False,
                            "same_args": False}),
    ("op_div", op.truediv, {"lims_B": [0.5, 2.0]}),
    ("op_pow", op.pow, {"lims_A": [0.7, 2.0]}),
]


@pytest.mark.parametrize("name,fn,kw", BINARY, ids=[b[0] for b in BINARY])
def test_binary(name, fn, kw):
    if fn.__module__ == "_operator":
        # operators need a Tensor on one side to reach arraygrad
        binary_ufunc_check(lambda a, b: fn(anp.asarray(a), b), **kw)
    else:
        binary_ufunc_check(fn, **kw)


def test_transpose():
    combo_check(anp.transpose, [0], [R((2, 3, 4))],
                axes=[None, [0, 1, 2], [0, 2, 1], [2, 0, 1], [2, 1, 0], [1, 0, 2], [1, 2, 0]])


def test_dot():
    combo_check(anp.dot, [0, 1], [1.5, R(3), R((2, 3))], [0.3, R(3), R((3, 4))])


def test_tensordot_1():
    combo_check(anp.tensordot, [0, 1], [R((1, 3)), R((2, 3, 2))],
                [R(3), R((3, 1)), R((3, 4, 2))], axes=[[(1,), (0,)]])


def test_tensordot_2():
    combo_check(anp.tensordot, [0, 1], [R(3), R((3, 1)), R((3, 4, 2))],
                [R((1, 3)), R((2, 3, 2))], axes=[[(0,), (1,)]])


def test_tensordot_3():
    combo_check(anp.tensordot, [0, 1], [R((2, 3)), R((2, 3, 4))],
                [R((1, 2, 3)), R((2, 2, 3, 4))], axes=[[(0, 1), (1, 2)], [(1, 0), (2, 1)]])


def test_tensordot_4():
    combo_check(anp.tensordot, [0, 1], [R((2, 2)), R((4, 2, 2))],
                [R((2, 2)), R((2, 2, 4))], axes=[1, 2])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum(name):
    combo_check(getattr(anp, name), [0, 1], [R(1), R((1, 4)), R((3, 4))],
                [R(1), R((1, 4)), R((3, 4))])


def test_sort():
    combo_check(anp.sort, [0], [R(1), R(7)])


def test_partition():
    combo_check(anp.partition, [0], [R(7), R(14)], kth=[0, 3, 6])


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast(name):
    combo_check(getattr(anp, name), [0],
                [1.2, R(1), R(7), R((1, 4)), R((2, 4)), R((2, 4, 5)), R((2, 4, 3, 5))])


def test_einsum_transpose():
    combo_check(anp.einsum, [1], ["ij->ji"], [R((1, 1)), R((4, 4)), R((3, 4))])


def test_einsum_matmult():
    combo_check(anp.einsum, [1, 2], ["ij,jk->ik"], [R((2, 3))], [R((3, 4))])


def test_einsum_covsum():
    combo_check(anp.einsum, [1, 2], ["ijk,lji->lki"], [R((3, 4, 4))], [R((4, 4, 3))])


def test_einsum_ellipses():
    combo_check(anp.einsum, [1, 2], ["...jk,...lj->...lk", "...,...->..."],
                [R((3, 4, 4))], [R((3, 4, 4))])


def test_einsum_three_args():
    combo_check(anp.einsum, [1, 2, 3], ["ijk,lji,lli->lki"],
                [R((3, 4, 4))], [R((4, 4, 3))], [R((4, 4, 3))])


def test_trace():
    combo_check(anp.trace, [0], [R((5, 5)), R((4, 5)), R((5, 4))], offset=[-1, 0, 1])
