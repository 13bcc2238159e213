"""Custom differentiable functions: PyTorch's ``Function`` and JAX's ``custom_vjp`` /
``custom_jvp``.

PyTorch style::

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

    y = Exp.apply(x)          # y.grad_fn is <ExpBackward ...>

``forward`` runs with recording off; ``backward`` runs inside the engine, so when it is
written with arraygrad ops and the backward pass records (``create_graph=True``), it is
itself differentiated: higher derivatives and ``jvp`` work through it. Saved inputs and
outputs stay connected to the graph for that purpose; other saved tensors are constants.

JAX style::

    @ag.custom_vjp
    def f(x, y):
        return anp.sin(x) * y

    def f_fwd(x, y):
        return f(x, y), (anp.cos(x), anp.sin(x), y)

    def f_bwd(res, g):
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)

    f.defvjp(f_fwd, f_bwd)

Each call is one node whose operation is made for that call (a ``Primitive`` subclass
whose rule calls the user's backward once for all inputs), so the engine runs it like any
other op: hooks, anomaly mode, saved-tensor hooks and version checks apply.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.mode import STATE
from ..core.primitive import Primitive, Spec, call, records
from ..core.tensor import Tensor

__all__ = ["Function", "FunctionCtx", "custom_vjp", "custom_jvp", "once_differentiable"]


class _OutRef:
    """A saved tensor that is one of the node's own outputs (rebuilt from ``ans``)."""

    __slots__ = ("k",)

    def __init__(self, k: int) -> None:
        self.k = k


class _NoGrad:
    """Recording off for a block, restoring the exact previous state (level included)."""

    __slots__ = ("saved",)

    def __enter__(self) -> None:
        s = STATE
        self.saved = s.save()
        s.grad_enabled = False
        s.level = 0

    def __exit__(self, *exc: object) -> None:
        s = STATE
        s.restore(self.saved)


class _Recording:
    """Recording at least at PyTorch level for a block, restoring the exact state."""

    __slots__ = ("saved",)

    def __enter__(self) -> None:
        s = STATE
        self.saved = s.save()
        if s.level == 0:
            s.grad_enabled = True
            s.level = 1

    def __exit__(self, *exc: object) -> None:
        s = STATE
        s.restore(self.saved)


def _diff_positions(args: Sequence[Any]) -> list[int]:
    return [i for i, a in enumerate(args)
            if isinstance(a, Tensor) and records(a) and a.dtype.kind in "fc"]


class _CustomOp(Primitive):
    """The operation of one custom-function call: its rule runs the user's backward once
    and hands each input its gradient."""

    def __init__(self, name: str, nout: int, n_in: int, backward: Callable,
                 materialize: bool, save_ans: bool) -> None:
        super().__init__(None, name, nout)
        self.node_name = name
        self.materialize = materialize
        self.save_ans = save_ans
        self.n_in = n_in
        self.backward = backward  # backward(saved_tuple, grads_tuple) -> per-input tuple
        self.cache: tuple | None = None
        self.cache_key: tuple | None = None
        self.remaining = 0

    def run(self, i: int, g: Any, ans: Any, args: tuple) -> Any:
        key = (g, STATE.level)
        cache = self.cache
        if cache is None or self.cache_key is None or self.cache_key[0] is not g \
                or self.cache_key[1] != key[1]:
            n_in = self.n_in
            saved = tuple(
                (ans[s.k] if self.nout > 1 else ans) if isinstance(s, _OutRef) else s
                for s in args[n_in:-1]
            )
            grads = tuple(g) if self.nout > 1 else (g,)
            cache = self.cache = self._validated(self.backward(saved, grads), args)
            self.cache_key = key
            self.remaining = len(self.vjps)
        r = cache[i]
        self.remaining -= 1
        if self.remaining <= 0:
            self.cache = self.cache_key = None
        return r

    def _validated(self, result: Any, args: tuple) -> tuple:
        n_in = self.n_in
        if not isinstance(result, (tuple, list)):
            result = (result,)
        result = tuple(result)
        if len(result) < n_in or any(r is not None for r in result[n_in:]):
            raise RuntimeError(
                f"function {self.node_name} returned an incorrect number of gradients "
                f"(expected {n_in}, got {len(result)})"
            )
        out = []
        for i, r in enumerate(result[:n_in]):
            if r is None or i not in self.vjps:
                out.append(None)
                continue
            t = r if isinstance(r, Tensor) else Tensor(r)
            target = args[i]
            if tuple(t.shape) != tuple(target.shape):
                try:
                    ok = np.broadcast_shapes(tuple(target.shape), tuple(t.shape)) == \
                        tuple(t.shape)
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"function {self.node_name} returned an invalid gradient at index "
                        f"{i} - got {list(t.shape)} but expected shape compatible with "
                        f"{list(target.shape)}"
                    )
            out.append(t)
        return tuple(out)


