"""d2l.ai chapter 5 (deep-learning computation) in the TensorFlow idiom: model-construction,
parameters, deferred-init, custom-layer and read-write, each chapter's TensorFlow code
as the book writes it; the tests check what the book's cells show."""

from __future__ import annotations

import os

import numpy as np
from tf_support import chapter_fixture, values  # noqa: F401  (the `chapter` fixture)

import arraygrad.compat.tensorflow as tf


def test_model_construction(chapter):
    run = chapter("model_construction")
    out, ns = run.outputs, run.namespace
    assert out[0].shape == (2, 10) and out[2].shape == (2, 10) and out[4].shape == (2, 10)
    # MySequential keeps its blocks in a plain list, appended after the assignment
    assert len(ns["net"].trainable_variables) == 2  # FixedHiddenMLP: dense's kernel, bias
    assert out[6].shape == () and abs(float(out[6])) <= 1  # the while loop halves to <= 1
    chimera = ns["chimera"]
    assert chimera(ns["X"]).shape == ()
    assert [v.shape for v in chimera.layers[0].trainable_variables] == \
        [(20, 64), (64,), (64, 32), (32,), (32, 16), (16,)]
    # rand_weight is a constant (tf.constant): not a variable, not trained
    fixed = chimera.layers[2]
    assert all(v is not fixed.rand_weight for v in fixed.trainable_variables)


def test_parameters(chapter):
    run = chapter("parameters")
    out, ns, printed = run.outputs, run.namespace, run.printed
    # a fresh session names the layers dense, dense_1, ... as Keras does
    assert "<tf.Variable 'dense_1/kernel:0' shape=(4, 1) dtype=float32" in printed
    assert "<class 'arraygrad.compat.tensorflow.Variable'>" in printed
    assert "tf.Tensor([0.], shape=(1,), dtype=float32)" in printed  # convert_to_tensor
    assert values(out[4]).tolist() == [0, 0, 0, 0]  # net.get_weights()[1]: dense's bias
    assert "Total params: 85" in printed and "(None, 4)" in printed  # rgnet.summary()
    assert out[7].shape == (4,)  # rgnet.layers[0].layers[1].layers[1].weights[1]
    k, b = out[8]
    assert abs(values(k).std() - 0.01) < 0.01 and not values(b).any()
    assert (values(out[9][0]) == 1).all()  # Constant(1)
    # MyInit: uniform on [-10, 10], entries below 5 in size zeroed; then the cell's
    # assignments: weights + 1, and [0, 0] = 42
    w = values(out[12])
    assert w[0, 0] == 42
    rest = w.ravel()[1:] - 1
    assert ((rest == 0) | (np.abs(rest) >= 5)).all()
    # a layer listed twice is one layer
    assert "True" in printed.splitlines()[-1]
    assert len(ns["net"].layers) == 3


def test_deferred_init(chapter):
    out = chapter("deferred_init").outputs
    assert out[1] == [[], []]  # before the first call, no weights
    assert out[2] == [(20, 256), (256,), (256, 10), (10,)]


def test_custom_layer(chapter):
    out = chapter("custom_layer").outputs
    assert values(out[1]).tolist() == [-2, -1, 0, 1, 2] and out[1].dtype == np.int32
    assert abs(float(out[3])) < 1e-6  # CenteredLayer after Dense: mean 0
    w, b = out[5]
    assert w.shape == (5, 3) and b.shape == (3,)  # MyDense.build saw the input's shape
    assert (values(out[6]) >= 0).all() and out[7].shape == (2, 1)


def test_read_write(chapter, tmp_path):
    run = chapter("read_write")
    out, ns = run.outputs, run.namespace
    assert values(out[1]).tolist() == [0, 1, 2, 3]
    assert [list(a) for a in out[2]] == [[0, 1, 2, 3], [0, 0, 0, 0]]
    assert set(out[3].item()) == {"x", "y"}
    assert os.path.exists(tmp_path / "mlp.params")
    assert values(out[7]).all()  # Y_clone == Y: the clone took the saved weights
    for a, b in zip(ns["net"].get_weights(), ns["clone"].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_checks_the_shapes(tmp_path):
    net = tf.keras.Sequential([tf.keras.layers.Dense(3)])
    net(tf.ones((1, 4)))
    net.save_weights(str(tmp_path / "w"))
    other = tf.keras.Sequential([tf.keras.layers.Dense(3)])
    other(tf.ones((1, 5)))
    try:
        other.load_weights(str(tmp_path / "w"))
    except ValueError as exc:
        assert "shape (5, 3)" in str(exc) and "(4, 3)" in str(exc)
    else:
        raise AssertionError("loading weights of other shapes must raise")


def test_use_gpu_runs_on_the_cpu(chapter):
    out = chapter("use_gpu").outputs
    assert out[1] == 0  # no GPU listed: the front door computes with NumPy
    assert [d.name for d in out[2][2]] == ["/CPU:0"] and out[2][1].name == "/CPU:0"
    assert values(out[7]).shape == (2, 3)
    assert out[8] is True
    assert out[10].shape == (2, 1)
