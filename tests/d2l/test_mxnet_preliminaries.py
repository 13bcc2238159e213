"""d2l.ai chapter 2 (preliminaries), MXNet code cells run unchanged but for the imports."""

from __future__ import annotations

import numpy
from mxnet_book import run_chapter


def test_ndarray(tmp_path):
    ns, out = run_chapter("ndarray", tmp_path)
    assert ns["x"].dtype == numpy.float32  # np.array([1, 2, 4, 8]) is float32 in MXNet
    assert ns["X"].shape == (3, 4) and ns["before"] == id(ns["X"])  # X += Y kept X
    ids = [line for line in out.splitlines() if line.startswith("id(Z):")]
    assert len(ids) == 2 and ids[0] == ids[1]  # Z[:] = X + Y wrote in place
    A, B = ns["A"], ns["B"]
    assert type(A) is numpy.ndarray and type(B).__name__ == "ndarray"
    numpy.testing.assert_array_equal(A, B.asnumpy())
    assert ns["a"].item() == 3.5 and float(ns["a"]) == 3.5 and int(ns["a"]) == 3


def test_linear_algebra(tmp_path):
    ns, _ = run_chapter("linear_algebra", tmp_path)
    A = ns["A"]
    assert float(A.sum(axis=[0, 1])) == float(A.sum()) == 190.0  # a list of axes
    assert ns["A_sum_axis0"].shape == (4,) and ns["sum_A"].shape == (5, 1)
    assert float(ns["np"].linalg.norm(ns["u"])) == 5.0


def test_calculus(tmp_path):
    _, out = run_chapter("calculus", tmp_path)
    lines = [line for line in out.splitlines() if line.startswith("h=")]
    assert lines[0] == "h=0.10000, numerical limit=2.30000"
    assert lines[-1] == "h=0.00001, numerical limit=2.00003"


def test_autograd(tmp_path):
    ns, _ = run_chapter("autograd", tmp_path)
    x = ns["x"]
    assert bool((x.grad == 2 * x).all())  # the last cell: y.backward() after y = x * x
    a, d = ns["a"], ns["d"]
    assert bool(a.grad == d / a)  # gradients through Python control flow


def test_probability(tmp_path):
    ns, _ = run_chapter("probability", tmp_path)
    est = ns["estimates"]
    assert est.shape == (500, 6)
    numpy.testing.assert_allclose(est.sum(axis=1).asnumpy(), 1.0, rtol=1e-6)
    assert abs(float(est[-1].mean()) - 1 / 6) < 1e-6
    assert numpy.all(numpy.abs(est[-1].asnumpy() - 1 / 6) < 0.05)  # 5000 throws


def test_lookup_api(tmp_path):
    _, out = run_chapter("lookup_api", tmp_path)
    assert "'normal'" in out and "'uniform'" in out  # print(dir(np.random))
