"""Gluon's semantics on arraygrad's MXNet front door, against PyTorch 2.13 (an oracle
only) and MXNet's documented behaviour."""

from __future__ import annotations

import warnings

import numpy
import pytest
import torch

from arraygrad.compat.mxnet import autograd, gluon, init, name, np, npx
from arraygrad.compat.mxnet.gluon import nn
from arraygrad.compat.mxnet.gluon.parameter import DeferredInitializationError
from arraygrad.data.image import resize_bilinear


@pytest.fixture(autouse=True)
def fresh_names():
    with name.NameManager():
        yield


def _t(x):
    return torch.tensor(numpy.asarray(x))


# ---------------------------------------------------------------------------- losses


def test_softmax_cross_entropy_is_per_example_and_matches_torch():
    rng = numpy.random.default_rng(0)
    logits = rng.standard_normal((6, 5)).astype(numpy.float32)
    labels = rng.integers(0, 5, 6)
    got = gluon.loss.SoftmaxCrossEntropyLoss()(np.array(logits), np.array(labels))
    want = torch.nn.functional.cross_entropy(_t(logits), _t(labels), reduction="none")
    assert got.shape == (6,) and got.dtype == numpy.float32
    numpy.testing.assert_allclose(got.asnumpy(), want.numpy(), rtol=1e-6, atol=1e-6)
    # dense labels, and log-probabilities given (from_logits)
    probs = rng.dirichlet(numpy.ones(5), 6).astype(numpy.float32)
    dense = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)(np.array(logits),
                                                                  np.array(probs))
    numpy.testing.assert_allclose(
        dense.asnumpy(),
        torch.nn.functional.cross_entropy(_t(logits), _t(probs), reduction="none").numpy(),
        rtol=1e-5, atol=1e-6)
    logp = torch.log_softmax(_t(logits), 1).numpy()
    fl = gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)(np.array(logp),
                                                             np.array(labels))
    numpy.testing.assert_allclose(fl.asnumpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_softmax_cross_entropy_gradient_matches_torch():
    rng = numpy.random.default_rng(1)
    logits = rng.standard_normal((4, 3))
    labels = numpy.array([0, 2, 1, 2])
    x = np.array(logits, dtype="float64")
    x.attach_grad()
    with autograd.record():
        loss = gluon.loss.SoftmaxCrossEntropyLoss()(x, np.array(labels))
    loss.backward()
    xt = _t(logits).requires_grad_()
    torch.nn.functional.cross_entropy(xt, _t(labels), reduction="sum").backward()
    numpy.testing.assert_allclose(x.grad.asnumpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_l2_l1_and_sigmoid_bce_losses_average_over_non_batch_axes():
    rng = numpy.random.default_rng(2)
    pred = rng.standard_normal((4, 3)).astype(numpy.float32)
    label = rng.standard_normal((4, 3)).astype(numpy.float32)
    l2 = gluon.loss.L2Loss()(np.array(pred), np.array(label))
    want = 0.5 * torch.nn.functional.mse_loss(_t(pred), _t(label), reduction="none").mean(1)
    numpy.testing.assert_allclose(l2.asnumpy(), want.numpy(), rtol=1e-6)
    l1 = gluon.loss.L1Loss()(np.array(pred), np.array(label))
    numpy.testing.assert_allclose(l1.asnumpy(), numpy.abs(pred - label).mean(1), rtol=1e-6)
    y = (label > 0).astype(numpy.float32)
    bce = gluon.loss.SigmoidBinaryCrossEntropyLoss()(np.array(pred), np.array(y))
    want = torch.nn.functional.binary_cross_entropy_with_logits(
        _t(pred), _t(y), reduction="none").mean(1)
    numpy.testing.assert_allclose(bce.asnumpy(), want.numpy(), rtol=1e-6)
    p = 1 / (1 + numpy.exp(-pred))
    bs = gluon.loss.SigmoidBCELoss(from_sigmoid=True)(np.array(p), np.array(y))
    numpy.testing.assert_allclose(bs.asnumpy(), want.numpy(), rtol=1e-5)
    # a label of another shape with as many elements is reshaped (the book's (n,) labels)
    col = gluon.loss.L2Loss()(np.array(pred[:, :1]), np.array(label[:, 0]))
    numpy.testing.assert_allclose(col.asnumpy(), 0.5 * (pred[:, 0] - label[:, 0]) ** 2,
                                  rtol=1e-6)


# ---------------------------------------------------------------------------- Trainer


def _mlp_pair(rng):
    W1 = rng.standard_normal((5, 4)) * 0.5
    b1 = rng.standard_normal(5) * 0.1
    W2 = rng.standard_normal((3, 5)) * 0.5
    b2 = rng.standard_normal(3) * 0.1
    net = nn.Sequential()
    net.add(nn.Dense(5, activation="relu", dtype="float64"), nn.Dense(3, dtype="float64"))
    net.initialize()
    net(np.zeros((1, 4), dtype="float64"))
    for p, v in zip(net.collect_params().values(), (W1, b1, W2, b2)):
        p.set_data(np.array(v, dtype="float64"))
    tnet = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    tnet = tnet.double()
    with torch.no_grad():
        for p, v in zip(tnet.parameters(), (W1, b1, W2, b2)):
            p.copy_(_t(v))
    return net, tnet


def test_trainer_step_divides_by_batch_size_with_wd_and_momentum_as_torch():
    rng = numpy.random.default_rng(3)
    net, tnet = _mlp_pair(rng)
    lr, wd, momentum = 0.1, 0.01, 0.9
    trainer = gluon.Trainer(net.collect_params(), "sgd",
                            {"learning_rate": lr, "wd": wd, "momentum": momentum})
    net.collect_params(".*bias").setattr("wd_mult", 0)
    weights = [p for n, p in tnet.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in tnet.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": wd},
                           {"params": biases, "weight_decay": 0.0}], lr=lr, momentum=momentum)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    for _ in range(4):
        X = rng.standard_normal((8, 4))
        y = rng.integers(0, 3, 8)
        with autograd.record():
            l = loss(net(np.array(X, dtype="float64")), np.array(y))
        l.backward()
        trainer.step(8)
        opt.zero_grad()
        tl = torch.nn.functional.cross_entropy(tnet(_t(X)), _t(y))  # the batch mean
        tl.backward()
        opt.step()
        numpy.testing.assert_allclose(float(l.mean()), tl.item(), rtol=1e-10)
    for p, tp in zip(net.collect_params().values(), tnet.parameters()):
        numpy.testing.assert_allclose(p.data().asnumpy(), tp.detach().numpy(), rtol=1e-10,
                                      atol=1e-12)
    # the gradients are the summed losses', untouched by the rescaling
    assert numpy.abs(net[1].bias.grad().asnumpy()).sum() > 0


def test_trainer_clip_gradient_and_rescale_grad():
    p = gluon.Parameter("w", shape=(3,))
    p.initialize(init.Constant(1.0))
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 1.0, "clip_gradient": 0.5,
                                         "rescale_grad": 2.0})
    with autograd.record():
        l = (p.data() * np.array([1.0, 0.1, -4.0])).sum()
    l.backward()
    trainer.step(1)
    # grad * 2, clipped to [-0.5, 0.5]
    numpy.testing.assert_allclose(p.data().asnumpy(), [0.5, 0.8, 1.5], rtol=1e-6)


