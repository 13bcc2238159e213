"""Ported from HIPS/autograd ``tests/test_numpy.py``.

Adapted: ``autograd.numpy`` -> ``arraygrad.numpy``; ``check_grads(fun)(x)`` ->
``check_grads(fun, x)`` (``_peer_util``, reverse and forward mode, second order).
Not ported: ``np.make_diagonal`` (a HIPS-only function) and ``np.r_``/``np.c_`` (see
docs/peer-compat.md).
"""

import numpy as np
import pytest
from _peer_util import check_grads, combo_check

import arraygrad as ag
from arraygrad import numpy as anp

rng = np.random.default_rng(1)
R = rng.standard_normal
mat1, mat2 = R((10, 11)), R((10, 11))
vect1, vect2, vect3 = R(10), R(11), R(11)
A546 = R((5, 6, 4))
COND = R((4, 5)) > 0

CASES = {
    "dot_mat_vec": (lambda x, y: anp.dot(x, y), (mat1, vect2)),
    "dot_mat_mat": (lambda x, y: anp.dot(x, y), (mat1, mat2.T)),
    "dot_vec_mat": (lambda x, y: anp.dot(x, y), (vect1, mat1)),
    "dot_vec_vec": (lambda x, y: anp.dot(x, y), (vect2, vect3)),
    "dot_mat_float": (lambda x, y: anp.dot(x, y), (mat1, 0.7)),
    "dot_float_mat": (lambda x, y: anp.dot(x, y), (0.7, mat1)),
    "dot_float_vec": (lambda x, y: anp.dot(x, y), (-1.3, vect1)),
    "outer": (lambda x, y: anp.outer(x, y), (vect2, vect3)),
    "max": (anp.max, (mat1,)),
    "max_axis": (lambda x: anp.max(x, axis=1), (R((3, 4, 5)),)),
    "max_axis_keepdims": (lambda x: anp.max(x, axis=1, keepdims=True), (R((3, 4, 5)),)),
    "min": (anp.min, (mat1,)),
    "min_axis": (lambda x: anp.min(x, axis=1), (R((3, 4, 5)),)),
    "min_axis_keepdims": (lambda x: anp.min(x, axis=1, keepdims=True), (R((3, 4, 5)),)),
    "sum_1": (anp.sum, (mat1,)),
    "sum_2": (lambda x: anp.sum(x, axis=0), (mat1,)),
    "sum_3": (lambda x: anp.sum(x, axis=0, keepdims=True), (mat1,)),
    "sum_axis_tuple": (lambda x: anp.sum(x, axis=(1, 2)), (R((10, 11, 7)),)),
    "flipud": (anp.flipud, (mat1,)),
    "fliplr": (anp.fliplr, (mat1,)),
    "rot90": (anp.rot90, (mat1,)),
    "cumsum_axis0": (lambda x: anp.cumsum(x, axis=0), (mat1,)),
    "cumsum_axis1": (lambda x: anp.cumsum(x, axis=1), (mat1,)),
    "cumsum_1d": (anp.cumsum, (vect1,)),
    "cumsum_no_axis": (anp.cumsum, (mat1,)),
    "non_numpy_sum": (lambda x, y: sum([x, y]), (mat1, mat2)),
    "mean_1": (anp.mean, (mat1,)),
    "mean_2": (lambda x: anp.mean(x, axis=0), (mat1,)),
    "mean_3": (lambda x: anp.mean(x, axis=0, keepdims=True), (mat1,)),
    "index_ints": (lambda x: x[3, 0, 1], (A546,)),
    "index_slice": (lambda x: x[::-1, 2:4, :], (A546,)),
    "index_lists": (lambda x: x[[0, 1, 2], :, :], (A546,)),
    "index_mixed": (lambda x: x[3, 2:, [1, 3]], (A546,)),
    "vector_slice": (lambda x: x[2:4], (R(5),)),
    "index_slice_fanout": (lambda x: x[::-1, 2:4, :] + x[::-1, 3:5, :], (A546,)),
    "index_multiple_slices": (lambda x: x[2:6][1:3], (R(7),)),
    "reshape_method": (lambda x: x.reshape((20, 6)), (A546,)),
    "reshape_call": (lambda x: anp.reshape(x, (20, 6)), (A546,)),
    "reshape_method_nolist": (lambda x: x.reshape(20, 6), (A546,)),
    "ravel_method": (lambda x: x.ravel(), (A546,)),
    "ravel_call": (anp.ravel, (A546,)),
    "flatten_method": (lambda x: x.flatten(), (A546,)),
    "append_list": (anp.append, ([1.0, 2.0, 3.0], 4.0)),
    "append_arr": (anp.append, (np.array([1.0, 2.0, 3.0]), 4.0)),
    "concatenate": (lambda x: anp.concatenate((A546, x)), (R((4, 6, 4)),)),
    "concatenate_axis_0": (lambda x: anp.concatenate((A546, x, A546)), (R((5, 6, 4)),)),
    "concatenate_axis_1": (lambda x: anp.concatenate((A546, x, A546), axis=1),
                           (R((5, 6, 4)),)),
    "concatenate_axis_1_unnamed": (lambda x: anp.concatenate((A546, x, A546), 1),
                                   (R((5, 6, 4)),)),
    "trace_offset": (lambda x: anp.trace(x, offset=3), (mat1,)),
    "trace_offset_neg": (lambda x: anp.trace(x, offset=-4), (R((11, 10)),)),
    "trace_extradims": (lambda x: anp.trace(x, offset=2), (R((5, 6, 4, 3)),)),
    "split": (lambda x: anp.split(x, 2)[0], (vect1,)),
    "diag": (anp.diag, (R((10, 10)),)),
    "transpose": (lambda x: x.T, (R((8, 8)),)),
    "roll": (lambda x: anp.roll(x, 2, axis=1), (R((4, 5)),)),
    "roll_no_axis": (lambda x: anp.roll(x, 2), (R((4, 5)),)),
    "triu": (lambda x: anp.triu(x, k=2), (R((5, 5)),)),
    "tril": (lambda x: anp.tril(x, k=2), (R((5, 5)),)),
    "clip": (lambda x: anp.clip(x, a_min=0.1, a_max=1.1), (R((5, 5)),)),
    "prod_1": (anp.prod, (R((2, 3)) ** 2 / 10.0 + 0.1,)),
    "prod_2": (lambda x: anp.prod(x, axis=0), (R((2, 3)) ** 2 + 0.1,)),
    "prod_3": (lambda x: anp.prod(x, axis=0, keepdims=True), (R((2, 3)) ** 2 + 0.1,)),
    "prod_4": (anp.prod, (R(7) ** 2 + 0.1,)),
    "1d_array": (lambda x: anp.array([x, x * 1.0, x + 2.5]), (3.0,)),
    "2d_array": (lambda x: anp.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]]), (3.0,)),
    "1d_array_fanout": (lambda x: (lambda a: a + a)(anp.array([x, x * 1.0, x + 2.5])),
                        (3.0,)),
    "array_from_scalar": (anp.array, (3.0,)),
    "array_from_arrays": (lambda x: anp.array([x, x]), (R((3, 2)),)),
    "array_from_arrays_2": (lambda x: anp.array([[2 * x, x + 1], [x, x]]), (R((3, 2)),)),
    "where": (lambda x, y: anp.where(COND, x, y), (R((4, 5)), R((4, 5)))),
    "squeeze_func": (anp.squeeze, (R((5, 1, 4)),)),
    "squeeze_method": (lambda x: x.squeeze(), (R((5, 1, 4)),)),
    "repeat": (lambda x: anp.repeat(x, 2, axis=1), (R((5, 3, 4)),)),
    "repeat_axis1_rep1": (lambda x: anp.repeat(x, 1, axis=1), (R((5, 3, 4)),)),
    "repeat_axis0": (lambda x: anp.repeat(x, 2, axis=0), (R((5, 3)),)),
    "repeat_1d_axis0": (lambda x: anp.repeat(x, 2, axis=0), (R(5),)),
    "expand_dims": (lambda x: anp.expand_dims(x, 2), (R((5, 1, 4)),)),
    "multi_index": (lambda x: anp.sum(x[[0, 0]]), (R(3),)),
    "multi_index2": (lambda x: anp.sum(x[[0, 1, 0]]), (R(3),)),
    "index_dot_slices": (lambda x: anp.dot(x[:2], x[2:]), (R(4),)),
    "diagonal": (lambda x: anp.diagonal(x, axis1=-1, axis2=-2), (R((3, 4, 4)),)),
    "nan_to_num": (lambda x: anp.sum(anp.sin(anp.nan_to_num(
        x + np.array([0.0, np.nan, np.inf, -np.inf])))), (R(4),)),
    "einsum_matmul_method": (lambda x: (x @ x.T).trace(), (R((3, 4)),)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    fn, args = CASES[name]
    check_grads(fn, *args)


def test_len():
    def fun(x):
        assert len(x) == 3
        return x
    check_grads(fun, R((3, 2)))


def test_no_relation():
    c = R((3, 2))
    _, vjp_fn = ag.vjp(lambda x: anp.asarray(c), R((3, 2)))
    np.testing.assert_array_equal(vjp_fn(np.ones((3, 2)))[0], np.zeros((3, 2)))


def test_var_ddof():
    b, c, d = R(3), R((3, 4)), R((1, 3))
    combo_check(anp.var, [0], [b, c, d], axis=[None], keepdims=[True, False], ddof=[0, 1])
    combo_check(anp.var, [0], [c, d], axis=[None, 1], keepdims=[True, False], ddof=[2])


def test_std_ddof():
    b, c, d = R(3), R((3, 4)), R((1, 3))
    combo_check(anp.std, [0], [b, c, d], axis=[None], keepdims=[True, False], ddof=[0, 1])
    combo_check(anp.std, [0], [c, d], axis=[None, 1], keepdims=[True, False], ddof=[2])


def test_tensordot_kwargs_by_position():
    g = ag.grad(lambda x: anp.tensordot(x * anp.ones((2, 2)), x * anp.ones((2, 2)), 2))(1.0)
    assert np.allclose(g, 8.0)  # d/dx of 4 x^2


def test_cast_to_int():
    inds = np.ones(5)[:, None]

    def fun(w):
        glued = anp.concatenate((w, inds), axis=1)
        new_w = glued[:, :-2]
        new_inds = np.int64(glued[:, -1])  # NumPy casts through __array__
        assert new_inds.dtype == np.int64
        return new_w[new_inds].sum()

    w = R((5, 10))
    g = ag.grad(fun)(w)
    expect = np.zeros((5, 10))
    expect[1, :9] = 5.0  # row 1 picked five times
    np.testing.assert_allclose(g, expect)
