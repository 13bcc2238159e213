"""``Compiled.explain``: the program as text — source, fused kernels, buffer plan, guards."""

from __future__ import annotations

from typing import Any

__all__ = ["explain_text"]


def explain_text(compiled: Any, variant: Any) -> str:
    prog = variant.prog
    name = getattr(compiled.fn, "__qualname__", repr(compiled.fn))
    lines = [f"# ag.compile({name}): {len(prog.instrs)} instructions, "
             f"{compiled.traces} trace(s), {sum(len(v) for v in compiled.cache.values())} "
             "cached program(s)"]
    if variant.eager:
        lines.append(f"# this signature runs eagerly: {variant.eager}")
    lines.append(variant.source.rstrip())
    kernels = prog.plan.get("kernel_sources", [])
    if kernels:
        lines.append(f"# fused kernels ({prog.plan.get('fusion_backend')}):")
        for src in kernels:
            lines.extend("#   " + ln for ln in src.rstrip().splitlines())
    buffers = prog.plan.get("bytes_kept", 0)
    kept = buffers + prog.plan.get("kernel_bytes", 0)
    planned = prog.plan.get("bytes_planned", 0)
    specs = prog.plan.get("buffer_specs", [])
    lines.append(f"# buffer plan: {len(prog.plan.get('buffers', {}))} results in {len(specs)} "
                 f"buffers (and the kernels' {prog.plan.get('kernel_bytes', 0):,} bytes) kept "
                 f"across calls: {kept:,} bytes kept, "
                 f"{max(planned - buffers, 0):,} bytes of reuse within a call "
                 f"({planned:,} planned)")
    for k, (shape, dtype) in enumerate(specs):
        lines.append(f"#   b{k}: {tuple(shape)} {dtype}")
    guards = [i for i in prog.instrs if i.op == "guard" and not i.meta.get("result_only")]
    lines.append(f"# guards: {len(guards)} value(s) read into Python" + (":" if guards else ""))
    for g in guards:
        lines.append(f"#   {g.meta['how']}(s{g.args[0].slot}) == {g.meta['value']!r}")
    lines.append(f"# entry checks: {len(variant.checks)} captured tensor(s) "
                 "(same object at the same path, requires_grad, .grad present, shape, dtype)")
    for note in prog.notes:
        lines.append(f"# pass {note}")
    return "\n".join(lines) + "\n"
