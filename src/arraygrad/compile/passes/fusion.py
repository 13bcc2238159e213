"""Elementwise fusion: maximal runs of float64 elementwise calls on same-shaped arrays
become one compiled loop (numba, the ``fast`` extra), written into kept buffers.

A run grows over the program in order; an instruction that is not elementwise may sit
inside a run when it reads nothing the run computed (the kernel is placed where the
run's last member was). Values the rest of the program reads leave the kernel as
outputs; the others live only in registers. Without numba the NumPy program (ufuncs
through ``out=`` into the buffer plan) is the fused form.

The kernel computes in the run's own float type (float64, or float32 with float32
constants, as NumPy does), IEEE without fast-math: a fused program agrees with the eager
one to the last bit or two of libm. In-place updates (``p -= lr * g``) fuse too: the
kernel writes the updated array element by element.
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
        ew.cos_grad.prim.fwd: "(-({0} * np.sin({1})))",
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


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def _uniform(prog: Program) -> dict[int, Any]:
    """Constant slots holding one value broadcast: kernels inline the value."""
    table = prog.plan.get("uniform")
    if table is None:
        table = prog.plan["uniform"] = {
            ins.outs[0]: ins.meta["uniform"] for ins in prog.instrs
            if ins.op == "const" and "uniform" in ins.meta and not ins.meta.get("copy")}
    return table


def _operand_ok(prog: Program, a: Any, shape: tuple, fdt: Any) -> bool:
    if isinstance(a, Ref) and a.slot in _uniform(prog):
        return prog.info[a.slot][0] == shape or prog.info[a.slot][0] == ()
    if isinstance(a, Ref):
        inf = prog.info.get(a.slot)
        if inf is None:
            return False
        s, dt, contig = inf
        if dt != fdt and dt != np.bool_:
            return False
        return (s == () and dt == fdt) or (s == shape and (len(s) == 1 or contig))
    return isinstance(a, (int, float, bool)) and not isinstance(a, complex)


def _target(ins: Instr) -> int | None:
    """The slot an in-place elementwise call (``a -= b``: ``np.subtract(a, b, out=(a,))``)
    writes, when it is that simple form."""
    out = ins.kwargs.get("out")
    if ins.op != "mutate" or set(ins.kwargs) != {"out"} or not isinstance(out, tuple) or \
            len(out) != 1 or not isinstance(out[0], Ref):
        return None
    return out[0].slot


def _fusable(prog: Program, ins: Instr) -> tuple | None:
    """(shape, float dtype) of an instruction a kernel can take, else None."""
    target = _target(ins)
    if target is not None:
        tpl = ELEMENTWISE.get(ins.fn) if isinstance(ins.fn, np.ufunc) else None
        slot = target
    else:
        tpl = _template(ins)
        slot = ins.outs[0] if ins.outs else None
    if tpl is None or slot is None:
        return None
    inf = prog.info.get(slot)
    if inf is None:
        return None
    shape, dt, contig = inf
    if shape == () or (len(shape) > 1 and not contig):
        return None
    fdt = dt if dt in _FLOATS else None
    if fdt is None:  # a comparison: the group's float type comes from its operands
        if dt != np.bool_:
            return None
        kinds = {prog.info[a.slot][1] for a in ins.args if isinstance(a, Ref) and
                 a.slot in prog.info} - {np.dtype(np.bool_)}
        if len(kinds) != 1 or next(iter(kinds)) not in _FLOATS:
            return None
        fdt = next(iter(kinds))
    if not all(_operand_ok(prog, a, shape, fdt) for a in ins.args):
        return None
    return shape, fdt


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
            if _target(ins) is not None:
                defined.add(_target(ins))
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
            defined = set(ins.outs) | ({_target(ins)} if _target(ins) is not None else set())
    if len(cur) >= 2:
        groups.append(cur)
    return groups


def _kernel_source(name: str, prog: Program, members: list[Instr], outputs: list[int],
                   inputs: list[int], fdt: Any) -> str:
    scalar_in = {s for s in inputs if prog.info[s][0] == ()}
    arg_names = [f"x{s}" for s in inputs] + [f"o{s}" for s in outputs]
    lines = [f"def {name}({', '.join(arg_names)}):"]
    for s in scalar_in:
        lines.append(f"    v{s} = x{s}[0]")
    full = [f"o{s}" for s in outputs] + [f"x{s}" for s in inputs if s not in scalar_in]
    lines.append(f"    for i in range({full[0]}.shape[0]):")
    local: dict[int, str] = {}
    f32 = fdt == np.float32

    uniform = _uniform(prog)

    def operand(a: Any) -> str:
        if isinstance(a, Ref) and a.slot in uniform and a.slot not in local:
            a = uniform[a.slot]
        if isinstance(a, Ref):
            if a.slot in local:
                return local[a.slot]
            if a.slot in scalar_in:
                return f"v{a.slot}"
            return f"x{a.slot}[i]"
        if isinstance(a, bool):
            return repr(a)
        return f"np.float32({float(a)!r})" if f32 else repr(float(a))

    written = []
    for k, ins in enumerate(members):
        expr = ELEMENTWISE[ins.fn] if _target(ins) is not None else _template(ins)
        expr = expr.format(*[operand(a) for a in ins.args])
        lines.append(f"        t{k} = {expr}")
        target = _target(ins)
        if target is not None:
            local[target] = f"t{k}"
            if target not in written:
                written.append(target)
        else:
            local[ins.outs[0]] = f"t{k}"
    for s in outputs:
        lines.append(f"        o{s}[i] = {local[s]}")
    for s in written:
        lines.append(f"        x{s}[i] = {local[s]}")
    return "\n".join(lines) + "\n"


# Kernels by their source (with one name): a re-trace, another variant or another
# function with the same elementwise run reuses the compiled loop.
_KERNELS: dict[str, Any] = {}


def _compiled(numba: Any, src: str, name: str) -> Any:
    key = src.replace(f"def {name}(", "def kernel(", 1)
    kernel = _KERNELS.get(key)
    if kernel is None:
        ns: dict = {"np": np}
        exec(compile(key, "<ag.compile kernel>", "exec"), ns)
        # IEEE without fast-math; NumPy's error model: x / 0 is inf, not an exception
        kernel = _KERNELS[key] = numba.njit(cache=False, fastmath=False, nogil=True,
                                            error_model="numpy")(ns["kernel"])
    return kernel


def _warm(kernel: Any, prog: Program, inputs: list[int], outputs: list[int]) -> None:
    """Compile the kernel now, on one-element arrays of the call's dtypes and layouts, so
    that a kernel the backend cannot build fails here (the NumPy program is kept), never
    halfway through a replay."""
    args = []
    for s in inputs:
        shape, dt, contig = prog.info[s]
        strided = len(shape) == 1 and not contig
        args.append(np.ones(2, dt)[::2] if strided else np.ones(1, dt))
    args += [np.zeros(1, prog.info[s][1]) for s in outputs]
    kernel(*args)


def fuse(prog: Program, backend: str | None) -> Program:
    if backend != "numba" or available_backend() is None:
        return prog
    import numba

    prog.plan.pop("uniform", None)
    _uniform(prog)
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
        made = [m.outs[0] for m in members if _target(m) is None]
        made_set = set(made)
        writes = [_target(m) for m in members if _target(m) is not None]
        inputs: list[int] = []
        uniform = _uniform(prog)
        for m in members:
            for s in m.uses():
                if s not in made_set and s not in inputs and s not in uniform:
                    inputs.append(s)
        for w in writes:  # a written array is read (and written) through its input
            if w not in inputs and w not in made_set:
                inputs.append(w)
        if any(w in made_set for w in writes):
            new.extend(members)  # writes into a value the run itself made: leave it be
            continue
        outputs = [s for s in made if s in later_uses[idx[-1]] or s in escaping]
        # values read between the run's first and last member come out too
        for k in range(idx[0], idx[-1]):
            if k not in member_of or member_of[k] != g:
                outputs += [s for s in prog.instrs[k].uses() if s in made_set and
                            s not in outputs]
        if not outputs and not writes:
            continue
        if not inputs:
            new.extend(members)
            continue
        name = f"k{len(kernels)}"
        fdt = _fusable(prog, members[-1])[1]
        src = _kernel_source(name, prog, members, outputs, inputs, fdt)
        kernel = _compiled(numba, src, name)
        _warm(kernel, prog, inputs, outputs)
        kernels.append(kernel)
        sources.append(src)
        new.append(Instr("kernel", fn=kernel, args=tuple(Ref(s) for s in inputs),
                         outs=outputs, name=name,
                         meta={"members": len(members), "writes": writes,
                               "external": any(m.meta.get("external") for m in members),
                               "escaping": [s for s in outputs if s in escaping]}))
    prog.instrs = new
    prog.plan["kernel_sources"] = sources
    # the kernels' own outputs that stay inside the program are buffers kept too
    prog.plan["kernel_bytes"] = sum(
        int(np.prod(prog.info[s][0], dtype=np.int64)) * np.dtype(prog.info[s][1]).itemsize
        for ins in new if ins.op == "kernel" for s in ins.outs
        if s not in ins.meta["escaping"])
    prog.plan["fusion_backend"] = "numba"
    fused = sum(len(g) for g in groups)
    prog.notes.append(f"fusion: {fused} elementwise calls in {len(kernels)} numba kernels")
    return prog
