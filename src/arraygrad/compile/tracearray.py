"""``TracedArray``: the NumPy array that tells the tracer what is done to it.

While a step is traced, every array the program computes (and every captured tensor's
array) is seen through this ndarray subclass. NumPy calls on it — ufuncs through
``__array_ufunc__``, functions through ``__array_function__``, and the methods below —
are recorded whoever makes them: a primitive's forward, a derivative rule building a mask
from raw data (``g * (ans._data > 0)``), the engine accumulating into a gradient buffer,
user code on ``.array``. Reading a value into Python (``item``, ``bool``, ``float``) becomes
a guard. With no tracer active (or inside a primitive, whose call is recorded whole) it is
a plain ndarray: operations run on the base arrays and return plain results.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ..core.mode import SWITCHES

__all__ = ["TracedArray", "plain", "unwrap", "ACTIVE", "installed"]


class _Active(threading.local):
    """The tracer of this thread while it traces (None otherwise, or while a primitive's
    or an opaque call's inside runs untraced)."""

    def __init__(self) -> None:
        self.tracer = None


ACTIVE = _Active()
STATE = ACTIVE  # what the methods below read: ``STATE.tracer``


class _Dispatch:
    """What ``core.mode.SWITCHES.tracer`` holds while any thread traces: it forwards each
    call to the calling thread's tracer (SWITCHES is process-wide, tracers per thread)."""

    def __call__(self, prim, args, kwargs, result):
        t = ACTIVE.tracer
        if t is not None:
            t.on_call(prim, args, kwargs, result)

    def opaque(self, fn, args, kwargs, name):
        t = ACTIVE.tracer
        if t is None:
            return fn(*args, **kwargs)
        return t.opaque(fn, args, kwargs, name)

    def draw(self, fn, args, kwargs):
        t = ACTIVE.tracer
        if t is None:
            return fn(*args, **kwargs)
        return t.draw(fn, args, kwargs)

    def fresh(self, tensor):
        t = ACTIVE.tracer
        if t is not None:
            t.fresh(tensor)

    def mark_unsafe(self, why):
        t = ACTIVE.tracer
        if t is not None:
            t.mark_unsafe(why)


_DISPATCH = _Dispatch()

_ndarray = np.ndarray
_view = np.ndarray.view


def plain(x: Any) -> Any:
    """``x`` as a base-class ndarray (sharing memory) when it is a TracedArray."""
    if type(x) is TracedArray:
        return _view(x, _ndarray)
    return x


def unwrap(obj: Any) -> Any:
    """``obj`` with every TracedArray inside (lists, tuples, dicts) made plain."""
    t = type(obj)
    if t is TracedArray:
        return _view(obj, _ndarray)
    if t is tuple or t is list:
        if any(type(o) is TracedArray or type(o) in (tuple, list, dict) for o in obj):
            return t(unwrap(o) for o in obj)
        return obj
    if t is dict:
        return {k: unwrap(v) for k, v in obj.items()}
    return obj


def _method(name: str, mutates: bool = False):
    base = getattr(_ndarray, name)

    def method(self, *args, **kwargs):
        tracer = STATE.tracer
        if tracer is None:
            return base(_view(self, _ndarray), *unwrap(args), **unwrap(kwargs))
        return tracer.method(base, name, self, args, kwargs, mutates)

    method.__name__ = name
    return method


def _read(name: str, convert: Any):
    def method(self, *args):
        tracer = STATE.tracer
        value = convert(_view(self, _ndarray), *args)
        if tracer is not None:
            tracer.read(self, name, args, value)
        return value

    method.__name__ = name
    return method


class TracedArray(np.ndarray):
    """An ndarray whose operations the active tracer records (see the module docstring)."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        tracer = STATE.tracer
        if tracer is None:
            out = kwargs.get("out")
            result = getattr(ufunc, method)(*unwrap(inputs), **unwrap(kwargs))
            if out is not None and method != "at":
                return out[0] if len(out) == 1 else out
            return result
        return tracer.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        tracer = STATE.tracer
        if tracer is None:
            return func(*unwrap(args), **unwrap(kwargs))
        return tracer.function(func, args, kwargs)

    # ---- methods NumPy does not route through the two protocols above
    reshape = _method("reshape")
    transpose = _method("transpose")
    astype = _method("astype")
    copy = _method("copy")
    ravel = _method("ravel")
    flatten = _method("flatten")
    squeeze = _method("squeeze")
    swapaxes = _method("swapaxes")
    __getitem__ = _method("__getitem__")
    dot = _method("dot")
    cumsum = _method("cumsum")
    cumprod = _method("cumprod")
    argmax = _method("argmax")
    argmin = _method("argmin")
    argsort = _method("argsort")
    nonzero = _method("nonzero")
    repeat = _method("repeat")
    take = _method("take")
    diagonal = _method("diagonal")
    conj = _method("conj")
    conjugate = _method("conjugate")
    clip = _method("clip")
    sum = _method("sum")
    mean = _method("mean")
    max = _method("max")
    min = _method("min")
    prod = _method("prod")
    any = _method("any")
    all = _method("all")
    std = _method("std")
    var = _method("var")
    round = _method("round")
    trace = _method("trace")
    searchsorted = _method("searchsorted")
    __copy__ = _method("__copy__")
    __setitem__ = _method("__setitem__", mutates=True)
    fill = _method("fill", mutates=True)
    sort = _method("sort", mutates=True)

    def __deepcopy__(self, memo):
        return self.copy()

    @property
    def T(self):
        return self.transpose()

    @property
    def real(self):
        return np.real(self)

    @property
    def imag(self):
        return np.imag(self)

    def view(self, *args, **kwargs):
        tracer = STATE.tracer
        if tracer is not None:
            tracer.mark_unsafe("a traced array was viewed as another type (.view)")
        return _view(_view(self, _ndarray), *args, **kwargs)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    # ---- values read into Python: guards
    item = _read("item", _ndarray.item)
    tolist = _read("tolist", _ndarray.tolist)
    __bool__ = _read("bool", lambda a: bool(a))
    __float__ = _read("float", lambda a: float(a))
    __int__ = _read("int", lambda a: int(a))
    __index__ = _read("index", lambda a: a.__index__())
    __complex__ = _read("complex", lambda a: complex(a))

    # ---- values handed to arbitrary Python: the trace cannot be replayed
    def __repr__(self) -> str:
        if STATE.tracer is not None:
            STATE.tracer.mark_unsafe("a traced value was printed (repr)")
        return repr(_view(self, _ndarray))

    def __str__(self) -> str:
        if STATE.tracer is not None:
            STATE.tracer.mark_unsafe("a traced value was printed (str)")
        return str(_view(self, _ndarray))

    def tobytes(self, *args, **kwargs):
        if STATE.tracer is not None:
            STATE.tracer.mark_unsafe("a traced value was read as bytes")
        return _view(self, _ndarray).tobytes(*args, **kwargs)

    def __reduce__(self):
        return _view(self, _ndarray).__reduce__()


# ---------------------------------------------------------------------------- conversions
# ``np.asarray(traced)`` would hand back a base-class ndarray, and whatever NumPy code then
# computes from it (``np.unwrap(np.asarray(x))``) would escape the trace as a constant:
# while a trace runs, the converters keep TracedArrays (they are looked up on the module
# at each call; in other threads, with no tracer active, they behave exactly as NumPy's).

_ORIGINAL = {"asarray": np.asarray, "array": np.array,
             "ascontiguousarray": np.ascontiguousarray}
_patches = 0
_patch_lock = __import__("threading").Lock()


def _holds_traced(a: Any) -> bool:
    if type(a) is TracedArray:
        return True
    if type(a) in (list, tuple):
        return any(_holds_traced(x) for x in a)
    return False


def _stacked(a: Any, dtype: Any) -> Any:
    """``np.array([traced, ...])``: the same values, stacked by a traced call."""
    parts = [x if type(x) is TracedArray else _ORIGINAL["asarray"](
        x if not _holds_traced(x) else _stacked(x, None)) for x in a]
    out = np.stack(parts)
    return out.astype(dtype) if dtype is not None and np.dtype(dtype) != out.dtype else out


def _known(a: Any) -> Any:
    """A plain array the program computes or writes (an adopted constant): its traced
    face, so a copy or conversion of it stays in the program."""
    t = STATE.tracer
    if t is not None and type(a) is _ndarray:
        slot = t.slot_of.get(id(a))
        if slot is not None and type(t.arrays[slot]) is TracedArray:
            return t.arrays[slot]
        if slot is not None and t.group.get(slot) in t.live_owners:
            return t._register_alias(a, slot)
    return a


def _asarray(a, dtype=None, order=None, **kwargs):
    a = _known(a)
    if STATE.tracer is not None and _holds_traced(a):
        if type(a) is not TracedArray:
            return _stacked(a, dtype)
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)
        return a
    return _ORIGINAL["asarray"](a, dtype, order, **kwargs)


def _array(a, dtype=None, *args, copy=True, **kwargs):
    a = _known(a)
    if STATE.tracer is not None and _holds_traced(a) and not args and not kwargs.get("subok"):
        if type(a) is not TracedArray:
            return _stacked(a, dtype)
        if _copy_always(copy) or (dtype is not None and np.dtype(dtype) != a.dtype):
            return a.astype(dtype if dtype is not None else a.dtype, copy=True)
        return a
    return _ORIGINAL["array"](a, dtype, *args, copy=copy, **kwargs)


def _copy_always(copy: Any) -> bool:
    # numpy.array's copy=: True / False / None, or NumPy's _CopyMode (SciPy passes
    # IF_NEEDED), whose truth value NumPy refuses
    mode = getattr(np, "_CopyMode", None)
    if mode is not None and isinstance(copy, mode):
        return copy is mode.ALWAYS
    return bool(copy)


def _ascontiguousarray(a, dtype=None, **kwargs):
    if STATE.tracer is not None and type(a) is TracedArray:
        if a.flags.c_contiguous and (dtype is None or np.dtype(dtype) == a.dtype):
            return a
        return a.astype(dtype if dtype is not None else a.dtype, order="C", copy=True)
    return _ORIGINAL["ascontiguousarray"](a, dtype, **kwargs)


class installed:
    """While a thread traces: ``SWITCHES.tracer`` forwards to it, and NumPy's converters
    keep TracedArrays (re-entrant across threads, counted)."""

    def __init__(self, tracer: Any) -> None:
        self.tracer = tracer

    def __enter__(self) -> None:
        global _patches
        with _patch_lock:
            if _patches == 0:
                np.asarray = _asarray
                np.array = _array
                np.ascontiguousarray = _ascontiguousarray
                SWITCHES.tracer = _DISPATCH
                SWITCHES.update()
            _patches += 1
        ACTIVE.tracer = self.tracer

    def __exit__(self, *exc: Any) -> None:
        global _patches
        ACTIVE.tracer = None
        with _patch_lock:
            _patches -= 1
            if _patches == 0:
                for name, fn in _ORIGINAL.items():
                    setattr(np, name, fn)
                SWITCHES.tracer = None
                SWITCHES.update()
