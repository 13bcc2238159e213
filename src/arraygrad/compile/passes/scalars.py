"""Scalar lowering: float64 0-d values (a loss, a deep chain of scalars like W3) are
computed with Python floats — ``a + b``, ``math.sin(a)`` — instead of ufunc calls on 0-d
arrays, which cost ten times more per operation.

Exactness: + - * / on Python floats are IEEE double, as NumPy's; ``math`` functions are
used only where they agree bit for bit with NumPy's on this machine (checked once, on
sample values); the others stay NumPy calls (on floats). Python raises where NumPy warns
(``1.0 / 0.0``, ``math.sin(inf)``): only instructions before the program's first write
are lowered, and the caller reruns the unlowered program if one raises.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..program import EFFECTS, Instr, Program, Ref, refs_in

__all__ = ["lower_scalars", "RAISES"]

RAISES = (ArithmeticError, ValueError)

_OPS: dict[Any, str] = {
    np.add: "({0} + {1})", np.subtract: "({0} - {1})", np.multiply: "({0} * {1})",
    np.divide: "({0} / {1})", np.negative: "(-{0})",
}


def _agrees(np_fn: Any, math_fn: Any) -> bool:
    x = np.random.default_rng(0).uniform(-20.0, 20.0, 512)
    x = np.abs(x) if np_fn in (np.sqrt, np.log) else x
    try:
        return all(float(a) == math_fn(float(v)) for a, v in zip(np_fn(x), x))
    except (ValueError, OverflowError):
        return False


_MATH: dict[Any, str] | None = None


def _math_table() -> dict[Any, str]:
    global _MATH
    if _MATH is None:
        _MATH = {f: f"math_{m.__name__}({{0}})" for f, m in (
            (np.sin, math.sin), (np.cos, math.cos), (np.sqrt, math.sqrt), (np.exp, math.exp),
            (np.tanh, math.tanh), (np.log, math.log)) if _agrees(f, m)}
    return _MATH


def _scalar(prog: Program, a: Any) -> bool:
    if isinstance(a, Ref):
        inf = prog.info.get(a.slot)
        return inf is not None and inf[0] == () and inf[1] == np.float64
    return type(a) in (float, int)


def lower_scalars(prog: Program) -> Program:
    table = {**_OPS, **_math_table()}
    lowered: dict[int, Instr] = {}
    out = []
    for ins in prog.instrs:
        if ins.op in EFFECTS and (ins.op != "mutate" or ins.meta.get("external")):
            break
        if ins.op == "call" and not ins.kwargs and len(ins.outs) == 1 and not \
                ins.meta.get("method") and not ins.meta.get("impure") and \
                _scalar(prog, Ref(ins.outs[0])) and all(_scalar(prog, a) for a in ins.args):
            try:
                tpl = table.get(ins.fn)
            except TypeError:
                tpl = None
            if tpl is None and isinstance(ins.fn, np.ufunc) and ins.fn.nout == 1:
                tpl = None  # other ufuncs: a NumPy call on floats still beats 0-d arrays
            if tpl is not None:
                lowered[id(ins)] = Instr("scalar", fn=tpl, args=ins.args, outs=ins.outs,
                                         name=ins.name)
    if not lowered:
        return prog
    scalar_slots = {s for i in lowered.values() for s in i.outs}
    # 0-d arrays the lowered code reads: constants become literals, others are converted
    # to a float once, right after they are made
    consts = {i.outs[0]: i.fn for i in prog.instrs if i.op == "const" and
              not i.meta.get("copy") and getattr(i.fn, "shape", None) == ()}
    convert: dict[int, int] = {}
    next_slot = max(list(prog.info) + [s for i in prog.instrs for s in i.outs] + [0]) + 1
    for new in lowered.values():
        for a in new.args:
            if isinstance(a, Ref) and a.slot not in scalar_slots and a.slot not in consts \
                    and a.slot not in convert:
                convert[a.slot] = next_slot
                prog.info[next_slot] = ((), np.dtype(np.float64), True)
                next_slot += 1

    def sub(a: Any) -> Any:
        if isinstance(a, Ref):
            if a.slot in consts:
                return float(consts[a.slot])
            if a.slot in convert:
                return Ref(convert[a.slot])
        return a

    for new in lowered.values():
        new.args = tuple(sub(a) for a in new.args)
    # a lowered value read by anything else (or returned) is made a 0-d array again
    needs_array = set(refs_in(prog.outputs)) & scalar_slots
    for ins in prog.instrs:
        if id(ins) not in lowered:
            needs_array |= set(ins.uses()) & scalar_slots
            if ins.op == "mutate":
                needs_array.discard(ins.meta["target"])
    for ins in prog.instrs:
        new = lowered.get(id(ins))
        if new is None:
            out.append(ins)
            for o in ins.outs:
                if o in convert:
                    out.append(Instr("scalar", fn="float({0})", args=(Ref(o),),
                                     outs=[convert[o]], name="to float"))
            continue
        if new.outs[0] in needs_array:
            new.meta["to_array"] = True
        out.append(new)
    prog.instrs = out
    prog.plan["scalar"] = True
    prog.notes.append(f"scalars: {len(lowered)} float64 0-d operations on Python floats")
    return prog