def _rule(i: int) -> Callable:
    def rule(g: Any, ans: Any, *args: Any) -> Any:
        return _current_op(args).run(i, g, ans, args)

    return rule


def _current_op(args: tuple) -> _CustomOp:
    # The op is found through the node's args: its last element is the op itself.
    return args[-1]


def make_node(name: str, args: Sequence[Any], diff: Sequence[int], outputs: Sequence[Any],
              saved: Sequence[Any], backward: Callable, materialize: bool = True,
              non_differentiable: Sequence[Any] = ()) -> list:
    """Record one custom op: ``args`` in, ``outputs`` (computed without recording) out.

    ``backward(saved, grads)`` gets ``saved`` with inputs and outputs still connected to
    the graph, and one gradient per output (None for those that got none, unless
    ``materialize``); it returns one gradient (or None) per arg. Returns the outputs to
    hand to the user: differentiable ones now carry the node.
    """
    n_in = len(args)
    nout = len(outputs)
    nondiff = {id(o) for o in non_differentiable}
    out_pos = {id(o): k for k, o in enumerate(outputs) if isinstance(o, Tensor)}
    saved_entries: list[Any] = []
    save_ans = False
    for s in saved:
        if isinstance(s, Tensor) and id(s) in out_pos:
            saved_entries.append(_OutRef(out_pos[id(s)]))
            save_ans = True
        elif s is None or isinstance(s, Tensor):
            saved_entries.append(s)
        else:
            raise TypeError(f"save_for_backward can only save tensors (or None), got "
                            f"{type(s).__name__}")
    op = _CustomOp(name, nout, n_in, backward, materialize, save_ans and nout == 1)
    for i in diff:
        op.vjps[i] = _rule(i)
    # The node keeps the inputs' shapes, the saved entries and the op itself (its rule
    # finds the op there); the saved tensors' versions are checked by the engine.
    node_args = tuple(Spec(a._data) if isinstance(a, Tensor) else a for a in args) \
        + tuple(saved_entries) + (op,)
    versions = tuple((n_in + j, s._version) for j, s in enumerate(saved_entries)
                     if isinstance(s, Tensor)) or None
    op.save = lambda _args: (node_args, versions)
    datas = tuple(o._data if isinstance(o, Tensor) else np.zeros(()) for o in outputs)
    op.fwd = (lambda *_: datas[0]) if nout == 1 else (lambda *_: datas)
    # Through the one record path; only the Tensors are its arguments (an input that is
    # a list is the user's business, not an array-like to stack).
    made = call(op, tuple(a if isinstance(a, Tensor) else None for a in args), {})
    made = (made,) if nout == 1 else made
    result = []
    for k, o in enumerate(outputs):
        if isinstance(o, Tensor) and o.dtype.kind in "fc" and id(o) not in nondiff:
            result.append(made[k])
        else:
            result.append(o)
    return result


# ---------------------------------------------------------------------------- Function


