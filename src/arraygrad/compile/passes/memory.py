"""The buffer plan: ufunc results that stay inside the program are written through
``out=`` into buffers kept from call to call, and buffers whose values are dead are reused
within a call (a linear scan over live ranges, per shape and dtype)."""

from __future__ import annotations

import heapq

import numpy as np

from ..program import Program, refs_in
from ._util import group_of


def _escaping(prog: Program) -> set:
    """Groups whose memory outlives the call: results, stored state, loads."""
    out = set()
    for s in refs_in(prog.outputs):
        out.add(group_of(prog, s))
    for ins in prog.instrs:
        if ins.op in ("store", "opaque", "input", "load", "const"):
            for s in ins.uses() + list(ins.outs):
                out.add(group_of(prog, s))
        if ins.op == "call" and ins.meta.get("nout"):
            for s in ins.outs:
                out.add(group_of(prog, s))
    return out


# Below this size a ufunc allocating its result is faster than one given ``out=`` (16
# float64: 400 ns against 450, the keyword's parsing; from 256 elements on they tie, and
# large results gain: no page faults, warm caches).
MIN_BYTES = 2048


def plan_memory(prog: Program) -> Program:
    escaping = _escaping(prog)
    members: dict = {}
    for slot in prog.info:
        members.setdefault(group_of(prog, slot), []).append(slot)
    last_use: dict = {}
    for i, ins in enumerate(prog.instrs):
        for s in ins.uses():
            g = group_of(prog, s)
            last_use[g] = i
        if ins.op == "mutate":
            last_use[group_of(prog, ins.meta["target"])] = i
    specs: list = []
    free: dict = {}
    busy: list = []  # heap of (last use, buffer, key, buffer): buffers holding live values
    buffers: dict[int, int] = {}
    planned_bytes = 0
    for i, ins in enumerate(prog.instrs):
        if ins.op == "kernel":  # a fused loop: its outputs the rest of the program keeps
            slots = [s for s in ins.outs if s not in ins.meta.get("escaping", ())]
            elementwise = not ins.meta.get("writes")  # (a written input keeps its memory)
        elif (ins.op == "call" and ins.meta.get("ufunc") is not False and len(ins.outs) == 1
                and isinstance(ins.fn, np.ufunc) and "out" not in ins.kwargs
                and not ins.meta.get("impure") and not ins.meta.get("nout")
                and not ins.meta.get("method")):
            slots = ins.outs
            elementwise = ins.fn.signature is None
        else:
            continue
        # release buffers dead before this instruction (or at it, for elementwise ones:
        # each element is read before it is written)
        while busy and (busy[0][0] < i or (busy[0][0] == i and elementwise)):
            _, _, k, b = heapq.heappop(busy)
            free.setdefault(k, []).append(b)
        for slot in slots:
            g = group_of(prog, slot)
            if g in escaping or slot not in prog.info:
                continue
            shape, dtype = prog.info[slot][:2]
            if ins.op == "call" and int(np.prod(shape, dtype=np.int64)) * \
                    np.dtype(dtype).itemsize < MIN_BYTES:
                continue  # small: NumPy's allocation beats parsing out= (measured below)
            key = (tuple(shape), np.dtype(dtype).str)
            pool = free.get(key)
            if pool:
                b = pool.pop()
            else:
                b = len(specs)
                specs.append(key)
            buffers[slot] = b
            heapq.heappush(busy, (last_use.get(g, i), b, key, b))
            size = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            planned_bytes += size
            if ins.op == "kernel":
                prog.plan["kernel_bytes"] = prog.plan.get("kernel_bytes", 0) - size
    kept = sum(int(np.prod(s, dtype=np.int64)) * np.dtype(d).itemsize for s, d in specs)
    prog.plan["buffers"] = buffers
    prog.plan["buffer_specs"] = [(s, np.dtype(d)) for s, d in specs]
    prog.plan["bytes_kept"] = kept
    prog.plan["bytes_planned"] = planned_bytes
    if buffers:
        prog.notes.append(
            f"memory: {len(buffers)} results in {len(specs)} kept buffers "
            f"({kept:,} bytes kept, {planned_bytes - kept:,} bytes of allocation saved per call)")
    return prog
