"""How a primitive op is declared and called.

A primitive is a function on raw backend arrays plus one derivative rule per
differentiable argument, declared next to it::

    @primitive("Sin")
    def sin(x):
        return np.sin(x)

    defvjp(sin, lambda g, ans, x: g * cos(x))

The decorator returns the user-facing op. Called with nothing that records, it is one
backend call and one Tensor. Called on a tensor that records, it also makes one ``Node``
that keeps the arguments for the rule. Rules take ``(g, ans, *args, **kwargs)`` as
Tensors and are written with the same ops users call, so running them with recording on
(``create_graph=True``) differentiates them again: higher order comes for free.

Broadcasting is undone once, in ``unbroadcast``, for every rule's result.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .mode import STATE
from .node import Node, new_node
from .tensor import Tensor

__all__ = [
    "Primitive", "primitive", "defvjp", "defvjp_variadic", "defjvp", "unbroadcast", "Spec",
    "wrap",
]

wrap = Tensor._make


class _LazyOps:
    """The op modules, imported on first use (they import this module)."""

    def __getattr__(self, name: str) -> Any:
        import importlib

        module = importlib.import_module(f"arraygrad.ops.{name}")
        setattr(self, name, module)
        return module


_ops = _LazyOps()


class Spec:
    """What a rule may know of an argument the op chose not to keep: shape and dtype."""

    __slots__ = ("shape", "dtype")

    def __init__(self, data: Any) -> None:
        self.shape = data.shape
        self.dtype = data.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


class Primitive:
    """One differentiable operation: a forward on raw arrays and its rules."""

    __slots__ = ("name", "node_name", "fwd", "vjps", "jvps", "save", "save_ans", "nout", "op",
                 "rule_kwargs", "cross")
    materialize = True  # a multi-output rule gets zeros for outputs that got no gradient

    def __init__(self, fwd: Callable, name: str, nout: int = 1) -> None:
        self.fwd = fwd
        self.name = name
        self.node_name = f"{name}Backward0"
        self.vjps: dict[int, Callable] = {}
        self.jvps: dict[int, Callable] = {}
        self.save = True
        self.save_ans = False
        self.nout = nout
        self.op: Callable | None = None
        # Whether rules receive the op's keyword arguments. Ufunc keywords (dtype=, ...)
        # don't change a derivative, so their rules are called without them.
        self.rule_kwargs = True
        # A binary op whose rule for each argument reads only the other one (mul, matmul):
        # when one side needs no gradient, the other side need not be kept or checked.
        self.cross = False

    def diff_positions(self, nargs: int) -> list[int]:
        return [i for i in range(nargs) if i in self.vjps]

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def primitive(name: str, nout: int = 1, arity: int | None = None) -> Callable:
    """Declare a primitive. ``arity`` 1 or 2 picks a lean wrapper for unary/binary ops."""

    def decorate(fwd: Callable) -> Callable:
        prim = Primitive(fwd, name, nout)
        if arity == 1:
            op = _unary(prim)
        elif arity == 2:
            op = _binary(prim)
        else:
            op = _general(prim)
        op.__name__ = fwd.__name__
        op.__qualname__ = getattr(fwd, "__qualname__", fwd.__name__)  # NumPy 1.x ufuncs lack it
        op.__doc__ = fwd.__doc__
        op.__wrapped__ = fwd
        op.prim = prim
        prim.op = op
        return op

    return decorate


def defvjp(
    op: Callable,
    *rules: Callable | None,
    argnums: tuple[int, ...] | None = None,
    save: bool = True,
    save_ans: bool = False,
    cross: bool = False,
) -> None:
    """Attach VJP rules ``rule(g, ans, *args, **kwargs)`` to ``op``'s arguments, in order.

    ``save=False`` keeps only the arguments' shapes and dtypes (for rules that need no
    values, e.g. ``add``); ``save_ans=True`` keeps the output for rules that use it;
    ``cross=True`` says each argument's rule reads only the other argument.
    """
    prim: Primitive = op.prim
    positions = argnums if argnums is not None else range(len(rules))
    for i, rule in zip(positions, rules):
        if rule is not None:
            prim.vjps[i] = rule
    prim.save = save
    prim.save_ans = save_ans
    prim.cross = cross


class _EveryArg(dict):
    """The rules of a variadic op (``concatenate(*xs)``): one rule ``rule(i, g, ans, *args)``
    serves every argument position ``i``."""

    def __init__(self, rule: Callable) -> None:
        super().__init__()
        self.rule = rule

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: int) -> Callable:
        rule = self.rule
        return lambda g, ans, *args, **kwargs: rule(key, g, ans, *args, **kwargs)


def defvjp_variadic(op: Callable, rule: Callable, save: bool = True) -> None:
    """One rule for every positional argument of a variadic op."""
    op.prim.vjps = _EveryArg(rule)
    op.prim.save = save


def defjvp(op: Callable, *rules: Callable | None, argnums: tuple[int, ...] | None = None) -> None:
    """Attach JVP rules ``rule(t, ans, *args, **kwargs)`` (tangent of argument ``i``)."""
    prim: Primitive = op.prim
    positions = argnums if argnums is not None else range(len(rules))
    for i, rule in zip(positions, rules):
        if rule is not None:
            prim.jvps[i] = rule


# ---------------------------------------------------------------------------- wrappers
# Each wrapper's first lines are the no-grad fast path: one backend call, one Tensor.
# Tensors are built inline (``_new`` + six slot stores) rather than through
# ``Tensor._make``: at ~0.4 us per NumPy call on small arrays, the saved call frame is a
# measurable share of an op (docs/performance.md). A backend TypeError/ValueError costs
# nothing until raised (Python 3.11's zero-cost try); then mixed devices get named.

_new = object.__new__
_ndarray = np.ndarray
_generic = np.generic
_asarray = np.asarray


def _unary(prim: Primitive) -> Callable:
    fwd = prim.fwd
    state = STATE

    def op(x, *args, **kwargs):
        if state.tracer is not None:  # ag.compile is tracing: it records, then calls op
            return state.tracer.primitive(op, prim, (x, *args), kwargs)
        if isinstance(x, Tensor):
            rg = x._rg
            if rg and rg <= state.level and 0 in prim.vjps:
                return _record_unary(prim, x, args, kwargs)
            x = x._data
        d = fwd(x, *args, **kwargs) if args or kwargs else fwd(x)
        if type(d) is not _ndarray and isinstance(d, _generic):
            d = _asarray(d)  # NumPy returns scalars for 0-d results; keep arrays
        t = _new(Tensor)
        t._data = d
        t._node = None
        t._out = 0
        t._rg = 0
        t._version = 0
        t._meta = None
        return t

    return op


def _binary(prim: Primitive) -> Callable:
    fwd = prim.fwd
    state = STATE

    def op(x, y, *args, **kwargs):
        if state.tracer is not None:  # ag.compile is tracing: it records, then calls op
            return state.tracer.primitive(op, prim, (x, y, *args), kwargs)
        if isinstance(x, Tensor):
            rg = x._rg
            if rg and rg <= (level := state.level):
                return _record_binary(prim, x, y, args, kwargs, level)
            xd = x._data
        else:
            xd = x
        if isinstance(y, Tensor):
            rg = y._rg
            if rg and rg <= (level := state.level):
                return _record_binary(prim, x, y, args, kwargs, level)
            yd = y._data
        else:
            yd = y
        try:
            d = fwd(xd, yd, *args, **kwargs) if args or kwargs else fwd(xd, yd)
        except (TypeError, ValueError) as exc:
            _mixed_devices(prim, (xd, yd), exc)
            raise
        if type(d) is not _ndarray and isinstance(d, _generic):
            d = _asarray(d)
        t = _new(Tensor)
        t._data = d
        t._node = None
        t._out = 0
        t._rg = 0
        t._version = 0
        t._meta = None
        return t

    return op


def _general(prim: Primitive) -> Callable:
    fwd = prim.fwd
    nout = prim.nout

    def op(*args, **kwargs):
        if STATE.tracer is not None:  # ag.compile is tracing: it records, then calls op
            return STATE.tracer.primitive(op, prim, args, kwargs)
        level = STATE.level
        for a in args:
            if isinstance(a, Tensor) and a._rg and a._rg <= level:
                return record(prim, args, kwargs)
        raw = [a._data if isinstance(a, Tensor) else a for a in args]
        try:
            ans = fwd(*raw, **kwargs)
        except (TypeError, ValueError) as exc:
            _mixed_devices(prim, raw, exc)
            raise
        if nout == 1:
            return wrap(ans)
        return tuple(wrap(a) for a in ans)

    return op


def _mixed_devices(prim: Primitive, raw: Any, exc: BaseException) -> None:
    """After a backend error: raise the mixed-device error naming the op if the
    arguments' devices differ; else return, and the caller re-raises ``exc``."""
    from .._backend import raise_if_mixed_devices

    raise_if_mixed_devices(prim.name, raw, exc)


