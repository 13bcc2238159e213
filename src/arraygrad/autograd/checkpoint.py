"""Gradient checkpointing: trade compute for memory.

``ag.checkpoint(fn, *args)`` runs ``fn`` and records its graph as usual, but the values
its ops would save for backward are *not* kept: only what came from outside the
segment (its inputs, parameters) is. When backward reaches the segment, ``fn`` is run
again on the same inputs to regenerate the saved values, and backward proceeds through
the segment's nodes. Peak memory drops from "all activations" to "the segments' inputs
plus one segment's activations" (``bench/RESULTS-checkpoint.md``) for one extra forward.

It is built on saved-tensor hooks (``autograd.graph.saved_tensors_hooks``), like
PyTorch's non-reentrant checkpoint: gradients reach parameters that ``fn`` closes over,
``autograd.grad`` works, and the recomputed values stay connected to the inputs, so
double backward through a checkpoint works too. The NumPy global random state is saved
and restored around the recomputation (``preserve_rng_state``), so dropout-like code sees
the same draws. ``fn`` must do the same operations when run again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.mode import STATE
from ..core.node import _sequence
from ..core.tensor import Tensor
from .graph import saved_tensors_hooks

__all__ = ["checkpoint", "checkpoint_sequential"]


class _Segment:
    """The pack/unpack pair of one checkpointed call."""

    def __init__(self, fn: Callable, args: tuple, kwargs: dict, preserve_rng: bool) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        s = STATE
        self.state = s.save()
        self.rng = np.random.get_state() if preserve_rng else None
        self.start = next(_sequence)
        self.count = 0  # values packed, in order
        self.pending = 0  # packed values still to hand out
        self.cache: list | None = None

    def pack(self, t: Tensor) -> tuple:
        k = self.count
        self.count += 1
        n = t._node
        if n is None or n.seq < self.start:
            return (k, t)  # made outside the segment (an input, a parameter): keep it
        self.pending += 1
        return (k, None)  # made inside: recompute it when needed

    def unpack(self, p: tuple) -> Tensor:
        k, t = p
        if t is not None:
            return t
        if self.cache is None:
            self.cache = self._recompute()
        v = self.cache[k]
        self.cache[k] = None
        self.pending -= 1
        if self.pending <= 0:
            self.cache = None
        return v

    def _recompute(self) -> list:
        saved: list = []

        def pack2(t: Tensor) -> int:
            saved.append(t)
            return len(saved) - 1

        def unpack2(i: int) -> Tensor:
            return saved[i]

        s = STATE
        outer = s.save()
        create_graph = s.level == 2  # the backward that asks records (double backward)
        s.restore(self.state)
        rng = None
        if self.rng is not None:
            rng = np.random.get_state()
            np.random.set_state(self.rng)
        try:
            with saved_tensors_hooks(pack2, unpack2):
                self.fn(*self.args, **self.kwargs)
        finally:
            s.restore(outer)
            if rng is not None:
                np.random.set_state(rng)
        if len(saved) != self.count:
            raise RuntimeError(
                f"checkpoint: recomputing the segment saved {len(saved)} values but the "
                f"forward pass saved {self.count}; the checkpointed function must perform "
                "the same operations when it is run again"
            )
        if create_graph:
            return saved  # connected to the inputs: the rules' results stay differentiable
        # plain backward: keep the values only, and let the recomputed graph go now
        values = [Tensor._make(t._data) for t in saved]
        saved.clear()
        return values


def checkpoint(fn: Callable, *args: Any, preserve_rng_state: bool = True,
               use_reentrant: Any = None, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, keeping only the segment's inputs for backward and
    recomputing the rest when backward needs it."""
    if STATE.level == 0:  # nothing records: nothing would be saved anyway
        return fn(*args, **kwargs)
    seg = _Segment(fn, args, kwargs, preserve_rng_state)
    with saved_tensors_hooks(seg.pack, seg.unpack):
        return fn(*args, **kwargs)


def checkpoint_sequential(functions: Sequence[Callable], segments: int, input: Any,
                          preserve_rng_state: bool = True, use_reentrant: Any = None) -> Any:
    """Run ``functions`` one after the other on ``input``, checkpointing them in
    ``segments`` groups (the last group runs normally, as in PyTorch)."""
    functions = list(functions)
    if segments < 1:
        raise ValueError("checkpoint_sequential: segments must be at least 1")
    size = max(1, -(-len(functions) // segments))

    def run(start: int, end: int) -> Callable:
        def seg(x: Any) -> Any:
            for f in functions[start:end]:
                x = f(x)
            return x

        return seg

    x = input
    bounds = list(range(0, len(functions), size))
    for i, start in enumerate(bounds):
        end = min(start + size, len(functions))
        if i == len(bounds) - 1:
            x = run(start, end)(x)
        else:
            x = checkpoint(run(start, end), x, preserve_rng_state=preserve_rng_state)
    return x
