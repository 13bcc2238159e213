"""The compiled program as a Graphviz DOT graph: one node per instruction (kernels,
loads, stores, guards, opaque calls shaped apart), an edge per value read."""

from __future__ import annotations

from typing import Any

from .program import Program

__all__ = ["program_dot"]

_SHAPES = {"input": "invhouse", "load": "invhouse", "const": "note", "store": "house",
           "guard": "diamond", "opaque": "component", "kernel": "box3d", "mutate": "box"}


def _label(ins: Any) -> str:
    if ins.op == "kernel":
        return f"fused kernel {ins.name}\\n{ins.meta.get('members')} elementwise ops"
    if ins.op in ("input", "load"):
        t = ins.meta.get("target", ("?",))
        return f"{ins.op} {t[0]}" + (f" {t[1]}" if t[0] in ("input", "array") else "")
    if ins.op == "guard":
        return f"guard {ins.meta['how']} == {ins.meta['value']!r}"[:60]
    if ins.op == "store":
        return f"store {ins.meta['what']}"
    return (ins.name or ins.op)[:40]


def program_dot(prog: Program, title: str = "") -> str:
    lines = ["digraph program {", '  rankdir=TB; node [fontname="Helvetica", fontsize=10];']
    if title:
        lines.append(f'  label="{title}"; labelloc=t;')
    producer: dict[int, str] = {}
    for k, ins in enumerate(prog.instrs):
        node = f"i{k}"
        shape = _SHAPES.get(ins.op, "ellipse")
        lines.append(f'  {node} [label="{_label(ins)}", shape={shape}];')
        for s in ins.uses():
            src = producer.get(s)
            if src is not None:
                lines.append(f'  {src} -> {node} [label="s{s}", fontsize=8];')
        for s in ins.outs:
            producer[s] = node
        if ins.op == "mutate":
            producer[ins.meta["target"]] = node
    lines.append("}")
    return "\n".join(lines) + "\n"
