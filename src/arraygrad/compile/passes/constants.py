"""Constant folding: a pure call whose arguments are all constants is computed once, at
compile time. A constant the program writes into is copied fresh on every call."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..program import Instr, Program, Ref, map_refs
from ._util import group_of, mutated_groups

# Functions whose result depends only on their array arguments' shapes and dtypes
# (which the cache key fixes): foldable whatever those arrays hold.
_SHAPE_ONLY = {np.ones_like, np.zeros_like, np.full_like}


def _shape_only(prog: Program, ins: Instr, value: dict) -> bool:
    try:
        if ins.fn not in _SHAPE_ONLY:
            return False
    except TypeError:
        return False
    return all(s in value or s in prog.info for s in ins.uses())


def fold_constants(prog: Program) -> Program:
    mutated = mutated_groups(prog)
    value: dict[int, Any] = {}
    folded = 0
    out = []
    for ins in prog.instrs:
        if ins.op == "const":
            if group_of(prog, ins.outs[0]) in mutated:
                ins.meta["copy"] = True
            elif not ins.meta.get("big"):
                value[ins.outs[0]] = ins.fn
        elif ins.pure and ins.uses() and not ins.meta.get("python") and len(ins.outs) == 1 \
                and (all(s in value for s in ins.uses()) or _shape_only(prog, ins, value)):
            def arg(r: Ref) -> Any:
                if r.slot in value:
                    return value[r.slot]
                shape, dtype = prog.info[r.slot][:2]
                return np.empty(shape, dtype)  # only its shape and dtype are read

            args = map_refs(ins.args, arg)
            kwargs = map_refs(ins.kwargs, arg)
            try:
                result = np.asarray(ins.fn(*args, **kwargs))
            except Exception:  # leave it to run time
                out.append(ins)
                continue
            slot = ins.outs[0]
            copy = group_of(prog, slot) in mutated
            ins = Instr("const", fn=result, outs=[slot], name=f"folded {ins.name}",
                        meta={"copy": copy})
            if result.ndim and result.size > 1 and result.dtype.kind in "fb" and (
                    not any(result.strides) or bool((result == result.flat[0]).all())):
                # one value everywhere (a seed gradient, scaled): kept as a broadcast view
                # of that value, not a full array, and inlined by kernels
                first = result.reshape(-1)[:1]
                ins.fn = np.broadcast_to(first.reshape(()), result.shape)
                ins.meta["uniform"] = first[0].item()
            if not copy:
                value[slot] = result
            folded += 1
        out.append(ins)
    prog.instrs = out
    if folded:
        prog.notes.append(f"constants: folded {folded} calls on constants")
    return _identities(prog, mutated)


def _identities(prog: Program, mutated: set) -> Program:
    """``x * 1`` and ``x + 0`` with a constant of ones or zeros (a seed gradient) are
    ``x`` itself, when ``x`` already has the result's shape and dtype."""
    ones: dict[int, float] = {}
    for ins in prog.instrs:
        if ins.op == "const" and not ins.meta.get("copy"):
            v = ins.meta.get("uniform")
            if v is None and getattr(ins.fn, "size", 0) == 1:
                v = ins.fn.reshape(-1)[0].item()
            if v is not None:
                ones[ins.outs[0]] = v
    rename: dict[int, int] = {}
    kept = []
    def sub(r: Ref) -> Ref:
        return r if r.slot not in rename else Ref(rename[r.slot])

    for ins in prog.instrs:
        if rename:
            ins.args = map_refs(ins.args, sub)
        neutral = {np.multiply: 1, np.add: 0}.get(ins.fn) if ins.pure else None
        if neutral is not None and len(ins.args) == 2 and not ins.kwargs and \
                group_of(prog, ins.outs[0]) not in mutated:
            a, b = ins.args
            for keep_arg, other in ((a, b), (b, a)):
                if isinstance(other, Ref) and ones.get(other.slot) == neutral and \
                        isinstance(keep_arg, Ref) and prog.info.get(keep_arg.slot, (0,))[:2] \
                        == prog.info.get(ins.outs[0], (1,))[:2] and \
                        group_of(prog, keep_arg.slot) not in mutated:
                    rename[ins.outs[0]] = keep_arg.slot
                    break
            if ins.outs[0] in rename:
                continue
        kept.append(ins)
    if rename:
        for ins in kept:
            ins.kwargs = map_refs(ins.kwargs, sub)
        prog.outputs = map_refs(prog.outputs, sub)
        prog.instrs = kept
        prog.notes.append(f"constants: {len(rename)} multiplications by one / additions of "
                          "zero dropped")
    return prog


__all__ = ["fold_constants", "Ref"]
