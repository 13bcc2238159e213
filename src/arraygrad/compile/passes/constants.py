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
            if result.ndim and result.size > 1 and not any(result.strides) and \
                    result.dtype.kind in "fb":
                # one value broadcast (a seed gradient): a kernel can inline it
                ins.meta["uniform"] = result.reshape(-1)[0].item()
            if not copy:
                value[slot] = result
            folded += 1
        out.append(ins)
    prog.instrs = out
    if folded:
        prog.notes.append(f"constants: folded {folded} calls on constants")
    return prog


__all__ = ["fold_constants", "Ref"]
