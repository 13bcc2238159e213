"""The cache's entries: one traced program per signature and guard path, and what a call
must match to replay it (the key of its arguments, and entry checks on the state it
reads: captured tensors, modules' training flags, Python numbers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .program import Ref

__all__ = ["Variant", "leaf_key", "FLAT", "HOT", "MAX_VARIANTS", "shape_free"]

MAX_VARIANTS = 8  # per key: a function whose guards keep failing runs eagerly beyond this


# Fusion compiles kernels (numba: a fraction of a second to seconds each), worth it only
# for a program that runs again and again: a variant is fused at its HOT-th replay.
HOT = 2


class Variant:
    """One traced program for one key and one guard path."""

    def __init__(self, prog: Any, replay: Callable, src: str, checks: list, eager: str | None):
        self.prog = prog
        self.replay = replay
        self.source = src
        self.checks = checks  # (getter or None, tensor, rg, has_grad, shape, dtype)
        self.eager = eager  # why this signature runs eagerly (None: it replays)
        self.calls = 0
        self.pending: Callable | None = None  # builds the fused replay, once hot
        self.shapes: tuple = ()  # the leaves' shapes at trace time
        self.modes: list = []  # (module, its training flag at trace time)
        self.scalars: list = []  # (getter, value) of Python numbers the function reads
        self.free = False  # shapeless=True and the program fits any leaf shapes (see below)

    def fits(self, leaves: list) -> bool:
        """Can this program run on leaves of other shapes (same ranks: the key)? Only a
        purely elementwise program, traced and called with all leaves of one shape."""
        if not self.free:
            return False
        first = leaves[0].shape if leaves else ()
        return all(x.shape == first for x in leaves)

    def tier_up(self) -> None:
        build, self.pending = self.pending, None
        if build is None:
            return
        try:
            prog, replay, source = build()
        except Exception as exc:  # noqa: BLE001 - a kernel the backend cannot build
            import warnings

            from .api import CompileWarning

            warnings.warn(f"ag.compile: fusion failed ({type(exc).__name__}: {exc}); the "
                          "NumPy program runs instead", CompileWarning, stacklevel=3)
            return
        self.prog, self.replay, self.source = prog, replay, source

    def valid(self) -> bool:
        for m, training in self.modes:  # model.train() / model.eval()
            if m.training is not training:
                return False
        for get, value in self.scalars:  # lr = 0.1 in the closure or the globals
            try:
                now = get()
            except Exception:
                return False
            if type(now) is not type(value) or now != value:
                return False
        for get, t, rg, has_grad, shape, dtype in self.checks:
            if get is not None:
                try:
                    if get() is not t:
                        return False
                except Exception:
                    return False
            if t._rg != rg:
                return False
            meta = t._meta
            if (meta is not None and meta.grad is not None) != has_grad:
                return False
            d = t._data
            if d.shape != shape or d.dtype != dtype:
                return False
        return True


def leaf_key(x: Any, shapeless: bool) -> tuple:
    if isinstance(x, Tensor):
        d = x._data
        meta = x._meta
        if meta is None:
            return (len(d.shape) if shapeless else d.shape, d.dtype, x._rg, type(d))
        return (len(d.shape) if shapeless else d.shape, d.dtype, x._rg, type(d),
                meta.grad is not None, meta.grad_req)
    return ("a", len(x.shape) if shapeless else x.shape, x.dtype)


FLAT = ("flat",)


def shape_free(prog: Any, leaves: list) -> bool:
    """A program that bakes in no shape: only elementwise ufunc calls whose array operands
    all have one shape (no broadcasting, reductions, views or shaped constants), on
    leaves that share that shape."""
    if not leaves or any(x.shape != leaves[0].shape for x in leaves):
        return False
    shape = leaves[0].shape
    for ins in prog.instrs:
        if ins.op in ("input", "load", "store"):
            continue
        if ins.op == "const":
            if getattr(ins.fn, "shape", None) != ():
                return False
            continue
        if ins.op != "call" or not isinstance(ins.fn, np.ufunc) or ins.meta.get("method") \
                or ins.kwargs or ins.fn.signature is not None:
            return False
        for a in ins.args:
            if isinstance(a, Ref) and prog.info.get(a.slot, ((),))[0] not in (shape, ()):
                return False
            if isinstance(a, Ref) and prog.info.get(a.slot, ((),))[0] == () and shape != ():
                if not _is_const(prog, a.slot):
                    return False
        if prog.info.get(ins.outs[0], (None,))[0] != shape:
            return False
    return True


def _is_const(prog: Any, slot: int) -> bool:
    return any(i.op == "const" and i.outs == [slot] for i in prog.instrs)


