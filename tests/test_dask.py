"""arraygrad over Dask arrays: lazy forward and backward, one compute, a real cluster.

The data stays a Dask array through every op and every rule; nothing is computed until a
value is asked for (``.numpy()``, ``bool()``, ``dask.compute``). The logistic-regression
example's gradient equals NumPy's, and the same code runs on a ``dask.distributed``
``LocalCluster`` of worker processes.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

da = pytest.importorskip("dask.array",
                         reason="Dask is not installed (pip install 'arraygrad[dask]')")
import dask  # noqa: E402

import arraygrad as ag  # noqa: E402
from arraygrad import autograd  # noqa: E402
from arraygrad import numpy as anp  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dask_logistic_regression.py"


def _example():
    spec = importlib.util.spec_from_file_location("dask_logistic_regression", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class CountingScheduler:
    """A Dask scheduler that counts how often a graph is computed."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, dsk, keys, **kwargs):
        self.calls += 1
        return dask.get(dsk, keys, **kwargs)


@pytest.fixture
def counting():
    sched = CountingScheduler()
    with dask.config.set(scheduler=sched):
        yield sched


def _model(X, w, b, c):
    """Elementwise ops, broadcasting, matmul, reductions and indexing together."""
    h = anp.tanh(X @ w + b)                      # matmul, broadcasting a (3,) bias
    s = (anp.exp(-h * h) * c).sum(axis=0)         # elementwise, a (1, 3) broadcast, reduction
    m = h.max(axis=1).mean()                      # max reduction (ties shared), mean
    top = X[2:7, 1:].sum() * 0.01                 # basic indexing
    return s.sum() + m + top + (h[::2] ** 2).mean()


def _inputs(rng):
    Xn = rng.standard_normal((40, 5))
    wn = rng.standard_normal((5, 3)) * 0.5
    bn = rng.standard_normal(3)
    cn = rng.standard_normal((1, 3))
    return Xn, wn, bn, cn


def test_ops_stay_lazy_and_match_numpy(rng, counting):
    Xn, wn, bn, cn = _inputs(rng)
    # NumPy reference
    w0, b0 = ag.tensor(wn, requires_grad=True), ag.tensor(bn, requires_grad=True)
    ref = _model(ag.tensor(Xn), w0, b0, ag.tensor(cn))
    ref.backward()
    # Dask: data chunked by rows; parameters stay NumPy
    X = ag.Tensor(da.from_array(Xn, chunks=(10, 5)))
    w, b = ag.tensor(wn, requires_grad=True), ag.tensor(bn, requires_grad=True)
    loss = _model(X, w, b, ag.tensor(cn))
    loss.backward()
    assert counting.calls == 0, "forward + backward must build a graph, not compute"
    assert isinstance(loss.array, da.Array)
    assert isinstance(w.grad.array, da.Array) and isinstance(b.grad.array, da.Array)
    value, gw, gb = dask.compute(loss.array, w.grad.array, b.grad.array)
    assert counting.calls == 1, "one compute gives the loss and every gradient"
    np.testing.assert_allclose(value, ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw, w0.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gb, b0.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_dask_leaf_gradient_and_accumulation(rng):
    xn = rng.standard_normal((6, 4))
    for req in (None, "write", "add"):
        x = ag.Tensor(da.from_array(xn, chunks=(3, 2)))
        if req is None:
            x.requires_grad_()
        else:
            x.attach_grad(grad_req=req)
        for _ in range(3):
            with autograd.record():
                y = (anp.sin(x) * x).sum()
            y.backward()
        assert isinstance(x.grad.array, da.Array)
        once = np.sin(xn) + xn * np.cos(xn)
        expect = once if req == "write" else 3 * once
        np.testing.assert_allclose(x.grad.numpy(), expect, rtol=1e-12, err_msg=str(req))


def test_advanced_index_gradient_scatters_lazily(rng, counting):
    xn = rng.standard_normal((8, 3))
    x = ag.Tensor(da.from_array(xn, chunks=(4, 3)), requires_grad=True)
    idx = np.array([0, 5, 5, 7, 0, 0])
    (x[idx] * ag.tensor(np.arange(3.0))).sum().backward()
    assert counting.calls == 0 and isinstance(x.grad.array, da.Array)
    expect = np.zeros((8, 3))
    np.add.at(expect, idx, np.broadcast_to(np.arange(3.0), (6, 3)))
    np.testing.assert_allclose(x.grad.numpy(), expect)


def test_control_flow_on_a_value_computes(counting):
    x = ag.Tensor(da.from_array(np.array([0.5, -2.0, 3.0]), chunks=1), requires_grad=True)
    loss = (x * x).sum()
    assert counting.calls == 0
    if loss > 0:  # Tensor.__bool__ -> bool(dask array) -> one compute
        out = loss * 2
    else:  # pragma: no cover
        out = loss
    assert counting.calls == 1
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.array([0.5, -2.0, 3.0]))


def test_device_of_dask_is_cpu_and_to_cpu_is_free(counting):
    x = ag.Tensor(da.ones((4, 4), chunks=2))
    assert x.device == "cpu"
    assert x.to("cpu") is x and x.cpu() is x
    assert counting.calls == 0


