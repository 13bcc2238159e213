"""How a primitive op is declared and called.

A primitive is a function on raw backend arrays plus one derivative rule per
differentiable argument, declared next to it::

    @primitive("Sin")
    def sin(x):
        return np.sin(x)

    defvjp(sin, lambda g, ans, x: g * cos(x))

The decorator returns the user-facing op. Called with nothing that records, it is one
backend call and one Tensor. Otherwise it goes to ``call``, the one record path: it
stacks array-likes holding tensors (``stack_arraylike``), makes the one ``Node`` that
keeps what the rule needs, and is where saved-tensor hooks, anomaly mode and a
compiler's tracer attach (``mode.SWITCHES``). Rules take ``(g, ans, *args, **kwargs)`` as
Tensors and are written with the same ops users call, so running them with recording on
(``create_graph=True``) differentiates them again: higher order comes for free.

Broadcasting is undone once, in ``unbroadcast``, for every rule's result.

Also here, because every layer above needs them and they need nothing above: the one
"does this call record?" check (``records``), ``as_tensor``, and the in-place helpers
(``inplace_primitive``, ``become``, ``old_self``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .._backend import array_module, raise_if_mixed_devices
from .mode import STATE, SWITCHES
from .node import Node, new_node
from .tensor import Tensor

__all__ = [
    "Primitive", "primitive", "defvjp", "defvjp_variadic", "unbroadcast", "Spec", "wrap",
    "call", "inplace_primitive", "records", "holds_tensor", "stack_arraylike", "as_tensor",
    "ADD_INTO", "WRITE_INTO", "become", "old_self", "raise_named",
]

wrap = Tensor._make


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

    __slots__ = ("name", "node_name", "fwd", "vjps", "save", "save_ans", "nout", "op",
                 "rule_kwargs", "cross", "inplace", "view")
    materialize = True  # a multi-output rule gets zeros for outputs that got no gradient

    def __init__(self, fwd: Callable, name: str, nout: int = 1) -> None:
        self.fwd = fwd
        self.name = name
        self.node_name = f"{name}Backward0"
        self.vjps: dict[int, Callable] = {}
        # True: keep the arguments; False: only their shapes and dtypes; a callable
        # ``save(args) -> (saved, versions)``: the op's own choice (custom Functions).
        self.save: Any = True
        self.save_ans = False
        self.nout = nout
        self.op: Callable | None = None
        # Whether rules receive the op's keyword arguments. Ufunc keywords (dtype=, ...)
        # don't change a derivative, so their rules are called without them.
        self.rule_kwargs = True
        # A binary op whose rule for each argument reads only the other one (mul, matmul):
        # when one side needs no gradient, the other side need not be kept or checked.
        self.cross = False
        self.inplace = False  # writes into its first argument (``inplace_primitive``)
        # A view op (``views.declare_view``): marks its recorded results that share memory
        self.view: Callable | None = None

    def diff_positions(self, nargs: int) -> list[int]:
        return [i for i in range(nargs) if i in self.vjps]

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def primitive(name: str, nout: int = 1, arity: int | None = None) -> Callable:
    """Declare a primitive. ``arity`` 1 or 2 picks a lean prologue for unary/binary ops;
    every prologue hands all but the fast case to ``call``."""

    def decorate(fwd: Callable) -> Callable:
        prim = Primitive(fwd, name, nout)
        op = _entry(prim, arity)
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


# ---------------------------------------------------------------------------- the entry
# Every op a primitive declares is a thin prologue over ``call``. The prologue's only
# job is the fast case: nothing records, no array-like holding tensors, no tracer or
# hooks switched on; then the op is one backend call and one Tensor, built inline (at
# ~0.4 us per NumPy call on small arrays, a saved call frame is a measurable share of an
# op: docs/performance.md). Everything else goes to ``call``.

_new = object.__new__
_ndarray = np.ndarray
_generic = np.generic
_asarray = np.asarray
_SEQUENCES = (list, tuple)


def _entry(prim: Primitive, arity: int | None) -> Callable:
    fwd = prim.fwd
    state = STATE
    switches = SWITCHES
    vjps = prim.vjps

    if arity == 1:
        def op(x, *args, **kwargs):
            if isinstance(x, Tensor):
                rg = x._rg
                if rg and (level := state.level) >= rg and 0 in vjps:
                    return call(prim, (x, *args) if args else (x,), kwargs, None, level)
                if switches.extras:
                    return call(prim, (x, *args), kwargs)
                xd = x._data
            elif switches.extras or (type(x) in _SEQUENCES and holds_tensor(x)):
                return call(prim, (x, *args), kwargs)
            else:
                xd = x
            try:
                d = fwd(xd, *args, **kwargs) if args or kwargs else fwd(xd)
            except (TypeError, ValueError) as exc:
                _raise_op_error(prim, (xd, *args), exc)
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

    elif arity == 2:
        def op(x, y, *args, **kwargs):
            if isinstance(x, Tensor):
                rg = x._rg
                if rg and rg <= (level := state.level):
                    return call(prim, (x, y, *args) if args else (x, y), kwargs, None, level)
                xd = x._data
            elif type(x) in _SEQUENCES and holds_tensor(x):
                return call(prim, (x, y, *args), kwargs)
            else:
                xd = x
            if isinstance(y, Tensor):
                rg = y._rg
                if rg and rg <= (level := state.level):
                    return call(prim, (x, y, *args) if args else (x, y), kwargs, None, level)
                yd = y._data
            elif type(y) in _SEQUENCES and holds_tensor(y):
                return call(prim, (x, y, *args), kwargs)
            else:
                yd = y
            if switches.extras:
                return call(prim, (x, y, *args), kwargs)
            try:
                d = fwd(xd, yd, *args, **kwargs) if args or kwargs else fwd(xd, yd)
            except (TypeError, ValueError) as exc:
                _raise_op_error(prim, (xd, yd), exc)
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

    else:
        def op(*args, **kwargs):
            level = state.level
            for a in args:
                if isinstance(a, Tensor):
                    if a._rg and a._rg <= level:
                        return call(prim, args, kwargs, None, level)
                elif type(a) in _SEQUENCES and holds_tensor(a):
                    return call(prim, args, kwargs)
            if switches.extras:
                return call(prim, args, kwargs)
            raw = [a._data if isinstance(a, Tensor) else a for a in args]
            try:
                ans = fwd(*raw, **kwargs)
            except (TypeError, ValueError) as exc:
                _raise_op_error(prim, raw, exc)
            if prim.nout == 1:
                return wrap(ans)
            return tuple(wrap(a) for a in ans)

    return op


def call(prim: Primitive, args: tuple, kwargs: dict, out: Tensor | None = None,
         level: int | None = None) -> Any:
    """Run ``prim`` on ``args``: THE entry point of every primitive call.

    Every op declared with ``@primitive`` reaches this function whenever it records, gets
    an array-like holding tensors, or ``SWITCHES.extras`` is on; the engine's own
    accumulation into gradient buffers and Tensor's in-place operators call it with
    ``out``. So this is where graph edges are made (one node constructor, one place that
    decides what is saved for the rules) and where the process-wide extras attach:

    - ``SWITCHES.on_record(node)`` for each new node (saved-tensor hooks, anomaly mode);
    - ``SWITCHES.tracer(prim, args, kwargs, result)`` after each call, recorded or not,
      with the Tensors as given (array-likes already stacked) and the Tensor (or tuple of
      Tensors) returned. Setting a tracer (``SWITCHES.tracer = fn; SWITCHES.update()``)
      sends every primitive call of the process here, fast cases included; an in-place
      call (``prim.inplace``) passes ``out`` as ``result``, after it was written. A custom
      ``Function`` call arrives as its op with ``args`` its Tensors (None elsewhere) and a
      ``fwd`` that returns that call's outputs: its forward ran in user code, whose own
      primitive calls the tracer saw one by one.

    ``out``: an in-place primitive (``inplace_primitive``) writes into ``out``'s data
    (``out`` is ``args[0]``) and bumps its version; it never records. ``level``: the
    recording level when the caller has read it already (``STATE.level`` costs ~0.1 us).
    """
    if out is not None:
        return _call_inplace(prim, args, kwargs, out)
    if level is None:
        level = STATE.level
    vjps = prim.vjps
    rg = 2
    n = len(args)
    # Which arguments get a gradient: (argnum, the node it flows into, output index).
    # One and two arguments (most ops) take the short branches of the same loop.
    # (One and two arguments keep their data in locals, not a tuple: fewer allocations
    # also mean fewer garbage-collector passes over a long graph.)
    raw = xd = yd = None
    if n == 1 and isinstance(x := args[0], Tensor):
        xd = x._data
        r = x._rg
        if r and r <= level and 0 in vjps:
            src = x._node
            edges = ((0, _edge_node(x) if src is None else src, x._out),)
            rg = r
        else:
            edges = None
    elif n == 2 and type(x := args[0]) not in _SEQUENCES and \
            type(y := args[1]) not in _SEQUENCES:
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
        if ex is None:
            edges = None if ey is None else (ey,)
        else:
            edges = (ex,) if ey is None else (ex, ey)
    else:
        if _holds_sequence(args):
            args = tuple(stack_arraylike(a) if type(a) in _SEQUENCES else a for a in args)
        edges = None
        raw = []
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                raw.append(a._data)
                r = a._rg
                if r and r <= level and i in vjps:
                    src = a._node
                    e = (i, _edge_node(a) if src is None else src, a._out)
                    if edges is None:
                        edges = [e]
                    else:
                        edges.append(e)
                    if r < rg:
                        rg = r
            else:
                raw.append(a)
        if edges is not None:
            edges = tuple(edges)
        if n <= 2 and n:  # the short branches below read the data from locals
            xd = raw[0]
            yd = raw[1] if n == 2 else None
    try:
        if raw is not None:
            ans = prim.fwd(*raw, **kwargs) if kwargs else prim.fwd(*raw)
        elif n == 1:
            ans = prim.fwd(xd, **kwargs) if kwargs else prim.fwd(xd)
        else:
            ans = prim.fwd(xd, yd, **kwargs) if kwargs else prim.fwd(xd, yd)
    except (TypeError, ValueError) as exc:
        _raise_op_error(prim, raw if raw is not None else (xd, yd)[:n], exc)
    nout = prim.nout
    if nout == 1 and type(ans) is not _ndarray and isinstance(ans, _generic):
        ans = _asarray(ans)  # NumPy returns scalars for 0-d results; keep arrays
    if not edges:  # nothing records (or only non-differentiable arguments do)
        node = None
        result = wrap(ans) if nout == 1 else tuple(wrap(a) for a in ans)
    else:
        save = prim.save
        if n == 1 and save is True:  # the unary case of ``_saved``, inlined
            v = args[0]._version
            saved, versions = args, (((0, v),) if v else _V0)
        elif n == 1 and save is False:
            saved, versions = (_spec(xd),), None
        else:
            saved, versions = _saved(prim, args, raw, edges, xd, yd)
        node = new_node(prim, saved, kwargs, ans if (prim.save_ans or nout > 1) else None,
                        edges, rg, versions)
        if nout == 1:
            result = _new(Tensor)
            result._data = ans
            result._node = node
            result._out = 0
            result._rg = rg
            result._version = 0
            result._meta = None
            if prim.save_ans:
                node.out_ref = weakref.ref(result)
            if prim.view is not None:
                prim.view(result, args, kwargs)
        else:
            result = tuple(_multi_output(a, node, k, rg) for k, a in enumerate(ans))
    if SWITCHES.extras:
        _extras(prim, args, kwargs, result, node)
    return result


def _extras(prim: Primitive, args: tuple, kwargs: dict, result: Any, node: Any) -> None:
    """What the process-wide switches ask of a call: the saved-tensor hooks and anomaly
    mode see each new node, a tracer each call."""
    on_record = SWITCHES.on_record
    if node is not None and on_record is not None:
        on_record(node)
    tracer = SWITCHES.tracer
    if tracer is not None:
        tracer(prim, args, kwargs, result)


def _holds_sequence(args: tuple) -> bool:
    for a in args:
        if type(a) in _SEQUENCES and holds_tensor(a):
            return True
    return False


def _saved(prim: Primitive, args: tuple, raw: list | None, edges: tuple, xd: Any,
           yd: Any) -> tuple:
    """What the node keeps for its rules, and the versions of the Tensors it keeps (the
    backward checks them: an in-place change since is an error). Unary and binary calls,
    most of all recorded ops, take the short branches (their data: ``xd``, ``yd``)."""
    save = prim.save
    n = len(args)
    if save is True:
        if n == 1:  # the argument has an edge: it is a Tensor
            v = args[0]._version
            return args, (((0, v),) if v else _V0)
        if n == 2:
            x, y = args
            if prim.cross and len(edges) == 1:
                # Only one side gets a gradient, and its rule reads only the other side:
                # keep that one (PyTorch does the same), so updating the first in place
                # stays legal.
                if edges[0][0] == 0:
                    return (_spec(xd), y), (((1, y._version),)
                                            if isinstance(y, Tensor) else None)
                return (x, _spec(yd)), (((0, x._version),)
                                        if isinstance(x, Tensor) else None)
            if not isinstance(x, Tensor):
                v = y._version
                return args, (((1, v),) if v else _V1)
            if not isinstance(y, Tensor):
                v = x._version
                return args, (((0, v),) if v else _V0)
            if x._version or y._version:
                return args, ((0, x._version), (1, y._version))
            return args, _V01
        versions = tuple([(i, a._version) for i, a in enumerate(args) if isinstance(a, Tensor)])
        return args, versions
    if save is False:
        # Only shapes and dtypes (rules like add's need no values).
        if n == 1:
            return (_spec(xd),), None
        if n == 2:
            x, y = args
            if not isinstance(x, Tensor):
                return (x, _spec(yd)), None
            sx = _spec(xd)
            if not isinstance(y, Tensor):
                return (sx, y), None
            # one Spec serves both sides when they agree (``v + x``)
            sy = sx if yd.shape == sx.shape and yd.dtype == sx.dtype else _spec(yd)
            return (sx, sy), None
        return tuple([_spec(raw[i]) if isinstance(a, Tensor) else a
                      for i, a in enumerate(args)]), None
    return save(args)  # a custom Function's own choice: (saved, versions)


def _call_inplace(prim: Primitive, args: tuple, kwargs: dict, out: Tensor) -> Tensor:
    raw = [a._data if isinstance(a, Tensor) else a for a in args]
    try:
        res = prim.fwd(*raw, **kwargs)
    except (TypeError, ValueError) as exc:
        _raise_op_error(prim, raw, exc)
    if res is not out._data:
        out._data = res  # immutable backends (Dask) return a new array
    out._version += 1
    tracer = SWITCHES.tracer
    if tracer is not None:
        tracer(prim, args, kwargs, out)
    return out


def inplace_primitive(name: str, fwd: Callable) -> Primitive:
    """A primitive that writes into its first argument and returns it (or, on an immutable
    backend, the new array): ``call(prim, (t, *rest), {}, out=t)``. It has no rule: an
    in-place op inside a graph is recorded as its out-of-place twin instead."""
    prim = Primitive(fwd, name)
    prim.inplace = True
    return prim


def _add_into(buf: Any, g: Any) -> Any:
    buf += g
    return buf


def _write_into(buf: Any, g: Any) -> Any:
    buf[...] = g
    return buf


# The engine's own accumulation ops (into gradient buffers), through the one entry.
ADD_INTO = inplace_primitive("AddInto", _add_into)
WRITE_INTO = inplace_primitive("WriteInto", _write_into)


def _raise_op_error(prim: Primitive, raw: Any, exc: BaseException) -> None:
    """A backend error inside an op, re-raised naming the op and its arguments' shapes and
    dtypes (one place for every op); arguments on different devices get that error."""
    raise_if_mixed_devices(prim.name, raw, exc)
    raise_named(prim.op.__name__.lstrip("_") if prim.op is not None else prim.name, raw, exc)


def raise_named(name: str, raw: Any, exc: BaseException) -> None:
    """Re-raise the backend's ``exc`` (same type) as ``"name: message (arguments of
    shapes ...)"``; an error an inner op already named passes unchanged. (Composites'
    no-grad fast paths, in ops/_compose.py, use it too.)"""
    if getattr(exc, "_ag_op", False):
        raise exc  # an inner op already named itself
    parts = [f"{tuple(a.shape)} {a.dtype}" for a in raw
             if hasattr(a, "shape") and hasattr(a, "dtype") and not isinstance(a, _generic)]
    what = "shape" if len(parts) == 1 else "shapes"
    text = str(exc)
    if not text.startswith(f"{name}:"):  # NumPy names some of its functions itself
        text = f"{name}: {text}"
    msg = text + (f" (arguments of {what} {' and '.join(parts)})" if parts else "")
    try:
        new = type(exc)(msg)
    except Exception:  # noqa: BLE001 - an exception class that wants other arguments
        new = (TypeError if isinstance(exc, TypeError) else ValueError)(msg)
    new._ag_op = True
    raise new from exc


def become(self: Tensor, new: Tensor) -> Tensor:
    """Make ``self`` the result of a recorded op, keeping its identity (a recorded
    in-place op: ``self`` now stands for ``new``; its version moves on)."""
    self._data = new._data
    self._node = new._node
    self._out = new._out
    self._rg = new._rg
    self._version += 1
    return self


def old_self(self: Tensor) -> Tensor:
    """A stand-in for ``self``'s current value and graph position (never modified), to
    record an in-place op as its out-of-place twin."""
    old = Tensor._make(self._data, self._node, self._out, self._rg)
    old._version = self._version
    if self._node is None and self._rg:
        old._meta = self._meta  # the same leaf: gradients still reach its accumulator
    return old


# ---------------------------------------------------------------------------- saving


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


def _multi_output(data: Any, node: Node, k: int, rg: int) -> Tensor:
    # Integer outputs (indices, ranks) carry no gradient.
    if getattr(data, "dtype", None) is not None and data.dtype.kind in "fc":
        return wrap(data, node, k, rg)
    return wrap(data)


# ---------------------------------------------------------------------------- array-likes


def records(obj: Any) -> bool:
    """Does ``obj`` (a Tensor, or a list/tuple/dict holding some) record here and now?
    The one "does this call record?" check."""
    if isinstance(obj, Tensor):
        rg = obj._rg
        return bool(rg) and rg <= STATE.level
    if isinstance(obj, (list, tuple)):
        for o in obj:
            if records(o):
                return True
        return False
    if isinstance(obj, dict):
        for o in obj.values():
            if records(o):
                return True
    return False


def holds_tensor(seq: Any) -> bool:
    """Does a (nested) list/tuple hold a Tensor somewhere?"""
    for item in seq:
        if isinstance(item, Tensor):
            return True
        if type(item) in _SEQUENCES and holds_tensor(item):
            return True
    return False


class _Template:
    """An array-like with its Tensors taken out: ``slots[k]`` is where Tensor ``k`` was."""

    __slots__ = ("structure", "paths")

    def __init__(self, structure: Any, paths: list) -> None:
        self.structure = structure
        self.paths = paths


class _Slot:
    __slots__ = ("k",)

    def __init__(self, k: int) -> None:
        self.k = k


def _template(obj: Any, path: tuple, tensors: list, paths: list) -> Any:
    if isinstance(obj, Tensor):
        paths.append(path)
        tensors.append(obj)
        return _Slot(len(tensors) - 1)
    if type(obj) in _SEQUENCES:
        return [_template(o, (*path, i), tensors, paths) for i, o in enumerate(obj)]
    return obj


def _fill(structure: Any, datas: tuple) -> Any:
    if type(structure) is _Slot:
        return datas[structure.k]
    if type(structure) is list:
        return [_fill(s, datas) for s in structure]
    return structure


def _stack_data(structure: Any, xp: Any) -> Any:
    """Stack nested lists on a backend that does not take nested lists of its arrays."""
    if type(structure) is list:
        return xp.stack([_stack_data(s, xp) for s in structure])
    return xp.asarray(structure)


@primitive("Stack")
def array(template, *datas, dtype=None):
    """The data of an array-like, its Tensors' data put in (see ``stack_arraylike``)."""
    filled = _fill(template.structure, datas)
    if all(type(d) is _ndarray for d in datas):
        return np.array(filled, dtype=dtype)  # NumPy's own rules for array-likes
    out = _stack_data(filled, array_module(datas[0]))
    return out if dtype is None else out.astype(dtype)


