"""Custom functions: ag.Function (PyTorch style), ag.custom_vjp and ag.custom_jvp (JAX style)."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp


def _values(t):
    # A tensor that requires grad refuses np.asarray (as PyTorch): compare its values.
    if isinstance(t, (list, tuple)):
        return np.array([_values(i) for i in t])
    return np.asarray(t.detach() if isinstance(t, ag.Tensor) else t)


def close(a, b, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(_values(a), _values(b), rtol=rtol, atol=atol)


class Exp(ag.Function):
    @staticmethod
    def forward(ctx, x):
        y = anp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class MulAdd(ag.Function):
    """x * y + c with a non-tensor argument c."""

    @staticmethod
    def forward(ctx, x, y, c):
        ctx.save_for_backward(x, y)
        ctx.c = c
        return x * y + c

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g * y if ctx.needs_input_grad[0] else None
        gy = g * x if ctx.needs_input_grad[1] else None
        return gx, gy, None


def test_exp_function_forward_backward_and_node_name():
    x = ag.tensor([0.5, 1.0], requires_grad=True)
    y = Exp.apply(x)
    assert y.requires_grad
    assert y.grad_fn.name() == "ExpBackward"
    assert repr(y.grad_fn).startswith("<ExpBackward object")
    assert y.grad_fn.next_functions[0][0] is x.grad_fn or \
        type(y.grad_fn.next_functions[0][0]).__name__ == "AccumulateGrad"
    y.sum().backward()
    close(x.grad, np.exp([0.5, 1.0]))


def test_gradcheck_and_higher_order_through_function():
    x = ag.tensor(np.array([0.2, -0.4, 0.9]))
    assert ag.gradcheck(lambda x: Exp.apply(x) * x, [x])
    assert ag.gradgradcheck(lambda x: Exp.apply(x) * x, [x])
    # d^3/dx^3 e^x = e^x, through the user's backward differentiated twice
    close(ag.grad(ag.grad(ag.grad(lambda t: Exp.apply(t))))(0.3), np.exp(0.3))
    # forward mode works through it (the backward is differentiable)
    _, t = ag.jvp(lambda x: Exp.apply(x), (np.array([0.1, 0.2]),), (np.array([1.0, 2.0]),))
    close(t, np.exp([0.1, 0.2]) * [1.0, 2.0])


def test_needs_input_grad_and_non_tensor_args():
    seen = {}

    class Probe(ag.Function):
        @staticmethod
        def forward(ctx, x, y, c):
            seen["needs"] = ctx.needs_input_grad
            return MulAdd.forward(ctx, x, y, c)

        backward = MulAdd.backward

    x = ag.tensor(2.0, requires_grad=True)
    y = ag.tensor(3.0)
    out = Probe.apply(x, y, 10.0)
    assert seen["needs"] == (True, False, False)
    close(out, 16.0)
    out.backward()
    close(x.grad, 3.0)
    assert y.grad is None
    gx, gy = ag.autograd.grad(MulAdd.apply(x, y.requires_grad_(), 1.0), [x, y])
    close([gx, gy], [3.0, 2.0])


def test_forward_runs_without_recording_and_no_grad_inputs():
    class Check(ag.Function):
        @staticmethod
        def forward(ctx, x):
            inner = x * 2
            assert not inner.requires_grad
            return inner

        @staticmethod
        def backward(ctx, g):
            return g * 2

    out = Check.apply(ag.tensor(1.0, requires_grad=True))
    assert out.requires_grad
    plain = Check.apply(ag.tensor(1.0))
    assert not plain.requires_grad and plain.grad_fn is None


def test_multiple_outputs_non_differentiable_and_materialize():
    class SortWithIndex(ag.Function):
        @staticmethod
        def forward(ctx, x):
            idx = anp.argsort(x) if hasattr(anp, "argsort") else ag.tensor(np.argsort(x.numpy()))
            out = ag.tensor(x.detach().numpy()[idx.detach().numpy()])
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            ctx.n = x.shape[0]
            return out, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            (idx,) = ctx.saved_tensors
            assert g_idx is None or not np.any(g_idx.numpy())
            gx = np.zeros(ctx.n)
            gx[idx.numpy()] = g.numpy()
            return ag.tensor(gx)

    x = ag.tensor([3.0, 1.0, 2.0], requires_grad=True)
    s, i = SortWithIndex.apply(x)
    assert s.requires_grad and not i.requires_grad
    (s * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    close(x.grad, [100.0, 1.0, 10.0])

    got = {}

    class Two(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            got["args"] = (ga, gb)
            return (0 if ga is None else ga * 2) + (0 if gb is None else gb * 3)

    x = ag.tensor(1.0, requires_grad=True)
    a, b = Two.apply(x)
    a.backward()
    assert got["args"][1] is None
    close(x.grad, 2.0)


def test_saved_tensor_modified_in_place_is_caught():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    out = MulAdd.apply(y, y, 0.0)
    with ag.no_grad():
        y += 1.0
    with pytest.raises(ag.GraphError, match="modified by an inplace operation"):
        out.sum().backward()


def test_backward_errors():
    class WrongCount(ag.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    class WrongShape(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return ag.tensor(np.ones(5))

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        WrongCount.apply(x, x).sum().backward()
    with pytest.raises(RuntimeError, match="invalid gradient at index 0"):
        WrongShape.apply(x).backward()
    with pytest.raises(RuntimeError, match="only available inside backward"):
        ag.autograd.FunctionCtx().saved_tensors


def test_graph_freed_and_retain_graph():
    x = ag.tensor(1.0, requires_grad=True)
    y = Exp.apply(x)
    y.backward(retain_graph=True)
    y.backward()
    close(x.grad, 2 * np.e)
    with pytest.raises(ag.GraphError, match="second time"):
        y.backward()


def test_node_hooks_on_function_nodes():
    x = ag.tensor(1.0, requires_grad=True)
    y = Exp.apply(x)
    y.grad_fn.register_prehook(lambda grads: (grads[0] * 10,))
    y.backward()
    close(x.grad, 10 * np.e)


def test_numpy_backward_with_jvp_rule_gives_forward_mode():
    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):  # plain NumPy: not differentiable
            (x,) = ctx.saved_tensors
            return ag.tensor(3 * x.detach().numpy() ** 2 * g.detach().numpy())

        @staticmethod
        def jvp(ctx, t):
            (x,) = ctx.saved_tensors
            return 3 * x * x * t

    x = np.array([1.0, 2.0])
    close(ag.grad(lambda t: Cube.apply(t).sum())(x), 3 * x**2)
    _, t = ag.jvp(Cube.apply, (x,), (np.array([1.0, -1.0]),))
    close(t, 3 * x**2 * [1.0, -1.0])


def test_once_differentiable():
    class Sq(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ag.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = ag.tensor(3.0, requires_grad=True)
    (g,) = ag.autograd.grad(Sq.apply(x), x)
    close(g, 6.0)
    (g,) = ag.autograd.grad(Sq.apply(x), x, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.backward()


def test_setup_context_style():
    class Sin(ag.Function):
        @staticmethod
        def forward(x):
            return anp.sin(x)

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * anp.cos(x)

    close(ag.grad(lambda t: Sin.apply(t))(0.4), np.cos(0.4))
    close(ag.grad(ag.grad(lambda t: Sin.apply(t)))(0.4), -np.sin(0.4))


# ---------------------------------------------------------------------------- JAX style


@ag.custom_vjp
def clip_gradient(x, lo, hi):
    return x  # identity forward


def _clip_fwd(x, lo, hi):
    return x, (lo, hi)


def _clip_bwd(res, g):
    lo, hi = res
    return (anp.clip(g, lo, hi), None, None)


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_custom_vjp_clip_gradient():
    g = ag.grad(lambda x: (clip_gradient(x, -0.5, 0.5) * ag.tensor([3.0, 0.1])).sum())(
        np.ones(2))
    close(g, [0.5, 0.1])
    # nothing records: the plain function runs
    assert clip_gradient(ag.tensor(1.0), -1.0, 1.0).item() == 1.0


def test_custom_vjp_pytrees_and_second_order():
    @ag.custom_vjp
    def f(p):
        return {"out": anp.sin(p["x"]) * p["y"]}

    def f_fwd(p):
        return f(p), (p["x"], p["y"])

    def f_bwd(res, g):
        x, y = res
        go = g["out"]
        return ({"x": go * anp.cos(x) * y, "y": (go * anp.sin(x)).sum()},)

    f.defvjp(f_fwd, f_bwd)
    p = {"x": np.array([0.3, 0.6]), "y": 2.0}
    g = ag.grad(lambda p: f(p)["out"].sum())(p)
    close(g["x"], 2 * np.cos(p["x"]))
    close(g["y"], np.sin(p["x"]).sum())
    # residuals are the inputs: the bwd is differentiable again
    H = ag.hessian(lambda x: f({"x": x, "y": 2.0})["out"].sum())(p["x"])
    close(H, np.diag(-2 * np.sin(p["x"])))


def test_custom_vjp_nondiff_argnums_and_errors():
    @ag.custom_vjp
    def scale(k, x):
        return x * k

    scale.nondiff_argnums = (0,)
    scale.defvjp(lambda k, x: (x * k, None), lambda k, res, g: (g * k,))
    close(ag.grad(lambda x: scale(3.0, x))(1.0), 3.0)

    @ag.custom_vjp
    def nothing(x):
        return x

    with pytest.raises(AttributeError, match="defvjp"):
        nothing(ag.tensor(1.0, requires_grad=True))
    bad = ag.custom_vjp(lambda x: x * 2)
    bad.defvjp(lambda x: (x * 2, None), lambda res, g: g * 2)  # not a tuple
    with pytest.raises(TypeError, match="one cotangent per"):
        ag.grad(bad)(1.0)


@ag.custom_jvp
def log1pexp(x):
    return anp.log(1.0 + anp.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), t * (1.0 - 1.0 / (1.0 + anp.exp(x)))


def test_custom_jvp_used_by_every_mode():
    x = np.array([-2.0, 0.0, 3.0])
    sig = 1 / (1 + np.exp(-x))
    close(ag.grad(lambda x: log1pexp(x).sum())(x), sig)
    _, t = ag.jvp(log1pexp, (x,), (np.ones(3),))
    close(t, sig)
    close(ag.hessian(lambda x: log1pexp(x).sum())(x), np.diag(sig * (1 - sig)))
    # the rule is what runs: at a huge x the naive formula overflows, the rule does not
    g = ag.grad(lambda x: log1pexp(x))(50.0)
    close(g, 1.0)


def test_custom_jvp_without_rule_errors():
    f = ag.custom_jvp(lambda x: x * 2)
    with pytest.raises(AttributeError, match="defjvp"):
        f(ag.tensor(1.0, requires_grad=True))