# Non-zero while saved-tensor hooks (autograd.graph) or anomaly mode (autograd.anomaly) are
# active in any thread; ``record`` reads it once per recorded op and does nothing more.
_EXTRAS = 0


def _extras(node: Node) -> None:
    from ..autograd.graph import on_record

    on_record(node)


def record(prim: Primitive, args: tuple, kwargs: dict) -> Any:
    """Run ``prim`` and make its node: the one place where graph edges are created."""
    level = STATE.level
    raw = [a._data if isinstance(a, Tensor) else a for a in args]
    ans = prim.fwd(*raw, **kwargs)
    edges = []
    rg = 2
    vjps = prim.vjps
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            r = a._rg
            if r and r <= level and i in vjps:
                node = a._node
                if node is None:
                    edges.append((i, a._accumulator(), 0))
                else:
                    edges.append((i, node, a._out))
                if r < rg:
                    rg = r
    if not edges:  # e.g. only non-differentiable arguments record
        return wrap(ans) if prim.nout == 1 else tuple(wrap(a) for a in ans)
    if prim.save:
        saved = args
        versions = tuple((i, a._version) for i, a in enumerate(args) if isinstance(a, Tensor))
    else:
        saved = tuple(Spec(a._data) if isinstance(a, Tensor) else a for a in args)
        versions = None
    nout = prim.nout
    node = Node(prim, saved, kwargs, ans if (prim.save_ans or nout > 1) else None,
                tuple(edges), rg, versions)
    if _EXTRAS:  # saved-tensor hooks or anomaly mode are on somewhere: off the fast path
        _extras(node)
    if nout == 1:
        out = wrap(ans, node, 0, rg)
        if prim.save_ans:
            node.out_ref = weakref.ref(out)
        return out
    return tuple(_multi_output(a, node, k, rg) for k, a in enumerate(ans))


