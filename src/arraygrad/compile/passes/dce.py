"""Dead-code elimination: drop pure instructions whose results nothing uses."""

from __future__ import annotations

from ..program import EFFECTS, Program
from ._util import group_of, live_out


def dce(prog: Program) -> Program:
    live = live_out(prog)
    live_groups = {group_of(prog, s) for s in live}
    kept = []
    removed = 0
    for ins in reversed(prog.instrs):
        keep = False
        if ins.op in EFFECTS and (ins.op != "mutate" or ins.meta.get("external")):
            keep = True
        elif ins.op == "guard" and ins.meta.get("result_only"):
            keep = ins.outs[0] in live  # a value read only to be returned
        elif ins.op == "guard" or (ins.op == "call" and ins.meta.get("impure")):
            keep = True
        elif ins.op == "mutate":
            keep = group_of(prog, ins.meta["target"]) in live_groups
        elif ins.op == "opaque" or (ins.op == "kernel" and ins.meta.get("writes")):
            keep = True  # (a kernel's writes: into arrays the program reads or loaded)
        else:  # pure: needed when a result is (a view's memory matters only to writes)
            keep = any(o in live for o in ins.outs)
        if keep:
            kept.append(ins)
            for s in ins.uses():
                live.add(s)
                live_groups.add(group_of(prog, s))
        else:
            removed += 1
    kept.reverse()
    prog.instrs = kept
    if removed:
        prog.notes.append(f"dce: removed {removed} unused instructions")
    return prog