class FunctionCtx:
    """The ``ctx`` of a custom Function: what ``forward`` hands to ``backward``."""

    def __init__(self) -> None:
        self.needs_input_grad: tuple[bool, ...] = ()
        self.to_save: tuple = ()
        self.non_differentiable: tuple = ()
        self.materialize_grads = True
        self.dirty_tensors: tuple = ()
        self._saved_now: tuple | None = None

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors for ``backward`` (read them back with ``ctx.saved_tensors``).

        Saved inputs and outputs are checked for in-place modification before backward
        runs, and stay differentiable when the backward pass records."""
        self.to_save = tensors

    save_for_forward = save_for_backward

    @property
    def saved_tensors(self) -> tuple:
        if self._saved_now is None:
            raise RuntimeError(
                "ctx.saved_tensors is only available inside backward (and jvp); save "
                "tensors in forward with ctx.save_for_backward(...)"
            )
        return self._saved_now

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Outputs that get no gradient (e.g. indices): they will not require grad."""
        self.non_differentiable = self.non_differentiable + outputs

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` gets None (not zeros) for outputs without a gradient."""
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors: Any) -> None:
        """Declare inputs that forward modified in place (their version moves)."""
        self.dirty_tensors = tensors
        for t in tensors:
            if isinstance(t, Tensor):
                t._version += 1


class _FunctionMeta(type):
    def __init__(cls, name: str, bases: tuple, ns: dict) -> None:
        super().__init__(name, bases, ns)
        cls._backward_name = f"{name}Backward"


class Function(metaclass=_FunctionMeta):
    """Base class of custom differentiable operations (PyTorch's ``autograd.Function``).

    Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    (one gradient per output in, one per input out, None where there is none), then call
    ``MyFn.apply(*args)``. Optional: ``jvp(ctx, *tangents)``, used for forward mode
    when ``backward`` is not itself differentiable; ``setup_context(ctx, inputs,
    output)`` with a ctx-less ``forward(*args)`` (PyTorch 2 style).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    vjp = backward

    @staticmethod
    def jvp(ctx: FunctionCtx, *tangents: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple, output: Any) -> None:
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = FunctionCtx()
        diff = _diff_positions(args)
        ctx.needs_input_grad = tuple(i in diff for i in range(len(args)))
        with _NoGrad():
            if _overrides(cls, "setup_context"):
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if not diff:
            return out
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        has_jvp = _overrides(cls, "jvp")
        name = cls._backward_name
        user_backward = cls.backward if _overrides(cls, "backward") or not \
            _overrides(cls, "vjp") else cls.vjp
        # only shapes and dtypes of the inputs outlive the call (saved values live in the
        # node, which frees them after backward)
        specs = tuple(Spec(a._data) if isinstance(a, Tensor) else None for a in args)

        def backward(saved: tuple, grads: tuple) -> Any:
            ctx._saved_now = saved
            try:
                result = user_backward(ctx, *grads)
                if has_jvp and STATE.level == 2:
                    result = _transpose_jvp_fallback(cls, ctx, specs, grads, result, name)
                return result
            finally:
                ctx._saved_now = None

        new = make_node(name, args, diff, outs, ctx.to_save, backward,
                        ctx.materialize_grads, ctx.non_differentiable)
        ctx.to_save = ()
        ctx.non_differentiable = ()
        return new[0] if single else tuple(new)


def _overrides(cls: type, name: str) -> bool:
    return getattr(cls, name) is not getattr(Function, name)


def _transpose_jvp_fallback(cls: type, ctx: FunctionCtx, specs: tuple, grads: tuple,
                            result: Any, name: str) -> Any:
    """When the backward pass records (create_graph) but the user's backward is not
    differentiable (its gradients do not depend on the incoming ones), use ``jvp`` as the
    derivative of the gradients with respect to the incoming gradients: forward mode
    (double VJP) then works."""
    res = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    live = [g for g in grads if isinstance(g, Tensor) and g._rg]
    if not live:
        return result
    idx = [i for i, r in enumerate(res)
           if r is not None and not (isinstance(r, Tensor) and r._rg)
           and i < len(specs) and specs[i] is not None]
    if not idx:
        return result
    g_pos = [k for k, g in enumerate(grads) if isinstance(g, Tensor) and g._rg]
    outs = [r if isinstance(r, Tensor) else Tensor(r) for r in (res[i] for i in idx)]
    g_args = [grads[k] for k in g_pos]

    def zeros(spec: Spec) -> Tensor:
        return Tensor._make(np.zeros(spec.shape, dtype=spec.dtype))

    def backward(saved: tuple, vs: tuple) -> tuple:
        tangents: list[Any] = [None] * len(specs)
        for j, i in enumerate(idx):
            v = vs[j]
            tangents[i] = v if v is not None else zeros(specs[i])
        for i, sp in enumerate(specs):
            if tangents[i] is None and sp is not None and sp.dtype.kind in "fc":
                tangents[i] = zeros(sp)
        ctx._saved_now = saved_before
        try:
            t_out = cls.jvp(ctx, *tangents)
        finally:
            ctx._saved_now = None
        t_out = tuple(t_out) if isinstance(t_out, (tuple, list)) else (t_out,)
        return tuple(t_out[k] if k < len(t_out) else None for k in g_pos)

    saved_before = ctx._saved_now
    new = make_node(f"{name}JvpTranspose", g_args, list(range(len(g_args))), outs, (),
                    backward)
    res = list(res)
    for j, i in enumerate(idx):
        res[i] = new[j]
    return tuple(res)


def once_differentiable(backward: Callable) -> Callable:
    """Decorate a Function's ``backward`` that is not differentiable itself: it runs
    without recording, and a later attempt to differentiate its result raises."""

    @functools.wraps(backward)
    def wrapper(ctx: FunctionCtx, *grads: Any) -> Any:
        with _NoGrad():
            result = backward(ctx, *grads)
        saved = ctx._saved_now or ()
        live = [t for t in (*grads, *saved) if isinstance(t, Tensor) and t._rg]
        if STATE.level == 2 and live:
            res = result if isinstance(result, tuple) else (result,)
            outs = [r if r is None or isinstance(r, Tensor) else Tensor(r) for r in res]
            pos = [i for i, r in enumerate(outs) if r is not None]

            def fail(saved: tuple, gs: tuple) -> tuple:
                raise RuntimeError(
                    "trying to differentiate twice a function that was marked with "
                    "@once_differentiable"
                )

            wrapped = make_node("OnceDifferentiableBackward", live, list(range(len(live))),
                                [outs[i] for i in pos], (), fail)
            outs = list(outs)
            for j, i in enumerate(pos):
                outs[i] = wrapped[j]
            result = tuple(outs) if isinstance(result, tuple) else outs[0]
        return result

    return wrapper


# ---------------------------------------------------------------------------- JAX style


def _flatten_args(args: tuple, nondiff: tuple[int, ...]) -> tuple[list, list, list]:
    """(leaves, their arg position, per-arg (start, count, treedef)) of the diff args."""
    from .functional import tree_flatten

    leaves, owner, layout = [], [], []
    for i, a in enumerate(args):
        if i in nondiff:
            layout.append(None)
            continue
        ls, d = tree_flatten(a)
        layout.append((len(leaves), len(ls), d))
        leaves += ls
        owner += [i] * len(ls)
    return leaves, owner, layout


class custom_vjp:
    """A function with a hand-written VJP (JAX's ``jax.custom_vjp``).

    ``f.defvjp(fwd, bwd)``: ``fwd(*args)`` returns ``(out, residuals)``;
    ``bwd(residuals, g)`` returns a tuple with one cotangent per argument (each shaped
    like the argument; None for zero). Arguments and outputs may be pytrees. Called
    when nothing records, ``f`` itself runs. ``nondiff_argnums`` are passed to ``bwd``
    first, as in JAX. Residuals that are inputs or outputs stay connected to the graph,
    so ``bwd`` written with arraygrad ops is differentiable again.
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> custom_vjp:
        self.fwd, self.bwd = fwd, bwd
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .functional import tree_flatten, tree_unflatten

        name = getattr(self.fun, "__name__", "custom_vjp")
        if self.fwd is None or self.bwd is None:
            raise AttributeError(
                f"No VJP defined for custom_vjp function {name}; call "
                f"{name}.defvjp(fwd, bwd) first"
            )
        leaves, owner, layout = _flatten_args(args, self.nondiff_argnums)
        diff = _diff_positions(leaves)
        if not diff:
            return self.fun(*args, **kwargs)
        with _NoGrad():
            pair = self.fwd(*args, **kwargs)
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"custom_vjp {name}: fwd must return a pair (output, residuals)")
        out, res = pair
        out_leaves, out_def = tree_flatten(out)
        res_leaves, res_def = tree_flatten(res)
        tensor_pos = [k for k, r in enumerate(res_leaves) if isinstance(r, Tensor)]
        saved = [res_leaves[k] for k in tensor_pos]
        res_template = [None if isinstance(r, Tensor) else r for r in res_leaves]
        out_specs = [Spec(o._data) if isinstance(o, Tensor) else None for o in out_leaves]
        nd_args = tuple(args[i] for i in self.nondiff_argnums)
        bwd = self.bwd
        n_diff_args = sum(1 for lay in layout if lay is not None)

        def backward(saved: tuple, grads: tuple) -> tuple:
            rl = list(res_template)
            for k, s in zip(tensor_pos, saved):
                rl[k] = s
            g = tree_unflatten(out_def, [
                gk if gk is not None else (None if sp is None else Tensor._make(
                    np.zeros(sp.shape, dtype=sp.dtype)))
                for gk, sp in zip(grads, out_specs)])
            cts = bwd(*nd_args, tree_unflatten(res_def, rl), g)
            if not isinstance(cts, (tuple, list)) or len(cts) != n_diff_args:
                got = type(cts).__name__
                if isinstance(cts, (tuple, list)):
                    got += f" of length {len(cts)}"
                raise TypeError(
                    f"custom_vjp {name}: bwd must return a tuple with one cotangent per "
                    f"differentiable argument ({n_diff_args}), got {got}"
                )
            flat: list = []
            it = iter(cts)
            for lay in layout:
                if lay is None:
                    continue
                ct = next(it)
                start, count, d = lay
                if ct is None:
                    flat += [None] * count
                    continue
                cl, cd = tree_flatten(ct)
                if len(cl) != count:
                    raise ValueError(
                        f"custom_vjp {name}: a cotangent has structure {cd} but its "
                        f"argument has structure {d}"
                    )
                flat += cl
            return tuple(flat)

        new = make_node(f"CustomVJP_{name}Backward", leaves, diff, out_leaves, saved,
                        backward)
        del saved, res_leaves
        return tree_unflatten(out_def, new)


class custom_jvp:
    """A function with a hand-written JVP (JAX's ``jax.custom_jvp``).

    ``@f.defjvp`` registers ``f_jvp(primals, tangents) -> (out, tangent_out)``, linear in
    the tangents. Reverse mode uses its transpose (computed by differentiating
    ``tangent_out`` with respect to the tangents), so ``grad``, ``vjp``, ``jvp`` and
    higher derivatives all use the rule.
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable | None = None

    def defjvp(self, jvp: Callable) -> Callable:
        self.jvp = jvp
        return jvp

    def __call__(self, *args: Any) -> Any:
        from ..core import engine
        from .functional import tree_flatten, tree_unflatten

        name = getattr(self.fun, "__name__", "custom_jvp")
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name}; decorate "
                                 f"the rule with @{name}.defjvp")
        leaves, owner, layout = _flatten_args(args, self.nondiff_argnums)
        diff = _diff_positions(leaves)
        if not diff:
            return self.fun(*args)
        with _NoGrad():
            out = self.fun(*args)
        out_leaves, out_def = tree_flatten(out)
        jvp_rule = self.jvp
        nd = self.nondiff_argnums

        def backward(saved: tuple, grads: tuple) -> tuple:
            from ..ops.creation import zeros_like

            cg = STATE.level == 2
            prim = list(leaves)
            for i, s in zip(diff, saved):
                prim[i] = s if cg else s.detach()
            with _Recording():
                ts = {}
                tl = []
                for i, x in enumerate(prim):
                    if i in diff:
                        t = Tensor._make(zeros_like(x.detach())._data, None, 0, 1)
                        ts[i] = t
                        tl.append(t)
                    elif isinstance(x, Tensor) and x.dtype.kind in "fc":
                        tl.append(zeros_like(x.detach()))
                    else:
                        tl.append(x)
                p_args, t_args = [], []
                for lay in layout:
                    if lay is None:
                        continue
                    start, count, d = lay
                    p_args.append(tree_unflatten(d, prim[start:start + count]))
                    t_args.append(tree_unflatten(d, tl[start:start + count]))
                nd_args = tuple(args[i] for i in nd)
                pair = jvp_rule(*nd_args, tuple(p_args), tuple(t_args)) if nd \
                    else jvp_rule(tuple(p_args), tuple(t_args))
                _, t_out = pair
                t_leaves = tree_flatten(t_out)[0]
                pairs = [(t, g) for t, g in zip(t_leaves, grads)
                         if isinstance(t, Tensor) and t._rg and g is not None]
                result = [None] * len(leaves)
                if pairs:
                    got = engine.grad([p[0] for p in pairs], [ts[i] for i in diff],
                                      [p[1] for p in pairs], retain_graph=cg,
                                      create_graph=cg, allow_unused=True)
                    for i, gi in zip(diff, got):
                        result[i] = gi
            return tuple(result)

        new = make_node(f"CustomJVP_{name}Backward", leaves, diff, out_leaves,
                        [leaves[i] for i in diff], backward, materialize=False)
        return tree_unflatten(out_def, new)
