"""Seed 004 (d2l "Forward Propagation, Backward Propagation, and Computational Graphs"):
the seed has no code cells, only the network and its closed forms. Here the network
(z = W1 x, h = phi(z), o = W2 h, L = l(o, y), s = lambda/2 (||W1||_F^2 + ||W2||_F^2),
J = L + s) is written in each idiom, and the gradients autograd finds are compared with
the seed's closed forms, evaluated in float64:

    dJ/do = dL/do,  dJ/dW2 = dJ/do h^T + lambda W2,  dJ/dh = W2^T dJ/do,
    dJ/dz = dJ/dh * phi'(z),  dJ/dW1 = dJ/dz x^T + lambda W1.

Plus the exercises: a bias in the hidden layer, and second derivatives.
"""

from __future__ import annotations

import numpy as onp
import pytest
from seedcells import Notebook, values

D, H, Q, LAMBDA, LABEL = 4, 5, 3, 0.1, 2

rng = onp.random.default_rng(4)
X0 = rng.normal(size=D).astype(onp.float32)
W10 = rng.normal(size=(H, D)).astype(onp.float32)
W20 = rng.normal(size=(Q, H)).astype(onp.float32)
B10 = rng.normal(size=H).astype(onp.float32)


def closed_form(x, W1, W2, b1=None, phi="relu"):
    x, W1, W2 = (a.astype(onp.float64) for a in (x, W1, W2))
    z = W1 @ x + (0 if b1 is None else b1.astype(onp.float64))
    if phi == "relu":
        h, dphi = onp.maximum(z, 0), (z > 0).astype(float)
    else:
        h = 1 / (1 + onp.exp(-z))
        dphi = h * (1 - h)
    o = W2 @ h
    p = onp.exp(o - o.max())
    p /= p.sum()
    L = -onp.log(p[LABEL])  # cross-entropy of the softmax, label LABEL
    s = LAMBDA / 2 * ((W1**2).sum() + (W2**2).sum())
    dJ_do = p - onp.eye(Q)[LABEL]
    dJ_dW2 = onp.outer(dJ_do, h) + LAMBDA * W2
    dJ_dh = W2.T @ dJ_do
    dJ_dz = dJ_dh * dphi
    dJ_dW1 = onp.outer(dJ_dz, x) + LAMBDA * W1
    return {"J": L + s, "dW1": dJ_dW1, "dW2": dJ_dW2, "db1": dJ_dz}


SETUP = {
    "mxnet": "from mxnet import autograd, np, npx\nnpx.set_np()",
    "pytorch": "import torch",
    "tensorflow": "import tensorflow as tf",
}

NETWORK = {
    "mxnet": """x, W1, W2, b1 = np.array(x0), np.array(w10), np.array(w20), np.array(b10)
for p in (W1, W2, b1):
    p.attach_grad()
with autograd.record():
    z = np.dot(W1, x) + (b1 if bias else 0)
    h = npx.relu(z) if phi == 'relu' else npx.sigmoid(z)
    o = np.dot(W2, h)
    L = -npx.log_softmax(o)[label]
    s = lambd / 2 * (np.linalg.norm(W1) ** 2 + np.linalg.norm(W2) ** 2)
    J = L + s
J.backward()
J, W1.grad, W2.grad, b1.grad""",
    "pytorch": """x = torch.tensor(x0)
W1 = torch.tensor(w10, requires_grad=True)
W2 = torch.tensor(w20, requires_grad=True)
b1 = torch.tensor(b10, requires_grad=True)
z = torch.matmul(W1, x) + (b1 if bias else 0)
h = torch.relu(z) if phi == 'relu' else torch.sigmoid(z)
o = torch.matmul(W2, h)
L = torch.nn.functional.cross_entropy(o.reshape(1, -1), torch.tensor([label]))
s = lambd / 2 * (W1.norm() ** 2 + W2.norm() ** 2)
J = L + s
J.backward()
J, W1.grad, W2.grad, b1.grad if bias else torch.zeros(5)""",
    "tensorflow": """x = tf.constant(x0)
W1, W2, b1 = tf.Variable(w10), tf.Variable(w20), tf.Variable(b10)
with tf.GradientTape() as t:
    z = tf.linalg.matvec(W1, x) + (b1 if bias else 0)
    h = tf.nn.relu(z) if phi == 'relu' else tf.nn.sigmoid(z)
    o = tf.reshape(tf.matmul(W2, tf.reshape(h, (-1, 1))), (-1,))  # or tf.linalg.matvec
    L = -tf.nn.log_softmax(o)[label]
    s = lambd / 2 * (tf.norm(W1) ** 2 + tf.norm(W2) ** 2)
    J = L + s
gW1, gW2, gb1 = t.gradient(J, [W1, W2, b1])
J, gW1, gW2, gb1 if bias else tf.zeros(5)""",
}



