"""The learning layer: nn.functional (against PyTorch as an oracle and finite differences),
Module/Parameter, layers, losses, initialisers, and saving/loading parameters."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import nn
from arraygrad.nn import functional as F

from opcheck import check_op


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def T(torch, a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def leaf(a):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


# ---------------------------------------------------------------------------- activations


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softplus"])
def test_activations_match_torch(torch, rng, name):
    x = rng.standard_normal((4, 5)) * 3
    x[0, 0] = 0.5
    g = rng.standard_normal((4, 5))
    a = leaf(x)
    out = getattr(F, name)(a)
    out.backward(ag.tensor(g))
    t = T(torch, x, True)
    ref = getattr(torch.nn.functional, name)(t) if name != "tanh" else torch.tanh(t)
    ref.backward(T(torch, g))
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(a.grad.detach().numpy(), t.grad.detach().numpy(), rtol=1e-12,
                               atol=1e-15)


def test_grad_fn_names_follow_pytorch():
    x = leaf(np.ones((2, 3)))
    assert F.relu(x).grad_fn.name() == "ReluBackward0"
    assert F.sigmoid(x).grad_fn.name() == "SigmoidBackward0"
    assert F.softmax(x, 1).grad_fn.name() == "SoftmaxBackward0"
    assert F.log_softmax(x, 1).grad_fn.name() == "LogSoftmaxBackward0"
    assert F.cross_entropy(x, np.array([0, 2])).grad_fn.name() == "NllLossBackward0"
    bce = F.binary_cross_entropy_with_logits(x, np.ones((2, 3)))
    assert bce.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
    assert repr(bce.grad_fn).startswith("<BinaryCrossEntropyWithLogitsBackward0 object at")
    w = leaf(np.ones((4, 3)))
    assert F.linear(x, w, leaf(np.ones(4))).grad_fn.name() == "AddmmBackward0"
    assert F.linear(x, w).grad_fn.name() == "MmBackward0"


def test_sigmoid_is_stable_and_accurate_in_both_tails():
    x = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = F.sigmoid(x).detach().numpy()
    np.testing.assert_allclose(s[1], np.exp(-30) / (1 + np.exp(-30)), rtol=1e-14)
    assert s[0] == 0.0 and s[2] == 0.5 and s[4] == 1.0
    np.testing.assert_allclose(F.softplus(np.array([-800.0, 800.0])).detach().numpy(), [0.0, 800.0])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_log_softmax_match_torch(torch, rng, dim):
    x = rng.standard_normal((3, 4, 5)) * 4
    g = rng.standard_normal((3, 4, 5))
    for fn in ("softmax", "log_softmax"):
        a = leaf(x)
        out = getattr(F, fn)(a, dim)
        out.backward(ag.tensor(g))
        t = T(torch, x, True)
        ref = getattr(torch.nn.functional, fn)(t, dim)
        ref.backward(T(torch, g))
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)
        np.testing.assert_allclose(a.grad.detach().numpy(), t.grad.detach().numpy(), rtol=1e-10,
                                   atol=1e-13)


def test_log_softmax_and_logsumexp_are_stable_for_huge_inputs():
    x = np.array([[1000.0, 1000.0, -1000.0], [-1e308, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ls = F.log_softmax(x, 1).detach().numpy()
        lse = F.logsumexp(x, 1).detach().numpy()
    np.testing.assert_allclose(ls[0, :2], np.log(0.5))
    np.testing.assert_allclose(lse[0], 1000 + np.log(2))
    assert np.isfinite(ls[1, 1:]).all()
    np.testing.assert_allclose(F.softmax(x, -1).detach().numpy().sum(-1), 1.0)


def test_logsumexp_matches_torch(torch, rng):
    x = rng.standard_normal((3, 4)) * 10
    for dim, keep in [(None, False), (0, False), (1, True), ((0, 1), False)]:
        a = leaf(x)
        out = F.logsumexp(a, dim, keep)
        out.sum().backward()
        t = T(torch, x, True)
        ref = torch.logsumexp(t, dim if dim is not None else (0, 1), keep)
        ref.sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-13)
        np.testing.assert_allclose(a.grad.detach().numpy(), t.grad.detach().numpy(), rtol=1e-12)


# ---------------------------------------------------------------------------- second order


def test_primitives_pass_gradcheck_and_gradgradcheck(rng):
    x = rng.standard_normal((3, 4))
    p = rng.uniform(0.1, 0.9, (3, 4))
    y = rng.uniform(0.0, 1.0, (3, 4))
    labels = np.array([0, 3, 1])
    w = rng.standard_normal((5, 4))
    b = rng.standard_normal(5)
    check_op(F.sigmoid, [x])
    check_op(F.softplus, [x])
    check_op(lambda a: F.softmax(a, 1), [x])
    check_op(lambda a: F.log_softmax(a, 0), [x])
    check_op(lambda a: F.logsumexp(a, 1), [x])
    check_op(F.relu, [x + 0.05])
    check_op(lambda a: F.cross_entropy(a, labels), [x])
    check_op(lambda a: F.cross_entropy(a, labels, reduction="none"), [x])
    check_op(lambda a, t: F.cross_entropy(a, t), [x, F.softmax(y, 1).detach().numpy()])
    check_op(lambda a: F.nll_loss(F.log_softmax(a, 1), labels, reduction="sum"), [x])
    check_op(lambda a, t: F.binary_cross_entropy_with_logits(a, t), [x, y])
    check_op(lambda a, t: F.binary_cross_entropy_with_logits(
        a, t, pos_weight=np.array([1.0, 2.0, 0.5, 3.0]), reduction="sum"), [x, y])
    check_op(lambda a, t: F.binary_cross_entropy(a, t, reduction="none"), [p, y])
    check_op(lambda a, t: F.mse_loss(a, t), [x, y])
    check_op(lambda a, ww, bb: F.linear(a, ww, bb), [x, w, b])
    check_op(lambda a, ww: F.linear(a, ww), [x, w])
    check_op(lambda a, ww, bb: F.linear(a, ww, bb), [rng.standard_normal((2, 3, 4)), w, b])


# ---------------------------------------------------------------------------- losses


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_class_indices_match_torch(torch, rng, reduction):
    x = rng.standard_normal((6, 5)) * 3
    t = np.array([0, 4, 2, 2, 1, 3])
    weight = rng.uniform(0.5, 2.0, 5)
    for kw in [{}, {"weight": weight}, {"ignore_index": 2}, {"label_smoothing": 0.1},
               {"weight": weight, "label_smoothing": 0.2, "ignore_index": 4}]:
        a = leaf(x)
        out = F.cross_entropy(a, t, reduction=reduction, **kw)
        out.sum().backward()
        tx = T(torch, x, True)
        tkw = {k: (T(torch, v) if k == "weight" else v) for k, v in kw.items()}
        ref = torch.nn.functional.cross_entropy(tx, torch.tensor(t), reduction=reduction,
                                                **tkw)
        ref.sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12,
                                   err_msg=kw)
        np.testing.assert_allclose(a.grad.detach().numpy(), tx.grad.detach().numpy(), rtol=1e-10,
                                   atol=1e-14,
                                   err_msg=str(kw))


def test_cross_entropy_probabilities_and_spatial_match_torch(torch, rng):
    x = rng.standard_normal((4, 3))
    probs = F.softmax(rng.standard_normal((4, 3)), 1).detach().numpy()
    for kw in [{}, {"label_smoothing": 0.3}, {"weight": np.array([1.0, 2.0, 0.5])},
               {"reduction": "sum"}, {"reduction": "none"}]:
        a = leaf(x)
        out = F.cross_entropy(a, probs, **kw)
        out.sum().backward()
        tx = T(torch, x, True)
        tkw = {k: (T(torch, v) if k == "weight" else v) for k, v in kw.items()}
        ref = torch.nn.functional.cross_entropy(tx, T(torch, probs), **tkw)
        ref.sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(a.grad.detach().numpy(), tx.grad.detach().numpy(), rtol=1e-10)
    # (N, C, d) inputs with (N, d) targets, and a single example (C,) with a scalar target
    x3 = rng.standard_normal((2, 4, 3))
    t3 = np.array([[0, 3, 1], [2, 2, 0]])
    a = leaf(x3)
    out = F.cross_entropy(a, t3)
    out.backward()
    tx = T(torch, x3, True)
    ref = torch.nn.functional.cross_entropy(tx, torch.tensor(t3))
    ref.backward()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(a.grad.detach().numpy(), tx.grad.detach().numpy(), rtol=1e-10)
    one = F.cross_entropy(np.array([1.0, 2.0, 3.0]), np.array(2))
    ref1 = torch.nn.functional.cross_entropy(T(torch, [1.0, 2.0, 3.0]), torch.tensor(2))
    np.testing.assert_allclose(one.detach().numpy(), ref1.detach().numpy())


def test_nll_loss_errors_are_clear():
    logp = F.log_softmax(np.zeros((2, 3)), 1)
    with pytest.raises(IndexError, match="out of bounds"):
        F.nll_loss(logp, np.array([0, 3]))
    with pytest.raises(ValueError, match="target of shape"):
        F.nll_loss(logp, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="input's shape"):
        F.cross_entropy(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), reduction="avg")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_matches_torch_including_target_grad(torch, rng, reduction):
    x = rng.standard_normal((3, 4)) * 5
    x[0, 0], x[0, 1] = 60.0, -60.0
    y = rng.uniform(0, 1, (3, 4))
    for kw in [{}, {"weight": rng.uniform(0.5, 2, (3, 4))},
               {"pos_weight": rng.uniform(0.5, 3, 4)}]:
        a, b = leaf(x), leaf(y)
        out = F.binary_cross_entropy_with_logits(a, b, reduction=reduction, **kw)
        out.sum().backward()
        tx, ty = T(torch, x, True), T(torch, y, True)
        tkw = {k: T(torch, v) for k, v in kw.items()}
        ref = torch.nn.functional.binary_cross_entropy_with_logits(tx, ty, reduction=reduction,
                                                                   **tkw)
        ref.sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(a.grad.detach().numpy(), tx.grad.detach().numpy(), rtol=1e-10,
                                   atol=1e-15)
        np.testing.assert_allclose(b.grad.detach().numpy(), ty.grad.detach().numpy(), rtol=1e-10,
                                   atol=1e-15)


def test_bce_with_logits_extreme_logits_are_finite():
    x = leaf([1e4, -1e4, 0.0])
    loss = F.binary_cross_entropy_with_logits(x, np.array([0.0, 1.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [1e4, 1e4, np.log(2)])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [1.0, -1.0, -0.5])


def test_bce_and_mse_match_torch(torch, rng):
    p = rng.uniform(0.01, 0.99, (3, 4))
    p[0, 0], p[0, 1] = 0.0, 1.0  # clamped logs: finite, as in PyTorch
    y = rng.uniform(0, 1, (3, 4))
    for reduction in ("mean", "sum", "none"):
        a, b = leaf(p), leaf(y)
        out = F.binary_cross_entropy(a, b, reduction=reduction)
        out.sum().backward()
        tp, ty = T(torch, p, True), T(torch, y, True)
        ref = torch.nn.functional.binary_cross_entropy(tp, ty, reduction=reduction)
        ref.sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(a.grad.detach().numpy(), tp.grad.detach().numpy(), rtol=1e-9)
        # at p = 0 or 1 PyTorch's target gradient is inf; ours is the derivative of the
        # clamped loss that is computed (finite); elsewhere they agree
        np.testing.assert_allclose(b.grad.detach().numpy()[1:], ty.grad.detach().numpy()[1:],
                                   rtol=1e-12)
        np.testing.assert_allclose(b.grad.detach().numpy()[0, 2:],
                                   ty.grad.detach().numpy()[0, 2:], rtol=1e-12)
        assert np.isfinite(b.grad.detach().numpy()).all()
        a, b = leaf(p), leaf(y)
        out = F.mse_loss(a, b, reduction=reduction)
        out.sum().backward()
        tp, ty = T(torch, p, True), T(torch, y, True)
        ref = torch.nn.functional.mse_loss(tp, ty, reduction=reduction)
        ref.sum().backward()
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-13)
        np.testing.assert_allclose(a.grad.detach().numpy(), tp.grad.detach().numpy(), rtol=1e-13)
        np.testing.assert_allclose(b.grad.detach().numpy(), ty.grad.detach().numpy(), rtol=1e-13)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.binary_cross_entropy(np.array([1.5]), np.array([1.0]))
    with pytest.raises(ValueError, match="target size"):
        F.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(4))


def test_loss_modules_equal_functional(rng):
    x = rng.standard_normal((5, 3))
    t = np.array([0, 2, 1, 1, 0])
    y = rng.uniform(0, 1, (5, 3))
    w = np.array([1.0, 2.0, 3.0])
    assert float(nn.CrossEntropyLoss(weight=w)(x, t)) == float(F.cross_entropy(x, t, w))
    assert float(nn.NLLLoss(reduction="sum")(F.log_softmax(x, 1), t)) == float(
        F.nll_loss(F.log_softmax(x, 1), t, reduction="sum"))
    assert float(nn.MSELoss()(x, y)) == float(F.mse_loss(x, y))
    assert float(nn.BCELoss()(F.sigmoid(x), y)) == pytest.approx(
        float(F.binary_cross_entropy_with_logits(x, y)), rel=1e-12)
    assert float(nn.BCEWithLogitsLoss(pos_weight=w)(x, y)) == float(
        F.binary_cross_entropy_with_logits(x, y, pos_weight=w))
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"


# ---------------------------------------------------------------------------- layers


def test_linear_uses_pytorch_layout_and_matches_torch(torch, rng):
    lin = nn.Linear(4, 3, generator=0)
    assert lin.weight.shape == (3, 4) and lin.bias.shape == (3,)
    assert np.all(np.abs(lin.weight.detach().numpy()) <= 0.5)
    assert np.all(np.abs(lin.bias.detach().numpy()) <= 0.5)
    x = rng.standard_normal((5, 4))
    out = lin(x)
    np.testing.assert_allclose(out.detach().numpy(),
                               x @ lin.weight.detach().numpy().T + lin.bias.detach().numpy())
    out.sum().backward()
    tl = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        tl.weight.copy_(T(torch, lin.weight.detach().numpy()))
        tl.bias.copy_(T(torch, lin.bias.detach().numpy()))
    tl(T(torch, x)).sum().backward()
    np.testing.assert_allclose(lin.weight.grad.detach().numpy(), tl.weight.grad.detach().numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(lin.bias.grad.detach().numpy(), tl.bias.grad.detach().numpy(),
                               rtol=1e-12)
    # one example (1-D) and a batch of sequences (3-D)
    np.testing.assert_allclose(lin(x[0]).detach().numpy(), out.detach().numpy()[0])
    x3 = rng.standard_normal((2, 5, 4))
    np.testing.assert_allclose(lin(x3).detach().numpy(),
                               x3 @ lin.weight.detach().numpy().T + lin.bias.detach().numpy())
    assert repr(lin) == "Linear(in_features=4, out_features=3, bias=True)"
    assert nn.Linear(4, 3, bias=False).bias is None
    # the same generator seed gives the same weights; the default dtype is float64
    np.testing.assert_array_equal(nn.Linear(4, 3, generator=0).weight.detach().numpy(),
                                  lin.weight.detach().numpy())
    assert lin.weight.dtype == np.float64
    assert nn.Linear(2, 2, dtype="float32").weight.dtype == np.float32


def test_sequential_and_repr():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 2),
                          nn.LogSoftmax(1))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=8, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.25)\n"
        "  (3): Linear(in_features=8, out_features=2, bias=True)\n"
        "  (4): LogSoftmax(dim=1)\n"
        ")"
    )
    assert len(model) == 5 and isinstance(model[0], nn.Linear) and model[-1] is model[4]
    assert len(model[:2]) == 2 and model[:2][0] is model[0]
    with pytest.raises(IndexError):
        model[5]
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "3.weight",
                                                        "3.bias"]
    assert model.num_parameters() == 4 * 8 + 8 + 8 * 2 + 2
    model.eval()
    out = model(np.ones((3, 4)))
    np.testing.assert_allclose(np.exp(out.detach().numpy()).sum(1), 1.0)
    model.append(nn.Identity())
    assert len(model) == 6


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.Tanh())
        self.head = nn.Linear(4, 2)
        self.scale = nn.Parameter(np.ones(1))
        self.register_buffer("steps", ag.tensor(np.zeros((), dtype=np.int64)))
        self.note = "not registered"

    def forward(self, x):
        return self.head(self.body(x)) * self.scale


def test_module_registration_and_traversal():
    m = MLP()
    assert [n for n, _ in m.named_parameters()] == ["scale", "body.0.weight", "body.0.bias",
                                                    "head.weight", "head.bias"]
    assert [n for n, _ in m.named_children()] == ["body", "head"]
    assert [n for n, _ in m.named_modules()] == ["", "body", "body.0", "body.1", "head"]
    assert len(list(m.modules())) == 5 and list(m.children())[1] is m.head
    assert [n for n, _ in m.named_buffers()] == ["steps"]
    assert list(m.state_dict()) == ["scale", "steps", "body.0.weight", "body.0.bias",
                                    "head.weight", "head.bias"]
    assert isinstance(m.scale, nn.Parameter) and isinstance(m.scale, ag.Tensor)
    assert m.scale.requires_grad and m.scale.is_leaf
    assert "scale" in dir(m) and m.note == "not registered"
    # shared parameters are listed once
    m.head.weight = m.head.weight  # re-assignment keeps one entry
    shared = nn.Sequential(m.head, m.head)
    assert len(list(shared.parameters())) == 2
    # register_parameter / add_module, None entries and errors
    m.register_parameter("extra", None)
    assert m.extra is None and "extra" not in dict(m.named_parameters())
    m.add_module("tail", nn.ReLU())
    assert m.tail.__class__ is nn.ReLU
    with pytest.raises(KeyError):
        m.register_parameter("a.b", nn.Parameter(np.ones(1)))
    with pytest.raises(TypeError):
        m.register_parameter("bad", ag.tensor([1.0]))
    with pytest.raises(TypeError):
        m.head = "text"

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(2))

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Early()
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        m.nothing
    del m.tail
    assert "tail" not in dict(m.named_children())


def test_module_call_forward_hooks_and_gradients():
    m = MLP()
    x = np.ones((2, 3))
    seen = []
    h = m.register_forward_hook(lambda mod, args, out: seen.append(out.shape))
    out = m(x)
    assert seen == [(2, 2)]
    h.remove()
    m(x)
    assert len(seen) == 1
    out.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m(x).sum().backward()
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.detach().numpy().any() for p in m.parameters())


def test_parameter_basics():
    data = np.arange(3.0)
    p = nn.Parameter(data)
    assert p.array is data and p.requires_grad and p.grad is None
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert type(p * 2) is ag.Tensor
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.array is not p.array
    np.testing.assert_array_equal(q.detach().numpy(), data)
    frozen = nn.Parameter(np.ones(2), requires_grad=False)
    assert not frozen.requires_grad


def test_train_eval_and_dropout_modes():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    assert model.training and model[1].training and model[1].is_training()
    model.eval()
    assert not model.training and not model[1].training
    assert model.train() is model and model[1].training
    x = ag.tensor(np.ones((200, 50)))
    drop = nn.Dropout(0.5, generator=0)
    y = drop(x).detach().numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.3 < (y == 0).mean() < 0.7
    drop.eval()
    assert drop(x) is x
    drop.train()
    # MXNet idiom: record() keeps training mode; record(train_mode=False) and
    # predict_mode() switch a training model to prediction; eval() always wins.
    with ag.autograd.record():
        assert drop.is_training() and (drop(x).detach().numpy() == 0).any()
        with ag.autograd.predict_mode():
            assert not drop.is_training() and drop(x) is x
    with ag.autograd.record(train_mode=False):
        assert drop(x) is x
    drop.eval()
    with ag.autograd.record():
        assert drop(x) is x


def test_functional_dropout_scaling_and_seeding():
    x = ag.tensor(np.ones((1000,)))
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.3, training=False) is x
    assert not F.dropout(x, 1.0).detach().numpy().any()
    a = F.dropout(x, 0.3, generator=7).detach().numpy()
    b = F.dropout(x, 0.3, generator=np.random.default_rng(7)).detach().numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.unique(a), [0.0, 1 / 0.7])
    np.random.seed(3)
    c = F.dropout(x, 0.5).detach().numpy()
    np.random.seed(3)
    np.testing.assert_array_equal(F.dropout(x, 0.5).detach().numpy(), c)
    with pytest.raises(ValueError):
        F.dropout(x, 1.5)
    w = leaf(np.ones(4))
    F.dropout(w, 0.5, generator=1).sum().backward()
    assert set(np.unique(w.grad.detach().numpy())) <= {0.0, 2.0}


def test_other_layers_and_helpers():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Identity()(x) is x
    np.testing.assert_allclose(nn.Softmax(-1)(x).detach().numpy().sum(-1), 1.0)
    assert float(nn.Sigmoid()(np.zeros(1))[0]) == 0.5
    assert float(nn.Tanh()(np.zeros(1))[0]) == 0.0
    np.testing.assert_array_equal(nn.ReLU()(np.array([-1.0, 2.0])).detach().numpy(), [0.0, 2.0])
    np.testing.assert_array_equal(nn.LeakyReLU(0.1)(np.array([-1.0, 2.0])).detach().numpy(),
                                  [-0.1, 2.0])
    oh = F.one_hot(np.array([0, 2, 1]), 4)
    np.testing.assert_array_equal(oh.detach().numpy(), np.eye(4, dtype=np.int64)[[0, 2, 1]])
    assert F.one_hot(np.array([[1], [3]])).shape == (2, 1, 4)
    with pytest.raises(ValueError):
        F.one_hot(np.array([5]), 3)
    w1, w2 = leaf([[1.0, 2.0]]), leaf([3.0])
    pen = F.l2_penalty([w1, w2])
    assert float(pen) == pytest.approx((1 + 4 + 9) / 2)
    pen.backward()
    np.testing.assert_allclose(w1.grad.detach().numpy(), [[1.0, 2.0]])
    assert float(F.l2_penalty(w2)) == 4.5


def test_module_to_dtype_keeps_parameter_identity():
    m = nn.Linear(3, 2)
    w = m.weight
    m.to("float32")
    assert m.weight is w and w.dtype == np.float32 and m.bias.dtype == np.float32
    assert m(np.ones((1, 3), dtype=np.float32)).dtype == np.float32
    m.double()
    assert w.dtype == np.float64


def test_module_works_in_the_mxnet_idiom():
    m = nn.Linear(3, 1, generator=1)
    for p in m.parameters():
        p.attach_grad()
    x = ag.tensor(np.ones((4, 3)))
    with ag.autograd.record():
        loss = (m(x) ** 2).mean()
    loss.backward()
    buf = m.weight.grad
    expected = (2 * m(x).detach().numpy() * x.detach().numpy()).mean(0, keepdims=True)
    np.testing.assert_allclose(buf.detach().numpy(), expected)
    m.zero_grad()  # MXNet buffers are zeroed in place, not dropped
    assert m.weight.grad is buf and not buf.detach().numpy().any()


# ---------------------------------------------------------------------------- init


def test_init_functions_are_in_place_seeded_and_unrecorded():
    w = nn.Parameter(np.empty((200, 300)))
    data = w.array
    v0 = w._version
    out = nn.init.xavier_uniform_(w, generator=0)
    assert out is w and w.array is data and w.is_leaf and w._version > v0
    bound = np.sqrt(6 / (200 + 300))
    top = np.abs(w.detach().numpy()).max()
    assert top <= bound and top > 0.95 * bound
    first = w.detach().numpy().copy()
    nn.init.xavier_uniform_(w, generator=0)
    np.testing.assert_array_equal(w.detach().numpy(), first)
    nn.init.xavier_normal_(w, generator=1)
    assert w.detach().numpy().std() == pytest.approx(np.sqrt(2 / 500), rel=0.03)
    nn.init.kaiming_normal_(w, nonlinearity="relu", generator=2)
    assert w.detach().numpy().std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)
    nn.init.kaiming_uniform_(w, a=np.sqrt(5), generator=3)
    assert np.abs(w.detach().numpy()).max() <= 1 / np.sqrt(300)
    nn.init.normal_(w, 1.0, 0.1, generator=4)
    assert w.detach().numpy().mean() == pytest.approx(1.0, abs=0.01)
    nn.init.uniform_(w, -2, -1, generator=5)
    assert w.detach().numpy().min() >= -2 and w.detach().numpy().max() <= -1
    np.random.seed(0)
    nn.init.uniform_(w)
    np.random.seed(0)
    np.testing.assert_array_equal(
        nn.init.uniform_(nn.Parameter(np.empty((200, 300)))).detach().numpy(),
        w.detach().numpy())
    nn.init.zeros_(w)
    assert not w.detach().numpy().any()
    nn.init.ones_(w)
    assert (w.detach().numpy() == 1).all()
    nn.init.constant_(w, 0.5)
    assert (w.detach().numpy() == 0.5).all()
    with ag.autograd.record():
        nn.init.normal_(w)
    assert w.is_leaf and w.grad_fn is None
    with pytest.raises(ValueError, match="fewer than 2"):
        nn.init.xavier_uniform_(nn.Parameter(np.empty(3)))
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)


# ---------------------------------------------------------------------------- state


def test_state_dict_roundtrip_and_strict_checks():
    a, b = MLP(), MLP()
    b.load_state_dict(a.state_dict())
    for (n1, p1), (n2, p2) in zip(a.state_dict().items(), b.state_dict().items()):
        assert n1 == n2
        np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy())
    # the values share memory with the model, detached
    sd = a.state_dict()
    assert sd["head.weight"].array is a.head.weight.array and not sd["head.weight"].requires_grad
    w_before = b.head.weight.array
    b.load_state_dict(a.state_dict())
    assert b.head.weight.array is w_before  # copied in place

    def snapshot(m):
        return {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}

    before = snapshot(b)
    bad = a.state_dict()
    bad["head.weight"] = ag.tensor(np.zeros((5, 5)))
    bad["scale"] = ag.tensor(np.zeros(1, dtype=np.float32))
    bad["head.bias"] = ag.tensor(np.full(2, 7.0))  # valid: must not be copied either
    bad["surprise"] = ag.tensor(np.zeros(1))
    del bad["body.0.bias"]
    with pytest.raises(RuntimeError) as err:
        b.load_state_dict(bad)
    msg = str(err.value)
    for text in ("size mismatch for head.weight", "(5, 5)", "(2, 4)", "dtype mismatch for scale",
                 "Unexpected key(s) in state_dict: 'surprise'",
                 "Missing key(s) in state_dict: 'body.0.bias'", "not changed"):
        assert text in msg, text
    after = snapshot(b)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    # strict=False tolerates names, not shapes
    partial = a.state_dict()
    del partial["head.bias"]
    partial["other"] = ag.tensor(np.ones(1))
    result = b.load_state_dict(partial, strict=False)
    assert result.missing_keys == ["head.bias"] and result.unexpected_keys == ["other"]
    with pytest.raises(RuntimeError, match="size mismatch"):
        b.load_state_dict({"head.weight": np.zeros(3)}, strict=False)


def test_save_and_load_parameters_as_npz(tmp_path):
    a, b = MLP(), MLP()
    path = tmp_path / "model.npz"
    ag.save(a.state_dict(), path)
    loaded = ag.load(path)
    assert list(loaded) == list(a.state_dict())
    assert isinstance(loaded["head.weight"], ag.Tensor)
    b.load_state_dict(loaded)
    np.testing.assert_array_equal(b.head.weight.detach().numpy(), a.head.weight.detach().numpy())
    assert loaded["steps"].dtype == np.int64
    # readable with plain NumPy, without pickle
    with np.load(path, allow_pickle=False) as f:
        np.testing.assert_array_equal(f["head.weight"], a.head.weight.detach().numpy())
    # a Module can be saved directly; no temporary files are left behind
    ag.save(a, tmp_path / "direct.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["direct.npz", "model.npz"]
    # a plain np.savez file of named arrays loads as a state_dict
    np.savez(tmp_path / "plain.npz", **{k: v.detach().numpy() for k, v in a.state_dict().items()})
    b.load_state_dict(ag.load(tmp_path / "plain.npz"))


def test_corrupt_or_mismatched_checkpoints_fail_clearly_and_leave_the_model(tmp_path):
    a, b = MLP(), MLP()
    good = tmp_path / "good.npz"
    ag.save(a, good)
    before = {k: v.detach().numpy().copy() for k, v in b.state_dict().items()}
    raw = good.read_bytes()
    cases = {
        "garbage.npz": b"this is not a checkpoint at all",
        "truncated.npz": raw[: len(raw) // 2],
        "flipped.npz": raw[:60] + bytes([raw[60] ^ 0xFF]) + raw[61:],
    }
    for name, content in cases.items():
        p = tmp_path / name
        p.write_bytes(content)
        with pytest.raises(ag.serialization.CheckpointError, match="checkpoint"):
            b.load_state_dict(ag.load(p))
    # a pickled object array is refused, never unpickled
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ag.serialization.CheckpointError):
        ag.load(tmp_path / "obj.npy")
    # a checkpoint of another model: load_state_dict refuses it whole
    other = nn.Linear(3, 4)
    ag.save(other, tmp_path / "other.npz")
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict"):
        b.load_state_dict(ag.load(tmp_path / "other.npz"))
    with pytest.raises(FileNotFoundError):
        ag.load(tmp_path / "missing.npz")
    after = {k: v.detach().numpy() for k, v in b.state_dict().items()}
    assert all(np.array_equal(before[k], after[k]) for k in before)
    with pytest.raises(TypeError, match="no pickle"):
        ag.save({"f": lambda: 1}, tmp_path / "bad.npz")
    assert not (tmp_path / "bad.npz").exists()


def test_save_nested_structures(tmp_path):
    obj = {"model": {"w": ag.tensor(np.ones((2, 2)))}, "step": 3, "lr": 0.1,
           "betas": (0.9, 0.999), "names": ["a", "b"], "none": None, "inf": float("inf"),
           "raw": np.arange(3), 5: "int key"}
    ag.save(obj, tmp_path / "nested.npz")
    back = ag.load(tmp_path / "nested.npz")
    assert back["step"] == 3 and back["lr"] == 0.1 and back["betas"] == (0.9, 0.999)
    assert back["names"] == ["a", "b"] and back["none"] is None and back["inf"] == float("inf")
    assert back[5] == "int key"
    assert isinstance(back["raw"], np.ndarray) and isinstance(back["model"]["w"], ag.Tensor)
    np.testing.assert_array_equal(back["model"]["w"].detach().numpy(), np.ones((2, 2)))
