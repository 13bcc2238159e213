"""Every layer and loss of ``ag.nn`` in a compiled training step: the same losses,
parameters and optimizer state as eager, step after step (bitwise for the NumPy program,
1e-12 with fusion)."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import nn
from arraygrad.nn import functional as F

ACTIVATIONS = {
    "relu": lambda: nn.ReLU(), "leaky_relu": lambda: nn.LeakyReLU(0.1),
    "sigmoid": lambda: nn.Sigmoid(), "tanh": lambda: nn.Tanh(),
    "softplus": lambda: nn.Softplus(), "softmax": lambda: nn.Softmax(dim=1),
    "identity": lambda: nn.Identity(), "dropout": lambda: nn.Dropout(0.3),
}


def _target(kind, r):
    if kind in ("ce_index", "nll"):
        return ag.tensor(r.integers(0, 3, 8))
    if kind == "ce_probs":
        p = r.uniform(0.1, 1.0, (8, 3))
        return ag.tensor(p / p.sum(axis=1, keepdims=True))
    if kind in ("bce_logits", "bce"):
        return ag.tensor(r.integers(0, 2, (8, 3)).astype(float))
    return ag.tensor(r.normal(size=(8, 3)))


LOSSES = {
    "ce_index": lambda o, y: F.cross_entropy(o, y),
    "ce_probs": lambda o, y: F.cross_entropy(o, y),
    "nll": lambda o, y: F.nll_loss(F.log_softmax(o, dim=1), y),
    "bce_logits": lambda o, y: F.binary_cross_entropy_with_logits(o, y),
    "bce": lambda o, y: F.binary_cross_entropy(F.sigmoid(o), y),
    "mse": lambda o, y: F.mse_loss(o, y),
    "l1": lambda o, y: F.l1_loss(o, y),
}


def _run(act, loss, opt_name, compiled, fusion, steps=4):
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(5, 6, generator=rng), ACTIVATIONS[act](), nn.Flatten(),
                          nn.Linear(6, 3, generator=rng))
    opt = (ag.optim.SGD(model.parameters(), lr=0.1, momentum=0.9) if opt_name == "sgd"
           else ag.optim.Adam(model.parameters(), lr=0.05))
    r = np.random.default_rng(1)
    x = ag.tensor(r.normal(size=(8, 5)))
    y = _target(loss, r)

    def step(x, y):
        opt.zero_grad()
        value = LOSSES[loss](model(x), y)
        value.backward()
        opt.step()
        return value

    fn = ag.compile(step, fallback=False, fusion=fusion) if compiled else step
    np.random.seed(3)  # dropout draws from NumPy's global generator
    losses = [float(fn(x, y)) for _ in range(steps)]
    params = [p.detach().numpy().copy() for p in model.parameters()]
    state = [np.asarray(v.numpy() if isinstance(v, ag.Tensor) else v)
             for p in model.parameters() for v in opt.state.get(p, {}).values()]
    return losses, params, state


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("act", list(ACTIVATIONS))
def test_layer_and_loss_train_compiled_as_eager(act, loss):
    opt_name = "adam" if (len(act) + len(loss)) % 2 else "sgd"
    want = _run(act, loss, opt_name, False, None)
    got = _run(act, loss, opt_name, True, None)
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid"])
def test_fused_layer_training_matches_to_1e_12(act):
    pytest.importorskip("numba")
    want = _run(act, "mse", "sgd", False, None, steps=5)
    got = _run(act, "mse", "sgd", True, "numba", steps=5)
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
