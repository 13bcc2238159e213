"""The tracer: runs a step eagerly and writes every array operation into a Program.

Three doors feed it, all recording into the same slots:

- the kernel's primitive entry (``SWITCHES.tracer``, after each call): a primitive
  call, whatever its forward does inside;
- ``TracedArray`` (tracearray.py): NumPy calls made outside primitives, on arrays the
  program computed or loaded — rules' masks, the engine's gradient accumulation, user code;
- ``opaque`` (optimizer steps, whose Python state such as Adam's step count lives outside
  any array) and ``draw`` (random numbers, drawn afresh on every replay).

Tensors the step reads without being passed them are captured by reference: their array
is loaded at the point of first use, and changes to their state (a new ``.grad``, a
rebound array, version bumps) are written back at the end (and before an opaque call).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..core.mode import STATE as _GRAD_STATE
from ..core.tensor import Tensor
from .program import Instr, Program, Ref, walk_spec
from .pytree import tensors_in
from .tracearray import ACTIVE as STATE
from .tracearray import TracedArray, plain, unwrap

__all__ = ["Tracer", "Unsafe"]

_ndarray = np.ndarray
_generic = np.generic
_view = np.ndarray.view

# NumPy functions whose non-array results depend only on shapes and dtypes (which the
# cache key fixes), so they need no guard.
_SHAPE_ONLY = {np.shape, np.ndim, np.size, np.result_type, np.iscomplexobj, np.isrealobj}
# Constant arrays up to this size are snapshotted at trace time (a step that writes into
# one gets a fresh copy per call); larger ones are kept by reference.
_SNAPSHOT_LIMIT = 1 << 20
_DEBUG = bool(__import__("os").environ.get("AG_COMPILE_DEBUG"))


# NumPy functions that write into their first argument.
_MUTATING = {np.put_along_axis, np.put, np.place, np.copyto, np.fill_diagonal, np.putmask}


def _owner(a: Any) -> Any:
    while isinstance(a.base, _ndarray):
        a = a.base
    return a


def _address(a: Any) -> int:
    return a.__array_interface__["data"][0]


def restride(base: Any, offset: int, shape: tuple, strides: tuple, dtype: Any) -> Any:
    """The view of ``base``'s memory that an untraced view operation made at trace time
    (``np.moveaxis`` on a plain array, ``.flat``...): same offset, shape and strides."""
    return np.ndarray(shape, dtype, buffer=base, offset=offset, strides=strides)


class Unsafe(Exception):
    """The trace cannot be replayed; the message says why."""


class _Track:
    """A tensor the program reads or writes: where to find it at replay, and its state as
    the program has last written it."""

    __slots__ = ("tensor", "target", "orig", "view", "data", "grad", "version", "rg",
                 "entry")

    def __init__(self, tensor: Tensor, target: tuple, orig: Any, view: Any) -> None:
        self.tensor = tensor
        self.target = target
        self.orig = orig
        self.view = view
        self.data = view
        meta = tensor._meta
        self.grad = meta.grad if meta is not None else None
        self.version = tensor._version
        self.rg = tensor._rg
        # what a later call must find for this program to apply: the state it was traced
        # from (requires_grad, a .grad present, shape, dtype)
        self.entry = (tensor._rg, self.grad is not None, orig.shape, orig.dtype)


class Tracer:
    def __init__(self) -> None:
        self.instrs: list[Instr] = []
        self.slot_of: dict[int, int] = {}  # id(array object) -> slot (views and plain)
        self.arrays: list[Any] = []  # slot -> the TracedArray (or Python value)
        self.keep: list[Any] = []  # everything whose id is a key above stays alive
        self.tracks: dict[int, _Track] = {}  # id(tensor) -> _Track
        self.grad_owner: dict[int, _Track] = {}  # id(grad tensor) -> its leaf's track
        self.read_values: dict[int, int] = {}  # id(python value) -> guard slot
        self.unsafe: str | None = None
        self.n_inputs = 0
        self.effect_seen = False
        self.n_random = 0
        self.graph_outputs: list = []  # outputs whose graph is live (set by the caller)
        self.since: int | None = None  # instructions recorded before the current primitive
        self.snapshots: dict[int, Any] = {}  # load slot -> its array as first loaded
        self.group: dict[int, int] = {}  # slot -> id of the array owning its memory
        self.owners: list[Any] = []  # keeps those owners alive
        self.external: set[int] = set()  # groups of loaded/input arrays
        self.by_owner: dict[int, list[int]] = {}  # id(memory owner) -> slots in it
        # owners of memory the program computes or writes (not constants it only reads):
        # an untraced view into them is re-derived, not taken as a constant
        self.live_owners: set[int] = set()

    # ------------------------------------------------------------------ slots
    def _new_slot(self, value: Any, plain_value: Any = None, const: bool = False) -> int:
        slot = len(self.arrays)
        self.arrays.append(value)
        if isinstance(value, _ndarray):
            owner = _owner(value)
            self.group[slot] = id(owner)
            if not const:
                self.live_owners.add(id(owner))
            self.owners.append(owner)
            self.by_owner.setdefault(id(owner), []).append(slot)
        self.slot_of[id(value)] = slot
        self.keep.append(value)
        if plain_value is not None:
            self.slot_of[id(plain_value)] = slot
            self.keep.append(plain_value)
        return slot

    def _register(self, result: Any) -> tuple[Any, int]:
        """A freshly computed array becomes a slot; returns the TracedArray to hand out."""
        if type(result) is TracedArray:
            if id(result) in self.slot_of:  # an op returned its own input (a no-op view)
                v = _view(_view(result, _ndarray), TracedArray)
                return v, self._new_slot(v)
            return result, self._new_slot(result)
        if isinstance(result, _generic):
            result = np.asarray(result)
        v = _view(result, TracedArray)
        return v, self._new_slot(v, result)

    def emit(self, op: str, **kw: Any) -> Instr:
        ins = Instr(op, **kw)
        self.instrs.append(ins)
        return ins

    def mark_unsafe(self, why: str) -> None:
        if self.unsafe is None:
            self.unsafe = why
            if _DEBUG:
                import traceback

                traceback.print_stack()

    # ------------------------------------------------------------------ references
    def ref_array(self, a: Any) -> Any:
        """The reference an instruction keeps for array-like argument ``a``."""
        t = type(a)
        if t is TracedArray or t is _ndarray:
            slot = self.slot_of.get(id(a))
            if slot is not None:
                return Ref(slot)
            if a.base is not None and id(_owner(a)) in self.live_owners:
                return Ref(self._rederive(a))
            if t is TracedArray:
                self.mark_unsafe("an array derived from traced data by an operation the "
                                 "tracer does not follow")
                return Ref(self._register(a)[1])
            return self._const(a)
        if t is tuple or t is list:
            return t(self.ref_array(x) for x in a)
        if t is dict:
            return {k: self.ref_array(v) for k, v in a.items()}
        if t is slice:
            return slice(self.ref_array(a.start), self.ref_array(a.stop),
                         self.ref_array(a.step))
        if isinstance(a, Tensor):  # nn.Parameter too
            return self.ref_tensor(a)
        return a

    def _rederive(self, a: Any) -> int:
        """A view of program memory made by an untraced view operation: recorded as the
        same offset/shape/strides into a contiguous slot of that memory."""
        addr = _address(a)
        for slot in self.by_owner[id(_owner(a))]:
            base = self.arrays[slot]
            if not (base.flags.c_contiguous or base.flags.f_contiguous):
                continue
            off = addr - _address(base)
            end = off + sum((n - 1) * st for n, st in zip(a.shape, a.strides) if st > 0) \
                + a.itemsize
            low = off + sum((n - 1) * st for n, st in zip(a.shape, a.strides) if st < 0)
            if a.size and (low < 0 or end > base.nbytes):
                continue
            args = (Ref(slot), off, a.shape, a.strides, a.dtype)
            v, out = self._register(a if type(a) is _ndarray else _view(a, _ndarray))
            self.emit("call", fn=restride, args=args, outs=[out], name="view",
                      meta={"nout": 0})
            return out
        self.mark_unsafe("a view of traced memory the tracer cannot re-derive")
        return self._register(a)[1]

    def adopt(self, a: Any, name: str) -> int | None:
        """A plain array about to be written with traced values (``np.zeros`` filled by
        ``put_along_axis``): it becomes a constant slot, copied fresh per call."""
        slot = self.slot_of.get(id(a))
        if slot is not None:
            return slot
        if not isinstance(a, _ndarray):
            self.mark_unsafe(f"{name} wrote into a {type(a).__name__}")
            return None
        if a.base is not None and id(_owner(a)) in self.live_owners:
            return self._rederive(a)
        slot = self._const(a).slot
        self.live_owners.add(self.group[slot])
        return slot

    def _const(self, a: np.ndarray) -> Ref:
        snap = a.copy() if a.size <= _SNAPSHOT_LIMIT else a
        slot = self._new_slot(a, const=True)
        self.emit("const", fn=snap, outs=[slot], meta={"copy": False, "big": snap is a})
        return Ref(slot)

    def ref_tensor(self, t: Tensor) -> Ref:
        d = t._data
        slot = self.slot_of.get(id(d))
        if slot is not None:
            return Ref(slot)
        if type(d) is TracedArray:
            self.mark_unsafe("a tensor holds an array derived from traced data by an "
                             "operation the tracer does not follow")
            return Ref(self._register(d)[1])
        return Ref(self.capture(t))

    def capture(self, t: Tensor, target: tuple | None = None) -> int:
        """Bind tensor ``t`` (not passed in) by reference: load its array here."""
        d = t._data
        if target is None:
            owner = self.grad_owner.get(id(t))
            target = ("grad", owner.target) if owner is not None else ("captured", t)
        if not isinstance(d, _ndarray):
            self.mark_unsafe(f"a captured tensor holds a {type(d).__name__} (only NumPy "
                             "arrays are traced)")
            d = np.asarray(d)
        v = _view(d, TracedArray)
        slot = self._new_slot(v, d)
        self.snapshots[slot] = d.copy()  # for the check replay (check.py)
        op = "input" if target[0] == "input" else "load"
        self.emit(op, outs=[slot], meta={"target": target})
        self.external.add(self.group[slot])
        t._data = v
        tr = self.tracks.get(id(t))
        if tr is None:
            tr = self.tracks[id(t)] = _Track(t, target, d, v)
            self.keep.append(t)
        else:  # reloaded after an opaque call rebound it
            tr.orig, tr.view, tr.data = d, v, v
        self._watch_grad(tr)
        return slot

    def _watch_grad(self, tr: _Track) -> None:
        """A leaf's existing gradient buffer: raw writes into it must be seen too."""
        g = tr.grad
        if g is not None and id(g) not in self.tracks and isinstance(g._data, _ndarray):
            self.grad_owner[id(g)] = tr
            self.capture(g, ("grad", tr.target))

    def _register_alias(self, a: Any, slot: int) -> Any:
        """Give the plain array of ``slot`` a traced face mapped to the same slot."""
        v = _view(a, TracedArray)
        if not isinstance(self.arrays[slot], TracedArray):
            self.arrays[slot] = v
        self.slot_of[id(v)] = slot
        self.keep.append(v)
        return v

    def fresh(self, t: Tensor) -> None:
        """A tensor a creation function made inside the traced function (``zeros``,
        ``tensor(data)``): its array is a constant of the program, not captured state."""
        d = t._data
        if type(d) is _ndarray and id(d) not in self.slot_of:
            self._const(d)

    def add_input(self, x: Any, k: int) -> Any:
        """Flattened argument ``k``: a Tensor (tracked) or an ndarray (replaced by a view)."""
        if isinstance(x, Tensor):
            self.capture(x, ("input", k))
            return x
        slot = self._new_slot(None)
        v = _view(np.asarray(x), TracedArray)
        self.arrays[slot] = v
        self.slot_of[id(v)] = slot
        self.keep.append(v)
        self.emit("input", outs=[slot], meta={"target": ("array", k)})
        self.snapshots[slot] = np.array(x, copy=True)
        owner = _owner(v)
        self.group[slot] = id(owner)
        self.owners.append(owner)
        self.by_owner.setdefault(id(owner), []).append(slot)
        self.live_owners.add(id(owner))
        self.external.add(id(owner))
        return v

    def prescan(self, tensors: list[Tensor]) -> None:
        """Tensors reachable from the function (its closure, globals, self): their arrays
        are watched from the start, so raw writes into them are recorded."""
        for t in tensors:
            if id(t) not in self.tracks and isinstance(t._data, _ndarray) \
                    and type(t._data) is _ndarray:
                self.capture(t)

    # ------------------------------------------------------------------ recording doors
    def on_call(self, prim: Any, args: tuple, kwargs: dict, result: Any) -> None:
        """The kernel's entry reports a primitive call after it ran (``SWITCHES.tracer``).

        The forward's NumPy calls on traced arrays were recorded as they ran; when its
        result is such a recorded array, nothing more is needed. Otherwise (the forward
        computed through something the array level cannot see) the call is recorded
        whole, to be run again as it is."""
        since, self.since = self.since, None  # (set again below, after this call)
        try:
            self._on_call(prim, args, kwargs, result, since)
        finally:
            self.since = len(self.instrs)

    def _on_call(self, prim: Any, args: tuple, kwargs: dict, result: Any, since: Any) -> None:
        outs = result if isinstance(result, tuple) else (result,)
        if getattr(prim, "inplace", False):
            d = outs[0]._data
            slot = self.slot_of.get(id(d))
            start = since if since is not None else 0
            if slot is not None and (type(d) is TracedArray or any(
                    ins.op == "mutate" and ins.meta["target"] == slot
                    for ins in self.instrs[start:])):
                return  # its writes were recorded as they were made (since the last call)
            # a write NumPy made without the tracer seeing it (into a tensor made in the
            # step, or one not loaded yet): the primitive's write, replayed as it is
            refs = self.ref_array(args)
            external = self._is_external(refs[0].slot)
            self.emit("mutate", fn=prim.fwd, args=refs, kwargs=self.ref_array(kwargs),
                      name=prim.name, meta={"target": refs[0].slot, "external": external})
            self.effect_seen = self.effect_seen or external
            return
        if all(not isinstance(o, Tensor) or self.slot_of.get(id(o._data)) is not None
               for o in outs):
            return
        if getattr(prim, "fwd", None) is None or hasattr(prim, "n_in"):
            # a custom Function: its forward ran in user code, and its outputs were not
            # computed by anything the tracer saw
            self.mark_unsafe(f"custom function {prim.name} made its outputs outside "
                             "arraygrad's operations")
            return
        refs = self.ref_array(args)
        krefs = self.ref_array(kwargs) if kwargs else {}
        slots = []
        node = None
        for o in outs:
            if not isinstance(o, Tensor):
                self.mark_unsafe(f"{prim.name} returned a {type(o).__name__}")
                return
            v, slot = self._register(o._data)
            o._data = v
            slots.append(slot)
            if o._node is not None:
                node = o._node
        if node is not None and node.ans is not None:  # rules read the saved output
            if isinstance(node.ans, tuple):
                node.ans = tuple(self.arrays[s] for s in slots)
            else:
                node.ans = self.arrays[slots[0]]
        self.emit("call", fn=prim.fwd, args=refs, kwargs=krefs, outs=slots, name=prim.name,
                  meta={"nout": len(outs) if isinstance(result, tuple) else 0,
                        "impure": getattr(prim, "impure", False)})

    def ufunc(self, ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
        out = kwargs.get("out")
        for o in (out or ()) if method != "at" else inputs[:1]:
            self.adopt(o, ufunc.__name__)
        # the common case inline: arrays and scalars in, each array looked up once
        slot_of = self.slot_of
        refs_list = []
        raw = []
        for x in inputs:
            if type(x) is TracedArray and (slot := slot_of.get(id(x))) is not None:
                refs_list.append(Ref(slot))
                raw.append(_view(x, _ndarray))
            else:
                refs_list.append(self.ref_array(x))
                raw.append(unwrap(x))
        refs = tuple(refs_list)
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        if kwargs:
            krefs = self.ref_array(kwargs)
            result = fn(*raw, **unwrap(kwargs))
        else:
            krefs = {}
            result = fn(*raw)
        if method == "at":
            self._mutation(fn, refs, krefs, inputs[0], name)
            return None
        if out is not None:
            for o in out:
                self._mutation(fn, refs, krefs, o, name)
            return out[0] if len(out) == 1 else out
        return self._results(fn, refs, krefs, result, name, ufunc=method == "__call__")

    def function(self, func: Any, args: tuple, kwargs: dict) -> Any:
        mutating = func in _MUTATING
        if mutating:
            self.adopt(args[0], func.__name__)
        if kwargs.get("out") is not None:
            self.adopt(kwargs["out"], func.__name__)
        refs = self.ref_array(args)
        krefs = self.ref_array(kwargs) if kwargs else {}
        result = func(*unwrap(args), **unwrap(kwargs))
        if mutating:
            self._mutation(func, refs, krefs, args[0], func.__name__)
            return result
        if kwargs.get("out") is not None:
            self._mutation(func, refs, krefs, kwargs["out"], func.__name__)
            return kwargs["out"]
        return self._results(func, refs, krefs, result, func.__name__,
                             shape_only=func in _SHAPE_ONLY)

    def method(self, base: Any, name: str, self_arr: Any, args: tuple, kwargs: dict,
               mutates: bool) -> Any:
        refs = (self.ref_array(self_arr), *self.ref_array(args))
        krefs = self.ref_array(kwargs) if kwargs else {}
        state = STATE
        state.tracer = None
        try:
            result = base(_view(self_arr, _ndarray), *unwrap(args), **unwrap(kwargs))
        finally:
            state.tracer = self
        fn = operator.setitem if name == "__setitem__" else base
        if mutates:
            self._mutation(fn, refs, krefs, self_arr, name)
            return None
        return self._results(fn, refs, krefs, result, name, method=name)

    def _mutation(self, fn: Any, refs: Any, krefs: dict, target: Any, name: str) -> None:
        slot = self.slot_of.get(id(target))
        if slot is None:
            self.mark_unsafe(f"{name} wrote into an array the tracer does not follow")
            return
        ins = self.emit("mutate", fn=fn, args=refs, kwargs=krefs, name=name,
                        meta={"target": slot})
        if self._is_external(slot):
            ins.meta["external"] = True
            self.effect_seen = True

    def _is_external(self, slot: int) -> bool:
        """Does writing into ``slot`` change state outside the program (a loaded array, or
        a view of one)?"""
        return self.group.get(slot) in self.external

    def _results(self, fn: Any, refs: Any, krefs: dict, result: Any, name: str,
                 ufunc: bool = False, method: str | None = None,
                 shape_only: bool = False) -> Any:
        meta: dict = {"method": method, "ufunc": ufunc}
        if isinstance(result, (_ndarray, _generic)):
            v, slot = self._register(result)
            self.emit("call", fn=fn, args=refs, kwargs=krefs, outs=[slot], name=name,
                      meta={**meta, "nout": 0, "scalar": isinstance(result, _generic)})
            return v
        if isinstance(result, tuple) and result and all(
                isinstance(r, (_ndarray, _generic)) for r in result):
            pairs = [self._register(r) for r in result]
            self.emit("call", fn=fn, args=refs, kwargs=krefs, outs=[s for _, s in pairs],
                      name=name, meta={**meta, "nout": len(result)})
            return tuple(v for v, _ in pairs)
        if shape_only or not any(True for _ in _iter_refs(refs, krefs)):
            return result
        # a Python value computed from traced data: a guard
        slot = self._new_slot(result)
        self.emit("call", fn=fn, args=refs, kwargs=krefs, outs=[slot], name=name,
                  meta={**meta, "nout": 0, "python": True})
        self._guard(slot, "value", (), result)
        return result

    def read(self, arr: Any, how: str, args: tuple, value: Any) -> None:
        """A value read into Python (``item``, ``bool``, ``float`` ...): a guard."""
        slot = self.slot_of.get(id(arr))
        if slot is None:
            self.mark_unsafe("a value was read from an array the tracer does not follow")
            return
        self._guard(slot, how, args, value)

    def _guard(self, slot: int, how: str, args: tuple, value: Any) -> None:
        out = len(self.arrays)
        self.arrays.append(value)
        self.keep.append(value)
        self.emit("guard", args=(Ref(slot),), outs=[out], name=how,
                  meta={"how": how, "args": args, "value": value})
        self.read_values[id(value)] = out

    def draw(self, fn: Any, args: tuple, kwargs: dict) -> Any:
        """A random draw: an impure call, made afresh on every replay."""
        refs = self.ref_array(args)
        krefs = self.ref_array(kwargs) if kwargs else {}
        result = fn(*unwrap(args), **unwrap(kwargs))
        self.n_random += 1
        if not isinstance(result, (_ndarray, _generic)):
            self.mark_unsafe(f"random draw {getattr(fn, '__name__', fn)} returned "
                             f"{type(result).__name__}")
            return result
        v, slot = self._register(result)
        self.emit("call", fn=fn, args=refs, kwargs=krefs, outs=[slot],
                  name=getattr(fn, "__name__", "draw"),
                  meta={"impure": True, "nout": 0, "scalar": isinstance(result, _generic)})
        return v

    def opaque(self, fn: Any, args: tuple, kwargs: dict, name: str) -> Any:
        """A Python call replayed as it is (an optimizer step): state is written back
        first, and tensors it rebinds are loaded again afterwards."""
        self.sync()
        self.emit("opaque", fn=fn, args=args, kwargs=kwargs, name=name)
        self.effect_seen = True
        state = STATE
        state.tracer = None
        try:
            result = fn(*args, **kwargs)
        finally:
            state.tracer = self
        for tr in list(self.tracks.values()):
            t = tr.tensor
            if t._data is not tr.data:  # rebound by the call: load it again at next use
                if type(t._data) is TracedArray:
                    self.mark_unsafe(f"{name} stored a traced array in a tensor")
                    continue
                self.capture(t, tr.target)
            meta = t._meta
            g = meta.grad if meta is not None else None
            if g is not tr.grad:
                self.mark_unsafe(f"{name} replaced a gradient")
            if t._version != tr.version:
                tr.version = t._version  # the call bumps versions itself at replay
        return result

    def trace_vjp(self, outs: list[Tensor]) -> tuple | None:
        """After the function returned outputs that still carry a graph: trace the
        gradients of those outputs (seeded by cotangent inputs) with respect to every
        leaf the program reads that requires grad. Returns (start, leaves, grad refs)."""
        from ..core.engine import grad as engine_grad

        self.sync()
        start = len(self.instrs)
        level = _GRAD_STATE.level
        leaves = [tr for tr in self.tracks.values()
                  if tr.tensor._rg and tr.tensor._node is None and tr.tensor._rg <= level]
        if not leaves:
            return None
        seeds = []
        for k, o in enumerate(outs):
            v = _view(np.ones_like(plain(o._data)), TracedArray)
            slot = self._new_slot(v)
            self.emit("input", outs=[slot], meta={"target": ("cot", k)})
            seeds.append(Tensor._make(v))
        grads = engine_grad(outs, [tr.tensor for tr in leaves], grad_outputs=seeds,
                            retain_graph=True, allow_unused=True)
        refs = [None if g is None else self.ref_tensor(g) for g in grads]
        return start, leaves, refs

    # ------------------------------------------------------------------ state write-back
    def sync(self) -> None:
        """Write back what changed in tracked tensors since the last sync."""
        for tr in list(self.tracks.values()):
            t = tr.tensor
            if t._data is not tr.data:
                self.emit("store", args=(self.ref_array(t._data),), name="data",
                          meta={"what": "data", "target": tr.target})
                tr.data = t._data
                self.effect_seen = True
            meta = t._meta
            g = meta.grad if meta is not None else None
            if g is not tr.grad:
                if g is None:
                    self.emit("store", name="grad", meta={"what": "nograd", "target": tr.target})
                else:
                    if g._node is not None or g._rg:
                        self.mark_unsafe("a gradient with a graph (create_graph=True) was "
                                         "stored in .grad")
                    self.emit("store", args=(self.ref_array(g._data),), name="grad",
                              meta={"what": "grad", "target": tr.target})
                tr.grad = g
                self.effect_seen = True
            if t._version != tr.version:
                self.emit("store", name="version", meta={
                    "what": "version", "target": tr.target, "delta": t._version - tr.version})
                tr.version = t._version
            if t._rg != tr.rg:
                self.mark_unsafe("requires_grad of a tensor changed inside the function")

    # ------------------------------------------------------------------ the end
    def finish(self, result: Any) -> Program:
        """Write back state, describe the outputs, and hand every array back as plain."""
        self.sync()
        outputs = self._outputs(result)
        # ``return loss.item()``: values read after the last operation, returned, by a
        # function that returns no arrays (whose choice they could have steered), steered
        # nothing the program does: they are results, not guards.
        kinds = {part[0] for part in walk_spec(outputs)}
        if kinds <= {"read", "value", "list", "tuple", "dict"}:
            returned = {part[1].slot for part in walk_spec(outputs) if part[0] == "read"}
            for ins in reversed(self.instrs):
                if ins.op == "guard" and ins.outs[0] in returned:
                    ins.meta["result_only"] = True
                elif ins.op != "store":
                    break
        info = {}
        for slot, a in enumerate(self.arrays):
            if isinstance(a, _ndarray):
                info[slot] = (a.shape, a.dtype, a.flags.c_contiguous)
        prog = Program(self.instrs, self.n_inputs, outputs, None, info)
        prog.plan["group"] = dict(self.group)
        return prog

    def _outputs(self, obj: Any) -> Any:
        if isinstance(obj, Tensor):
            tr = self.tracks.get(id(obj))
            if tr is not None:  # a tensor the caller already has: hand back the same one
                return ("tracked", tr.target)
            owner = self.grad_owner_of(obj)
            if owner is not None:
                return ("tracked", ("grad", owner.target))
            if obj._rg and any(obj is o for o in self.graph_outputs):
                return ("tensor_rg", self.ref_tensor(obj))
            return ("tensor", self.ref_tensor(obj))
        if isinstance(obj, (_ndarray, _generic)):
            return ("array", self.ref_array(obj) if isinstance(obj, _ndarray)
                    else ("value", obj))
        if isinstance(obj, tuple) and type(obj) is not tuple:  # namedtuple
            return ("namedtuple", type(obj), [self._outputs(o) for o in obj])
        if isinstance(obj, (list, tuple)):
            return (type(obj).__name__, [self._outputs(o) for o in obj])
        if isinstance(obj, dict):
            return ("dict", [(k, self._outputs(v)) for k, v in obj.items()])
        slot = self.read_values.get(id(obj))
        if slot is not None:
            return ("read", Ref(slot))
        return ("value", obj)

    def grad_owner_of(self, t: Tensor) -> _Track | None:
        """The tracked leaf whose current ``.grad`` is ``t``."""
        for tr in self.tracks.values():
            meta = tr.tensor._meta
            if meta is not None and meta.grad is t:
                return tr
        return None

    def restore(self, result: Any) -> None:
        """After tracing: every tensor the caller can reach holds plain arrays again."""
        for tr in self.tracks.values():
            t = tr.tensor
            if t._data is tr.view:
                t._data = tr.orig
            else:
                t._data = plain(t._data)
            meta = t._meta
            if meta is not None and meta.grad is not None:
                meta.grad._data = plain(meta.grad._data)
        _plain_tree(result)


def _plain_tree(obj: Any) -> None:
    for t in tensors_in(obj):
        t._data = plain(t._data)
        meta = t._meta
        if meta is not None and meta.grad is not None:
            meta.grad._data = plain(meta.grad._data)


def _iter_refs(*objs: Any):
    for obj in objs:
        if isinstance(obj, Ref):
            yield obj
        elif isinstance(obj, (list, tuple)):
            yield from _iter_refs(*obj)
        elif isinstance(obj, dict):
            yield from _iter_refs(*obj.values())
