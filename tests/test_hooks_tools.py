"""Hooks (tensor, node pre/post, saved tensors), checkpointing and anomaly detection."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp
from arraygrad.autograd.graph import disable_saved_tensors_hooks, saved_tensors_hooks
from arraygrad.core.mode import SWITCHES


def close(a, b, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------- node hooks


def test_node_post_hook_sees_and_replaces_grad_inputs():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = {}

    def post(grad_inputs, grad_outputs):
        seen["in"] = [g.numpy().copy() for g in grad_inputs]
        seen["out"] = [g.numpy().copy() for g in grad_outputs]
        return tuple(g * 2 for g in grad_inputs)

    handle = y.grad_fn.register_hook(post)
    y.sum().backward()
    close(seen["out"][0], [1.0, 1.0])
    close(seen["in"][0], [3.0, 3.0])
    close(x.grad, [6.0, 6.0])
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    close(x.grad, [3.0, 3.0])


def test_node_pre_hook_replaces_grad_outputs_and_order():
    x = ag.tensor(2.0, requires_grad=True)
    y = x * x
    order = []
    y.grad_fn.register_prehook(lambda gs: order.append("pre") or (gs[0] * 10,))
    y.grad_fn.register_hook(lambda gi, go: order.append("post"))
    y.register_hook(lambda g: order.append("tensor") or None)
    y.backward()
    assert sorted(order[:2]) == ["pre", "tensor"] and order[2] == "post"
    close(x.grad, 40.0)


def test_hooks_on_leaf_accumulator():
    x = ag.tensor([1.0, 1.0], requires_grad=True)
    calls = []
    acc = (x * 2).grad_fn.next_functions[0][0]
    assert acc.name() == "AccumulateGrad" and acc.variable is x
    acc.register_hook(lambda gi, go: calls.append(go[0].numpy().copy()))
    (x * 2).sum().backward()
    close(calls[0], [2.0, 2.0])


def test_hook_removal_with_context_manager():
    x = ag.tensor(1.0, requires_grad=True)
    with x.register_hook(lambda g: g * 100):
        (x * 1).backward()
    close(x.grad, 100.0)
    (x * 1).backward()
    close(x.grad, 101.0)


# ---------------------------------------------------------------------------- saved tensors


def test_saved_tensors_hooks_pack_unpack_calls():
    packed, unpacked = [], []

    def pack(t):
        packed.append(tuple(t.shape))
        return ("box", t)

    def unpack(p):
        unpacked.append(p[0])
        return p[1]

    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with saved_tensors_hooks(pack, unpack):
        y = (anp.tanh(x) * x).sum()  # tanh saves its output, mul its two inputs
    assert len(packed) == 3
    assert not unpacked  # nothing yet
    y.backward()
    assert len(unpacked) == 3
    close(x.grad, np.tanh(x.numpy()) + x.numpy() * (1 - np.tanh(x.numpy()) ** 2))
    assert not SWITCHES.extras and SWITCHES.on_record is None  # the fast path is back


def test_saved_tensors_hooks_compress():
    x = ag.tensor(np.linspace(-1, 1, 5), requires_grad=True)
    with saved_tensors_hooks(lambda t: t.numpy().astype(np.float16),
                             lambda a: ag.tensor(a.astype(np.float64))):
        y = (x * x * x).sum()
    y.backward()
    close(x.grad, 3 * x.numpy() ** 2, rtol=1e-2, atol=1e-3)


def test_saved_tensors_hooks_nesting_and_disable():
    outer, inner = [], []
    x = ag.tensor(1.0, requires_grad=True)
    with saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
        a = x * x
        with saved_tensors_hooks(lambda t: inner.append(1) or t, lambda t: t):
            b = a * x
        with disable_saved_tensors_hooks():
            c = b * x
    assert len(outer) == 2 and len(inner) == 2
    c.backward()
    close(x.grad, 4.0)


def test_saved_tensors_hooks_freed_graph_and_retain_and_double_backward():
    x = ag.tensor([0.5, 1.5], requires_grad=True)
    ident = (lambda t: t, lambda t: t)
    with saved_tensors_hooks(*ident):
        y = (anp.sin(x) * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(ag.GraphError, match="second time"):
        y.backward()
    with saved_tensors_hooks(*ident):
        y = (anp.sin(x) * x).sum()
    (g,) = ag.autograd.grad(y, x, create_graph=True)
    (gg,) = ag.autograd.grad(g.sum(), x)
    xv = x.numpy()
    close(gg, 2 * np.cos(xv) - xv * np.sin(xv))


def test_save_on_cpu_is_transparent_on_numpy():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.autograd.graph.save_on_cpu():
        y = (anp.exp(x) * x).sum()
    y.backward()
    close(x.grad, np.exp([1.0, 2.0]) * (1 + np.array([1.0, 2.0])))


# ---------------------------------------------------------------------------- checkpoint


def _mlp(h, weights):
    for w in weights:
        h = anp.tanh(h @ w)
    return h


def test_checkpoint_same_gradients_and_closure_params():
    rng = np.random.default_rng(0)
    W = [ag.tensor(rng.standard_normal((6, 6)) * 0.4, requires_grad=True) for _ in range(4)]
    x = ag.tensor(rng.standard_normal((3, 6)), requires_grad=True)
    out = ag.checkpoint(lambda h: _mlp(h, W[:2]), x)  # W[:2] through a closure
    out = ag.checkpoint(_mlp, out, W[2:])
    out.sum().backward()
    ref = [w.grad.numpy().copy() for w in W] + [x.grad.numpy().copy()]
    for t in [*W, x]:
        t.grad = None
    _mlp(_mlp(x, W[:2]), W[2:]).sum().backward()
    for a, t in zip(ref, [*W, x]):
        close(a, t.grad, rtol=1e-12)


def test_checkpoint_recomputes_once_and_works_with_autograd_grad():
    calls = []

    def seg(x):
        calls.append(1)
        return anp.sin(x) * x

    x = ag.tensor([0.3, 0.7], requires_grad=True)
    y = ag.checkpoint(seg, x).sum()
    assert len(calls) == 1
    (g,) = ag.autograd.grad(y, x)
    assert len(calls) == 2
    xv = x.numpy()
    close(g, np.cos(xv) * xv + np.sin(xv))
    assert x.grad is None


def test_checkpoint_double_backward_and_functional():
    f = lambda x: ag.checkpoint(lambda a: anp.sin(a) * a, x).sum()  # noqa: E731
    xv = np.array([0.3, 0.7])
    close(ag.grad(f)(xv), np.cos(xv) * xv + np.sin(xv))
    close(ag.hessian(f)(xv), np.diag(2 * np.cos(xv) - xv * np.sin(xv)))


def test_checkpoint_preserves_rng_state():
    def dropout(x):
        mask = anp.random.random_sample(x.shape) > 0.5
        return x * ag.tensor(mask.astype(float) if hasattr(mask, "astype") else mask) * 2.0

    x = ag.tensor(np.ones(50), requires_grad=True)
    np.random.seed(0)
    y = ag.checkpoint(dropout, x)
    expected = y.numpy() / 2.0  # the mask of the first run
    y.sum().backward()
    close(x.grad, 2.0 * expected)


def test_checkpoint_sequential_and_no_grad():
    rng = np.random.default_rng(1)
    Ws = [ag.tensor(rng.standard_normal((4, 4)) * 0.5, requires_grad=True) for _ in range(6)]
    fns = [lambda h, w=w: anp.tanh(h @ w) for w in Ws]
    x = ag.tensor(rng.standard_normal((2, 4)))
    ag.checkpoint_sequential(fns, 3, x).sum().backward()
    ref = [w.grad.numpy().copy() for w in Ws]
    for w in Ws:
        w.grad = None
    _mlp(x, Ws).sum().backward()
    for a, w in zip(ref, Ws):
        close(a, w.grad)
    with ag.no_grad():
        assert not ag.checkpoint(_mlp, x, Ws).requires_grad


def test_checkpoint_saves_memory():
    rng = np.random.default_rng(2)
    n, width, depth = 512, 32, 12
    W = [ag.tensor(rng.standard_normal((width, width)) / np.sqrt(width), requires_grad=True)
         for _ in range(depth)]
    x = ag.tensor(rng.standard_normal((n, width)))

    def peak(use_checkpoint):
        gc.collect()
        tracemalloc.start()
        if use_checkpoint:
            h = x
            for k in range(0, depth, 4):
                h = ag.checkpoint(_mlp, h, W[k:k + 4])
        else:
            h = _mlp(x, W)
        h.sum().backward()
        p = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        for w in W:
            w.grad = None
        return p

    plain, ckpt = peak(False), peak(True)
    assert ckpt < 0.8 * plain, (plain, ckpt)


def test_checkpoint_detects_different_recomputation():
    state = {"n": 0}

    def flaky(x):
        state["n"] += 1
        y = anp.sin(x)  # made inside the segment: recomputed in backward
        return y * y if state["n"] == 1 else y * y * y

    y = ag.checkpoint(flaky, ag.tensor(2.0, requires_grad=True))
    with pytest.raises(RuntimeError, match="same operations"):
        y.backward()


# ---------------------------------------------------------------------------- anomaly


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_op_and_forward_line():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly():
        y = anp.sqrt(x)  # the gradient of sqrt at 0 is inf
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
    msg = str(info.value)
    assert "SqrtBackward0" in msg and "inf values" in msg
    assert "test_hooks_tools.py" in msg and "y = anp.sqrt(x)" in msg
    assert not ag.autograd.is_anomaly_enabled()
    assert not SWITCHES.extras and SWITCHES.on_record is None


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_nan_through_log():
    x = ag.tensor([0.0, 2.0], requires_grad=True)
    with ag.detect_anomaly():
        y = x * anp.log(x)  # 0 * -inf = nan in the forward; the backward of log gives inf
        with pytest.raises(ag.autograd.anomaly.AnomalyError, match="returned (nan|inf) values"):
            y.sum().backward()


def test_set_detect_anomaly_call_and_context():
    prev = ag.autograd.is_anomaly_enabled()
    ag.autograd.set_detect_anomaly(True)
    try:
        assert ag.autograd.is_anomaly_enabled()
        x = ag.tensor(1.0, requires_grad=True)
        y = x * 2
        assert "traceback" in y.grad_fn.metadata
    finally:
        ag.autograd.set_detect_anomaly(False)
    assert not ag.autograd.is_anomaly_enabled()
    z = ag.tensor(1.0, requires_grad=True) * 2
    assert z.grad_fn.meta is None  # nothing recorded when off
    with ag.autograd.set_detect_anomaly(True):
        assert ag.autograd.is_anomaly_enabled()
    assert ag.autograd.is_anomaly_enabled() == prev


def test_anomaly_annotates_errors_inside_rules():
    class Broken(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    x = ag.tensor(1.0, requires_grad=True)
    with ag.detect_anomaly():
        y = Broken.apply(x)
        with pytest.raises(ValueError, match="boom") as info:
            y.backward()
    notes = "".join(getattr(info.value, "__notes__", []))
    assert "BrokenBackward" in notes and "y = Broken.apply(x)" in notes


def test_detect_anomaly_off_is_silent_about_nan():
    x = ag.tensor([0.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        anp.sqrt(x).sum().backward()
    assert np.isinf(x.grad.numpy()[0])