# The two common shapes of ``record``, spelled out: most recorded ops are unary or binary
# and single-output, and skipping the generic loops is worth a microsecond per op.


def _spec(data: Any) -> Spec:
    """``Spec(data)`` for the record path: reuses the previous Spec when shape and dtype
    agree (runs of same-shaped ops are the rule), which spares an allocation and, in long
    graphs, the garbage collector's time on one more tracked object per op."""
    global _last_spec
    spec = _last_spec
    shape = data.shape
    dtype = data.dtype
    if spec.dtype is dtype and spec.shape == shape:
        return spec
    spec = _new(Spec)
    spec.shape = shape
    spec.dtype = dtype
    _last_spec = spec
    return spec


_last_spec = Spec(np.empty(0))

# The saved versions of fresh inputs (version 0, by far the most common), shared.
_V0 = ((0, 0),)
_V1 = ((1, 0),)
_V01 = ((0, 0), (1, 0))


def _edge_node(t: Tensor) -> Any:
    """The node gradients for ``t`` flow into: its producer, or its leaf's accumulator."""
    meta = t._meta
    if meta is not None and meta.acc is not None:
        return meta.acc
    return t._accumulator()


def _record_unary(prim: Primitive, x: Tensor, args: tuple, kwargs: dict) -> Any:
    if prim.nout != 1 or _EXTRAS:
        return record(prim, (x, *args), kwargs)
    xd = x._data
    ans = prim.fwd(xd, *args, **kwargs) if args or kwargs else prim.fwd(xd)
    src = x._node
    if src is None:
        src = _edge_node(x)
    rg = x._rg
    if type(ans) is not _ndarray and isinstance(ans, _generic):
        ans = _asarray(ans)  # NumPy returns scalars for 0-d results; keep arrays
    if prim.save:
        node = new_node(prim, (x, *args) if args else (x,), kwargs,
                        ans if prim.save_ans else None, ((0, src, x._out),), rg,
                        ((0, x._version),) if x._version else _V0)
    else:
        node = new_node(prim, (_spec(xd), *args) if args else (_spec(xd),), kwargs,
                        ans if prim.save_ans else None, ((0, src, x._out),), rg, None)
    return _recorded_output(prim, ans, node, rg)


