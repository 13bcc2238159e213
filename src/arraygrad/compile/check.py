"""The check replay: right after tracing, the program runs once more on the inputs the
trace started from, in a sandbox — its loads read copies of the arrays as the trace found
them, its writes of state are collected — and must reproduce the eager run exactly: the
results, the state it stored (``.grad``, rebound arrays) and every loaded array as the
step left it. A mismatch means some NumPy work escaped the tracer (a plain array written
with plain NumPy, say); the function then runs eagerly.

Programs with an opaque call (an optimizer step, Python that works on the real tensors)
or random draws are not checked this way: pure programs are compared on results alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor

__all__ = ["checkable", "differs", "sandbox_differs"]


# Longer programs are not checked: emitting the check doubles the compile time, which for
# a 100,000-op chain is seconds (an opt-in for them would be cheap to add).
CHECK_LIMIT = 20_000


def checkable(prog: Any) -> bool:
    return len(prog.instrs) <= CHECK_LIMIT and not any(
        ins.op == "opaque" or ins.meta.get("impure") for ins in prog.instrs)


def sandbox_differs(prog: Any, snapshots: dict, leaves: list, result: Any,
                    emit: Any) -> str | None:
    """Run ``prog`` sandboxed; where it differs from the eager run, or None."""
    loaded = {ins.outs[0]: ins for ins in prog.instrs if ins.op in ("input", "load")}
    snaps = {o: snapshots[o] for o in loaded if o in snapshots}
    if len(snaps) != len(loaded):
        return None  # something was loaded without a snapshot: nothing to compare with
    replay, _ = emit(prog, sandbox=snaps)
    got, final = replay(leaves)
    why = differs(got, result)
    if why is not None:
        return why
    for what, tensor, value in replay.__globals__["_STORED"]:
        if what == "grad":
            g = tensor.grad
            why = "a stored .grad is missing" if g is None else differs(value, g._data, ".grad")
        elif what == "nograd":
            why = None if tensor.grad is None else "a .grad that eager cleared"
        elif what == "data":
            why = differs(value, tensor._data, "a rebound tensor")
        else:
            why = None
        if why is not None:
            return why
    for o, arr in final.items():
        target = loaded[o].meta["target"]
        now = _current(target, leaves)
        if now is not None and (why := differs(arr, now, "a loaded array")) is not None:
            return why
    return None


def _current(target: tuple, leaves: list) -> Any:
    """The array a load reads, as the eager step left it."""
    kind = target[0]
    if kind == "input":
        return leaves[target[1]]._data
    if kind == "array":
        return leaves[target[1]]
    if kind == "captured":
        return target[1]._data
    if kind == "grad":
        owner = _tensor(target[1], leaves)
        g = owner.grad if owner is not None else None
        return None if g is None else g._data
    return None


def _tensor(target: tuple, leaves: list) -> Any:
    if target[0] == "input":
        return leaves[target[1]]
    if target[0] == "captured":
        return target[1]
    return None


def differs(got: Any, want: Any, where: str = "result") -> str | None:
    """Where ``got`` differs from ``want`` (NaN equal to NaN), or None."""
    if isinstance(want, (Tensor, np.ndarray, np.generic)):
        g = got._data if isinstance(got, Tensor) else got
        w = want._data if isinstance(want, Tensor) else want
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape or g.dtype != w.dtype:
            return f"{where}: {g.dtype}{g.shape} against {w.dtype}{w.shape}"
        if not np.array_equal(g, w, equal_nan=w.dtype.kind in "fc"):
            return f"{where}: other values"
        return None
    if isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            return f"{where}: other structure"
        for k, (a, b) in enumerate(zip(got, want)):
            why = differs(a, b, f"{where}[{k}]")
            if why:
                return why
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict) or got.keys() != want.keys():
            return f"{where}: other keys"
        for k in want:
            why = differs(got[k], want[k], f"{where}[{k!r}]")
            if why:
                return why
        return None
    try:
        same = bool(got == want) or (got != got and want != want)
    except Exception:  # noqa: BLE001 - incomparable objects: identity decides
        same = got is want
    return None if same else f"{where}: {got!r} against {want!r}"
