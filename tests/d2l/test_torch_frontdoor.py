"""The PyTorch front door's additions for d2l.ai's chapters, each checked against real
PyTorch 2.13 (the test oracle): Tensor casts and in-place initialisers, torch.nn
(float32 Linear, LazyLinear, init, Parameter, state_dict), torch.optim parameter groups,
torch.utils.data, torch.distributions, torch.save/load, torch.manual_seed."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

import arraygrad.compat.torch as torch
from arraygrad.compat.torch import nn
from arraygrad.compat.torch.utils import data

real = pytest.importorskip("torch")


def both(arr):
    return torch.tensor(arr), real.tensor(arr)


# ---------------------------------------------------------------------------- tensor methods


_CASTS = ["float", "double", "long", "int", "bool", "half", "short", "byte"]


@pytest.mark.parametrize("value, method", [
    (v, m) for v in ([1.5, -2.7, 0.0], [1, 0, 3], [True, False, True]) for m in _CASTS
    if not (m == "byte" and min(v) < 0)  # negative floats to uint8 is undefined in C
])
def test_casts_match_pytorch(value, method):
    ours, theirs = both(value)
    a, b = getattr(ours, method)(), getattr(theirs, method)()
    assert str(a.dtype) == str(b.dtype).replace("torch.", "")
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_type_names_and_casts():
    x, rx = both([1.0, 2.0])
    assert x.type() == rx.type() == "torch.FloatTensor"
    assert x.type(torch.int64).type() == rx.type(real.int64).type() == "torch.LongTensor"
    assert x.type("torch.DoubleTensor").dtype == np.float64
    assert x.float() is x and x.type(torch.float32) is x  # no copy when it already is
    y = torch.tensor([0, 2])
    assert (y.type(y.dtype) == y).all()  # d2l.astype(y_hat, y.dtype)
    with pytest.raises(ValueError, match="invalid type"):
        x.type("torch.NopeTensor")


def test_float_cast_is_differentiable():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (x.float() * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert x.grad.dtype == np.float64


def test_inplace_initialisers_through_data():
    net = nn.Sequential(nn.Linear(2, 1))
    w = net[0].weight
    assert w.dtype == np.float32
    torch.manual_seed(0)
    out = w.data.normal_(0, 0.01)
    wv = w.detach().numpy()
    assert out.shape == (1, 2) and np.all(np.abs(wv) < 0.1) and np.any(wv != 0)
    net[0].bias.data.fill_(0)
    assert net[0].bias.detach().numpy().tolist() == [0.0]
    w.data.uniform_(-10, 10)
    assert np.all(np.abs(w.detach().numpy()) <= 10)
    w.data[:] += 1
    w.data[0, 0] = 42
    assert w[0, 0].item() == 42
    # on the leaf itself, outside no_grad: refused, as PyTorch refuses it
    with pytest.raises(RuntimeError, match="normal_"):
        w.normal_()
    rw = real.nn.Linear(2, 1).weight
    with pytest.raises(RuntimeError):
        rw.normal_()
    with torch.no_grad():
        w.uniform_(0, 1)
    wv = w.detach().numpy()
    assert np.all((wv >= 0) & (wv <= 1))


def test_inplace_arithmetic_matches_pytorch():
    x, rx = both([1.0, 2.0, 3.0])
    x.add_(torch.ones(3), alpha=2).mul_(3).sub_(1).div_(2)
    rx.add_(real.ones(3), alpha=2).mul_(3).sub_(1).div_(2)
    np.testing.assert_allclose(x.numpy(), rx.numpy())
    x.copy_(torch.tensor([7.0]))
    assert x.numpy().tolist() == [7.0, 7.0, 7.0]


def test_reductions_over_lists_of_axes_and_dim():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x, rx = torch.tensor(a), real.tensor(a)
    for ours, theirs in [
        (x.sum(axis=[0, 1]), rx.sum(axis=[0, 1])),
        (torch.sum(x, dim=[0, 2]), real.sum(rx, dim=[0, 2])),
        (x.mean(axis=[1, 2], keepdims=True), rx.mean(axis=[1, 2], keepdims=True)),
        (x.sum(1, keepdim=True), rx.sum(1, keepdim=True)),
        (x.cumsum(dim=0), rx.cumsum(dim=0)),
        (x.cumsum(axis=1), rx.cumsum(axis=1)),
    ]:
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_typed_constructors():
    assert torch.FloatTensor([1, 2, 3]).dtype == np.float32
    assert torch.LongTensor([1.0]).dtype == np.int64
    assert torch.FloatTensor(2, 3).shape == (2, 3)


# ---------------------------------------------------------------------------- torch.nn


def test_nn_is_arraygrad_nn_with_pytorch_defaults():
    import arraygrad.nn as agnn

    assert nn.Module is agnn.Module and nn.Parameter is agnn.Parameter
    assert issubclass(nn.Linear, agnn.Linear)
    assert nn.Linear(3, 2).weight.dtype == np.float32
    assert nn.Linear(3, 2, dtype=torch.float64).weight.dtype == np.float64
    import arraygrad.compat.torch.nn.functional as F

    assert F is agnn.functional
    from arraygrad.compat.torch.nn import functional as F2

    assert F2 is F


def test_manual_seed_repeats_layer_init_dropout_and_shuffles():
    def draw():
        torch.manual_seed(3)
        lin = nn.Linear(4, 3)
        drop = nn.Dropout(0.5)(torch.ones(20))
        order = [int(b[0][0]) for b in data.DataLoader(
            data.TensorDataset(torch.arange(10)), 1, shuffle=True)]
        init = nn.init.normal_(torch.empty(3))
        return lin.weight.detach().numpy().copy(), drop.numpy(), order, init.numpy()

    a, b = draw(), draw()
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def test_linear_init_bounds_match_pytorch():
    lin = nn.Linear(100, 50)
    bound = 1 / np.sqrt(100)
    assert np.abs(lin.weight.detach().numpy()).max() <= bound
    assert np.abs(lin.bias.detach().numpy()).max() <= bound
    assert lin.weight.detach().numpy().std() == pytest.approx(bound / np.sqrt(3), rel=0.1)


def test_lazy_linear():
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    assert repr(net[0].weight) == "<UninitializedParameter>"
    assert repr(real.nn.LazyLinear(3).weight) == "<UninitializedParameter>"
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    y = net(torch.rand(2, 20))
    assert y.shape == (2, 10) and y.dtype == np.float32
    assert net[0].weight.shape == (256, 20) and type(net[0]) is nn.Linear
    assert type(net[0].weight) is nn.Parameter
    assert repr(net[0]) == repr(real.nn.Linear(20, 256))
    y.sum().backward()
    before = net[0].weight.detach().numpy().copy()
    opt.step()  # the optimizer made before the first call holds the same parameters
    assert not np.array_equal(before, net[0].weight.detach().numpy())


def test_module_api_used_by_the_book():
    def block1():
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())

    def block2():
        net = nn.Sequential()
        for i in range(4):
            net.add_module(f"block {i}", block1())
        return net

    rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
    assert rgnet[0][1][0].bias.shape == (8,)
    names = [n for n, _ in rgnet.named_parameters()]
    assert names[:2] == ["0.block 0.0.weight", "0.block 0.0.bias"]
    assert len(list(rgnet.children())) == 2 and len(list(rgnet.modules())) == 23
    sd = rgnet.state_dict()
    assert list(sd)[-2:] == ["1.weight", "1.bias"]
    calls = []
    rgnet.apply(lambda m: calls.append(type(m).__name__) if type(m) is nn.Linear else None)
    assert len(calls) == 9


# ---------------------------------------------------------------------------- torch.optim


def test_sgd_weight_decay_param_groups_match_pytorch():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(1, 5)).astype(np.float32)
    b0 = rng.normal(size=(1,)).astype(np.float32)
    X = rng.normal(size=(8, 5)).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)
    results = []
    for T in (torch, real):
        net = T.nn.Sequential(T.nn.Linear(5, 1))
        with T.no_grad():
            net[0].weight.copy_(T.from_numpy(w0.copy()))
            net[0].bias.copy_(T.from_numpy(b0.copy()))
        trainer = T.optim.SGD([{"params": net[0].weight, "weight_decay": 3},
                               {"params": net[0].bias}], lr=0.003)
        loss = T.nn.MSELoss(reduction="none")
        for _ in range(20):
            trainer.zero_grad()
            loss(net(T.from_numpy(X)), T.from_numpy(y)).mean().backward()
            trainer.step()
        results.append((net[0].weight.detach().numpy(), net[0].bias.detach().numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
    assert torch.optim.Optimizer is __import__("arraygrad").optim.Optimizer


# ---------------------------------------------------------------------------- torch.utils.data


def test_dataloader_batches_like_pytorch():
    for T in (torch, real):
        ds = T.utils.data.TensorDataset(T.arange(6.0), T.arange(6))
        batches = list(T.utils.data.DataLoader(ds, 4, num_workers=0))
        assert isinstance(batches[0], list)  # PyTorch's default collation: a list
        assert [len(b[0]) for b in batches] == [4, 2]
    ours = next(iter(data.DataLoader(data.TensorDataset(torch.arange(6.0)), 2, num_workers=4,
                                     shuffle=False)))
    assert ours[0].numpy().tolist() == [0.0, 1.0]


def test_dataloader_sampler_and_items():
    class Rev:
        def __len__(self):
            return 5

        def __iter__(self):
            return iter([4, 3, 2, 1, 0])

    class Items(data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.full((2,), i, dtype=np.float32), i

    for ds in (data.TensorDataset(torch.arange(5)), Items()):
        batches = list(data.DataLoader(ds, 2, sampler=Rev()))
        assert batches[0][0].numpy().ravel().tolist()[:1] == [4]
        assert len(batches) == 3
    x, y = next(iter(data.DataLoader(Items(), 3)))
    assert x.shape == (3, 2) and x.dtype == np.float32 and y.dtype == np.int64
    with pytest.raises(ValueError, match="mutually exclusive"):
        data.DataLoader(Items(), 2, shuffle=True, sampler=Rev())
    parts = data.random_split(Items(), [3, 2])
    assert sorted(int(p[i][1]) for p in parts for i in range(len(p))) == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------------------- distributions


def test_multinomial_matches_pytorch():
    from arraygrad.compat.torch.distributions import multinomial

    fair = torch.ones([6]) / 6
    torch.manual_seed(0)
    s = multinomial.Multinomial(10, fair).sample()
    assert s.shape == (6,) and s.dtype == np.float32 and s.sum().item() == 10
    counts = multinomial.Multinomial(10, fair).sample((500,))
    assert counts.shape == (500, 6) and np.all(counts.numpy().sum(1) == 10)
    est = counts.cumsum(dim=0)
    est = est / est.sum(dim=1, keepdims=True)
    np.testing.assert_allclose(est[-1].numpy(), 1 / 6, atol=0.03)
    value = [2.0, 1, 0, 3, 4, 0]
    probs = np.array([0.1, 0.2, 0.3, 0.1, 0.2, 0.1], dtype=np.float32)
    ours = multinomial.Multinomial(10, torch.tensor(probs)).log_prob(torch.tensor(value))
    theirs = real.distributions.Multinomial(10, real.tensor(probs)).log_prob(
        real.tensor(value))
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-5)


def test_normal_and_categorical_log_prob_match_pytorch():
    from arraygrad.compat.torch import distributions as D

    v = np.array([0.3, -1.2, 2.0], dtype=np.float32)
    ours = D.Normal(torch.tensor(0.5), torch.tensor(2.0)).log_prob(torch.tensor(v))
    theirs = real.distributions.Normal(real.tensor(0.5), real.tensor(2.0)).log_prob(
        real.tensor(v))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    p = np.array([[0.2, 0.8], [0.6, 0.4]], dtype=np.float32)
    ours = D.Categorical(torch.tensor(p)).log_prob(torch.tensor([1, 0]))
    theirs = real.distributions.Categorical(real.tensor(p)).log_prob(real.tensor([1, 0]))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert D.Categorical(torch.tensor(p)).sample((7,)).shape == (7, 2)


# ---------------------------------------------------------------------------- save / load


def test_save_load_roundtrips(tmp_path):
    x = torch.arange(4)
    y = torch.zeros(4)
    torch.save(x, tmp_path / "x")
    assert torch.load(tmp_path / "x").numpy().tolist() == [0, 1, 2, 3]
    torch.save([x, y], tmp_path / "xs")
    x2, y2 = torch.load(tmp_path / "xs")
    assert x2.dtype == np.int64 and y2.dtype == np.float32
    torch.save({"x": x, "y": y}, tmp_path / "d")
    assert set(torch.load(tmp_path / "d")) == {"x", "y"}
    net = nn.Sequential(nn.Linear(3, 2))
    buf = io.BytesIO()
    torch.save(net.state_dict(), buf)
    buf.seek(0)
    clone = nn.Sequential(nn.Linear(3, 2))
    clone.load_state_dict(torch.load(buf))
    X = torch.rand(4, 3)
    assert (clone(X) == net(X)).all()


def test_load_refuses_code_unless_weights_only_false(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("ran",))

    with open(tmp_path / "evil", "wb") as f:
        pickle.dump(Evil(), f)
    with pytest.raises(pickle.UnpicklingError, match="weights_only"):
        torch.load(tmp_path / "evil")
    torch.save({"n": 3, "t": torch.ones(2)}, tmp_path / "ok")
    assert torch.load(tmp_path / "ok", weights_only=False)["n"] == 3


# ---------------------------------------------------------------------------- devices


def test_devices_as_the_use_gpu_chapter_asks():
    assert torch.device("cpu") == "cpu" and torch.device("cuda:1").index == 1
    assert torch.device("cuda", 1) == "cuda:1" and torch.device("cuda").type == "cuda"
    assert str(real.device("cuda", 1)) == "cuda:1"
    with pytest.raises(RuntimeError, match="device type"):
        torch.device("tpu")

    def try_gpu(i=0):  # d2l.try_gpu, verbatim
        if torch.cuda.device_count() >= i + 1:
            return torch.device(f'cuda:{i}')
        return torch.device('cpu')

    dev = try_gpu()
    X = torch.ones(2, 3, device=dev)
    assert X.device == dev and torch.rand(2, 3, device=dev).device == dev
    net = nn.Sequential(nn.Linear(3, 1)).to(device=dev)
    assert net(X).shape == (2, 1) and net[0].weight.data.device == dev
    assert torch.cuda.is_available() == (torch.cuda.device_count() > 0)


# ---------------------------------------------------------------------------- printing


@pytest.mark.parametrize("value", [
    [0.5, 1, 2, 4], [0.0, 0.1667, 0.5], [3.0, 4.0, 6.0], [1e-5, 1.0], [1e9, 2.0],
    [0.1, float("nan"), 2.0], [[0.1, 0.22], [3.5, 4.0]], [-0.25, 7.125], 0.5, 28.0,
    [float("inf"), 1.5], [0.0, 0.0], [12345.678, 1.0], [2000.0, 1.0], [1, 2], [True, False],
])
def test_repr_is_pytorchs(value):
    from arraygrad.compat import print_style

    with print_style("torch"):  # (importing the front door set it; another test may not)
        assert repr(torch.tensor(value)) == repr(real.tensor(value))


def test_max_min_return_types_print_as_pytorchs():
    from arraygrad.compat import print_style

    x = [[1.0, 5.0], [3.0, 2.0]]
    with print_style("torch"):
        for name in ("max", "min"):
            ours = getattr(torch, name)(torch.tensor(x), 1)
            theirs = getattr(real, name)(real.tensor(x), 1)
            assert repr(ours) == repr(theirs)
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
