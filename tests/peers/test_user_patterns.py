"""Everyday user code, end to end: NumPy scalars, 0-d tensors as indices and numbers,
containers mixing Tensors and floats, Python builtins, in-place updates, dtypes, copying
and pickling, and grad modes across threads.

Not ported from one repository: the patterns HIPS/autograd, PyTorch and JAX users write
(their issue trackers' recurring questions).
"""

import copy
import math
import pickle
import threading

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp


def leaf(values, dtype=np.float64):
    return ag.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


@pytest.mark.parametrize("x", [np.float64(3.0), 3.0, 3, np.float32(3.0)])
def test_scalar_inputs_to_grad(x):
    g = ag.grad(lambda a: a ** 2 + anp.sin(a))(x)
    assert np.allclose(g, 6.0 + np.cos(3.0), rtol=1e-6)
    assert g.dtype == (np.float32 if isinstance(x, np.float32) else np.float64)


@pytest.mark.parametrize("s", [np.float64(2.0), 2.0, 2, np.ones(3) * 2])
def test_numpy_values_on_either_side(s):
    x = leaf([1.0, 2.0, 3.0])
    y = (s * x + x * s - s / (x + 1.0) + (x + 1.0) ** s).sum()
    assert isinstance(y, ag.Tensor)
    y.backward()
    xv = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(x.grad, 4.0 + 2.0 / (xv + 1) ** 2 + 2.0 * (xv + 1.0))


def test_numpy_functions_on_tensors_record():
    g = ag.grad(lambda a: np.sum(np.exp(a) * np.dot(np.ones(3), a)))(np.zeros(3))
    np.testing.assert_allclose(g, [3.0, 3.0, 3.0])  # exp(a) sum(a) + sum(exp(a)) at 0


def test_zero_d_tensor_as_index_and_int():
    x = leaf([10.0, 20.0, 30.0])
    i = ag.tensor(1)
    assert float(x[i]) == 20.0
    assert [5, 6, 7][i] == 6
    assert list(range(ag.tensor(3))) == [0, 1, 2]
    x[i].backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(x[[ag.tensor(0), ag.tensor(2)]].detach(), [10.0, 30.0])


def test_len_iteration_and_shape_unpacking():
    x = leaf(np.arange(6.0).reshape(2, 3))
    rows, cols = x.shape
    assert (rows, cols) == (2, 3) and len(x) == 2
    total = sum(row.sum() * k for k, row in enumerate(x))
    total.backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [1, 1, 1]])
    with pytest.raises(TypeError):
        len(ag.tensor(1.0))  # NumPy: len() of unsized object


def test_array_of_tensors_and_floats():
    g = ag.grad(lambda a: anp.array([a[0], 2.0, a[1] * 3, np.float64(1.0)]).sum())(
        np.arange(3.0))
    np.testing.assert_array_equal(g, [1.0, 3.0, 0.0])
    nested = anp.array([[leaf(1.0), 2.0], [3.0, 4.0]])
    assert nested.shape == (2, 2) and nested.requires_grad


def test_list_of_tensors_in_array_functions():
    g = ag.grad(lambda a: anp.append([a[0], a[1] * 2], 5.0).sum())(np.ones(2))
    np.testing.assert_array_equal(g, [1.0, 2.0])
    g = ag.grad(lambda a: anp.concatenate([[a[0], 1.0], a]).sum())(np.ones(2))
    np.testing.assert_array_equal(g, [2.0, 1.0])


def test_builtin_sum_of_tensors():
    xs = [leaf([1.0, 2.0]), leaf([3.0, 4.0])]
    s = sum(xs)  # starts at the int 0
    s.sum().backward()
    for x in xs:
        np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_math_functions_on_one_element_tensors():
    assert math.exp(ag.tensor([1.0])) == pytest.approx(math.e)
    assert math.exp(leaf(1.0)) == pytest.approx(math.e)  # a float: leaves the graph
    with pytest.raises(TypeError, match="one element"):
        math.exp(ag.tensor([1.0, 2.0]))


def test_format_round_divmod():
    loss = leaf([1.23456, 2.0]).sum()
    assert f"{loss:.3f}" == "3.235"
    assert f"{loss}".startswith("tensor(3.23456")
    assert np.allclose(round(ag.tensor(1.26), 1), 1.3)
    q, r = divmod(ag.tensor([7.0, 8.0]), 3)
    np.testing.assert_array_equal(q, [2.0, 2.0])
    np.testing.assert_array_equal(r, [1.0, 2.0])
    with pytest.raises(TypeError):
        f"{ag.tensor([1.0, 2.0]):.2f}"  # as NumPy: only 0-d formats with a spec


def test_where_with_tensor_condition():
    g = ag.grad(lambda a: anp.where(a > 1.5, a * a, 0.0).sum())(np.arange(3.0))
    np.testing.assert_array_equal(g, [0.0, 0.0, 4.0])
    (idx,) = anp.where(ag.tensor([0.0, 2.0, 3.0]) > 1.5)
    np.testing.assert_array_equal(idx, [1, 2])


