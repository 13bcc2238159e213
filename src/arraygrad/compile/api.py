"""``ag.compile``: trace a function once per signature, then replay the emitted program.

The cache key is the argument structure with every array leaf's shape (or only its rank,
``shapeless=True``), dtype, whether it requires grad and whether it has a gradient, plus
the grad mode and training flag. Each key holds variants (one per guard path); a call
checks the variant's captured tensors (same objects at the same paths, same gradient
state) and replays it; a guard that sees a different value re-traces into a new variant.
"""

from __future__ import annotations

import functools
import gc
import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.mode import STATE
from ..core.tensor import Tensor
from .cache import FLAT, HOT, MAX_VARIANTS, Variant, leaf_key, shape_free
from .check import checkable, sandbox_differs
from .emit import Retrace, emit
from .passes import RAISES, lower, simplify
from .program import walk_spec
from .pytree import flatten, tensors_in, unflatten
from .reach import python_scalars, reachable
from .trace import Tracer
from .tracearray import ACTIVE, TracedArray, installed, plain
from .vjp import attach, split

__all__ = ["compile", "Compiled", "CompileWarning", "CompileError"]


class CompileWarning(UserWarning):
    """``ag.compile`` fell back to running a function eagerly."""


class CompileError(RuntimeError):
    """A function could not be compiled and ``fallback=False`` was asked for."""


