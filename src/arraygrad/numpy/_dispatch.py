"""Plain ``numpy`` functions called on Tensors land here (NEP 13 and NEP 18).

A NumPy function with an arraygrad counterpart runs that counterpart, so it records. One
without runs on the raw arrays only when no argument needs a gradient; otherwise it is a
clear error, never a silently missing gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import records
from ..core.tensor import Tensor
from ..ops._compose import raw, rewrap

_FUNCTIONS: dict[Any, Any] = {}
_UFUNCS: dict[Any, Any] = {}
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "amax", "minimum": "amin",
           "logical_and": "all", "logical_or": "any"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}
_built = [False]


def _build() -> None:
    from .. import numpy as anp

    for name in dir(anp):
        if name.startswith("_"):
            continue
        ours = getattr(anp, name)
        theirs = getattr(np, name, None)
        if theirs is None or not callable(ours):
            continue
        if isinstance(theirs, np.ufunc):
            _UFUNCS[theirs] = ours
        elif callable(theirs):
            _FUNCTIONS[theirs] = ours
    for sub in ("linalg", "fft"):
        ours_mod = getattr(anp, sub, None)
        theirs_mod = getattr(np, sub, None)
        if ours_mod is None or theirs_mod is None:
            continue
        for name in dir(ours_mod):
            if not name.startswith("_") and hasattr(theirs_mod, name):
                _FUNCTIONS[getattr(theirs_mod, name)] = getattr(ours_mod, name)
    _built[0] = True


def register(numpy_fn: Any, ours: Any) -> None:
    """Route a NumPy function (or ufunc) to an arraygrad implementation."""
    if not _built[0]:
        _build()
    (_UFUNCS if isinstance(numpy_fn, np.ufunc) else _FUNCTIONS)[numpy_fn] = ours


def _unsupported(name: str, args: Any) -> TypeError:
    shapes = [f"{tuple(a.shape)} {a.dtype}" for a in _flat_tensors(args)]
    return TypeError(
        f"numpy.{name} is not differentiable in arraygrad (yet), and it was called on "
        f"tensors that require grad ({', '.join(shapes)}). Use an arraygrad.numpy function, "
        "or .detach() the inputs if no gradient should flow through it."
    )


def _flat_tensors(obj: Any) -> list:
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _flat_tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _flat_tensors(o)]
    return []


def dispatch_function(func: Any, args: tuple, kwargs: dict) -> Any:
    if not _built[0]:
        _build()
    ours = _FUNCTIONS.get(func)
    if ours is not None:
        return ours(*args, **kwargs)
    if records(args) or records(kwargs):
        raise _unsupported(getattr(func, "__name__", str(func)), (args, kwargs))
    return rewrap(func(*raw(args), **raw(kwargs)))


def dispatch_ufunc(ufunc: Any, method: str, inputs: tuple, out: Any, kwargs: dict) -> Any:
    if not _built[0]:
        _build()
    if out is not None:
        return _with_out(ufunc, method, inputs, out, kwargs)
    if method == "__call__":
        ours = _UFUNCS.get(ufunc)
        if ours is not None:
            return ours(*inputs, **kwargs)
    elif method in ("reduce", "accumulate"):
        table = _REDUCE if method == "reduce" else _ACCUMULATE
        name = table.get(ufunc.__name__)
        if name is not None:
            from .. import numpy as anp

            fn = getattr(anp, name, None)
            if fn is not None:
                kwargs.setdefault("axis", 0)
                return fn(*inputs, **kwargs)
    if records(inputs):
        raise _unsupported(f"{ufunc.__name__}.{method}" if method != "__call__"
                           else ufunc.__name__, inputs)
    return rewrap(getattr(ufunc, method)(*raw(inputs), **raw(kwargs)))


def _with_out(ufunc: Any, method: str, inputs: tuple, out: Any, kwargs: dict) -> Any:
    outs = out if isinstance(out, tuple) else (out,)
    if records(inputs) or records(outs):
        raise TypeError(
            f"numpy.{ufunc.__name__}(..., out=...) cannot be recorded by arraygrad: writing "
            "into an existing tensor inside a graph is not differentiable. Drop out= and use "
            "the result (or run the update under ag.no_grad())."
        )
    raw_out = tuple(o._data if isinstance(o, Tensor) else o for o in outs)
    getattr(ufunc, method)(*raw(inputs), out=raw_out, **raw(kwargs))
    for o in outs:
        if isinstance(o, Tensor):
            o._version += 1
    # NumPy hands ``out`` over as a tuple; what it returns is the one output itself
    # (``x += t`` rebinds ``x`` to it), or the tuple for several.
    return outs[0] if len(outs) == 1 else outs


# ---------------------------------------------------------------------------- the protocols


def __array_ufunc__(self: Tensor, ufunc: Any, method: str, *inputs: Any, out: Any = None,
                    **kwargs: Any) -> Any:
    return dispatch_ufunc(ufunc, method, inputs, out, kwargs)


def __array_function__(self: Tensor, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    return dispatch_function(func, args, kwargs)


Tensor.__array_ufunc__ = __array_ufunc__
Tensor.__array_function__ = __array_function__
