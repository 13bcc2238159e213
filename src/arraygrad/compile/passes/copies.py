"""Copy elision: ``t = s.copy()`` where ``s`` is a fresh result nothing else reads (the
engine copies a gradient before storing it in ``.grad``, since a rule's result may be
shared; in the program it is known not to be) becomes ``t = s``."""

from __future__ import annotations

import numpy as np

from ..program import Program, Ref, map_refs, refs_in
from ._util import group_of

_COPY = np.ndarray.copy


def elide_copies(prog: Program) -> Program:
    uses: dict[int, int] = {}
    for ins in prog.instrs:
        for s in ins.uses():
            uses[s] = uses.get(s, 0) + 1
        if ins.op == "mutate":
            uses[ins.meta["target"]] = uses.get(ins.meta["target"], 0) + 1
    for s in refs_in(prog.outputs):
        uses[s] = uses.get(s, 0) + 1
    producer = {s: ins for ins in prog.instrs for s in ins.outs}
    members: dict = {}
    for slot in prog.info:
        members.setdefault(group_of(prog, slot), []).append(slot)
    rename: dict[int, int] = {}
    kept = []
    for ins in prog.instrs:
        if ins.op == "call" and ins.fn is _COPY and len(ins.args) == 1 and not ins.kwargs \
                and isinstance(ins.args[0], Ref):
            src = ins.args[0].slot
            p = producer.get(src)
            if p is not None and p.op == "call" and not p.meta.get("method") and \
                    uses.get(src) == 1 and len(members.get(group_of(prog, src), ())) == 1 \
                    and prog.info.get(src, (None,))[:2] == prog.info.get(ins.outs[0], (1,))[:2]:
                rename[ins.outs[0]] = src
                continue
        kept.append(ins)
    if not rename:
        return prog

    def sub(r: Ref) -> Ref:
        return Ref(rename.get(r.slot, r.slot))

    for ins in kept:
        ins.args = map_refs(ins.args, sub)
        ins.kwargs = map_refs(ins.kwargs, sub)
        if ins.op == "mutate" and ins.meta["target"] in rename:
            ins.meta["target"] = rename[ins.meta["target"]]
    prog.instrs = kept
    prog.outputs = map_refs(prog.outputs, sub)
    prog.notes.append(f"copies: {len(rename)} copies of fresh results elided")
    return prog