def test_broadcasting_inplace_add_with_grad():
    a = ag.tensor(np.zeros((2, 3)))
    y = leaf(np.ones(3))
    a += y
    assert a.requires_grad and a.shape == (2, 3)
    (a * 2).sum().backward()
    np.testing.assert_array_equal(y.grad, [4.0, 4.0, 4.0])


def test_inplace_add_cannot_grow_the_target():
    a = ag.tensor(np.zeros(3))
    with pytest.raises(ValueError, match="broadcast"):
        a += leaf(np.ones((2, 3)))


def test_inplace_add_keeps_dtype():
    a = ag.tensor(np.zeros(3, np.float32))
    y = leaf(np.ones(3))
    a += y
    assert a.dtype == np.float32
    a.sum().backward()
    assert y.grad.dtype == np.float64
    np.testing.assert_array_equal(y.grad, [1.0, 1.0, 1.0])


def test_1d_transpose_matmul():
    g = ag.grad(lambda a: a.T @ a)(np.arange(3.0))
    np.testing.assert_array_equal(g, [0.0, 2.0, 4.0])


def test_integer_tensors_with_float_tensors():
    i = ag.tensor([1, 2, 3])
    x = leaf([1.0, 1.0, 1.0])
    y = i * x + i / 2
    assert y.dtype == np.float64
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])
    assert (ag.tensor([1, 2]) / ag.tensor([2, 2])).dtype == np.float64
    with pytest.raises(TypeError, match="float"):
        ag.grad(lambda a: (a * 2.0).sum())(np.arange(3))


def test_float32_stays_float32_through_grads_and_nn():
    w = leaf(np.ones(3), np.float32)
    loss = (anp.exp(w) * 2.0 / 3 + anp.sqrt(w) ** 2).mean()
    loss.backward()
    assert loss.dtype == np.float32 and w.grad.dtype == np.float32
    model = ag.nn.Sequential(ag.nn.Linear(3, 4), ag.nn.ReLU(), ag.nn.Linear(4, 1))
    model.to(np.float32)  # parameters start as float64 (NumPy's default), as documented
    xb = ag.tensor(np.ones((5, 3), np.float32))
    out = model(xb)
    assert out.dtype == np.float32
    ag.nn.functional.mse_loss(out, ag.tensor(np.zeros((5, 1), np.float32))).backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())


def test_deepcopy_of_a_model():
    model = ag.nn.Sequential(ag.nn.Linear(3, 4), ag.nn.ReLU(), ag.nn.Linear(4, 1))
    clone = copy.deepcopy(model)
    xb = ag.tensor(np.ones((2, 3)))
    np.testing.assert_allclose(model(xb).detach(), clone(xb).detach())
    clone(xb).sum().backward()
    assert all(p.grad is None for p in model.parameters())
    assert all(p.grad is not None for p in clone.parameters())
    for p, q in zip(model.parameters(), clone.parameters()):
        assert p is not q and not np.shares_memory(p.array, q.array)


def test_pickle_tensors():
    x = leaf([1.0, 2.0])
    y = pickle.loads(pickle.dumps(x))
    assert y.requires_grad and y.is_leaf
    np.testing.assert_array_equal(y.detach(), [1.0, 2.0])
    z = pickle.loads(pickle.dumps(ag.tensor(np.arange(4, dtype=np.int32))))
    assert z.dtype == np.int32 and not z.requires_grad
    with pytest.raises(RuntimeError, match="leaf"):
        copy.deepcopy(x * 2)  # as PyTorch: only leaves deep-copy


def test_no_grad_nested_in_record():
    w = ag.tensor([1.0, 2.0])
    w.attach_grad()
    with ag.autograd.record():
        y = w * 2
        with ag.no_grad():
            z = w * 3
        out = (y + z).sum()
    out.backward()
    assert not z.requires_grad
    np.testing.assert_array_equal(w.grad, [2.0, 2.0])


def test_grad_modes_are_thread_local():
    w = leaf([1.0, 2.0])
    seen = {}
    inside, checked = threading.Event(), threading.Event()

    def in_no_grad():
        with ag.no_grad():
            inside.set()
            checked.wait(5)
            seen["no_grad"] = (w * 2).requires_grad

    def plain():
        inside.wait(5)
        seen["plain"] = (w * 2).requires_grad
        checked.set()

    threads = [threading.Thread(target=in_no_grad), threading.Thread(target=plain)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"no_grad": False, "plain": True}
    assert ag.is_grad_enabled()


def test_backward_in_threads_independent():
    results = {}

    def work(k):
        x = leaf(np.full(100, float(k)))
        for _ in range(20):
            y = (x * x).sum()
        y.backward()
        results[k] = x.grad

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(4):
        np.testing.assert_array_equal(results[k], 2.0 * k)
