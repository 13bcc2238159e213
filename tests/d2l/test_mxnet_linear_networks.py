"""d2l.ai chapter 3 (linear networks), MXNet code cells run unchanged but for the imports,
on the synthetic Fashion-MNIST; the book's own checks (train_ch3's asserts) run inside."""

from __future__ import annotations

import numpy
from mxnet_book import epoch_losses, run_chapter


def test_linear_regression_scratch(tmp_path):
    ns, out = run_chapter("linear_regression_scratch", tmp_path)
    losses = epoch_losses(out)
    assert len(losses) == 3 and losses[0] > losses[-1] and losses[-1] < 1e-3
    w, b = ns["w"].asnumpy().ravel(), float(ns["b"])
    numpy.testing.assert_allclose(w, [2, -3.4], atol=0.01)
    assert abs(b - 4.2) < 0.01


def test_linear_regression_concise(tmp_path):
    ns, out = run_chapter("linear_regression_concise", tmp_path)
    losses = epoch_losses(out)
    assert len(losses) == 3 and losses[0] > losses[-1] and losses[-1] < 1e-3
    numpy.testing.assert_allclose(ns["w"].asnumpy().ravel(), [2, -3.4], atol=0.01)
    assert abs(float(ns["b"]) - 4.2) < 0.01
    assert ns["w"].shape == (1, 2)  # Gluon's Dense weight is (units, in_units)


def test_softmax_regression_scratch(tmp_path):
    ns, _ = run_chapter("softmax_regression_scratch", tmp_path)
    # float32 labels index as MXNet's: y = d2l.tensor([0, 2])
    numpy.testing.assert_allclose(ns["cross_entropy"](ns["y_hat"], ns["y"]).asnumpy(),
                                  -numpy.log([0.1, 0.5]), rtol=1e-6)
    acc = ns["evaluate_accuracy"](ns["net"], ns["test_iter"])
    assert acc > 0.7  # chance is 0.1; train_ch3 asserted the same inside


def test_softmax_regression_concise(tmp_path):
    ns, _ = run_chapter("softmax_regression_concise", tmp_path)
    d2l = ns["d2l"]
    assert d2l.evaluate_accuracy(ns["net"], ns["test_iter"]) > 0.7


def test_image_classification_dataset(tmp_path):
    ns, out = run_chapter("image_classification_dataset", tmp_path)
    train = ns["mnist_train"]
    assert len(train) == 2000 and len(ns["mnist_test"]) == 500
    img, label = train[0]
    assert img.shape == (28, 28, 1) and img.dtype == numpy.uint8
    assert isinstance(label, numpy.int32)
    X, y = ns["X"], ns["y"]  # the last cell: load_data_fashion_mnist(32, resize=64)
    assert X.shape == (32, 1, 64, 64) and X.dtype == numpy.float32
    assert y.shape == (32,) and y.dtype == numpy.int32
    assert 0.0 <= float(X.min()) and float(X.max()) <= 1.0
    assert "(32, 1, 64, 64) float32 (32,) int32" in out


def test_linear_regression(tmp_path):
    ns, _ = run_chapter("linear_regression", tmp_path)
    assert bool((ns["c"] == ns["d"]).all()) and float(ns["d"][0]) == 2.0  # loop vs vector
    x = ns["x"].asnumpy()
    density = ns["normal"](ns["x"], 0, 1).asnumpy()
    assert abs(density.sum() * 0.01 - 1.0) < 1e-3  # integrates to one
    assert x.dtype == numpy.float32
