"""Elementwise fusion: maximal runs of float64 elementwise calls on same-shaped arrays
become one compiled loop (numba, the ``fast`` extra), written into kept buffers.

A run grows over the program in order; an instruction that is not elementwise may sit
inside a run when it reads nothing the run computed (the kernel is placed where the
run's last member was). Values the rest of the program reads leave the kernel as
outputs; the others live only in registers. Without numba the NumPy program (ufuncs
through ``out=`` into the buffer plan) is the fused form.

The kernel's arithmetic is the ufuncs' own in float64 (IEEE, no fast-math), so a fused
program agrees with the eager one to the last bit or two of libm.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..program import EFFECTS, Instr, Program, Ref, refs_in

__all__ = ["fuse", "available_backend", "ELEMENTWISE"]

_MAX = "({0} if {0} > {1} or {0} != {0} else {1})"  # np.maximum: NaN wins
_MIN = "({0} if {0} < {1} or {0} != {0} else {1})"

# ufunc -> expression template over its operands
ELEMENTWISE: dict[Any, str] = {
    np.add: "({0} + {1})", np.subtract: "({0} - {1})", np.multiply: "({0} * {1})",
    np.divide: "({0} / {1})", np.negative: "(-{0})", np.positive: "(+{0})",
    np.sin: "np.sin({0})", np.cos: "np.cos({0})", np.tan: "np.tan({0})",
    np.tanh: "np.tanh({0})", np.sinh: "np.sinh({0})", np.cosh: "np.cosh({0})",
    np.exp: "np.exp({0})", np.log: "np.log({0})", np.sqrt: "np.sqrt({0})",
    np.square: "({0} * {0})", np.absolute: "abs({0})", np.maximum: _MAX, np.minimum: _MIN,
    np.greater: "({0} > {1})", np.greater_equal: "({0} >= {1})", np.less: "({0} < {1})",
    np.less_equal: "({0} <= {1})", np.equal: "({0} == {1})", np.not_equal: "({0} != {1})",
    np.reciprocal: "(1.0 / {0})", np.expm1: "np.expm1({0})", np.log1p: "np.log1p({0})",
}


def _fused_prims() -> dict[Any, str]:
    """The fused derivative primitives and relu, by their forwards."""
    from ...ops import elementwise as ew
    from ...ops import nn as nnops

    table = {
        ew.sin_grad.prim.fwd: "({0} * np.cos({1}))",
        ew.tanh_grad.prim.fwd: "({0} * (1.0 - {1} * {1}))",
        ew.div_grad_y.prim.fwd: "(-({0} * {1}) / ({2} * {2}))",
        nnops.relu.prim.fwd: _MAX.replace("{1}", "0.0"),
    }
    return table


_TABLE: dict | None = None


def available_backend() -> str | None:
    try:
        import numba  # noqa: F401
    except ImportError:
        return None
    return "numba"


def _template(ins: Instr) -> str | None:
    global _TABLE
    if _TABLE is None:
        _TABLE = {**ELEMENTWISE, **_fused_prims()}
    if ins.op != "call" or ins.meta.get("impure") or ins.meta.get("method") or \
            ins.meta.get("nout") or len(ins.outs) != 1:
        return None
    if ins.kwargs and any(v is not None for v in ins.kwargs.values()):
        return None
    try:
        return _TABLE.get(ins.fn)
    except TypeError:  # an unhashable callable
        return None


def _operand_ok(prog: Program, a: Any, shape: tuple) -> bool:
    if isinstance(a, Ref):
        inf = prog.info.get(a.slot)
        if inf is None:
            return False
        s, dt, contig = inf
        if dt not in (np.float64, np.bool_):
            return False
        return s == () or (s == shape and (len(s) == 1 or contig))
    return isinstance(a, (int, float, bool)) and not isinstance(a, complex)


def _fusable(prog: Program, ins: Instr) -> tuple | None:
    tpl = _template(ins)
    if tpl is None:
        return None
    inf = prog.info.get(ins.outs[0])
    if inf is None:
        return None
    shape, dt, contig = inf
    if shape == () or dt not in (np.float64, np.bool_) or (len(shape) > 1 and not contig):
        return None
    if not all(_operand_ok(prog, a, shape) for a in ins.args):
        return None
    return shape


def _groups(prog: Program) -> list[list[int]]:
    groups: list[list[int]] = []
    cur: list[int] = []
    cur_shape = None
    defined: set[int] = set()
    for i, ins in enumerate(prog.instrs):
        shape = _fusable(prog, ins)
        if shape is not None and (not cur or shape == cur_shape):
            if not cur:
                cur_shape = shape
            cur.append(i)
            defined.update(ins.outs)
            continue
        skippable = ins.op not in EFFECTS and ins.op != "mutate" and not (
            set(ins.uses()) & defined)
        if cur and skippable and shape is None:
            continue
        if len(cur) >= 2:
            groups.append(cur)
        cur, defined, cur_shape = [], set(), None
        if shape is not None:
            cur, cur_shape = [i], shape
            defined = set(ins.outs)
    if len(cur) >= 2:
        groups.append(cur)
    return groups


def _kernel_source(name: str, prog: Program, members: list[Instr], outputs: list[int],
                   inputs: list[int]) -> str:
    scalar_in = {s for s in inputs if prog.info[s][0] == ()}
    arg_names = [f"x{s}" for s in inputs] + [f"o{s}" for s in outputs]
    lines = [f"def {name}({', '.join(arg_names)}):"]
    for s in scalar_in:
        lines.append(f"    v{s} = x{s}[0]")
    lines.append(f"    for i in range(o{outputs[0]}.shape[0]):")
    local = set()

    def operand(a: Any) -> str:
        if isinstance(a, Ref):
            if a.slot in local:
                return f"t{a.slot}"
            if a.slot in scalar_in:
                return f"v{a.slot}"
            return f"x{a.slot}[i]"
        return repr(float(a)) if isinstance(a, float) else repr(a)

    for ins in members:
        expr = _template(ins).format(*[operand(a) for a in ins.args])
        lines.append(f"        t{ins.outs[0]} = {expr}")
        local.add(ins.outs[0])
    for s in outputs:
        lines.append(f"        o{s}[i] = t{s}")
    return "\n".join(lines) + "\n"


def fuse(prog: Program, backend: str | None) -> Program:
    if backend != "numba" or available_backend() is None:
        return prog
    import numba

    groups = _groups(prog)
    if not groups:
        return prog
    later_uses: list[set[int]] = [set() for _ in prog.instrs]
    acc: set[int] = set(refs_in(prog.outputs))
    for i in range(len(prog.instrs) - 1, -1, -1):
        later_uses[i] = set(acc)
        acc.update(prog.instrs[i].uses())
        if prog.instrs[i].op == "mutate":
            acc.add(prog.instrs[i].meta["target"])
    escaping = set(refs_in(prog.outputs))
    for ins in prog.instrs:
        if ins.op in ("store", "opaque"):
            escaping.update(ins.uses())
    member_of: dict[int, int] = {}
    for g, idx in enumerate(groups):
        for i in idx:
            member_of[i] = g
    new: list[Instr] = []
    sources = []
    kernels = []
    for i, ins in enumerate(prog.instrs):
        g = member_of.get(i)
        if g is None:
            new.append(ins)
            continue
        idx = groups[g]
        if i != idx[-1]:
            continue
        members = [prog.instrs[k] for k in idx]
        made = [m.outs[0] for m in members]
        made_set = set(made)
        inputs: list[int] = []
        for m in members:
            for s in m.uses():
                if s not in made_set and s not in inputs:
                    inputs.append(s)
        outputs = [s for s in made if s in later_uses[idx[-1]] or s in escaping]
        # values read between the run's first and last member come out too
        for k in range(idx[0], idx[-1]):
            if k not in member_of or member_of[k] != g:
                outputs += [s for s in prog.instrs[k].uses() if s in made_set and
                            s not in outputs]
        if not outputs:
            continue
        name = f"k{len(kernels)}"
        src = _kernel_source(name, prog, members, outputs, inputs)
        ns: dict = {"np": np}
        exec(compile(src, f"<ag.compile kernel {name}>", "exec"), ns)
        kernel = numba.njit(cache=False, fastmath=False, nogil=True)(ns[name])
        kernels.append(kernel)
        sources.append(src)
        new.append(Instr("kernel", fn=kernel, args=tuple(Ref(s) for s in inputs),
                         outs=outputs, name=name,
                         meta={"members": len(members), "escaping": [
                             s for s in outputs if s in escaping]}))
    prog.instrs = new
    prog.plan["kernel_sources"] = sources
    prog.plan["fusion_backend"] = "numba"
    fused = sum(len(g) for g in groups)
    prog.notes.append(f"fusion: {fused} elementwise calls in {len(kernels)} numba kernels")
    return prog
