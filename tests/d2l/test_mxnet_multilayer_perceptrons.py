"""d2l.ai chapter 4 (multilayer perceptrons), MXNet code cells run unchanged but for the
imports. The training chapters run on 6,000 synthetic images (a tenth of Fashion-MNIST):
with 2,000 the book's 10 epochs are too few steps for an MLP to pass its own checks."""

from __future__ import annotations

import re

import numpy
from mxnet_book import run_chapter


def _norms(out: str) -> list[float]:
    return [float(m) for m in re.findall(r"L2 norm of w: ([0-9.e+-]+)", out)]


def test_mlp_scratch(tmp_path):
    ns, _ = run_chapter("mlp_scratch", tmp_path, n_train=6000)
    assert ns["d2l"].evaluate_accuracy(ns["net"], ns["test_iter"]) > 0.7


def test_mlp_concise(tmp_path):
    ns, _ = run_chapter("mlp_concise", tmp_path, n_train=6000)
    assert ns["d2l"].evaluate_accuracy(ns["net"], ns["test_iter"]) > 0.7


def test_underfit_overfit(tmp_path):
    ns, out = run_chapter("underfit_overfit", tmp_path)
    weights = [numpy.array(m.split(), dtype=float) for m in
               re.findall(r"weight: \[\[([^\]]*)\]\]", out.replace("\n", " "))]
    assert [w.size for w in weights] == [4, 2, 20]
    feats, labels = ns["poly_features"].asnumpy(), ns["labels"].asnumpy()
    n = ns["n_train"]

    def test_mse(w):
        return float(numpy.mean((feats[n:, :w.size] @ w - labels[n:]) ** 2) / 2)
    # the cubic fit reaches near the noise (0.1**2 / 2) and the linear one underfits; the
    # same SGD in PyTorch on this draw ends at [4.97, 1.57, -3.31, 4.60] for the cubic
    cubic, linear = test_mse(weights[0]), test_mse(weights[1])
    assert cubic < 0.1 and linear > 10 * cubic
    numpy.testing.assert_allclose(weights[0][:3], [5, 1.2, -3.4], atol=0.5)


def test_weight_decay(tmp_path):
    _, out = run_chapter("weight_decay", tmp_path)
    scratch0, scratch3, concise0, concise3 = _norms(out)
    assert scratch3 < scratch0 / 10 and concise3 < concise0 / 10


def test_dropout(tmp_path):
    run_chapter("dropout", tmp_path, n_train=6000)


def test_numerical_stability_and_init(tmp_path):
    ns, out = run_chapter("numerical_stability_and_init", tmp_path)
    x, y = ns["x"], ns["y"]
    numpy.testing.assert_allclose(x.grad.asnumpy(), (y * (1 - y)).asnumpy(), rtol=1e-5)
    assert "after multiplying 100 matrices" in out
    assert float(numpy.abs(ns["M"].asnumpy()).max()) > 1e10  # the products explode
