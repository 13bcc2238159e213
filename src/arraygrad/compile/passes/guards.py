"""Guard hoisting: a guard after the program's first write (into a loaded tensor, a
stored gradient, an optimizer step) moves, with the pure calls that compute its value,
to just before that write — when nothing written since feeds its value. A changed value
then re-traces before the program has changed any state. A guard that cannot move makes
the program unsafe to re-trace (``prog.plan['late_guard']``)."""

from __future__ import annotations

from ..program import EFFECTS, Program
from ._util import group_of


def _effect(ins) -> bool:
    return ins.op in EFFECTS and (ins.op != "mutate" or ins.meta.get("external"))


def hoist_guards(prog: Program) -> Program:
    instrs = prog.instrs
    first = next((i for i, ins in enumerate(instrs) if _effect(ins)), None)
    prog.plan["late_guard"] = None
    if first is None:
        return prog
    producer = {s: i for i, ins in enumerate(instrs) for s in ins.outs}
    writes: dict = {}  # group -> indices (after the first write) of instructions writing it
    for i in range(first, len(instrs)):
        if instrs[i].op == "mutate":
            writes.setdefault(group_of(prog, instrs[i].meta["target"]), []).append(i)
    moved: set[int] = set()
    late = None
    for gi in range(first, len(instrs)):
        if instrs[gi].op != "guard" or instrs[gi].meta.get("result_only"):
            continue
        opaque = any(ins.op in ("opaque", "store") for ins in instrs[first:gi])
        cone = {gi}
        stack = list(instrs[gi].uses())
        seen: set[int] = set()
        ok = True
        while stack and ok:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            # writes into its memory before the guard: local ones move along, a write
            # into state means the value depends on it
            for w in writes.get(group_of(prog, s), ()):
                if w < gi and w not in cone:
                    if instrs[w].meta.get("external"):
                        ok = False
                        break
                    cone.add(w)
                    stack.extend(instrs[w].uses())
            p = producer.get(s)
            if p is None or p < first or p in cone:
                continue
            pi = instrs[p]
            if pi.op not in ("call", "const", "guard") or pi.meta.get("impure") or \
                    (opaque and pi.op == "load"):
                ok = False
                break
            cone.add(p)
            stack.extend(pi.uses())
        if ok:  # a moved write must not overtake a read it came after
            for w in (i for i in cone if instrs[i].op == "mutate"):
                g = group_of(prog, instrs[w].meta["target"])
                if any(r not in cone and any(group_of(prog, u) == g for u in instrs[r].uses())
                       for r in range(first, w)):
                    ok = False
                    break
        if ok:
            moved |= cone
        elif late is None:
            late = instrs[gi].name
    if moved:
        order = sorted(moved)
        prog.instrs = instrs[:first] + [instrs[i] for i in order] + [
            ins for i, ins in enumerate(instrs) if i >= first and i not in moved]
        prog.notes.append(f"guards: {len(moved)} instructions moved before the first write")
    for k, ins in enumerate(i for i in prog.instrs if i.op == "guard"):
        ins.meta["index"] = k
    prog.plan["late_guard"] = late
    return prog
