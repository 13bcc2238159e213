"""``einsum``: every subscript form NumPy takes (explicit and implicit output, ellipsis
broadcasting, repeated indices for diagonals and traces, the sublist form), differentiable
in every operand, to any order.

The subscripts are first written out in full (ellipses as letters, the implicit output
made explicit), so that the rule only ever sees plain letters. The VJP with respect to one
operand is another einsum: the output's gradient contracted with the other operands onto
that operand's letters. Two details make it exact:

- a letter repeated within the operand (a diagonal, ``'ii->'``) is renamed and tied to its
  twin by an identity matrix, so the gradient lands on the diagonal only;
- a letter found nowhere else (summed out, ``'ij->i'``) is supplied by a vector of ones,
  so the gradient is broadcast along it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import defvjp_variadic, primitive
from ._compose import as_tensor, constant, no_out, raw, records, rewrap

__all__ = ["einsum", "einsum_path"]

_SYMBOLS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _from_sublists(operands: tuple) -> tuple[str, list]:
    """``einsum(op0, sub0, op1, sub1, ..., [subout])`` as a subscript string."""

    def letters(sub: Any) -> str:
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            else:
                s = int(s)
                if not 0 <= s < len(_SYMBOLS):
                    raise ValueError(f"subscript is not within the valid range [0, 52): {s}")
                out.append(_SYMBOLS[s])
        return "".join(out)

    if len(operands) % 2:  # an output sublist at the end
        body, out = operands[:-1], letters(operands[-1])
        return ",".join(letters(x) for x in body[1::2]) + "->" + out, list(body[0::2])
    return ",".join(letters(x) for x in operands[1::2]), list(operands[0::2])


def _split_args(operands: tuple) -> tuple[str, list]:
    if isinstance(operands[0], str):
        return operands[0], list(operands[1:])
    return _from_sublists(operands)


def parse(subscripts: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """Input and output subscripts with ellipses expanded and the output made explicit."""
    subscripts = subscripts.replace(" ", "")
    explicit = "->" in subscripts
    lhs, out = subscripts.split("->") if explicit else (subscripts, None)
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise ValueError("more operands provided to einstein sum function than specified in "
                         "the subscripts string" if len(shapes) > len(ins) else
                         "fewer operands provided to einstein sum function than specified "
                         "in the subscripts string")
    letters = {c for c in subscripts if c.isalpha()}
    ell = []
    for s, shape in zip(ins, shapes):
        named = len(s.replace("...", ""))
        if "..." in s:
            e = len(shape) - named
            if e < 0:
                raise ValueError(f"einstein sum subscripts string {s!r} has more dimensions "
                                 f"than operand of shape {shape}")
            ell.append(e)
        else:
            if named != len(shape):
                raise ValueError(f"operand has more dimensions than subscripts given in "
                                 f"einstein sum, but no '...' ellipsis provided to broadcast "
                                 f"the extra dimensions ({s!r} for shape {shape})")
            ell.append(0)
    e_max = max(ell, default=0)
    free = [c for c in _SYMBOLS if c not in letters][:e_max]
    ins = [s.replace("...", "".join(free[e_max - e:])) for s, e in zip(ins, ell)]
    if out is None:
        counts: dict[str, int] = {}
        for s in lhs.split(","):
            for c in s.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        out = "".join(free) + "".join(sorted(c for c, k in counts.items() if k == 1))
    elif "..." in out:
        out = out.replace("...", "".join(free))
    elif e_max and any(ell):
        raise ValueError("output has more dimensions than subscripts given in einstein sum, "
                         "but no '...' ellipsis provided to broadcast the extra dimensions.")
    return ins, out


@primitive("Einsum")
def _einsum(*operands, spec, optimize=False, **kwargs):
    return np.einsum(spec, *operands, optimize=optimize, **kwargs)


def _einsum_grad(i, g, ans, *operands, spec, optimize=False, **kwargs):
    lhs, out = spec.split("->")
    ins = lhs.split(",")
    target = ins[i]
    shape = operands[i].shape
    dtype = np.result_type(operands[i].dtype, g.dtype)
    used = set(spec)
    fresh = (c for c in _SYMBOLS if c not in used)
    others = [ins[j] for j in range(len(ins)) if j != i]
    other_ops = [operands[j] for j in range(len(ins)) if j != i]
    extra_subs: list[str] = []
    extra_ops: list[Any] = []
    result, seen = [], set()
    for pos, c in enumerate(target):
        if c in seen:  # a diagonal: tie the renamed twin to c by an identity matrix
            twin = next(fresh)
            result.append(twin)
            extra_subs.append(c + twin)
            extra_ops.append(np.eye(shape[pos], dtype=dtype))
        else:
            seen.add(c)
            result.append(c)
    available = set(out).union(*others, *extra_subs)
    for pos, c in enumerate(result):
        if c not in available:  # summed out in the forward: broadcast back along it
            extra_subs.append(c)
            extra_ops.append(np.ones(shape[pos], dtype=dtype))
    grad_spec = ",".join([out, *others, *extra_subs]) + "->" + "".join(result)
    return _einsum(g, *other_ops, *extra_ops, spec=grad_spec, optimize=optimize)


defvjp_variadic(_einsum, _einsum_grad, save=True)


def einsum(*operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any) -> Any:
    """``numpy.einsum``, differentiable in every operand (see the module's notes)."""
    no_out(out, "einsum")
    if not records(operands):
        return rewrap(np.einsum(*raw(operands), optimize=optimize, **kwargs))
    subscripts, ops = _split_args(operands)
    ops = [as_tensor(o) for o in ops]  # (an operand given as a list of tensors records)
    ins, out_subs = parse(subscripts, [o.shape for o in ops])
    spec = ",".join(ins) + "->" + out_subs
    return _einsum(*ops, spec=spec, optimize=optimize, **kwargs)


einsum_path = constant(np.einsum_path)