# Each tensor's gradient is its part of the stacked gradient: a basic index, through
# Tensor's own indexing (recorded under create_graph).
_pack = array
defvjp_variadic(_pack, lambda i, g, ans, template, *specs, dtype=None:
                g[template.paths[i - 1]] if i else None, save=False)
_pack.prim.rule_kwargs = False


def stack_arraylike(obj: Any, dtype: Any = None) -> Any:
    """A (nested) list/tuple holding Tensors, Python scalars and arrays as ONE recorded
    Tensor, stacked as ``numpy.array`` would stack it; anything else unchanged.

    The one place array-likes holding tensors become tensors: every primitive's entry
    (``call``), ``tensor()``, ``anp.array``/``asarray`` and NumPy dispatch use it, so a
    gradient never silently stops at a list."""
    if type(obj) not in _SEQUENCES or not holds_tensor(obj):
        return obj
    tensors: list = []
    paths: list = []
    structure = _template(obj, (), tensors, paths)
    kwargs = {} if dtype is None else {"dtype": np.dtype(dtype)}
    return _pack(_Template(structure, paths), *tensors, **kwargs)


def as_tensor(x: Any) -> Tensor:
    """``x`` as a Tensor: itself; a list holding Tensors stacked differentiably; anything
    else a constant Tensor on its backend. The one ``as_tensor``."""
    if isinstance(x, Tensor):
        return x
    if type(x) in _SEQUENCES and holds_tensor(x):
        return stack_arraylike(x)
    return Tensor(x)


# ---------------------------------------------------------------------------- broadcasting


def unbroadcast(g: Tensor, target: Any) -> Tensor:
    """Sum ``g`` down to ``target``'s shape and cast it to ``target``'s dtype.

    The single place where broadcasting is undone: the engine calls it on every rule's
    result, so rules never think about broadcasting.

    The kernel's one upward hook: the sum, reshape, ``real`` and ``astype`` here are
    Tensor's methods, which ``_methods`` binds onto the ops once they exist (so under
    ``create_graph`` they record). A looked-up method, not an import: ``core`` loads, and
    is tested, without ``ops`` (tests/test_layering.py).
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
            g = g.sum(axis=axes)
        if g.shape != shape_t:
            g = g.reshape(shape_t)
    if g.dtype != dt:
        if g.dtype.kind == "c" and dt.kind != "c":
            g = g.real
        if g.dtype != dt and dt.kind in "fc":
            g = g.astype(dt)
    return g