class Compiled:
    """The callable ``ag.compile(fn)`` returns."""

    def __init__(self, fn: Callable, shapeless: bool = False, fallback: bool = True,
                 fusion: str | None = "auto") -> None:
        functools.update_wrapper(self, fn, updated=())  # (a Module's __dict__ stays its own)
        self.fn = fn
        self.shapeless = shapeless
        self.fallback = fallback
        self.fusion = fusion
        self.cache: dict[Any, list[Variant]] = {}
        self.eager_reason: str | None = None  # set once the function proved untraceable
        self.traces = 0
        # A replay writes into buffers kept across calls: one call at a time per function
        # (re-entrant: an optimizer step replayed as Python may call compiled code).
        self.lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        # everything else is the function's (a compiled Module keeps .parameters(), ...)
        if name.startswith("__") or name in ("fn", "cache", "lock"):
            raise AttributeError(name)
        return getattr(self.fn, name)

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        bound = self.__dict__.get("_bound")
        if bound is None:
            bound = self.__dict__["_bound"] = {}
        c = bound.get(id(obj))
        if c is None:
            c = bound[id(obj)] = Compiled(self.fn.__get__(obj, objtype), self.shapeless,
                                          self.fallback, self.fusion)
        return c

    # ------------------------------------------------------------------ calls
    def _key(self, args: tuple, kwargs: dict) -> tuple[Any, list]:
        if not kwargs and all(type(a) is Tensor for a in args):  # the common call: flat
            leaves = list(args)
            struct = FLAT
        else:
            leaves = []
            struct = flatten((args, kwargs), leaves)
        state = STATE
        shapeless = self.shapeless
        return (struct, tuple(leaf_key(x, shapeless) for x in leaves), state.level,
                state.training), leaves

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if ACTIVE.tracer is not None or self.eager_reason is not None:
            return self.fn(*args, **kwargs)  # inside another trace: inline; or eager
        key, leaves = self._key(args, kwargs)
        with self.lock:
            variants = self.cache.get(key)
            if variants:
                shapes = tuple(x.shape for x in leaves) if self.shapeless else None
                for v in variants:
                    if shapes is not None and v.shapes != shapes and not v.fits(leaves):
                        continue
                    if v.eager is not None:
                        if v.valid():
                            return self.fn(*args, **kwargs)
                        continue
                    if v.valid():
                        if v.pending is not None and v.calls + 1 >= HOT:
                            v.tier_up()
                        try:
                            out = v.replay(leaves)
                        except Retrace:
                            continue
                        v.calls += 1
                        return out
                if len(variants) >= MAX_VARIANTS:
                    if not self.__dict__.get("_told"):
                        self.__dict__["_told"] = True
                        warnings.warn(
                            f"ag.compile({getattr(self.fn, '__qualname__', self.fn)}): "
                            f"{MAX_VARIANTS} programs for one signature, and the values "
                            "it reads into Python still differ: calls that match none run "
                            "eagerly", CompileWarning, stacklevel=2)
                    return self.fn(*args, **kwargs)
            return self._trace(key, args, kwargs, leaves)

    def _trace(self, key: Any, args: tuple, kwargs: dict, leaves: list) -> Any:
        # The tracer keeps every array of the step alive until the program is built: the
        # cyclic collector would traverse them all on each collection (quadratic in the
        # trace's length). It is off for the trace and the passes, then back.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._trace_step(key, args, kwargs, leaves)
        finally:
            if enabled:
                gc.enable()

    def _trace_step(self, key: Any, args: tuple, kwargs: dict, leaves: list) -> Any:
        self.traces += 1
        tracer = Tracer()
        new_leaves = [tracer.add_input(x, k) for k, x in enumerate(leaves)]
        tracer.n_inputs = len(leaves)
        modes: list = []
        paths = reachable(self.fn, modes)
        tracer.prescan([t for t, _ in paths])
        targs, tkwargs = unflatten(flatten((args, kwargs), []), list(new_leaves),
                                   (args, kwargs))
        vjp = None
        scope = installed(tracer)
        scope.__enter__()
        try:
            result = self.fn(*targs, **tkwargs)
            rg_outs = tracer.graph_outputs = _graph_outputs(result)
            if rg_outs and tracer.unsafe is None:
                vjp = tracer.trace_vjp(rg_outs)
        except BaseException:
            scope.__exit__()
            tracer.restore(None)
            raise
        try:
            try:
                prog = tracer.finish(result)
            finally:
                scope.__exit__()
                tracer.restore(result)
        except Exception as exc:  # noqa: BLE001 - a tracer bug: the eager result stands
            self._give_up(f"the tracer failed ({type(exc).__name__}: {exc})")
            return _plain_result(result)
        result = _plain_result(result)
        if tracer.unsafe is not None:
            self._give_up(tracer.unsafe)
            return result
        try:
            self._install(key, prog, vjp, tracer, paths, modes, leaves, result)
        except Exception as exc:  # noqa: BLE001 - a compiler bug: the eager result stands
            if isinstance(exc, CompileError):
                raise
            self._give_up(f"compiling the trace failed ({type(exc).__name__}: {exc})")
        return result

    def _install(self, key: Any, prog: Any, vjp: Any, tracer: Tracer, paths: list,
                 modes: list, leaves: list, result: Any) -> None:
        """Optimise and emit a finished trace, and cache it under ``key``."""
        eager = None
        fusion = _fusion_backend(self.fusion)
        bwd = None
        if any(part[0] == "tensor_rg" for part in walk_spec(prog.outputs)):
            parts = split(prog, vjp[0], vjp[2], simplify) if vjp else \
                "no leaf that requires grad was found"
            if isinstance(parts, str):
                eager = f"an output carries a graph and {parts}, so this signature runs eagerly"
            else:
                prog, bwd = parts
        else:
            prog = simplify(prog)
        if prog.plan.get("late_guard"):
            self._give_up(f"a Python value ({prog.plan['late_guard']}) was read after an "
                          "in-place update, so a changed value could not be re-traced")
            return
        targets = [tr.target for tr in vjp[1]] if bwd is not None else None
        free = self.shapeless and bwd is None and shape_free(prog, leaves)
        if free:
            fusion = None  # a program for every shape: no kept buffers, no kernels

        def build(fusion: str | None) -> tuple:
            fprog = lower(prog, fusion, plan=not free)
            replay, src = emit(fprog)
            if fprog.plan.get("scalar"):
                replay = _with_numpy_fallback(replay, lambda: emit(lower(prog, fusion,
                                                                          scalars=False))[0])
            if bwd is not None:
                bprog = lower(bwd, fusion)
                bwd_replay, bwd_src = emit(bprog)
                replay = _differentiable(replay, bwd_replay, targets)
                src = src + "\n# the backward of the outputs, run by their node:\n" + bwd_src
            return fprog, replay, src

        fprog, replay, src = build(None)
        if eager is None and bwd is None and checkable(fprog):
            # The check replay (check.py): sandboxed on the state the trace started from,
            # the program must reproduce the eager run exactly.
            why = sandbox_differs(fprog, tracer.snapshots, leaves, result, emit)
            if why is not None:
                self._give_up(f"the replayed program differs from the eager run ({why}): "
                              "some array work escaped the tracer")
                return
        captured = _captured(prog)
        getters = {id(t): g for t, g in paths}
        checks = []
        for t in captured:
            tr = tracer.tracks.get(id(t))
            if tr is None:
                continue
            checks.append((getters.get(id(t)), t, *tr.entry))
        variant = Variant(fprog, replay, src, checks, eager)
        variant.modes = [(m, m.training) for m in modes]
        variant.scalars = python_scalars(self.fn)
        variant.shapes = tuple(x.shape for x in leaves)
        variant.free = free
        if fusion is not None:
            variant.pending = lambda: build(fusion)
        self.cache.setdefault(key, []).insert(0, variant)

    def _give_up(self, why: str) -> None:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        if not self.fallback:
            raise CompileError(f"ag.compile({name}): cannot compile: {why}")
        self.eager_reason = why
        warnings.warn(f"ag.compile({name}) runs eagerly: {why}", CompileWarning, stacklevel=3)

    # ------------------------------------------------------------------ introspection
    def variant(self, *args: Any, **kwargs: Any) -> Variant | None:
        """The cached program ``fn(*args, **kwargs)`` would replay (tracing it if needed:
        that runs ``fn`` once)."""
        key, _ = self._key(args, kwargs)
        for v in self.cache.get(key, ()):
            if v.valid():
                v.tier_up()
                return v
        self(*args, **kwargs)
        for v in self.cache.get(key, ()):
            v.tier_up()
            return v
        return None

    def to_dot(self, *args: Any, **kwargs: Any) -> str:
        """The program for these arguments as a Graphviz DOT graph (``ag.viz`` renders
        DOT text: ``dot -Tsvg``)."""
        from .dot import program_dot

        v = self.variant(*args, **kwargs)
        if v is None:
            raise CompileError(f"runs eagerly: {self.eager_reason}")
        return program_dot(v.prog, getattr(self.fn, "__qualname__", ""))

    def explain(self, *args: Any, file: Any = None, **kwargs: Any) -> str:
        """Print (and return) the program for these arguments: its source with the fused
        kernels, the buffer plan and the guards."""
        from .explain import explain_text

        if self.eager_reason is not None:
            text = f"runs eagerly: {self.eager_reason}\n"
        else:
            v = self.variant(*args, **kwargs)
            text = explain_text(self, v) if v is not None else "runs eagerly\n"
        print(text, file=file)
        return text


