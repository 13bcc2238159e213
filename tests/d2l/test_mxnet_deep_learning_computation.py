"""d2l.ai chapter 5 (deep-learning computation), MXNet code cells run unchanged but for
the imports, in a fresh name scope (block names start at dense0, as in a new session)."""

from __future__ import annotations

import numpy
from mxnet_book import run_chapter


def test_model_construction(tmp_path):
    ns, _ = run_chapter("model_construction", tmp_path)
    X = ns["X"]
    assert ns["chimera"](X).shape == ()
    fixed = ns["net"]  # the last `net`: FixedHiddenMLP, with a constant weight
    assert fixed.rand_weight.grad_req == "null"
    assert list(fixed.collect_params()) == ["fixedhiddenmlp0_rand_weight", "dense6_weight",
                                            "dense6_bias"]
    my_seq = ns["MySequential"]()
    dense = ns["nn"].Dense(3)
    my_seq.add(dense)
    assert list(my_seq._children) == [dense.name]  # keyed by the block's own name


def test_parameters(tmp_path):
    ns, out = run_chapter("parameters", tmp_path)
    assert ("dense1_ (\n  Parameter dense1_weight (shape=(1, 8), dtype=float32)\n"
            "  Parameter dense1_bias (shape=(1,), dtype=float32)\n)") in out
    assert "Init dense0_weight (8, 4)\nInit dense1_weight (1, 8)" in out
    assert "sequential1_ (\n  Parameter dense2_weight (shape=(32, 4)" in out
    net = ns["net"]  # the tied network of the last cell
    assert net[1].weight is net[2].weight
    assert float(net[2].weight.data()[0, 0]) == 100.0
    assert out.rstrip().endswith("[ True  True  True  True  True  True  True  True]")


def test_deferred_init(tmp_path):
    ns, out = run_chapter("deferred_init", tmp_path)
    assert "Parameter dense0_weight (shape=(256, -1), dtype=float32)" in out
    params = ns["net"].collect_params()
    assert params["dense0_weight"].shape == (256, 20)
    assert params["dense1_weight"].shape == (10, 256)


def test_custom_layer(tmp_path):
    ns, _ = run_chapter("custom_layer", tmp_path)
    assert abs(float(ns["Y"].mean())) < 1e-6
    assert ns["dense"].weight.shape == (5, 3)
    assert ns["net"](ns["np"].random.uniform(size=(2, 64))).shape == (2, 1)


def test_read_write(tmp_path):
    ns, _ = run_chapter("read_write", tmp_path)
    x2 = ns["x2"]
    numpy.testing.assert_array_equal(x2.asnumpy(), [0.0, 1.0, 2.0, 3.0])  # from x-files
    numpy.testing.assert_array_equal(ns["y2"].asnumpy(), [0.0, 0.0, 0.0, 0.0])
    assert sorted(ns["mydict2"]) == ["x", "y"]
    assert bool(ns["Y_clone"].all()) and ns["Y"].shape == (2, 10)
    assert (tmp_path / "mlp.params").exists()


def test_use_gpu(tmp_path):
    ns, _ = run_chapter("use_gpu", tmp_path)
    device = ns["try_gpu"]()  # on a machine without a GPU: npx.cpu()
    assert ns["X"].ctx == device and ns["net"][0].weight.data().ctx == device
    numpy.testing.assert_array_equal(ns["Z"].asnumpy(), numpy.ones((2, 3)))
    assert ns["Z"].as_in_ctx(ns["try_gpu"](1)) is ns["Z"]
    assert ns["net"](ns["X"]).shape == (2, 1)
