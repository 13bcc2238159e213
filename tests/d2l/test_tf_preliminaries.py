"""d2l.ai chapter 2 (preliminaries) in the TensorFlow idiom: every TensorFlow cell of
ndarray, linear-algebra, calculus, autograd, probability (the cells without TensorFlow
Probability) and lookup-api runs as the book writes it, and shows what the book shows."""

from __future__ import annotations

import numpy as np
from tf_support import chapter_fixture, values  # noqa: F401  (the `chapter` fixture)


def test_ndarray(chapter):
    run = chapter("ndarray")
    out, ns = run.outputs, run.namespace
    assert values(out[1]).tolist() == list(range(12)) and out[1].dtype == np.float32
    assert out[2] == (12,) and int(out[3]) == 12 and out[3].dtype == np.int32
    assert out[4].shape == (3, 4) and out[7].shape == (3, 4) and out[7].dtype == np.float32
    assert out[8].dtype == np.int32  # Python ints become int32, as in TensorFlow
    s, d, p, q, e = (values(t) for t in out[9])
    assert s.tolist() == [3, 4, 6, 10] and e.tolist() == [1, 4, 16, 64]
    assert out[11][0].shape == (6, 4) and out[11][1].shape == (3, 8)
    assert values(out[12]).sum() == 2  # X == Y holds at two places
    assert float(out[13]) == 66.0
    assert values(out[15]).tolist() == [[0, 1], [1, 2], [2, 3]]  # broadcasting
    assert values(out[16][0]).tolist() == [8, 9, 10, 11]
    # a Variable takes slice assignment: X_var[1, 2].assign(9), X_var[0:2, :].assign(...)
    assert values(out[17])[1, 2] == 9 and values(out[17]).sum() == 66 - 6 + 9
    assert (values(out[18])[:2] == 12).all() and values(out[18])[2].tolist() == [8, 9, 10, 11]
    assert out[19] is False  # Y = Y + X makes a new tensor
    ids = [line.split(":")[1] for line in run.printed.splitlines() if line.startswith("id(Z)")]
    assert len(ids) == 2 and ids[0] == ids[1]  # Z.assign(...) writes in place
    np.testing.assert_allclose(values(out[21]), values(ns["X"]) + 4 * values(ns["Y"]))
    assert out[22][0] is np.ndarray
    assert out[23][1:] == (3.5, 3.5, 3)


def test_linear_algebra(chapter):
    out = chapter("linear_algebra").outputs
    assert [float(t) for t in out[0]] == [5.0, 6.0, 1.5, 9.0]
    assert int(out[2]) == 3 and out[3] == 4 and out[4] == (4,)
    assert values(out[6]).shape == (4, 5)
    assert values(out[8]).all()  # B is symmetric
    assert values(out[13][1]) == 6.0
    assert float(out[14][1]) == 190.0
    assert values(out[15][0]).tolist() == [40, 45, 50, 55] and out[15][1] == (4,)
    assert float(out[17]) == 190.0  # reduce_sum over the list of axes [0, 1]
    assert float(out[18][0]) == float(out[18][1]) == 9.5
    np.testing.assert_allclose(values(out[19][0]), values(out[19][1]))
    np.testing.assert_allclose(values(out[21]).sum(axis=1), 1, rtol=1e-6)
    assert values(out[22])[-1].tolist() == [40, 45, 50, 55]  # cumsum
    assert float(out[23][2]) == 6.0 and float(out[24]) == 6.0
    assert values(out[25][2]).tolist() == [14, 38, 62, 86, 110]  # matvec
    assert values(out[26]).shape == (5, 3)
    assert float(out[27]) == 5.0 and float(out[28]) == 7.0 and float(out[29]) == 6.0


def test_calculus(chapter):
    run = chapter("calculus")
    limits = [float(line.rsplit("=", 1)[1]) for line in run.printed.splitlines()]
    assert limits == [2.3, 2.03, 2.003, 2.0003, 2.00003]


def test_autograd(chapter):
    run = chapter("autograd")
    out, ns = run.outputs, run.namespace
    assert float(out[2]) == 28.0
    assert values(out[3]).tolist() == [0, 4, 8, 12]
    assert values(out[4]).all()  # x_grad == 4 * x
    assert values(out[5]).tolist() == [1, 1, 1, 1]
    assert values(out[6]).tolist() == [0, 2, 4, 6]
    assert values(out[7]).all() and values(out[8]).all()  # stop_gradient; persistent tape
    assert bool(out[11])  # d_grad == d / a through Python control flow
    np.testing.assert_allclose(float(out[10]), float(ns["d"]) / float(ns["a"]), rtol=1e-6)


def test_probability(chapter):
    out = chapter("probability").outputs
    np.testing.assert_allclose(values(out[1]), np.full(6, 1 / 6), rtol=1e-6)
    assert out[1].dtype == np.float32


def test_lookup_api(chapter):
    run = chapter("lookup_api")
    assert "normal" in run.printed and "uniform" in run.printed and "shuffle" in run.printed
    assert "Help on function ones" in run.printed
    assert values(run.outputs[2]).tolist() == [1, 1, 1, 1]