def test_trainer_rejects_what_it_does_not_support():
    p = gluon.Parameter("w", shape=(3,))
    with pytest.raises(NotImplementedError, match="rmsprop"):
        gluon.Trainer([p], "rmsprop")
    with pytest.raises(ValueError, match="beta1"):
        gluon.Trainer([p], "sgd", {"beta1": 0.9})


def test_trainer_adam_is_mxnets_update():
    # MXNet's adam_update, written out: g' = clip(rescale * g + wd * w);
    # m, v as Adam; w -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + eps)
    rng = numpy.random.default_rng(7)
    w0 = rng.standard_normal(4)
    p = gluon.Parameter("w", shape=(4,), dtype="float64")
    p.initialize(init.Constant(np.array(w0, dtype="float64")))
    lr, b1, b2, eps, wd, clip = 0.1, 0.8, 0.9, 1e-3, 0.05, 0.6
    trainer = gluon.Trainer([p], "adam", {"learning_rate": lr, "beta1": b1, "beta2": b2,
                                          "epsilon": eps, "wd": wd, "clip_gradient": clip})
    w, m, v = w0.copy(), numpy.zeros(4), numpy.zeros(4)
    for t in range(1, 4):
        c = rng.standard_normal(4) * 3
        with autograd.record():
            l = (p.data() * np.array(c, dtype="float64")).sum()
        l.backward()
        trainer.step(2)
        g = numpy.clip(c / 2 + wd * w, -clip, clip)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * numpy.sqrt(1 - b2**t) / (1 - b1**t) * m / (numpy.sqrt(v) + eps)
        numpy.testing.assert_allclose(p.data().asnumpy(), w, rtol=1e-12, atol=1e-14)