@pytest.mark.parametrize("phi", ["relu", "sigmoid"])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("idiom", list(SETUP))
def test_network_gradients_equal_the_closed_forms(idiom, bias, phi):
    nb = Notebook()
    nb.run(SETUP[idiom])
    nb.ns.update(x0=X0, w10=W10, w20=W20, b10=B10, bias=bias, phi=phi, lambd=LAMBDA,
                 label=LABEL)
    J, gW1, gW2, gb1 = nb.run(NETWORK[idiom]).value
    ref = closed_form(X0, W10, W20, B10 if bias else None, phi)
    assert values(gW1).dtype == onp.float32  # the idioms' float32 defaults carry through
    onp.testing.assert_allclose(values(J), ref["J"], rtol=1e-5)
    onp.testing.assert_allclose(values(gW1), ref["dW1"], rtol=1e-4, atol=1e-6)
    onp.testing.assert_allclose(values(gW2), ref["dW2"], rtol=1e-4, atol=1e-6)
    if bias:  # exercise 2: dJ/db1 = dJ/dz
        onp.testing.assert_allclose(values(gb1), ref["db1"], rtol=1e-4, atol=1e-6)


def test_training_keeps_intermediates_prediction_does_not():
    # "Training needs more memory": inside record() the graph holds the intermediate
    # values; in prediction mode nothing is recorded.
    nb = Notebook()
    nb.run(SETUP["mxnet"])
    out = nb.run("""W = np.ones((3, 3))
W.attach_grad()
with autograd.record():
    h = npx.relu(np.dot(W, np.ones(3)))
trained = h.grad_fn is not None
h = npx.relu(np.dot(W, np.ones(3)))
trained, h.grad_fn is None, autograd.is_training()""")
    assert out.value == (True, True, False)


SECOND = {
    "mxnet": """x = np.array([0.5, -1.0, 2.0])
x.attach_grad()
with autograd.record():
    J = (npx.sigmoid(x) ** 2).sum()
    g = autograd.grad(J, [x], create_graph=True, retain_graph=True)[0]
g.backward()
x.grad""",
    "pytorch": """x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
J = (torch.sigmoid(x) ** 2).sum()
g, = torch.autograd.grad(J, x, create_graph=True)
g.sum().backward()
x.grad""",
    "tensorflow": """x = tf.Variable([0.5, -1.0, 2.0])
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        J = tf.reduce_sum(tf.nn.sigmoid(x) ** 2)
    g = inner.gradient(J, x)
outer.gradient(g, x)""",
}


@pytest.mark.parametrize("idiom", list(SETUP))
def test_exercise_second_derivatives(idiom):
    # d2/dx2 sigmoid(x)^2 = 2 s'(x)^2 + 2 s(x) s''(x), with s' = s(1-s), s'' = s'(1-2s).
    nb = Notebook()
    nb.run(SETUP[idiom])
    got = values(nb.run(SECOND[idiom]).value)
    x = onp.array([0.5, -1.0, 2.0])
    s = 1 / (1 + onp.exp(-x))
    ds = s * (1 - s)
    onp.testing.assert_allclose(got, 2 * ds**2 + 2 * s * ds * (1 - 2 * s), rtol=1e-5)
