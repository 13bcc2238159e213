"""Common-subexpression elimination: a pure call repeated with the same arguments (and no
write into them in between) reuses the first result."""

from __future__ import annotations

from typing import Any

from ..program import Program, Ref, map_refs
from ._util import group_of, mutated_groups


def _key(obj: Any) -> Any:
    if isinstance(obj, Ref):
        return ("ref", obj.slot)
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple(_key(o) for o in obj))
    if isinstance(obj, dict):
        return ("dict", tuple((k, _key(v)) for k, v in obj.items()))
    try:
        hash(obj)
        return ("lit", type(obj).__name__, obj)
    except TypeError:
        return ("id", id(obj))


def cse(prog: Program) -> Program:
    mutated = mutated_groups(prog)
    seen: dict = {}
    rename: dict[int, int] = {}
    gen: dict = {}  # group -> how many writes so far
    out = []
    merged = 0

    def sub(r: Ref) -> Ref:
        return r if r.slot not in rename else Ref(rename[r.slot])

    for ins in prog.instrs:
        if rename:
            ins.args = map_refs(ins.args, sub)
            ins.kwargs = map_refs(ins.kwargs, sub)
        if ins.op == "mutate":
            g = group_of(prog, ins.meta["target"])
            gen[g] = gen.get(g, 0) + 1
        if ins.pure and not any(group_of(prog, o) in mutated for o in ins.outs):
            uses = ins.uses()
            key = (id(ins.fn), _key(ins.args), _key(ins.kwargs), ins.meta.get("method"),
                   tuple(gen.get(group_of(prog, s), 0) for s in uses))
            prev = seen.get(key)
            if prev is not None and len(prev.outs) == len(ins.outs):
                for a, b in zip(ins.outs, prev.outs):
                    rename[a] = b
                merged += 1
                continue
            seen[key] = ins
        out.append(ins)
    prog.instrs = out
    prog.outputs = map_refs(prog.outputs, sub)
    if merged:
        prog.notes.append(f"cse: merged {merged} repeated calls")
    return prog