def test_trainer_follows_reinitialised_parameters():
    net = nn.Dense(2, in_units=3)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    X = np.ones((4, 3))
    for _ in range(2):
        net.initialize(init.Zero(), force_reinit=True)
        with autograd.record():
            l = net(X).sum()
        l.backward()
        trainer.step(4)
        numpy.testing.assert_allclose(net.weight.data().asnumpy(), -0.1 * numpy.ones((2, 3)),
                                      rtol=1e-6)


# ---------------------------------------------------------------------------- blocks


def test_dense_deferred_initialisation_and_errors():
    dense = nn.Dense(4, activation="relu")
    with pytest.raises(RuntimeError, match="has not been initialized"):
        dense.weight.data()
    dense.initialize()
    assert dense.weight.shape == (4, -1)
    with pytest.raises(DeferredInitializationError, match="first forward pass"):
        dense.weight.data()
    out = dense(np.ones((2, 3, 5)))  # flatten=True: 15 inputs
    assert out.shape == (2, 4) and dense.weight.shape == (4, 15)
    assert float(out.min()) >= 0
    numpy.testing.assert_array_equal(dense.bias.data().asnumpy(), numpy.zeros(4))
    last = nn.Dense(6, flatten=False, in_units=5)
    last.initialize()
    assert last.weight.data().shape == (6, 5)  # in_units: no deferral
    assert last(np.ones((2, 3, 5))).shape == (2, 3, 6)
    with pytest.raises(ValueError, match="features"):
        last(np.ones((2, 4)))


def test_dense_matches_torch_linear():
    rng = numpy.random.default_rng(4)
    dense = nn.Dense(3, in_units=4, dtype="float64")
    dense.initialize(init.Normal(1.0))
    x = rng.standard_normal((2, 4))
    lin = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        lin.weight.copy_(_t(dense.weight.data().asnumpy()))
        lin.bias.copy_(_t(dense.bias.data().asnumpy()))
    numpy.testing.assert_allclose(dense(np.array(x, dtype="float64")).asnumpy(),
                                  lin(_t(x)).detach().numpy(), rtol=1e-12)


def test_dropout_is_active_only_while_training():
    drop = nn.Dropout(0.5)
    x = np.ones((200, 100))
    assert bool((drop(x) == x).all())  # prediction: the identity
    with autograd.record():
        y = drop(x)
    kept = y.asnumpy()
    assert set(numpy.unique(kept)) <= {0.0, 2.0}  # survivors scaled by 1 / (1 - p)
    assert abs((kept == 0).mean() - 0.5) < 0.02
    with autograd.record(train_mode=False):
        assert bool((drop(x) == x).all())


def test_initializers_dispatch_as_mxnet():
    net = nn.Sequential()
    net.add(nn.Dense(8, in_units=4), nn.Dense(2, in_units=8))
    net.initialize(init.Constant(3.0))
    assert float(net[0].weight.data().min()) == 3.0
    assert float(numpy.abs(net[0].bias.data().asnumpy()).max()) == 0.0  # bias: 'zeros'

    seen = []

    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            seen.append((name, data.shape))
            data[:] = 7

    net.initialize(MyInit(), force_reinit=True)
    assert seen == [("dense0_weight", (8, 4)), ("dense1_weight", (2, 8))]
    net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
    bound = numpy.sqrt(6.0 / (4 + 8))
    w = net[0].weight.data().asnumpy()
    assert numpy.abs(w).max() <= bound and numpy.abs(w).max() > bound / 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net.initialize()
    assert any("already initialized" in str(c.message) for c in caught)
    default = nn.Dense(50, in_units=50)
    default.initialize()  # MXNet's default: U(-0.07, 0.07)
    w = default.weight.data().asnumpy()
    assert numpy.abs(w).max() <= 0.07 and numpy.abs(w).max() > 0.06