def test_python_scalars_compute_the_value(counting):
    # float/int/complex/bool/item compute the element (one compute each), never fail.
    x = ag.Tensor(da.from_array(np.array([0.5, -2.0, 3.0]), chunks=1), requires_grad=True)
    s = (x * x).sum()  # 13.25
    assert counting.calls == 0
    assert float(s) == 13.25 and counting.calls == 1
    assert int(s) == 13 and complex(s) == 13.25 + 0j and s.item() == 13.25
    assert bool(s) is True and bool(s * 0) is False
    assert counting.calls == 6
    assert float(ag.Tensor(da.from_array(np.array([[2.5]])))) == 2.5  # any size-1 shape
    assert isinstance(ag.Tensor(da.from_array(np.array(7))).item(), int)
    m = ag.Tensor(da.from_array(np.arange(12.0).reshape(3, 4), chunks=2))
    # item's arguments as NumPy's: a flat index (negative too), or one index per axis
    assert (m.item(5), m.item(-1), m.item(2, 3), m.item((1, 1))) == (5.0, 11.0, 11.0, 5.0)
    with pytest.raises(IndexError, match="out of bounds"):
        m.item(12)
    with pytest.raises(TypeError, match="one element"):
        float(m)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(m)


def test_repr_shows_the_lazy_array_without_computing(counting):
    from arraygrad._printing import print_style

    x = ag.Tensor(da.from_array(np.arange(12.0).reshape(3, 4), chunks=(2, 4)),
                  requires_grad=True)
    y = x * 2
    assert repr(y) == ("tensor(dask.array<multiply, shape=(3, 4), dtype=float64, "
                       "chunksize=(2, 4), chunktype=numpy.ndarray>, grad_fn=<MulBackward0>)")
    assert str(x).startswith("tensor(dask.array<array, shape=(3, 4)")
    assert str(x).endswith(", requires_grad=True)")
    with print_style("torch"):
        assert repr(y).startswith("tensor(dask.array<multiply") and "MulBackward0" in repr(y)
    with print_style("mxnet"):
        assert repr(y).startswith("array(dask.array<multiply, shape=(3, 4)")
        assert str(y) == repr(y.array)
    with print_style("tensorflow"):
        assert repr(y).startswith("<tf.Tensor: shape=(3, 4), dtype=float64, numpy=dask.array<")
    assert counting.calls == 0, "printing a lazy tensor must not compute it"
    assert repr(ag.Tensor(y.detach().numpy())) == ("tensor([[ 0.,  2.,  4.,  6.],\n"
                                          "        [ 8., 10., 12., 14.],\n"
                                          "        [16., 18., 20., 22.]])")


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_take_with_a_lazy_index_stays_lazy(counting, axis):
    # The gradient keeps the index on its backend (a CuPy index may not be copied to the
    # host; here: a Dask index must not be computed to build the gradient).
    xn = np.arange(12.0).reshape(3, 4)
    idx = np.array([2, -1, 2, 0])
    x = ag.Tensor(da.from_array(xn, chunks=2), requires_grad=True)
    y = anp.take(x, ag.Tensor(da.from_array(idx, chunks=2)), axis=axis)
    (y * y).sum().backward()
    assert counting.calls == 0 and isinstance(x.grad.array, da.Array)
    x0 = ag.tensor(xn, requires_grad=True)
    y0 = anp.take(x0, idx, axis=axis)
    (y0 * y0).sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), y0.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), x0.grad.numpy())
    # closed form: each element gets 2 x times how often it is taken
    flat = np.zeros(xn.size if axis is None else xn.shape[axis])
    np.add.at(flat, idx % flat.size, 1)
    count = flat.reshape(xn.shape) if axis is None else np.expand_dims(flat, 1 - axis)
    np.testing.assert_array_equal(x0.grad.numpy(), 2 * xn * count)


def test_logistic_regression_gradient_equals_numpy():
    ex = _example()
    X, y = ex.make_data(2000, features=6, chunk_rows=300, seed=3, dtype=np.float64)
    w = np.linspace(-0.5, 0.5, 6)
    b = np.array(0.1)
    loss_d, gw_d, gb_d = ex.loss_and_grads(w, b, X, y)
    Xn, yn = dask.compute(X, y)
    loss_n, gw_n, gb_n = ex.loss_and_grads(w, b, Xn, yn)
    np.testing.assert_allclose(loss_d, loss_n, rtol=1e-12)
    np.testing.assert_allclose(gw_d, gw_n, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gb_d, gb_n, rtol=1e-10, atol=1e-14)
    # and both equal the closed form: X^T (sigmoid(z) - y) / n
    z = Xn @ w + b
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(gw_n, Xn.T @ (p - yn) / len(yn), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gb_n, np.mean(p - yn), rtol=1e-10, atol=1e-14)


def test_example_runs_tiny():
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--rows", "10000", "--chunk-rows", "2500", "--steps", "2"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "step 1: loss" in out.stdout and "cosine" in out.stdout


def test_local_cluster_of_worker_processes():
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install 'arraygrad[dask]')")
    ex = _example()
    X, y = ex.make_data(20_000, features=8, chunk_rows=2_500, seed=1)
    with dask.config.set(scheduler="threads"):
        local = ex.train(X, y, steps=2, log=None)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as stream:
            remote = ex.train(X, y, steps=2, log=None)
        workers = {t["worker"] for t in stream.data}
    assert len(workers) == 2, f"tasks ran on {workers}"
    np.testing.assert_allclose(remote["w"], local["w"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose([h["loss"] for h in remote["history"]],
                               [h["loss"] for h in local["history"]], rtol=1e-5)
