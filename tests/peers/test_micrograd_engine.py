"""Ported from karpathy/micrograd ``test/test_engine.py``.

``Value(x)`` -> ``ag.tensor(x, requires_grad=True)`` (0-d float64); ``.relu()`` is the
Tensor method; in-place ``+=`` on non-leaf tensors is kept as in micrograd. Expected
values: micrograd's README (g = 24.7041, dg/da = 138.8338, dg/db = 645.5773) and, when
it is installed, torch as the oracle (as the original test does).
"""

import numpy as np
import pytest

import arraygrad as ag


def sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def more_ops(a, b, inplace=True):
    c = a + b
    d = a * b + b ** 3
    if inplace:
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + (b + a).relu()
        d += 3 * d + (b - a).relu()
    else:
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    return g


def test_sanity_check():
    x = ag.tensor(-4.0, requires_grad=True)
    y = sanity(x)
    y.backward()
    # y = 6x^3 + 18x^2 + 6x... at x = -4 by hand: z = -10, q = 40, h = 100, y = -20
    assert float(y) == -20.0
    assert float(x.grad) == 46.0
    torch = pytest.importorskip("torch")
    xt = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    yt = sanity(xt)
    yt.backward()
    assert float(y) == yt.item() and float(x.grad) == xt.grad.item()


@pytest.mark.parametrize("inplace", [True, False])
def test_more_ops(inplace):
    a = ag.tensor(-4.0, requires_grad=True)
    b = ag.tensor(2.0, requires_grad=True)
    g = more_ops(a, b, inplace)
    g.backward()
    assert abs(float(g) - 24.7041) < 1e-4
    assert abs(float(a.grad) - 138.8338) < 1e-4
    assert abs(float(b.grad) - 645.5773) < 1e-4
    torch = pytest.importorskip("torch")
    at = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    bt = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    gt = more_ops(at, bt, inplace=False)
    gt.backward()
    assert abs(float(g) - gt.item()) < 1e-6
    assert abs(float(a.grad) - at.grad.item()) < 1e-6
    assert abs(float(b.grad) - bt.grad.item()) < 1e-6


@pytest.mark.parametrize("fn,deriv", [("tanh", lambda x: 1 - np.tanh(x) ** 2),
                                      ("exp", np.exp)])
def test_unary_tensor_fns(fn, deriv):
    for x0 in [-1.0, 0.123, 2.0]:
        x = ag.tensor(x0, requires_grad=True)
        y = getattr(ag.numpy, fn)(x)
        y.backward()
        assert abs(float(y) - getattr(np, fn)(x0)) < 1e-12
        assert abs(float(x.grad) - deriv(x0)) < 1e-12