def test_names_scopes_sharing_and_collect_params_select():
    class MLP(nn.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.hidden = nn.Dense(3)
            self.out = nn.Dense(2)

    net = MLP()
    assert net.name == "mlp0" and net.hidden.name == "mlp0_dense0"
    assert net.out.name == "dense0"  # made outside the scope: a top-level name
    assert list(net.collect_params(".*bias")) == ["mlp0_dense0_bias", "dense0_bias"]
    shared = nn.Dense(4, in_units=4)
    tied = nn.Dense(4, in_units=4, params=shared.params)
    assert tied.weight is shared.weight


def test_parameters_write_and_add_gradients():
    p = gluon.Parameter("w", shape=(2,), grad_req="add")
    p.initialize(init.One())
    for _ in range(2):
        with autograd.record():
            l = (p.data() * 3).sum()
        l.backward()
    numpy.testing.assert_allclose(p.grad().asnumpy(), [6.0, 6.0])
    p.zero_grad()
    numpy.testing.assert_allclose(p.grad().asnumpy(), [0.0, 0.0])
    c = gluon.Constant("c", [[1.0, 2.0]])
    c.initialize()
    assert c.grad_req == "null"
    numpy.testing.assert_allclose(c.data().asnumpy(), [[1.0, 2.0]])


def test_hybrid_block_passes_parameters_and_only_flags_hybridize():
    class Scale(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = self.params.get("w", shape=(1,), init=init.Constant(2.0))

        def hybrid_forward(self, F, x, w):
            return F.np.multiply(x, w) + F.npx.relu(x)

    blk = Scale()
    blk.initialize()
    blk.hybridize()
    assert blk._active
    numpy.testing.assert_allclose(blk(np.array([-1.0, 1.0])).asnumpy(), [-2.0, 3.0])


def test_save_and_load_parameters_into_a_new_net(tmp_path):
    def make():
        net = nn.Sequential()
        net.add(nn.Dense(4, activation="relu"), nn.Dense(2))
        return net

    net = make()
    net.initialize()
    X = np.random.uniform(size=(3, 5))
    Y = net(X)
    net.save_parameters(str(tmp_path / "p"))
    clone = make()  # other names (dense2, dense3), shapes unknown
    clone.load_parameters(str(tmp_path / "p"))
    numpy.testing.assert_array_equal(clone(X).asnumpy(), Y.asnumpy())
    other = nn.Sequential()
    other.add(nn.Dense(4, in_units=6), nn.Dense(2))
    with pytest.raises(AssertionError, match="shape incompatible"):
        other.load_parameters(str(tmp_path / "p"))


def test_npx_save_load_shapes_of_results(tmp_path):
    x = np.arange(4)
    npx.save(str(tmp_path / "x"), x)
    got = npx.load(str(tmp_path / "x"))
    assert isinstance(got, list) and len(got) == 1  # MXNet: a list, even for one array
    assert got[0].dtype == numpy.float32
    npx.save(str(tmp_path / "d"), {"a": x})
    assert list(npx.load(str(tmp_path / "d"))) == ["a"]
    with pytest.raises(TypeError):
        npx.save(str(tmp_path / "bad"), [1, 2])


# ---------------------------------------------------------------------------- arrays, data


def test_float_index_arrays_from_mxnet_np_index_as_integers():
    features = np.arange(12).reshape(6, 2)
    idx = np.array([4, 0])  # float32, as in MXNet
    assert idx.dtype == numpy.float32
    numpy.testing.assert_array_equal(features[idx].asnumpy(), [[8, 9], [0, 1]])
    y_hat = np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    numpy.testing.assert_allclose(y_hat[[0, 1], np.array([0, 2])].asnumpy(), [0.1, 0.5])
    assert isinstance(features * 2, np.ndarray)  # every Tensor counts as mxnet.np.ndarray
    # a computed float array follows NumPy (as arraygrad does everywhere else)
    with pytest.raises(IndexError):
        features[idx * 1]


def test_dataloader_batches_shuffles_and_last_batch():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    ds = gluon.data.ArrayDataset(X, y)
    assert isinstance(ds[3][1], numpy.float32)  # a 1-D array gives NumPy scalars
    batches = list(gluon.data.DataLoader(ds, 4))
    assert [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert batches[0][1].shape == (4,) and batches[0][1].dtype == numpy.float32
    assert len(list(gluon.data.DataLoader(ds, 4, last_batch="discard"))) == 2
    roll = gluon.data.DataLoader(ds, 4, last_batch="rollover")
    assert len(list(roll)) == 2 and [b[1].shape[0] for b in roll] == [4, 4, 4]
    numpy.random.seed(5)
    first = [b[1].asnumpy() for b in gluon.data.DataLoader(ds, 5, shuffle=True)]
    numpy.random.seed(5)
    again = [b[1].asnumpy() for b in gluon.data.DataLoader(ds, 5, shuffle=True)]
    numpy.testing.assert_array_equal(numpy.concatenate(first), numpy.concatenate(again))
    assert sorted(numpy.concatenate(first).tolist()) == list(range(10))


def test_transforms_to_tensor_and_resize():
    rng = numpy.random.default_rng(6)
    img = rng.integers(0, 256, (28, 28, 1), dtype=numpy.uint8)
    t = gluon.data.vision.transforms.ToTensor()(np.array(img, dtype="uint8"))
    assert t.shape == (1, 28, 28) and t.dtype == numpy.float32
    numpy.testing.assert_allclose(t.asnumpy()[0], img[..., 0] / 255.0, rtol=1e-6)
    big = resize_bilinear(img.astype(numpy.float64), (64, 48))
    want = torch.nn.functional.interpolate(_t(img.astype(numpy.float64)).permute(2, 0, 1)[None],
                                           size=(64, 48), mode="bilinear",
                                           align_corners=False)[0].permute(1, 2, 0).numpy()
    numpy.testing.assert_allclose(big, want, rtol=1e-12, atol=1e-10)
    r = gluon.data.vision.transforms.Resize(64)(np.array(img, dtype="uint8"))
    assert r.shape == (64, 64, 1) and r.dtype == numpy.uint8


def test_contexts_and_copyto():
    x = np.ones((2, 3), ctx=npx.cpu())
    assert x.ctx == npx.cpu() == x.context
    y = np.zeros((2, 3))
    assert x.copyto(y) is y and float(y.sum()) == 6.0
    z = x.copyto(npx.cpu())
    assert z is not x and bool((z == x).all())
    p = gluon.Parameter("w", shape=(2,))
    with pytest.raises(NotImplementedError, match="one copy per context"):
        p.initialize(ctx=[npx.cpu(), npx.cpu(1)])


def test_the_import_lines_of_d2l_mxnet_py_work():
    # d2l/mxnet.py (the whole helper module) begins with these lines and subclasses these
    # classes at import time; absent modules import, and say so when used
    from arraygrad.compat.mxnet import autograd, context, gluon, image, init, np, npx  # noqa: F401
    from arraygrad.compat.mxnet.gluon import nn, rnn
    from arraygrad.compat.mxnet.gluon.data.vision import transforms  # noqa: F401

    for base in (nn.Block, gluon.loss.SoftmaxCELoss, gluon.loss.Loss, gluon.data.Dataset):
        type("Sub", (base,), {})
    with pytest.raises(AttributeError, match="does not provide"):
        rnn.LSTM  # noqa: B018
    with pytest.raises(AttributeError, match="does not provide"):
        image.imread  # noqa: B018
    assert context.cpu() == npx.cpu() and context.num_gpus() == npx.num_gpus()


def test_trainer_stale_gradients_raise_or_are_skipped():
    a, b = nn.Dense(1, in_units=2), nn.Dense(1, in_units=2)
    a.initialize(init.One())
    b.initialize(init.One())
    params = a.collect_params()
    params.update(b.collect_params())
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 1.0})
    with autograd.record():
        l = a(np.ones((1, 2))).sum()  # b takes no part
    l.backward()
    with pytest.raises(UserWarning, match="has not been updated by backward"):
        trainer.step(1)
    assert float(a.weight.data()[0, 0]) == 1.0  # nothing was updated
    trainer.step(1, ignore_stale_grad=True)
    assert float(a.weight.data()[0, 0]) == 0.0 and float(b.weight.data()[0, 0]) == 1.0
    with pytest.raises(UserWarning):
        trainer.step(1)  # a's gradient is stale now too
