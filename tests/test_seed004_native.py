"""Seed 004: forward and backward propagation of a one-hidden-layer MLP with l2 weight
decay, J = L + s. The engine's gradients equal the seed's closed forms."""

import numpy as np

import arraygrad as ag
from arraygrad import numpy as anp


def test_mlp_gradients_equal_the_seed_closed_forms():
    rng = np.random.default_rng(0)
    d, h, q, lam = 5, 4, 3, 0.1
    x = rng.standard_normal(d)
    y = 1  # the label
    w1 = ag.tensor(rng.standard_normal((h, d)), requires_grad=True)
    w2 = ag.tensor(rng.standard_normal((q, h)), requires_grad=True)

    # Forward, exactly as the seed writes it.
    z = w1 @ x
    hid = anp.maximum(z, 0)  # phi = ReLU
    o = w2 @ hid
    log_probs = o - anp.log(anp.exp(o).sum())
    loss = -log_probs[y]  # L = l(o, y), cross-entropy
    s = lam / 2 * ((w1 * w1).sum() + (w2 * w2).sum())  # s = lambda/2 (||W1||^2 + ||W2||^2)
    j = loss + s
    j.backward()

    # Backward by the seed's closed forms.
    zv = w1.detach().numpy() @ x
    hv = np.maximum(zv, 0)
    ov = w2.detach().numpy() @ hv
    p = np.exp(ov - ov.max())
    p /= p.sum()
    dj_do = p - np.eye(q)[y]  # dJ/do = dL/do
    dj_dw2 = np.outer(dj_do, hv) + lam * w2.detach().numpy()  # dJ/dW2 = dJ/do h^T + lambda W2
    dj_dh = w2.detach().numpy().T @ dj_do  # dJ/dh = W2^T dJ/do
    dj_dz = dj_dh * (zv > 0)  # dJ/dz = dJ/dh ⊙ phi'(z)
    dj_dw1 = np.outer(dj_dz, x) + lam * w1.detach().numpy()  # dJ/dW1 = dJ/dz x^T + lambda W1

    np.testing.assert_allclose(w2.grad.detach().numpy(), dj_dw2, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(w1.grad.detach().numpy(), dj_dw1, rtol=1e-14, atol=1e-15)


def test_prediction_keeps_no_graph():
    # Seed 004: training keeps intermediate values for backward; prediction does not.
    w = ag.tensor(np.ones((3, 3)), requires_grad=True)
    x = np.ones(3)
    with ag.no_grad():
        out = anp.tanh(w @ x)
    assert out.grad_fn is None
    out = anp.tanh(w @ x)
    assert out.grad_fn is not None and not out.grad_fn.freed
