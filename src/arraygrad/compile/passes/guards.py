"""Guard hoisting: each guard moves up to just after the last instruction its value
depends on, so a changed value re-traces before the program has written anything. A
guard that still follows a write makes the program unsafe to re-trace (marked in
``prog.plan['late_guard']``)."""

from __future__ import annotations

from ..program import EFFECTS, Program
from ._util import group_of


def hoist_guards(prog: Program) -> Program:
    out: list = []
    pos: dict[int, int] = {}  # slot -> index in ``out`` of its producer
    last_write: dict = {}  # group -> index of the last write into it
    effect_at = -1
    late = None
    for ins in prog.instrs:
        if ins.op == "guard":
            s = ins.args[0].slot
            g = group_of(prog, s)
            after = max(pos.get(s, -1), last_write.get(g, -1))
            if after < effect_at and late is None:
                pass
            elif after >= effect_at >= 0 or (effect_at >= 0 and after >= effect_at):
                late = ins.name
            out.insert(after + 1, ins)
            # positions after the insertion point shift by one
            for k, v in pos.items():
                if v > after:
                    pos[k] = v + 1
            for k, v in last_write.items():
                if v > after:
                    last_write[k] = v + 1
            if effect_at > after:
                effect_at += 1
            for o in ins.outs:
                pos[o] = after + 1
            continue
        out.append(ins)
        i = len(out) - 1
        for o in ins.outs:
            pos[o] = i
        if ins.op == "mutate":
            last_write[group_of(prog, ins.meta["target"])] = i
        if ins.op in EFFECTS and (ins.op != "mutate" or ins.meta.get("external")):
            if effect_at < 0:
                effect_at = i
    for k, ins in enumerate(i for i in out if i.op == "guard"):
        ins.meta["index"] = k
    prog.instrs = out
    first_effect = next((i for i, ins in enumerate(out) if ins.op in EFFECTS and (
        ins.op != "mutate" or ins.meta.get("external"))), None)
    late = None
    if first_effect is not None:
        for ins in out[first_effect:]:
            if ins.op == "guard":
                late = ins.name
                break
    prog.plan["late_guard"] = late
    return prog