def _record_binary(prim: Primitive, x: Any, y: Any, args: tuple, kwargs: dict,
                   level: int) -> Any:
    if prim.nout != 1 or _EXTRAS:
        return record(prim, (x, y, *args), kwargs)
    vjps = prim.vjps
    rg = 2
    ex = ey = None
    if isinstance(x, Tensor):
        xd = x._data
        r = x._rg
        if r and r <= level and 0 in vjps:
            src = x._node
            ex = (0, _edge_node(x) if src is None else src, x._out)
            rg = r
    else:
        xd = x
    if isinstance(y, Tensor):
        yd = y._data
        r = y._rg
        if r and r <= level and 1 in vjps:
            src = y._node
            ey = (1, _edge_node(y) if src is None else src, y._out)
            if r < rg:
                rg = r
    else:
        yd = y
    try:
        ans = prim.fwd(xd, yd, *args, **kwargs) if args or kwargs else prim.fwd(xd, yd)
    except (TypeError, ValueError) as exc:
        _mixed_devices(prim, (xd, yd), exc)
        raise
    if ex is None:
        if ey is None:
            return wrap(ans)
        edges = (ey,)
    else:
        edges = (ex,) if ey is None else (ex, ey)
    if prim.save and prim.cross and (ex is None or ey is None):
        # Only one side gets a gradient, and its rule reads only the other side: keep that
        # one (PyTorch does the same), so updating the first in place stays legal.
        if ex is None:
            saved = (x, _spec(yd))
            versions = None if xd is x else ((0, x._version),)
        else:
            saved = (_spec(xd), y)
            versions = None if yd is y else ((1, y._version),)
        if args:
            saved = (*saved, *args)
    elif prim.save:
        saved = (x, y, *args) if args else (x, y)
        if xd is x:
            versions = ((1, y._version),) if y._version else _V1
        elif yd is y:
            versions = ((0, x._version),) if x._version else _V0
        elif x._version or y._version:
            versions = ((0, x._version), (1, y._version))
        else:
            versions = _V01
    else:
        # Only shapes and dtypes are kept; one Spec serves both sides when they agree.
        if xd is x:
            sx = x
            sy = _spec(yd)
        else:
            sx = _spec(xd)
            if yd is y:
                sy = y
            elif yd.shape == sx.shape and yd.dtype == sx.dtype:
                sy = sx
            else:
                sy = _spec(yd)
        saved = (sx, sy, *args) if args else (sx, sy)
        versions = None
    if type(ans) is not _ndarray and isinstance(ans, _generic):
        ans = _asarray(ans)  # NumPy returns scalars for 0-d results; keep arrays
    node = new_node(prim, saved, kwargs, ans if prim.save_ans else None, edges, rg, versions)
    return _recorded_output(prim, ans, node, rg)


def _recorded_output(prim: Primitive, ans: Any, node: Node, rg: int) -> Tensor:
    """The single output of a recorded op (``Tensor._make``, inlined)."""
    out = _new(Tensor)
    out._data = ans
    out._node = node
    out._out = 0
    out._rg = rg
    out._version = 0
    out._meta = None
    if prim.save_ans:
        node.out_ref = weakref.ref(out)
    return out


def _multi_output(data: Any, node: Node, k: int, rg: int) -> Tensor:
    # Integer outputs (indices, ranks) carry no gradient.
    if getattr(data, "dtype", None) is not None and data.dtype.kind in "fc":
        return wrap(data, node, k, rg)
    return wrap(data)


# ---------------------------------------------------------------------------- broadcasting


def unbroadcast(g: Tensor, target: Any) -> Tensor:
    """Sum ``g`` down to ``target``'s shape and cast it to ``target``'s dtype.

    The single place where broadcasting is undone: the engine calls it on every rule's
    result, so rules never think about broadcasting.
    """
    data = g._data
    t = target._data if type(target) is Tensor else target  # a Tensor or a Spec
    shape_t = t.shape
    dt = t.dtype
    if data.shape == shape_t and data.dtype == dt:
        return g  # the common case: nothing to undo
    if g.shape != shape_t:
        lead = g.ndim - len(shape_t)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape_t) if n == 1 and g.shape[lead + i] != 1
        )
        if axes:
            g = _ops.reduce.sum(g, axis=axes, keepdims=False)
        if g.shape != shape_t:
            g = _ops.shape.reshape(g, shape_t)
    if g.dtype != dt:
        if g.dtype.kind == "c" and dt.kind != "c":
            g = _ops.elementwise.real(g)
        if g.dtype != dt and dt.kind in "fc":
            g = g.astype(dt)
    return g
