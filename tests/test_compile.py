"""ag.compile: training steps replay exactly, guards re-trace, randomness stays random,
unsafe traces fall back (or raise), and the program and its passes are what they say."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import nn
from arraygrad import numpy as anp
from arraygrad.compile import CompileError, CompileWarning
from arraygrad.nn import functional as F


def _mlp(seed=0, opt="sgd", **kw):
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(5, 8, generator=rng), nn.ReLU(),
                          nn.Linear(8, 3, generator=rng))
    if opt == "sgd":
        o = ag.optim.SGD(model.parameters(), **({"lr": 0.1, "momentum": 0.9} | kw))
    elif opt == "adam":
        o = ag.optim.Adam(model.parameters(), **({"lr": 0.01} | kw))
    else:
        o = ag.optim.AdamW(model.parameters(), **({"lr": 0.01, "amsgrad": True} | kw))
    return model, o


def _data(n=16, seed=1):
    r = np.random.default_rng(seed)
    return ag.tensor(r.normal(size=(n, 5))), ag.tensor(r.integers(0, 3, n))


def _train(compiled, opt_kind, steps=6, set_to_none=True, fusion=None, **kw):
    model, opt = _mlp(0, opt_kind, **kw)
    X, Y = _data()

    def step(x, y):
        opt.zero_grad(set_to_none=set_to_none)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    fn = ag.compile(step, fallback=False, fusion=fusion) if compiled else step
    losses = [float(fn(X, Y)) for _ in range(steps)]
    state = [{k: (v.numpy().copy() if isinstance(v, ag.Tensor) else v)
              for k, v in opt.state[p].items()} for p in model.parameters()]
    return losses, [p.detach().numpy().copy() for p in model.parameters()], state, fn


@pytest.mark.parametrize("opt_kind,kw", [("sgd", {}), ("sgd", {"nesterov": True}),
                                         ("sgd", {"weight_decay": 0.01, "dampening": 0.0}),
                                         ("adam", {}), ("adam", {"weight_decay": 0.1}),
                                         ("adamw", {})])
@pytest.mark.parametrize("set_to_none", [True, False])
def test_training_step_replays_exactly(opt_kind, kw, set_to_none):
    eager = _train(False, opt_kind, set_to_none=set_to_none, **kw)
    comp = _train(True, opt_kind, set_to_none=set_to_none, **kw)
    assert comp[3].traces <= 2  # the first call, and the one that first sees .grad set
    np.testing.assert_array_equal(comp[0], eager[0])
    for a, b in zip(comp[1], eager[1]):
        np.testing.assert_array_equal(a, b)
    for sa, sb in zip(comp[2], eager[2]):  # optimizer state advances exactly as eager
        assert sa.keys() == sb.keys()
        for k in sa:
            np.testing.assert_array_equal(sa[k], sb[k])


@pytest.mark.parametrize("opt_kind", ["sgd", "adam"])
def test_fused_training_step_matches_eager_to_1e_12(opt_kind):
    pytest.importorskip("numba")
    eager = _train(False, opt_kind, steps=8)
    comp = _train(True, opt_kind, steps=8, fusion="numba")
    np.testing.assert_allclose(comp[0], eager[0], rtol=1e-12)
    for a, b in zip(comp[1], eager[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert "numba" in comp[3].explain(*_data(), file=open(__import__("os").devnull, "w"))


def test_manual_sgd_with_in_place_updates_and_mxnet_buffers():
    def run(compiled):
        rng = np.random.default_rng(3)
        w = ag.tensor(rng.normal(size=(4, 3)))
        w.attach_grad()  # MXNet: a buffer written in place by every backward
        b = ag.tensor(np.zeros(3), requires_grad=True)
        x = ag.tensor(rng.normal(size=(7, 4)))

        def step(x):
            nonlocal w, b  # `w -= ...` rebinds the name to the same, updated tensor
            with ag.autograd.record():
                loss = (anp.tanh(x @ w + b) ** 2).mean()
            loss.backward()
            with ag.no_grad():
                w -= 0.5 * w.grad
                b -= 0.5 * b.grad
                b.grad = None
            return loss

        fn = ag.compile(step, fallback=False, fusion=None) if compiled else step
        out = [float(fn(x)) for _ in range(5)]
        return out, w.detach().numpy(), b.detach().numpy(), w.grad.numpy()

    for a, b in zip(run(True), run(False)):
        np.testing.assert_array_equal(a, b)


def test_grad_of_function_and_nesting():
    f = lambda x: (anp.sin(x) * anp.exp(-x * x)).sum()  # noqa: E731
    x0 = np.linspace(-1, 1, 7)
    want = ag.grad(f)(ag.tensor(x0)).numpy()
    cg = ag.compile(ag.grad(f), fallback=False)
    for _ in range(3):
        np.testing.assert_allclose(cg(ag.tensor(x0)).numpy(), want, rtol=1e-14)
    assert cg.traces == 1
    # the other way round: ag.grad of a compiled function (its outputs need a graph)
    gc = ag.grad(ag.compile(f))
    np.testing.assert_allclose(gc(ag.tensor(x0)).numpy(), want, rtol=1e-14)
    # second order through both
    h = ag.compile(ag.grad(ag.grad(lambda x: (x ** 4).sum() + 0 * x.sum())), fallback=False)
    np.testing.assert_allclose(h(ag.tensor(2.0)).numpy(), 48.0)


def test_value_and_grad_with_pytrees():
    def loss(params, x):
        return ((x @ params["w"] + params["b"]) ** 2).sum()

    r = np.random.default_rng(0)
    params = {"w": ag.tensor(r.normal(size=(3, 2))), "b": ag.tensor(r.normal(size=2))}
    x = ag.tensor(r.normal(size=(4, 3)))
    f = ag.value_and_grad(loss)
    cf = ag.compile(f, fallback=False)
    v0, g0 = f(params, x)
    for _ in range(2):
        v1, g1 = cf(params, x)
        np.testing.assert_array_equal(np.asarray(v1), np.asarray(v0))
        for k in ("w", "b"):
            np.testing.assert_array_equal(g1[k].numpy(), g0[k].numpy())


# ---------------------------------------------------------------------------- guards


def test_shape_change_retraces():
    f = ag.compile(lambda x: (x * 2).sum(), fallback=False)
    assert float(f(ag.tensor(np.ones(3)))) == 6.0
    assert float(f(ag.tensor(np.ones(5)))) == 10.0
    assert f.traces == 2
    assert float(f(ag.tensor(np.ones(3)))) == 6.0
    assert f.traces == 2


def test_dtype_change_retraces():
    f = ag.compile(lambda x: x / 3, fallback=False)
    assert f(ag.tensor(np.ones(2, np.float32))).dtype == np.float32
    assert f(ag.tensor(np.ones(2))).dtype == np.float64
    assert f.traces == 2


def test_branch_on_a_value_is_guarded():
    def g(x):
        s = x.sum()
        if s > 0:  # a Python bool read from a tensor: a guard
            return x * 2
        return x - 1

    f = ag.compile(g, fallback=False)
    np.testing.assert_array_equal(f(ag.tensor([1.0, 2.0])).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(f(ag.tensor([3.0, 4.0])).numpy(), [6.0, 8.0])
    assert f.traces == 1
    np.testing.assert_array_equal(f(ag.tensor([-3.0, 1.0])).numpy(), [-4.0, 0.0])
    assert f.traces == 2
    np.testing.assert_array_equal(f(ag.tensor([5.0, 1.0])).numpy(), [10.0, 2.0])
    np.testing.assert_array_equal(f(ag.tensor([-5.0, 1.0])).numpy(), [-6.0, 0.0])
    assert f.traces == 2  # both variants cached


def test_loop_bound_and_item_are_guarded():
    def g(x, n):
        k = int(n.item())
        for _ in range(k):
            x = anp.sin(x)
        return x, float(x.sum())

    f = ag.compile(g, fallback=False)
    for k in (1, 3, 1, 3, 2):
        got, s = f(ag.tensor([0.5]), ag.tensor(float(k)))
        want, ws = g(ag.tensor([0.5]), ag.tensor(float(k)))
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert s == ws
    assert f.traces == 3


def test_replaced_parameter_retraces():
    model = nn.Linear(3, 2, generator=np.random.default_rng(0))
    f = ag.compile(lambda x: model(x).sum(), fallback=False)
    x = ag.tensor(np.ones((4, 3)))
    with ag.no_grad():
        a = float(f(x))
        assert float(f(x)) == a
        model.weight = nn.Parameter(ag.tensor(np.zeros((2, 3))))
        want = float(model(x).sum())
        assert float(f(x)) == want
    assert f.traces == 2


def test_captured_tensor_updated_in_place_is_read_by_reference():
    w = ag.tensor(np.ones(3))
    f = ag.compile(lambda x: x * w, fallback=False)
    np.testing.assert_array_equal(f(ag.tensor(np.ones(3))).numpy(), [1, 1, 1])
    w += 1  # a write outside the compiled function
    np.testing.assert_array_equal(f(ag.tensor(np.ones(3))).numpy(), [2, 2, 2])
    w.data = ag.tensor(np.full(3, 5.0))  # a new array behind the same tensor
    np.testing.assert_array_equal(f(ag.tensor(np.ones(3))).numpy(), [5, 5, 5])


# ---------------------------------------------------------------------------- randomness


def test_random_draws_are_fresh_per_call():
    f = ag.compile(lambda x: x + anp.random.rand(4), fallback=False)
    x = ag.tensor(np.zeros(4))
    outs = [f(x).numpy() for _ in range(4)]
    assert f.traces == 1
    for i in range(4):
        for j in range(i):
            assert not np.array_equal(outs[i], outs[j])
    # and they are NumPy's global generator's numbers, call for call
    np.random.seed(7)
    got = [f(x).numpy() for _ in range(3)]
    np.random.seed(7)
    want = [np.random.rand(4) for _ in range(3)]
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_dropout_masks_differ_per_call_and_match_eager_draws():
    def step(x):
        return F.dropout(x, 0.5, training=True)

    f = ag.compile(step, fallback=False)
    x = ag.tensor(np.ones((4, 50)))
    np.random.seed(1)
    got = [f(x).numpy() for _ in range(3)]
    np.random.seed(1)
    want = [step(x).numpy() for _ in range(3)]
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(got[1], got[2])


# ---------------------------------------------------------------------------- fallback


def test_print_falls_back_with_one_warning():
    def g(x):
        y = x * 2
        print(y)
        return y

    f = ag.compile(g)
    with pytest.warns(CompileWarning, match="printed"):
        out = f(ag.tensor([1.0]))
    np.testing.assert_array_equal(out.numpy(), [2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f(ag.tensor([1.0]))  # eager from now on, silently
    with pytest.raises(CompileError, match="printed"):
        ag.compile(g, fallback=False)(ag.tensor([1.0]))


def test_an_error_inside_the_function_propagates_and_state_is_restored():
    w = ag.tensor(np.ones(2))

    def g(x):
        x * w  # noqa: B018 - traced, then the function fails
        raise ValueError("boom")

    f = ag.compile(g)
    with pytest.raises(ValueError, match="boom"):
        f(ag.tensor([1.0, 2.0]))
    assert type(w.array) is np.ndarray


# ---------------------------------------------------------------------------- program


def test_explain_shows_source_plan_and_guards(capsys):
    def g(x):
        y = anp.tanh(x) * 3 + 1
        if y.sum() > 0:
            y = y * 2
        return y

    f = ag.compile(g, fallback=False, fusion=None)
    text = f.explain(ag.tensor(np.ones(5)))
    assert "def replay(a):" in text and "np_tanh" in text
    assert "buffer plan" in text and "guards: 1" in text
    assert "bool(" in text
    dot = f.to_dot(ag.tensor(np.ones(5)))
    assert dot.startswith("digraph") and "guard bool" in dot and "->" in dot


def test_results_are_plain_after_tracing():
    w = ag.tensor(np.ones(3), requires_grad=True)

    def step(x):
        w.grad = None
        (x * w).sum().backward()
        return w.grad, x.array

    f = ag.compile(step, fallback=False)
    g, arr = f(ag.tensor(np.arange(3.0)))
    assert type(g.array) is np.ndarray and type(arr) is np.ndarray
    assert type(w.array) is np.ndarray and type(w.grad.array) is np.ndarray
    g2, _ = f(ag.tensor(np.arange(3.0) + 1))
    assert g2 is w.grad
    np.testing.assert_array_equal(g2.numpy(), [1, 2, 3])


def test_seed004_network_trains_to_the_eager_numbers():
    from arraygrad.demo import SeedMLP

    def run(compiled):
        rng = np.random.default_rng(0)
        model = SeedMLP(64, 32, 10, generator=rng)
        opt = ag.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        r = np.random.default_rng(5)
        X = [ag.tensor(r.normal(size=(8, 64))) for _ in range(4)]
        Y = [ag.tensor(r.integers(0, 10, 8)) for _ in range(4)]

        def step(x, y):
            parts = model.objective(x, y, 1e-3)
            opt.zero_grad()
            parts["J"].backward()
            opt.step()
            return parts["J"], parts["L"]

        fn = ag.compile(step, fallback=False, fusion=None) if compiled else step
        out = []
        for _ in range(3):
            for x, y in zip(X, Y):
                J, L = fn(x, y)
                out.append((float(J), float(L)))
        return out, model.W1.detach().numpy(), model.W2.detach().numpy()

    a, b = run(True), run(False)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])


def test_demo_trained_compiled_gives_the_eager_numbers(tmp_path):
    import io

    from arraygrad.demo import run_demo

    runs = [run_demo(epochs=2, hidden=16, out=tmp_path / str(c), progress=False,
                     stream=io.StringIO(), compile=c) for c in (False, True)]
    for a, b in zip(runs[0]["history"], runs[1]["history"]):
        for k in ("J", "L", "train_acc", "test_acc"):
            np.testing.assert_allclose(b[k], a[k], rtol=1e-12)
    for a, b in zip(runs[0]["model"].parameters(), runs[1]["model"].parameters()):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-11, atol=1e-14)


def test_shapeless_replays_elementwise_programs_at_any_shape_and_retraces_others():
    f = ag.compile(lambda x: anp.tanh(x) * 2 + 1, shapeless=True, fallback=False)
    for n in (3, 5, 7):
        x = np.linspace(-1, 1, n)
        np.testing.assert_array_equal(f(ag.tensor(x)).numpy(), np.tanh(x) * 2 + 1)
    assert f.traces == 1  # one program for every length
    g = ag.compile(lambda x: x.sum() * x, shapeless=True, fallback=False)  # a reduction
    for n in (3, 5, 3):
        x = np.arange(float(n))
        np.testing.assert_array_equal(g(ag.tensor(x)).numpy(), x.sum() * x)
    assert g.traces == 2  # shapes baked in: one trace per shape, never a wrong replay


def test_compiling_a_module_keeps_both_apart():
    model = nn.Linear(3, 2, generator=np.random.default_rng(0))
    c = ag.compile(model, fallback=False)
    assert c.fn is model and "_parameters" not in vars(c)
    assert list(c.parameters()) == list(model.parameters())  # the rest is the module's
    x = ag.tensor(np.ones((4, 3)))
    with ag.no_grad():
        np.testing.assert_allclose(c(x).numpy(), model(x).numpy(), rtol=1e-14)


def test_custom_function_forward_and_backward_are_traced():
    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    w = ag.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)

    def step(s):
        w.grad = None
        (Cube.apply(w) * s).sum().backward()
        return w.grad

    f = ag.compile(step, fallback=False, fusion=None)
    for k in (1.0, 2.0, 3.0):
        got = f(ag.tensor(k)).detach().numpy()
        np.testing.assert_allclose(got, 3 * k * w.detach().numpy() ** 2)
    assert f.traces <= 2


def test_accumulating_gradients_replays_the_accumulating_program():
    w = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)

    def step(x):
        (w * x).sum().backward()  # no zero_grad: .grad accumulates, as in eager
        return w.grad

    f = ag.compile(step, fallback=False, fusion=None)
    for k in range(1, 5):
        got = f(ag.tensor(np.array([1.0, 1.0]))).numpy()
        np.testing.assert_array_equal(got, [k, k])
    assert f.traces == 2  # .grad absent, then present: two programs


def test_a_value_read_after_the_last_operation_is_a_result_not_a_guard():
    model, opt = _mlp(0, "sgd")
    X, Y = _data()

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # a new value every step: it must not re-trace

    f = ag.compile(step, fallback=False, fusion=None)
    model2, opt2 = _mlp(0, "sgd")

    def eager(x, y):
        opt2.zero_grad()
        loss = F.cross_entropy(model2(x), y)
        loss.backward()
        opt2.step()
        return loss.item()

    got = [f(X, Y) for _ in range(6)]
    want = [eager(X, Y) for _ in range(6)]
    assert got == want and len(set(got)) == 6
    assert f.traces == 2  # the first call, and the first with .grad set; never per value


def test_a_value_that_chooses_the_result_stays_a_guard():
    def g(x):
        y = x * 2
        return y if float(y.sum()) > 0 else x  # no operation after the read

    f = ag.compile(g, fallback=False, fusion=None)
    np.testing.assert_array_equal(f(ag.tensor([1.0])).numpy(), [2.0])
    np.testing.assert_array_equal(f(ag.tensor([-1.0])).numpy(), [-1.0])
    assert f.traces == 2


def test_a_value_that_changes_every_call_ends_in_eager_calls_with_one_warning():
    def g(x):
        return x * float(x.sum())  # the read steers the program: a guard

    f = ag.compile(g, fusion=None)
    with pytest.warns(CompileWarning, match="programs for one signature"):
        for k in range(12):
            np.testing.assert_array_equal(f(ag.tensor([float(k)])).numpy(), [k * k])
    assert f.traces == 8


def test_hessian_jvp_and_vjp_compile():
    f = lambda x: (anp.sin(x) * x ** 2).sum()  # noqa: E731
    x = ag.tensor(np.linspace(-1, 1, 4))
    for transform in (lambda x: ag.hessian(f)(x),
                      lambda x: ag.jvp(f, (x,), (ag.tensor(np.ones(4)),))[1],
                      lambda x: ag.vjp(lambda y: anp.exp(y) * y, x)[1](ag.tensor(np.ones(4)))):
        c = ag.compile(transform, fallback=False, fusion=None)
        want = transform(x)
        for _ in range(3):
            got = c(ag.tensor(np.linspace(-1, 1, 4)))
            got = got[0] if isinstance(got, tuple) else got
            w = want[0] if isinstance(want, tuple) else want
            np.testing.assert_allclose(got.numpy(), w.numpy(), rtol=1e-13)


def test_train_and_eval_modes_of_a_module_select_their_own_program():
    model = nn.Sequential(nn.Linear(4, 4, generator=np.random.default_rng(0)),
                          nn.Dropout(0.5))
    f = ag.compile(lambda x: model(x), fallback=False, fusion=None)
    x = ag.tensor(np.ones((3, 4)))
    with ag.no_grad():
        model.eval()
        want = model(x).numpy()
        np.testing.assert_array_equal(f(x).numpy(), want)
        model.train()
        a, b = f(x).numpy(), f(x).numpy()
        assert not np.array_equal(a, b)  # dropout, fresh masks
        model.eval()
        np.testing.assert_array_equal(f(x).numpy(), want)
    assert f.traces == 2


LR = 0.5


def test_a_python_number_the_step_reads_is_checked():
    w = ag.tensor(np.ones(2))

    def step(g):
        with ag.no_grad():
            w.__isub__(LR * g)
        return w

    global LR
    f = ag.compile(step, fallback=False, fusion=None)
    f(ag.tensor(np.ones(2)))
    np.testing.assert_array_equal(w.numpy(), [0.5, 0.5])
    f(ag.tensor(np.ones(2)))
    np.testing.assert_array_equal(w.numpy(), [0.0, 0.0])
    LR = 0.25  # a changed learning rate re-traces, never replays the old one
    f(ag.tensor(np.ones(2)))
    np.testing.assert_array_equal(w.numpy(), [-0.25, -0.25])
    assert f.traces == 2
    LR = 0.5


def test_a_compiler_failure_returns_the_eager_result_with_a_warning(monkeypatch):
    from arraygrad.compile import api

    def broken(prog):
        raise RuntimeError("emitter bug")

    monkeypatch.setattr(api, "emit", broken)
    f = ag.compile(lambda x: x * 3)
    with pytest.warns(CompileWarning, match="emitter bug"):
        np.testing.assert_array_equal(f(ag.tensor([1.0])).numpy(), [3.0])
    np.testing.assert_array_equal(f(ag.tensor([2.0])).numpy(), [6.0])  # eager from now on


def test_writes_into_a_tensor_made_inside_the_step_replay():
    def g(x):
        acc = anp.zeros(3)
        with ag.no_grad():
            acc += 1.0  # NumPy writes a plain array: the primitive's write is recorded
            acc += x  # a traced operand: recorded by the array
            acc[0] = 7.0
        return acc * 1

    f = ag.compile(g, fallback=False, fusion=None)
    for k in range(4):
        x = ag.tensor(np.full(3, float(k)))
        np.testing.assert_array_equal(f(x).numpy(), g(x).numpy())


def test_work_that_escapes_the_tracer_is_caught_by_the_check_replay():
    def g(x):
        buf = np.zeros(3)
        np.copyto(buf, x.array)  # a write the tracer sees (x is traced)
        buf[0] = 5.0  # a plain NumPy write into a plain array: invisible to it
        return ag.tensor(buf) * 1

    f = ag.compile(g)
    with pytest.warns(CompileWarning, match="differs from the eager run"):
        out = f(ag.tensor(np.arange(3.0)))
    np.testing.assert_array_equal(out.numpy(), [5.0, 1.0, 2.0])
    np.testing.assert_array_equal(f(ag.tensor(np.ones(3))).numpy(), [5.0, 1.0, 1.0])
