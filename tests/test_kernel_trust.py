"""The kernel's trust guarantees (issue 10, items 1, 4, 5, 6, 7, 9), each checked against
an independent oracle: finite differences (gradcheck), closed forms, NumPy, PyTorch."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp
from arraygrad.core.node import GraphError
from opdb_cases import CASES

torch = pytest.importorskip("torch")


def _x(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.uniform(0.5, 2.0, size=shape or (3,)), requires_grad=True)


# ---------------------------------------------------------------------------- 1. array-likes

# Each: a function of x (and w) that hands an array-like holding tensors to a NumPy-style
# function, and the same written with an explicit stack (the independent spelling).
ARRAY_LIKE = {
    "mean": (lambda x, w: anp.mean([x, x + 2]), lambda x, w: anp.mean(anp.stack([x, x + 2]))),
    "sum": (lambda x, w: anp.sum((x, 3 * x)), lambda x, w: anp.sum(anp.stack([x, 3 * x]))),
    "max": (lambda x, w: anp.max([x, 2 * x + 0.1]), lambda x, w: anp.max(2 * x + 0.1)),
    "prod": (lambda x, w: anp.prod([x, x + 1]), lambda x, w: anp.prod(x) * anp.prod(x + 1)),
    "std": (lambda x, w: anp.std([x, x * x]), lambda x, w: anp.std(anp.stack([x, x * x]))),
    "dot": (lambda x, w: anp.dot([x, x], w), lambda x, w: anp.stack([anp.dot(x, w)] * 2)),
    "norm": (lambda x, w: anp.linalg.norm([x, x + 2]),
             lambda x, w: anp.sqrt(anp.sum(x * x) + anp.sum((x + 2) ** 2))),
    "nested_with_scalars": (lambda x, w: anp.sum(anp.array([[x[0], 2.0], [3, x[1] * x[2]]])),
                            lambda x, w: x[0] + 5.0 + x[1] * x[2]),
    "numpy_array_mixed": (lambda x, w: anp.mean([x, np.ones(3)]),
                          lambda x, w: (anp.sum(x) + 3.0) / 6),
    "tensor_of_list": (lambda x, w: ag.tensor([x, w]).sum(), lambda x, w: x.sum() + w.sum()),
    "asarray": (lambda x, w: (anp.asarray([x, w]) ** 2).sum(),
                lambda x, w: (x ** 2).sum() + (w ** 2).sum()),
    "numpy_dispatch": (lambda x, w: np.dot([x, x], w).sum(), lambda x, w: 2 * anp.dot(x, w)),
}


@pytest.mark.parametrize("name", sorted(ARRAY_LIKE))
def test_array_likes_holding_tensors_keep_the_graph(name):
    f, ref = ARRAY_LIKE[name]
    x, w = _x(3), _x(3, seed=1)
    np.testing.assert_allclose(f(x, w).detach().numpy(), ref(x, w).detach().numpy(), rtol=1e-12)
    assert ag.gradcheck(f, (x, w))
    gx, gw = ag.autograd.grad(f(x, w).sum(), [x, w], allow_unused=True)
    rx, rw = ag.autograd.grad(ref(x, w).sum(), [x, w], allow_unused=True)
    for g, r in ((gx, rx), (gw, rw)):
        if r is None:
            assert g is None or not np.any(g.numpy())
        else:
            np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-10)


def test_array_likes_second_order():
    x = _x(3)
    assert ag.gradgradcheck(lambda x: anp.prod([x, x + 1]), (x,))


def test_array_of_empty_things_is_numpy():
    assert anp.array([]).shape == np.array([]).shape
    assert anp.array([]).dtype == np.array([]).dtype
    assert anp.array("").dtype == np.array("").dtype
    assert anp.array(["ab", "c"]).dtype == np.array(["ab", "c"]).dtype


def test_inhomogeneous_array_like_is_numpys_error_naming_the_op():
    x = _x(3)
    with pytest.raises(ValueError, match="array: .*inhomogeneous"):
        anp.min((x, 3.0))


# ---------------------------------------------------------------------------- 4. threads


@pytest.fixture(autouse=False)
def eager_switching():
    # Switch threads as often as the interpreter can: a lost update shows up at once.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _hammer(n_threads, n_backwards, body):
    barrier = threading.Barrier(n_threads)
    errors = []

    def run():
        try:
            barrier.wait()
            for _ in range(n_backwards):
                body()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.parametrize("n_threads,n_backwards", [(4, 100), (8, 50)])
def test_concurrent_backward_into_one_leaf_loses_nothing(n_threads, n_backwards,
                                                         eager_switching):
    w = ag.tensor(np.ones(5), requires_grad=True)
    _hammer(n_threads, n_backwards, lambda: (w * 1.0).sum().backward())
    np.testing.assert_array_equal(w.grad.numpy(), np.full(5, n_threads * n_backwards))


def test_concurrent_backward_into_mxnet_add_buffers_loses_nothing(eager_switching):
    w = anp.ones(5)
    w.attach_grad(grad_req="add")

    def body():
        with ag.autograd.record():
            y = (w * 2.0).sum()
        y.backward()

    _hammer(4, 100, body)
    np.testing.assert_array_equal(w.grad.numpy(), np.full(5, 2.0 * 400))


def test_concurrent_retained_gradients_lose_nothing(eager_switching):
    x = ag.tensor(np.ones(3), requires_grad=True)
    h = x * 1.0
    h.retain_grad()
    _hammer(4, 50, lambda: (h * 1.0).sum().backward(retain_graph=True))
    np.testing.assert_array_equal(h.grad.numpy(), np.full(3, 200.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 200.0))


# ---------------------------------------------------------------------------- 5. errors repeat


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def test_version_error_repeats_on_retry():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2.0
    b = a.sin()  # saves a
    c = b * 3.0
    a += 1.0  # invalidates sin's saved input
    loss = (c * c).sum()
    first = _error(loss.backward)
    second = _error(loss.backward)
    assert isinstance(first, GraphError) and "modified by an inplace operation" in str(first)
    assert type(second) is type(first) and str(second) == str(first)


def test_bad_head_gradient_repeats_and_then_works():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    for _ in range(2):
        with pytest.raises(ValueError, match=r"gradient has shape \(3,\)"):
            y.backward(np.ones(3))
    y.backward(np.ones(2))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_failing_hook_repeats_its_error():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.register_hook(lambda g: 1 / 0)
    y = (h * h).sum()
    assert isinstance(_error(y.backward), ZeroDivisionError)
    assert isinstance(_error(y.backward), ZeroDivisionError)


def test_backward_twice_is_fine_when_nothing_needed_was_freed():
    # PyTorch allows it: add and sum keep no values
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    ty = (tx + 1).sum()
    ty.backward()
    ty.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_backward_twice_raises_when_a_needed_value_was_freed():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(GraphError, match="second time"):
        y.backward()


# ---------------------------------------------------------------------------- 6. PyTorch parity


@pytest.mark.parametrize("retain_first", [True, False])
def test_retain_grad_sees_the_hooked_gradient_as_pytorch(retain_first):
    def run(lib, x):
        h = x * 3
        if retain_first:
            h.retain_grad()
            h.register_hook(lambda g: g * 10)
        else:
            h.register_hook(lambda g: g * 10)
            h.retain_grad()
        (h * 2).sum().backward()
        return h.grad, x.grad

    ours = run(ag, ag.tensor([1.0, 2.0], requires_grad=True))
    theirs = run(torch, torch.tensor([1.0, 2.0], requires_grad=True))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy())


# ---------------------------------------------------------------------------- 7. messages


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("expr,name", [
    (lambda a, b: a + b, "add"), (lambda a, b: a * b, "multiply"),
    (lambda a, b: a @ b, "matmul"), (lambda a, b: anp.dot(a, b), "dot"),
])
def test_shape_errors_name_the_op_and_both_shapes(expr, name, requires_grad):
    a = ag.tensor(np.ones((2, 3)), requires_grad=requires_grad)
    b = ag.tensor(np.ones((2, 4)))
    with pytest.raises(ValueError) as info:
        expr(a, b)
    msg = str(info.value)
    assert msg.split(":")[0] in name.split("|"), msg
    assert "(2, 3)" in msg and "(2, 4)" in msg, msg


def test_item_on_a_non_scalar_names_the_shape():
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        anp.ones((2, 2)).item()


def test_iter_of_a_0d_tensor_fails_at_iter_like_numpy():
    with pytest.raises(TypeError):
        iter(np.array(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(ag.tensor(1.0))
    assert [float(v) for v in ag.tensor([1.0, 2.0])] == [1.0, 2.0]


# ---------------------------------------------------------------------------- 9. out=


def test_numpy_inplace_with_a_tensor_stays_a_numpy_array():
    x = np.zeros(3)
    x += anp.asarray([1.0, 2.0, 3.0])
    assert type(x) is np.ndarray
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def _ufunc_cases():
    seen = {}
    for case in CASES:
        uf = getattr(np, case.func, None)
        if isinstance(uf, np.ufunc) and case.func not in seen and all(
                isinstance(a, np.ndarray) for a in case.inputs) and len(case.inputs) == uf.nin:
            seen[case.func] = case
    return [seen[k] for k in sorted(seen)]


UFUNC_CASES = _ufunc_cases()


def test_the_op_database_has_ufuncs():
    assert len(UFUNC_CASES) > 40


@pytest.mark.parametrize("case", UFUNC_CASES, ids=lambda c: c.func)
@pytest.mark.parametrize("out_kind", ["numpy", "tensor"])
def test_every_ufunc_with_out(case, out_kind):
    uf = getattr(np, case.func)
    want = uf(*case.inputs)
    want = want if isinstance(want, tuple) else (want,)
    args = [ag.tensor(case.inputs[0]), *case.inputs[1:]]  # a tensor mixed in
    outs = tuple(np.zeros(np.shape(w), np.asarray(w).dtype) for w in want)
    if out_kind == "tensor":
        outs = tuple(ag.tensor(o) for o in outs)
    got = uf(*args, out=outs if len(outs) > 1 else outs[0])
    if len(outs) == 1:
        assert not isinstance(got, tuple), got  # NumPy returns out[0] itself
        got = (got,)
    assert len(got) == len(outs)
    for g, o, w in zip(got, outs, want):
        assert g is o  # NumPy returns out itself (out[0] for one output)
        np.testing.assert_allclose(np.asarray(o.numpy() if out_kind == "tensor" else o), w,
                                   equal_nan=True)


# ---------------------------------------------------------------------------- the record path


def test_autograd_grad_runs_no_rule_for_pruned_edges():
    # The general path (a node with hooks) once ran the rule of an edge autograd.grad had
    # pruned; now neither path does.
    from arraygrad.ops import elementwise as ew

    prim = ew.multiply.prim
    calls = []
    original = prim.vjps[1]
    prim.vjps[1] = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        for with_hook in (False, True):
            x = ag.tensor([1.0, 2.0], requires_grad=True)
            w = ag.tensor([3.0, 4.0], requires_grad=True)
            z = x * w
            if with_hook:
                z.grad_fn.register_hook(lambda grad_inputs, grad_outputs: None)
            (gx,) = ag.autograd.grad(z.sum(), [x])
            np.testing.assert_allclose(gx.numpy(), [3.0, 4.0])
    finally:
        prim.vjps[1] = original
    assert not calls


def test_a_tracer_sees_every_primitive_call():
    from arraygrad.core.mode import SWITCHES

    seen = []
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([1.0, 1.0])
    SWITCHES.tracer = lambda prim, args, kwargs, result: seen.append(prim.name)
    SWITCHES.update()
    try:
        y = (anp.sin(x) * 2.0).sum()  # recorded
        d = anp.exp(c) + c  # not recorded: the fast path is off while tracing
        c += 1.0  # in place, outside any graph
        y.backward()  # the engine's rules and its accumulation
        y2 = (x * 3.0).sum()
        y2.backward()  # accumulates into x.grad in place
    finally:
        SWITCHES.tracer = None
        SWITCHES.update()
    assert {"Sin", "Mul", "Sum", "Exp", "Add"} <= set(seen), seen
    assert any(name.endswith("Inplace") for name in seen), seen
    assert "AddInto" in seen, seen
    np.testing.assert_allclose(d.numpy(), np.exp(1.0) + 1.0)
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos([1.0, 2.0]) + 3.0)
