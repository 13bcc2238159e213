"""Differentiable programs: when a compiled function's outputs carry a graph (a model's
forward, ``ag.grad(ag.compile(f))``), the trace also records their VJP, and the program is
split in two: the forward returns the outputs plus the residuals the backward reads, and
the backward maps those residuals and the output cotangents to the leaves' gradients. The
replayed outputs get one node (``autograd.function.make_node``) whose rule runs the
backward program."""

from __future__ import annotations

from typing import Any

from ..core.mode import STATE
from ..core.node import GraphError
from ..core.tensor import Tensor
from .program import EFFECTS, Instr, Program, Ref, walk_spec

__all__ = ["split", "attach"]


def split(prog: Program, start: int, grad_refs: list,
          simplify: Any) -> tuple[Program, Program] | str:
    """(forward, backward) programs, or the reason the trace cannot be split."""
    fwd_instrs = list(prog.instrs[:start])
    bwd_instrs = []
    fwd_slots = {s for ins in fwd_instrs for s in ins.outs}
    for ins in prog.instrs[start:]:
        if ins.op in EFFECTS and (ins.op != "mutate" or ins.meta.get("external")):
            return "the backward pass of the outputs writes state"
        if ins.op == "guard":
            if ins.args[0].slot in fwd_slots:  # a value of the forward: check it there
                fwd_instrs.append(ins)
                fwd_slots.update(ins.outs)
                continue
            return "the backward pass reads a value into Python"
        bwd_instrs.append(ins)
    outputs = ("list", [("value", None) if r is None else ("array", r) for r in grad_refs])
    bwd = Program(bwd_instrs, 0, outputs, None, prog.info)
    bwd.plan["group"] = prog.plan["group"]
    bwd = simplify(bwd)
    defined = {s for ins in bwd.instrs for s in ins.outs}
    used = {s for ins in bwd.instrs for s in ins.uses()} | set(
        r.slot for r in grad_refs if r is not None)
    residual = sorted(used - defined)
    for ins in bwd.instrs:
        if ins.op == "input" and ins.meta["target"][0] == "cot":
            ins.meta["target"] = ("array", len(residual) + ins.meta["target"][1])
    bwd.instrs = [Instr("input", outs=[r], meta={"target": ("array", i)})
                  for i, r in enumerate(residual)] + bwd.instrs
    fwd = Program(fwd_instrs, prog.n_inputs, ("tuple", [
        prog.outputs, ("tuple", [("array", Ref(r)) for r in residual]),
        ("list", [part for part in walk_spec(prog.outputs) if part[0] == "tensor_rg"])]),
        None, prog.info)
    fwd.plan["group"] = prog.plan["group"]
    fwd = simplify(fwd)
    return fwd, bwd


def attach(rg_outputs: list[Tensor], leaves: list[Tensor], backward: Any,
           residuals: tuple) -> None:
    """Give the replayed outputs one node whose rule runs the backward program."""
    from ..autograd.function import make_node

    def run(saved: tuple, grads: tuple) -> list:
        if STATE.level:
            raise GraphError(
                "backward with create_graph=True through an ag.compile'd function: its "
                "compiled backward is not itself differentiable; call the function without "
                "ag.compile for higher-order gradients (or compile the whole ag.grad)")
        cots = [g._data for g in grads]
        got = backward([*residuals, *cots])
        return [None if g is None else Tensor._make(g) for g in got]

    new = make_node("CompiledBackward", leaves, list(range(len(leaves))), rg_outputs, (), run)
    for o, n in zip(rg_outputs, new):
        o._node, o._out, o._rg = n._node, n._out, n._rg