def _graph_outputs(obj: Any) -> list[Tensor]:
    """Output tensors that still carry a live graph (their gradient may be asked for)."""
    return [t for t in tensors_in(obj) if t._rg and not _consumed(t._node)]


def _with_numpy_fallback(replay: Callable, numpy_replay: Callable) -> Callable:
    """Python floats raise where NumPy returns inf or nan (``1.0 / 0.0``): then the
    program without scalar lowering runs instead (nothing was written yet)."""
    plain: list = []

    def run(a: list) -> Any:
        try:
            return replay(a)
        except RAISES:
            if not plain:
                plain.append(numpy_replay())
            return plain[0](a)

    return run


def _consumed(node: Any) -> bool:
    """Has a backward already freed part of this graph (a training step's loss)? Then it
    cannot be differentiated again, even eagerly, and the result is returned without it."""
    seen = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if getattr(n, "args", 0) is None:
            return True
        stack.extend(e[1] for e in getattr(n, "edges", ()))
    return False


def _differentiable(forward: Callable, backward: Callable, targets: list) -> Callable:
    """A replay whose graph-carrying outputs get a node running ``backward``."""

    def leaf(target: tuple, a: list) -> Tensor:
        return a[target[1]] if target[0] == "input" else target[1]

    def replay(a: list) -> Any:
        result, residuals, rg_outputs = forward(a)
        attach(rg_outputs, [leaf(t, a) for t in targets], backward, residuals)
        return result

    return replay


def _captured(prog: Any) -> list[Tensor]:
    out = []
    seen = set()

    def walk(target: tuple) -> None:
        if target[0] == "captured" and id(target[1]) not in seen:
            seen.add(id(target[1]))
            out.append(target[1])
        elif target[0] == "grad":
            walk(target[1])

    for ins in prog.instrs:
        t = ins.meta.get("target") if isinstance(ins.meta.get("target"), tuple) else None
        if t is not None:
            walk(t)
    return out


def _plain_result(obj: Any) -> Any:
    if type(obj) is TracedArray:
        return plain(obj)
    if isinstance(obj, list):
        return [_plain_result(o) for o in obj]
    if isinstance(obj, tuple) and type(obj) is tuple:
        return tuple(_plain_result(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _plain_result(v) for k, v in obj.items()}
    return obj


def _fusion_backend(choice: str | None) -> str | None:
    if choice != "auto":
        return choice
    from .passes.fusion import available_backend

    return available_backend()


def compile(fn: Callable | None = None, *, shapeless: bool = False, fallback: bool = True,
            fusion: str | None = "auto") -> Any:
    """Trace ``fn`` once per input signature and replay it as plain array code.

    ``fn`` may do anything a training step does: forward, ``loss.backward()`` or
    ``ag.grad``, ``optimizer.step()`` and ``zero_grad()``. Python values read from tensors
    become guards (a different value re-traces); a function that cannot be traced safely
    runs eagerly with one warning (``fallback=False`` raises ``CompileError`` instead).
    ``fusion``: ``'auto'`` (numba when installed), ``'numba'``, or ``None``.
    ``shapeless=True`` keys the cache on ranks, not shapes (programs whose baked-in shapes
    do not fit re-trace). Use as ``ag.compile(fn)`` or ``@ag.compile``.
    """
    if fn is None:
        return lambda f: Compiled(f, shapeless, fallback, fusion)
    if isinstance(fn, Compiled):
        return fn
    return Compiled(fn, shapeless, fallback, fusion)


_ = np
