"""Optimizers: PyTorch's update equations (torch as the oracle), in-place updates without
new allocations, parameter groups, state_dict round trips."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import nn, optim


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _run_both(torch, make_ours, make_theirs, steps=6, shape=(3, 4), seed=0):
    """Apply the same gradient sequence to an arraygrad and a torch parameter."""
    rng = np.random.default_rng(seed)
    init = rng.standard_normal(shape)
    ours = nn.Parameter(init.copy())
    theirs = torch.nn.Parameter(torch.tensor(init.copy()))
    opt_a, opt_b = make_ours([ours]), make_theirs([theirs])
    for _ in range(steps):
        g = rng.standard_normal(shape)
        ours.grad = ag.tensor(g)
        theirs.grad = torch.tensor(g)
        opt_a.step()
        opt_b.step()
    return ours.detach().numpy(), theirs.detach().numpy()


def _cfg_id(cfg):
    return ",".join(f"{k}={v}" for k, v in cfg.items())


SGD_CONFIGS = [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.8, nesterov=True),
    dict(lr=0.1, weight_decay=0.01),
    dict(lr=0.1, momentum=0.9, weight_decay=0.05, nesterov=True),
    dict(lr=0.1, momentum=0.5, dampening=0.1, weight_decay=0.02, maximize=True),
    dict(lr=0.1, maximize=True),
]


@pytest.mark.parametrize("cfg", SGD_CONFIGS, ids=_cfg_id)
def test_sgd_matches_torch(torch, cfg):
    a, b = _run_both(torch, lambda p: optim.SGD(p, **cfg), lambda p: torch.optim.SGD(p, **cfg))
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


ADAM_CONFIGS = [
    dict(lr=0.01),
    dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, amsgrad=True),
    dict(lr=0.01, weight_decay=0.05, amsgrad=True, maximize=True),
]


@pytest.mark.parametrize("cfg", ADAM_CONFIGS, ids=_cfg_id)
@pytest.mark.parametrize("kind", ["Adam", "AdamW"])
def test_adam_and_adamw_match_torch(torch, cfg, kind):
    a, b = _run_both(torch, lambda p: getattr(optim, kind)(p, **cfg),
                     lambda p: getattr(torch.optim, kind)(p, **cfg), steps=10)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_adamw_default_weight_decay_matches_torch(torch):
    a, b = _run_both(torch, lambda p: optim.AdamW(p), lambda p: torch.optim.AdamW(p))
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_float32_parameters_match_torch(torch):
    rng = np.random.default_rng(1)
    init = rng.standard_normal((5,)).astype(np.float32)
    ours = nn.Parameter(init.copy())
    theirs = torch.nn.Parameter(torch.tensor(init.copy()))
    oa = optim.Adam([ours], lr=0.01, weight_decay=0.1)
    ob = torch.optim.Adam([theirs], lr=0.01, weight_decay=0.1)
    for _ in range(5):
        g = rng.standard_normal(5).astype(np.float32)
        ours.grad, theirs.grad = ag.tensor(g), torch.tensor(g)
        oa.step()
        ob.step()
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)


def _buffer_ids(state):
    return {k: id(v.array) for k, v in state.items() if isinstance(v, ag.Tensor)}


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.1),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, maximize=True),
    lambda p: optim.Adam(p, lr=0.01, weight_decay=0.01, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.01, maximize=True),
], ids=["sgd", "sgd-momentum", "sgd-nesterov", "adam", "adamw"])
def test_updates_are_in_place_without_new_allocations(make):
    n = 250_000  # 2 MB per array: any temporary would show up
    p = nn.Parameter(np.random.default_rng(0).standard_normal(n))
    p.grad = ag.tensor(np.random.default_rng(1).standard_normal(n))
    data, grad_data = p.array, p.grad.array
    grad_before = grad_data.copy()
    opt = make([p])
    opt.step()  # the first step allocates the state and scratch buffers
    ids = _buffer_ids(opt.state.get(p, {}))
    before = p.detach().numpy().copy()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        for _ in range(5):
            opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64_000, f"a step allocated {peak} bytes"
    assert p.array is data  # the same array object, updated in place
    assert not np.array_equal(p.detach().numpy(), before)
    assert p.grad.array is grad_data
    np.testing.assert_array_equal(grad_data, grad_before)  # the gradient is not modified
    assert _buffer_ids(opt.state.get(p, {})) == ids  # state buffers are reused


def test_param_groups_and_validation():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["momentum"] == 0.9
    a.grad, b.grad = ag.tensor(np.ones(2)), ag.tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    np.testing.assert_allclose(b.detach().numpy(), 0.5)
    opt.param_groups[0]["lr"] = 0.0  # hyper-parameters are read at every step
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    c = nn.Parameter(np.ones(3))
    opt.add_param_group({"params": [c], "lr": 1.0})
    assert len(opt.param_groups) == 3
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([a * 2], lr=0.1)
    with pytest.raises(TypeError, match="iterable"):
        optim.SGD(a, lr=0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([c], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="learning rate"):
        optim.Adam([c], lr=-1)
    with pytest.raises(ValueError, match="beta"):
        optim.Adam([c], betas=(1.0, 0.9))
    assert "Parameter Group 0" in repr(opt)


def test_zero_grad_skips_and_closure():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    opt = optim.SGD([a, b], lr=0.1)
    a.grad = ag.tensor(np.ones(2))
    opt.step()  # b has no gradient: untouched
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    np.testing.assert_allclose(b.detach().numpy(), 1.0)
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None and not a.grad.detach().numpy().any() and b.grad is None
    opt.zero_grad()
    assert a.grad is None

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss) == pytest.approx(2 * 0.81)
    np.testing.assert_allclose(a.detach().numpy(), 0.9 - 0.1 * 1.8)


def test_step_under_record_does_not_record():
    p = nn.Parameter(np.ones(2))
    p.grad = ag.tensor(np.ones(2))
    opt = optim.Adam([p], lr=0.1)
    with ag.autograd.record():
        opt.step()
    assert p.is_leaf and p.grad_fn is None


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
    lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.01),
], ids=["sgd", "adam", "adamw"])
def test_state_dict_round_trip_continues_identically(tmp_path, make):
    rng = np.random.default_rng(0)
    init = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    grads = [[rng.standard_normal(x.shape) for x in init] for _ in range(6)]
    p1 = [nn.Parameter(x.copy()) for x in init]
    opt1 = make(p1)
    for gs in grads[:3]:
        for p, g in zip(p1, gs):
            p.grad = ag.tensor(g)
        opt1.step()
    ag.save(opt1.state_dict(), tmp_path / "opt.npz")
    p2 = [nn.Parameter(p.detach().numpy().copy()) for p in p1]
    opt2 = make(p2)
    opt2.load_state_dict(ag.load(tmp_path / "opt.npz"))
    for gs in grads[3:]:
        for a, b, g in zip(p1, p2, gs):
            a.grad = ag.tensor(g)
            b.grad = ag.tensor(g)
        opt1.step()
        opt2.step()
    for a, b in zip(p1, p2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    sd = opt1.state_dict()
    assert sd["param_groups"][0]["params"] == [0, 1] and set(sd["state"]) == {0, 1}


def test_load_state_dict_mismatch_leaves_the_optimizer_unchanged():
    a = nn.Parameter(np.ones(3))
    opt = optim.Adam([a], lr=0.01)
    a.grad = ag.tensor(np.ones(3))
    opt.step()
    sd = opt.state_dict()
    b = nn.Parameter(np.ones(4))
    other = optim.Adam([b], lr=0.5)
    b.grad = ag.tensor(np.ones(4))
    other.step()
    before = other.state_dict()
    with pytest.raises(ValueError, match="shape"):
        other.load_state_dict(sd)
    after = other.state_dict()
    assert after["param_groups"][0]["lr"] == 0.5
    np.testing.assert_array_equal(after["state"][0]["exp_avg"].detach().numpy(),
                                  before["state"][0]["exp_avg"].detach().numpy())
    with pytest.raises(ValueError, match="parameter groups"):
        optim.Adam([{"params": [b]}, {"params": [nn.Parameter(np.ones(1))]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="not an optimizer state_dict"):
        other.load_state_dict({"weights": 1})


def test_training_a_model_reduces_the_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = nn.Linear(3, 1, generator=0)
    opt = optim.Adam(model.parameters(), lr=0.1)
    first = None
    for _ in range(200):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X)[:, 0], y)
        loss.backward()
        opt.step()
        first = float(loss) if first is None else first
    assert float(loss) < 1e-4 < first
    np.testing.assert_allclose(model.weight.detach().numpy()[0], [1.0, -2.0, 0.5], atol=1e-2)
