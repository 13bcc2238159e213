"""What several passes need to know about slots: aliasing groups and mutations."""

from __future__ import annotations

from ..program import Program, refs_in


def mutated_groups(prog: Program) -> set:
    """Memory groups some instruction writes into."""
    group = prog.plan.get("group", {})
    out = set()
    for ins in prog.instrs:
        if ins.op == "mutate":
            out.add(group.get(ins.meta["target"], ("slot", ins.meta["target"])))
    return out


def group_of(prog: Program, slot: int):
    return prog.plan.get("group", {}).get(slot, ("slot", slot))


def live_out(prog: Program) -> set[int]:
    """Slots the result needs."""
    return set(refs_in(prog.outputs))
