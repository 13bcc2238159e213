"""Each optimisation pass on its own: what it removes, merges, folds, plans and fuses."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp
from arraygrad.compile.api import Compiled
from arraygrad.compile.passes import cse, dce, fold_constants, hoist_guards, lower, plan_memory
from arraygrad.compile.trace import Tracer
from arraygrad.compile.tracearray import installed


def _trace(fn, *args):
    """The raw program of ``fn(*args)``, before any pass."""
    tracer = Tracer()
    leaves = [tracer.add_input(a, k) for k, a in enumerate(args)]
    with installed(tracer):
        result = fn(*leaves)
        prog = tracer.finish(result)
    tracer.restore(result)
    return prog


def _names(prog):
    return [i.name.lower() for i in prog.instrs if i.op == "call"]


def _run(fn, *args, fusion=None):
    c = Compiled(fn, fallback=False, fusion=fusion)
    out = [c(*args) for _ in range(4)]  # trace, replays (fusion tiers up at the 2nd)
    return c, out


def test_dce_removes_what_nothing_reads():
    prog = _trace(lambda x: (anp.sin(x), x * 2)[1], ag.tensor(np.ones(3)))
    assert "sin" in _names(prog)
    assert "sin" not in _names(dce(prog))


def test_cse_merges_repeated_calls_but_not_across_writes():
    prog = cse(_trace(lambda x: anp.exp(x) + anp.exp(x), ag.tensor(np.ones(3))))
    assert _names(prog).count("exp") == 1

    def written(x):
        a = anp.exp(x)
        with ag.no_grad():
            x += 1  # a write between the two calls: they differ
        return a + anp.exp(x)

    prog = cse(_trace(written, ag.tensor(np.ones(3))))
    assert _names(prog).count("exp") == 2


def test_constants_are_folded_and_written_constants_copied():
    c = np.arange(3.0)
    prog = fold_constants(_trace(lambda x: x + anp.exp(ag.tensor(c)) * 2,
                                 ag.tensor(np.ones(3))))
    assert "exp" not in _names(prog) and "multiply" not in _names(prog)
    compiled, outs = _run(lambda x: x + anp.exp(ag.tensor(c)) * 2, ag.tensor(np.ones(3)))
    for o in outs:
        np.testing.assert_allclose(o.numpy(), 1 + np.exp(c) * 2)

    def fill(x):
        buf = np.zeros(3)
        np.copyto(buf, x.array)  # a constant the program writes into
        return ag.tensor(buf) * 1

    compiled, outs = _run(fill, ag.tensor(np.arange(3.0)))
    assert compiled(ag.tensor(np.full(3, 7.0))).numpy().tolist() == [7.0, 7.0, 7.0]


def test_guards_move_before_writes():
    w = ag.tensor(np.ones(3))

    def step(x):
        y = x * 2
        with ag.no_grad():
            w.add_(1.0) if hasattr(w, "add_") else w.__iadd__(1.0)
        if y.sum() > 0:  # read after the write, computed before it
            return y
        return -y

    prog = hoist_guards(dce(_trace(step, ag.tensor(np.ones(3)))))
    ops = [i.op for i in prog.instrs]
    assert ops.index("guard") < ops.index("mutate")
    assert prog.plan["late_guard"] is None


def test_memory_plan_reuses_buffers_and_never_plans_results():
    def chain(x):
        y = x
        for _ in range(6):
            y = anp.tanh(y) * 0.5 + 0.1
        return y

    prog = plan_memory(dce(_trace(chain, ag.tensor(np.ones(1000)))))
    assert len(prog.plan["buffer_specs"]) <= 2 < len(prog.plan["buffers"])
    assert prog.plan["bytes_kept"] <= 2 * 8000
    small = plan_memory(dce(_trace(chain, ag.tensor(np.ones(16)))))
    assert not small.plan["buffers"]  # 128 bytes: allocating is cheaper than out=
    c, outs = _run(chain, ag.tensor(np.ones(1000)))
    assert outs[1].array is not outs[2].array  # a result is never a kept buffer
    np.testing.assert_array_equal(outs[1].numpy(), chain(ag.tensor(np.ones(1000))).numpy())


def test_fusion_makes_one_kernel_of_an_elementwise_chain():
    pytest.importorskip("numba")

    def f(x):
        return (anp.sin(x) * x + anp.tanh(x) * anp.exp(-x)).sum()

    prog = lower(dce(_trace(f, ag.tensor(np.linspace(0, 1, 50)))), "numba")
    kernels = [i for i in prog.instrs if i.op == "kernel"]
    assert len(kernels) == 1 and kernels[0].meta["members"] >= 6
    x = ag.tensor(np.linspace(0, 1, 50))
    c, outs = _run(f, x, fusion="numba")
    for o in outs:
        np.testing.assert_allclose(o.numpy(), f(x).numpy(), rtol=1e-14)
    assert "def k0" in c.explain(x, file=open(__import__("os").devnull, "w"))


ELEMENTWISE_CASES = ["sin", "cos", "tanh", "exp", "log", "sqrt", "multiply", "add", "divide",
                     "subtract", "negative", "maximum", "square", "absolute", "power"]


def test_fused_opdb_elementwise_cases_match_eager():
    pytest.importorskip("numba")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from opdb_cases import CASES
    from test_compile_opdb import _floating, _inputs, _make_step, _outs, _weights

    cases = [c for c in CASES if c.func in ELEMENTWISE_CASES][:40]
    assert len(cases) >= 15
    for case in cases:
        probe = _outs(case.fn(*_inputs(case)))
        weights = [_weights(o, k) if _floating(o) else None for k, o in enumerate(probe)]
        step = _make_step(case.fn, weights)
        compiled = ag.compile(step, fallback=False, fusion="numba")
        for scale in (1.0, 1.0 + 1e-3, 1.0, 1.0 - 1e-3):
            want = step(*_inputs(case, scale))
            got = compiled(*_inputs(case, scale))
            _compare_close(got, want, case.id)


def _compare_close(got, want, where):
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            if a is None or b is None:
                assert a is None and b is None, where
                continue
            np.testing.assert_allclose(np.asarray(a.numpy()), np.asarray(b.numpy()),
                                       rtol=1e-12, atol=1e-12, err_msg=where)


def test_fused_division_by_zero_gives_inf_as_numpy():
    pytest.importorskip("numba")

    def f(x, y):
        return (x * 2) / (y * 1)

    x, y = ag.tensor(np.array([1.0, -1.0, 0.0])), ag.tensor(np.zeros(3))
    with np.errstate(divide="ignore", invalid="ignore"):
        c, outs = _run(f, x, y, fusion="numba")
        want = f(x, y).numpy()
    for o in outs:
        np.testing.assert_array_equal(o.numpy(), want)  # inf, -inf, nan
