"""Emit a Program as Python source and exec it.

The source is the program itself, readable: one line per instruction, slots as local
variables ``s0, s1, ...``, planned buffers ``b0, b1, ...`` written through ``out=``, fused
kernels ``k0, ...``. Everything that is not a literal (functions, constant arrays, captured
tensors) is a name bound in the function's globals.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .program import Instr, Program, Ref

__all__ = ["emit", "Retrace", "source"]


class Retrace(Exception):
    """A guard saw a different Python value than the trace did."""


def _same(a: Any, b: Any) -> bool:
    try:
        if a == b:
            return True
    except Exception:
        return False
    return a != a and b != b  # NaN read both times


def _a0(x: Any) -> Any:
    return x if type(x) is np.ndarray else np.asarray(x)


def _set_grad(t: Tensor, data: Any) -> None:
    t._leaf_meta().grad = Tensor._make(data)


def _set_grad_data(t: Tensor, data: Any) -> None:
    t._leaf_meta().grad._data = data


def _no_grad(t: Tensor) -> None:
    if t._meta is not None:
        t._meta.grad = None


_make = Tensor._make
_LITERALS = (int, float, bool, str, type(None), complex)


class _Names:
    """Names for the non-literal objects the source refers to."""

    def __init__(self) -> None:
        self.ns: dict[str, Any] = {
            "np": np, "_Retrace": Retrace, "_same": _same, "_a0": _a0, "_T": _make,
            "_set_grad": _set_grad, "_no_grad": _no_grad, "_set_grad_data": _set_grad_data,
            "_setitem": operator.setitem, "math_sin": math.sin, "math_cos": math.cos,
            "math_sqrt": math.sqrt, "math_exp": math.exp, "math_tanh": math.tanh,
            "math_log": math.log,
        }
        self.ids: dict[int, str] = {}

    def name(self, obj: Any, prefix: str) -> str:
        key = id(obj)
        n = self.ids.get(key)
        if n is None:
            n = self._nice(obj, prefix)
            self.ids[key] = n
            self.ns[n] = obj
        return n

    def _nice(self, obj: Any, prefix: str) -> str:
        if isinstance(obj, np.ufunc) and getattr(np, obj.__name__, None) is obj:
            base = f"np_{obj.__name__}"
        elif prefix == "f":
            raw = getattr(obj, "__name__", "f")
            base = "f_" + "".join(c if c.isalnum() else "_" for c in raw).strip("_")
        else:
            base = prefix
        n, k = base, 0
        while n in self.ns:
            k += 1
            n = f"{base}{k}"
        return n

    def lit(self, obj: Any) -> str:
        """Source text for an argument value."""
        if isinstance(obj, Ref):
            return f"s{obj.slot}"
        t = type(obj)
        if t in _LITERALS:
            r = repr(obj)
            if t is float and ("inf" in r or "nan" in r):
                return self.name(obj, "c")
            return r
        if t is tuple:
            inner = ", ".join(self.lit(o) for o in obj)
            return f"({inner},)" if len(obj) == 1 else f"({inner})"
        if t is list:
            return "[" + ", ".join(self.lit(o) for o in obj) + "]"
        if t is dict and all(type(k) is str for k in obj):
            return "{" + ", ".join(f"{k!r}: {self.lit(v)}" for k, v in obj.items()) + "}"
        if t is slice:
            return f"slice({self.lit(obj.start)}, {self.lit(obj.stop)}, {self.lit(obj.step)})"
        if obj is Ellipsis:
            return "..."
        if isinstance(obj, np.dtype):
            if np.dtype(obj.name) == obj:
                return f"np.dtype({obj.name!r})"
        if isinstance(obj, type) and getattr(np, obj.__name__, None) is obj:
            return f"np.{obj.__name__}"
        return self.name(obj, "c")


def _target_expr(names: _Names, target: tuple) -> str:
    kind = target[0]
    if kind == "input":
        return f"a[{target[1]}]"
    if kind == "captured":
        return names.name(target[1], "t")
    if kind == "grad":
        return f"{_target_expr(names, target[1])}._meta.grad"
    raise ValueError(target)


def _call(names: _Names, ins: Instr, extra: str = "") -> str:
    parts = [names.lit(a) for a in ins.args]
    parts += [f"{k}={names.lit(v)}" for k, v in ins.kwargs.items()]
    if extra:
        parts.append(extra)
    method = ins.meta.get("method")
    if method and ins.args and method not in ("__getitem__", "__copy__") and \
            isinstance(ins.args[0], Ref):
        return f"{parts[0]}.{method}({', '.join(parts[1:])})"
    if method == "__getitem__" and len(ins.args) == 2:
        return f"{parts[0]}[{parts[1]}]"
    return f"{names.name(ins.fn, 'f')}({', '.join(parts)})"


def _line(names: _Names, ins: Instr, plan: dict) -> list[str]:
    op = ins.op
    outs = ins.outs
    if plan.get("sandbox") is not None and op in ("input", "load", "store"):
        return _sandboxed(names, ins, plan["sandbox"])
    if op == "input":
        kind, k = ins.meta["target"]
        return [f"s{outs[0]} = a[{k}]._data" if kind == "input" else f"s{outs[0]} = a[{k}]"]
    if op == "load":
        return [f"s{outs[0]} = {_target_expr(names, ins.meta['target'])}._data"]
    if op == "const":
        c = names.name(ins.fn, "c")
        return [f"s{outs[0]} = {c}.copy()" if ins.meta.get("copy") else f"s{outs[0]} = {c}"]
    if op == "call":
        buf = plan.get("buffers", {}).get(outs[0]) if len(outs) == 1 else None
        if buf is not None:
            return [f"s{outs[0]} = {_call(names, ins, f'out=b{buf}')}"
                    + f"  # {ins.name}"]
        text = _call(names, ins)
        if ins.meta.get("nout"):
            lhs = ", ".join(f"s{o}" for o in outs)
            return [f"{lhs}{',' if len(outs) == 1 else ''} = {text}  # {ins.name}"]
        if ins.meta.get("scalar") or (
                not ins.meta.get("python") and plan.get("info", {}).get(outs[0], ((1,),))[0] == ()):
            text = f"_a0({text})"
        return [f"s{outs[0]} = {text}  # {ins.name}"]
    if op == "mutate":
        if ins.fn is operator.setitem and len(ins.args) == 3:
            a = [names.lit(x) for x in ins.args]
            return [f"{a[0]}[{a[1]}] = {a[2]}  # write"]
        return [f"{_call(names, ins)}  # write into s{ins.meta['target']}"]
    if op == "guard":
        s = names.lit(ins.args[0])
        how = ins.meta["how"]
        args = ", ".join(names.lit(a) for a in ins.meta["args"])
        expr = {
            "item": f"{s}.item({args})", "tolist": f"{s}.tolist()", "bool": f"bool({s})",
            "float": f"float({s})", "int": f"int({s})", "index": f"operator_index({s})",
            "complex": f"complex({s})", "value": s,
        }[how]
        names.ns["operator_index"] = operator.index
        if ins.meta.get("result_only"):
            return [f"s{outs[0]} = {expr}  # read after the last operation: a result"]
        v = names.lit(ins.meta["value"])
        return [f"s{outs[0]} = {expr}",
                f"if not _same(s{outs[0]}, {v}): raise _Retrace({ins.meta.get('index', 0)})"]
    if op == "store":
        tgt = _target_expr(names, ins.meta["target"])
        what = ins.meta["what"]
        if what == "data":
            return [f"{tgt}._data = {names.lit(ins.args[0])}"]
        if what == "grad":
            return [f"_set_grad({tgt}, {names.lit(ins.args[0])})"]
        if what == "nograd":
            return [f"_no_grad({tgt})"]
        if what == "version":
            return [f"{tgt}._version += {ins.meta['delta']}"]
    if op == "opaque":
        f = names.name(ins.fn, "f")
        a = names.name(ins.args, "c") if ins.args else ""
        kw = names.name(ins.kwargs, "c") if ins.kwargs else ""
        inner = ", ".join(x for x in (f"*{a}" if a else "", f"**{kw}" if kw else "") if x)
        return [f"{f}({inner})  # {ins.name}, replayed as Python"]
    if op == "kernel":
        return _kernel_call(names, ins, plan)
    if op == "scalar":
        text = ins.fn.format(*[names.lit(a) for a in ins.args])
        line = f"s{outs[0]} = {text}  # {ins.name}, on floats"
        if ins.meta.get("to_array"):
            return [line, f"s{outs[0]} = np.asarray(s{outs[0]})"]
        return [line]
    raise ValueError(f"cannot emit {op}")


def _sandboxed(names: _Names, ins: Instr, snapshots: dict) -> list[str]:
    """The check replay (check.py): loads read copies of the arrays as the trace found
    them, and writes of state are collected instead of made."""
    if ins.op in ("input", "load"):
        o = ins.outs[0]
        return [f"s{o} = {names.name(snapshots[o], 'snap')}.copy()"]
    what = ins.meta["what"]
    tgt = _target_expr(names, ins.meta["target"])
    value = names.lit(ins.args[0]) if ins.args else "None"
    return [f"_STORED.append(({what!r}, {tgt}, {value}))"]


def _kernel_call(names: _Names, ins: Instr, plan: dict) -> list[str]:
    """A fused kernel over flat views: outputs the rest of the program keeps are new
    arrays per call; the others are buffers kept across calls."""
    info = plan["info"]
    lines = []
    args = []
    for a in ins.args:
        shape = info[a.slot][0]
        args.append(f"s{a.slot}" if len(shape) == 1 else f"s{a.slot}.reshape(-1)" if shape
                    else f"s{a.slot}.reshape(1)")
    escaping = set(ins.meta.get("escaping", ()))
    planned = plan.get("buffers", {})
    for s in ins.outs:
        shape, dtype = info[s][:2]
        dt = names.lit(np.dtype(dtype))
        if s in planned:  # a buffer of the plan, shared with other results
            b = f"b{planned[s]}"
            lines.append(f"s{s} = {b}")
            args.append(b if len(shape) == 1 else f"{b}.reshape(-1)")
        elif s in escaping:
            lines.append(f"s{s} = np.empty({shape!r}, {dt})")
            args.append(f"s{s}" if len(shape) == 1 else f"s{s}.reshape(-1)")
        else:
            buf = np.empty(shape, dtype)
            nd = names.name(buf, "kb")
            if len(shape) == 1:
                args.append(nd)
            else:
                args.append(names.name(buf.reshape(-1), "kf"))
            lines.append(f"s{s} = {nd}")
    k = names.name(ins.fn, "k")
    lines.append(f"{k}({', '.join(args)})  # fused: {ins.meta.get('members')} elementwise ops")
    return lines


def _out_expr(names: _Names, spec: Any, made: dict | None = None) -> str:
    """The return expression; ``made`` collects one ``o<slot> = _T(s<slot>)`` per output
    tensor, so a tensor named twice (the result and the graph outputs) is one object."""
    kind = spec[0]
    if kind in ("tensor", "tensor_rg"):
        if made is None:
            return f"_T({names.lit(spec[1])})"
        made[spec[1].slot] = f"o{spec[1].slot} = _T({names.lit(spec[1])})"
        return f"o{spec[1].slot}"
    if kind == "array":
        v = spec[1]
        if isinstance(v, tuple) and v and v[0] == "value":
            return names.lit(v[1])
        return names.lit(v)
    if kind == "tracked":
        return _target_expr(names, spec[1])
    if kind == "read":
        return names.lit(spec[1])
    if kind == "value":
        return names.lit(spec[1])
    if kind in ("list", "tuple"):
        inner = ", ".join(_out_expr(names, s, made) for s in spec[1])
        if kind == "tuple":
            return f"({inner},)" if len(spec[1]) == 1 else f"({inner})"
        return f"[{inner}]"
    if kind == "namedtuple":
        return f"{names.name(spec[1], 'nt')}(" + ", ".join(
            _out_expr(names, s, made) for s in spec[2]) + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{names.lit(k)}: {_out_expr(names, v, made)}" for k, v in
                               spec[1]) + "}"
    raise ValueError(spec)


def source(prog: Program, names: _Names | None = None,
           sandbox: dict | None = None) -> tuple[str, _Names]:
    names = names or _Names()
    plan = dict(prog.plan)
    plan["info"] = prog.info
    plan["sandbox"] = sandbox
    lines = ["def replay(a):"]
    bufs = plan.get("buffer_specs", [])
    if bufs:
        for k, (shape, dtype) in enumerate(bufs):
            names.ns[f"b{k}"] = np.empty(shape, dtype)
    for ins in prog.instrs:
        for text in _line(names, ins, plan):
            lines.append("    " + text)
    made: dict = {}
    ret = _out_expr(names, prog.outputs, made)
    lines.extend("    " + m for m in made.values())
    if sandbox is not None:  # and the arrays it loaded, as the program left them
        loaded = ", ".join(f"{o}: s{o}" for o in sandbox)
        ret = f"{ret}, {{{loaded}}}"
    lines.append(f"    return {ret}")
    return "\n".join(lines) + "\n", names


def emit(prog: Program, sandbox: dict | None = None) -> tuple[Any, str]:
    """The replay function and its source (``sandbox``: slot -> snapshot, see check.py)."""
    src, names = source(prog, sandbox=sandbox)
    ns = names.ns
    if sandbox is not None:
        ns["_STORED"] = []
    code = compile(src, "<ag.compile>", "exec")
    exec(code, ns)
    return ns["replay"], src
