"""d2l.ai chapter 4 (multilayer perceptrons) in the TensorFlow idiom: mlp, mlp-scratch,
mlp-concise, underfit-overfit, weight-decay, dropout and numerical-stability-and-init,
each chapter's TensorFlow code as the book writes it (its own ``train_ch3`` checks
included), on the synthetic Fashion-MNIST stand-in."""

from __future__ import annotations

import numpy as np
from tf_support import chapter_fixture, values  # noqa: F401  (the `chapter` fixture)

import arraygrad.compat.tensorflow as tf


def test_mlp_activations_and_their_gradients(chapter):
    ns = chapter("mlp").namespace
    x = values(ns["x"]).astype(np.float64)
    assert x.shape == (160,) and ns["x"].dtype == np.float32
    # the last cell left tanh's tape; recompute each as the book does and compare with
    # the closed forms
    for fn, d in ((tf.nn.relu, lambda v: (v > 0).astype(float)),
                  (tf.nn.sigmoid, lambda v: np.exp(-v) / (1 + np.exp(-v)) ** 2),
                  (tf.nn.tanh, lambda v: 1 - np.tanh(v) ** 2)):
        with tf.GradientTape() as t:
            y = fn(ns["x"])
        np.testing.assert_allclose(values(t.gradient(y, ns["x"])), d(x), atol=1e-6)


def test_mlp_scratch(chapter):
    # The book's train_ch3 checks train loss < 0.5 after 10 epochs: about 150 steps of
    # this model on the stand-in (the real data set gives 2350); 4000 images make 160.
    ns = chapter("mlp_scratch", n_train=4000).namespace
    assert ns["d2l"].evaluate_accuracy(ns["net"], ns["test_iter"]) > 0.7
    assert ns["W1"].shape == (784, 256) and ns["W2"].shape == (256, 10)


def test_mlp_concise(chapter):
    ns = chapter("mlp_concise").namespace
    net = ns["net"]
    assert [w.shape for w in net.get_weights()] == [(784, 256), (256,), (256, 10), (10,)]
    assert ns["d2l"].evaluate_accuracy(net, ns["test_iter"]) > 0.7


def test_underfit_overfit(chapter):
    run = chapter("underfit_overfit")
    rows = [line for line in run.printed.replace("\n ", " ").splitlines()
            if line.startswith("weight:")]
    assert len(rows) == 3
    fitted = [np.array(r.split("[[")[1].split("]]")[0].split(), dtype=float) for r in rows]
    # the third-order model recovers the generating weights 5, 1.2, -3.4, 5.6
    np.testing.assert_allclose(fitted[0], [5, 1.2, -3.4, 5.6], atol=0.3)
    assert fitted[1].shape == (2,) and fitted[2].shape == (20,)
    ns = run.namespace
    assert ns["poly_features"].dtype == np.float32 and ns["poly_features"].shape == (200, 20)


def test_list_operand_records():
    """Does ``tensor + [recorded tensor]`` keep the gradient of the list's tensor?
    (arraygrad's core stacks such array-likes at the op entry since the kernel's commit
    a402f6e; before it, the list was read as a constant.)"""
    w = tf.Variable([1.0])
    with tf.GradientTape() as t:
        total = tf.reduce_sum(w) + [tf.reduce_sum(w * w)]
    assert float(values(t.gradient(total, w))[0]) == 3.0


def test_weight_decay_scratch(chapter):
    run = chapter("weight_decay")
    norms = [float(line.rsplit(":", 1)[1]) for line in run.printed.splitlines()
             if line.startswith("L2 norm of w")]
    assert len(norms) == 4
    assert norms[1] < norms[0] / 10  # the penalty lambd=3 shrinks w (scratch version)


def test_weight_decay_concise(chapter):
    run = chapter("weight_decay")
    norms = [float(line.rsplit(":", 1)[1]) for line in run.printed.splitlines()
             if line.startswith("L2 norm of w")]
    # Keras' l2(3) adds 3 * sum(w**2) through net.losses: w shrinks towards the small
    # true weights (0.01 each, norm 0.14)
    assert norms[3] < norms[2] / 3


def test_dropout_layer(chapter):
    run = chapter("dropout", n_train=2000, stop_before=4)
    printed = [line for line in run.printed.splitlines()]
    assert printed[0].startswith("tf.Tensor([[ 0.  1.  2.")
    ns = run.namespace
    X = ns["X"]
    np.testing.assert_array_equal(values(ns["dropout_layer"](X, 0.0)), values(X))
    assert not values(ns["dropout_layer"](X, 1.0)).any()
    half = values(ns["dropout_layer"](tf.ones((100, 100)), 0.5))
    assert set(np.unique(half)) <= {0.0, 2.0} and 0.4 < (half == 0).mean() < 0.6


def test_dropout_trains(chapter):
    chapter("dropout")


def test_numerical_stability(chapter):
    run = chapter("numerical_stability_and_init")
    assert "after multiplying 100 matrices" in run.printed
    M = values(run.namespace["M"])
    assert np.abs(M).max() > 1e10  # the product of 100 random matrices explodes
