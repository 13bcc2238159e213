"""d2l.ai chapter 3 (linear networks) in the TensorFlow idiom, on the synthetic
Fashion-MNIST stand-in (tests/d2l/fashion.py). Each chapter's TensorFlow code runs as
the book writes it, including its ``train_ch3``, whose own checks (train loss < 0.5,
train and test accuracy > 0.7) must hold; the tests check what it learnt."""

from __future__ import annotations

import numpy as np
import pytest
from tf_support import chapter_fixture, values  # noqa: F401  (the `chapter` fixture)

import arraygrad.compat.tensorflow as tf


def test_linear_regression_scratch(chapter):
    run = chapter("linear_regression_scratch")
    ns = run.namespace
    losses = run.epoch_losses()
    assert len(losses) == 3 and losses[0] < 0.1 and losses[-1] < 1e-3
    np.testing.assert_allclose(values(ns["w"]).ravel(), [2, -3.4], atol=5e-3)
    np.testing.assert_allclose(values(ns["b"]), [4.2], atol=5e-3)
    assert ns["features"].shape == (1000, 2) and ns["labels"].shape == (1000, 1)
    assert "error in estimating w" in run.printed


def test_linear_regression_concise(chapter):
    run = chapter("linear_regression_concise")
    ns = run.namespace
    assert run.epoch_losses()[-1] < 1e-3
    w, b = ns["net"].get_weights()
    assert w.shape == (2, 1) and b.shape == (1,)  # a Keras kernel is (in, out)
    np.testing.assert_allclose(w.ravel(), [2, -3.4], atol=5e-3)
    np.testing.assert_allclose(b, [4.2], atol=5e-3)
    X, y = run.outputs[4]  # next(iter(data_iter)): a batch of 10 shuffled examples
    assert X.shape == (10, 2) and y.shape == (10, 1)


def _accuracy(ns):
    return ns["evaluate_accuracy"](ns["net"], ns["test_iter"])  # the chapter's own helper


def test_softmax_regression_scratch(chapter):
    run = chapter("softmax_regression_scratch")
    out, ns = run.outputs, run.namespace
    assert values(out[3][0]).tolist() == [[5, 7, 9]] and values(out[3][1]).ravel().tolist() \
        == [6, 15]
    np.testing.assert_allclose(values(out[5][1]), [1, 1], rtol=1e-6)
    np.testing.assert_allclose(values(out[7]), [0.1, 0.5])  # boolean_mask with one_hot
    np.testing.assert_allclose(values(out[8]), -np.log([0.1, 0.5]), rtol=1e-6)
    assert out[10] == 0.5
    assert 0.0 <= out[13] <= 0.25  # an untrained model is near chance (10 classes)
    # train_ch3 asserted its checks; the trained model now classifies the test set
    assert _accuracy(ns) > 0.7


def test_softmax_regression_concise(chapter):
    ns = chapter("softmax_regression_concise").namespace
    net = ns["net"]
    # Flatten(input_shape=(28, 28)) builds the model as the layers are added
    assert [w.shape for w in net.get_weights()] == [(784, 10), (10,)]
    accuracy = tf_accuracy(net, ns["test_iter"])
    assert accuracy > 0.7


def tf_accuracy(net, data):
    right = total = 0
    for X, y in data:
        right += int((values(tf.argmax(net(X), axis=1)) == values(y)).sum())
        total += len(y)
    return right / total


def test_image_classification_dataset(chapter):
    run = chapter("image_classification_dataset")
    out, ns = run.outputs, run.namespace
    assert out[2] == (2000, 500) and out[3] == (28, 28)
    titles = [ax.get_title() for ax in out[6]]
    assert titles == ns["get_fashion_mnist_labels"](ns["mnist_train"][1][:18])
    # load_data_fashion_mnist(32, resize=64): tf.image.resize_with_pad inside map
    assert run.printed.strip() == "(32, 64, 64, 1) float32 (32,) int32"
    # cell 7's pipeline (the later train_iter resizes every image: slower to count)
    train = tf.data.Dataset.from_tensor_slices(ns["mnist_train"]).batch(256).shuffle(2000)
    sizes = sorted(len(y) for _, y in train)
    # the shuffle after batch moves whole batches: seven full ones and the short last one
    assert sizes == [208] + [256] * 7


def test_fashion_mnist_download_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not download.*from_tensor_slices"):
        tf.keras.datasets.fashion_mnist.load_data()
