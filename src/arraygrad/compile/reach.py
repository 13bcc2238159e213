"""The tensors a function can reach without being passed them, and how.

``reachable(fn)`` walks the function's closure cells, the globals its code names, its
defaults and, for a bound method or a callable object, ``self`` — into modules, optimizers,
lists, tuples and dicts, a few levels deep — and returns each tensor with a getter that
finds it again. The tracer watches those tensors from the start (raw writes into them are
recorded), and each cached program checks, per call, that every captured tensor it uses is
still the one its path leads to: a replaced parameter re-traces.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from ..core.tensor import Tensor

__all__ = ["reachable"]

_DEPTH = 5
_MAX = 4096


def _roots(fn: Any) -> list[tuple[Any, Callable]]:
    roots: list[tuple[Any, Callable]] = []
    obj = getattr(fn, "__self__", None)
    if obj is not None and not isinstance(obj, types.ModuleType):
        roots.append((obj, lambda fn=fn: fn.__self__))
    func = getattr(fn, "__func__", fn)
    if not isinstance(func, types.FunctionType):
        call = type(fn).__dict__.get("__call__") or getattr(type(fn), "forward", None)
        if call is not None and not isinstance(fn, type):
            roots.append((fn, lambda fn=fn: fn))  # a callable object (an nn.Module)
            func = getattr(call, "__func__", call)
        func = getattr(func, "__wrapped__", func)
    if not isinstance(func, types.FunctionType):
        return roots
    for cell in func.__closure__ or ():
        try:
            roots.append((cell.cell_contents, lambda c=cell: c.cell_contents))
        except ValueError:  # an empty cell
            pass
    g = func.__globals__
    for name in _names(func.__code__):
        if name in g:
            roots.append((g[name], lambda g=g, n=name: g[n]))
    for i, d in enumerate(func.__defaults__ or ()):
        roots.append((d, lambda f=func, i=i: f.__defaults__[i]))
    return roots


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _names(c)
    return names


def _children(obj: Any) -> list[tuple[Any, Callable]]:
    if isinstance(obj, (list, tuple)):
        return [(o, lambda x, i=i: x[i]) for i, o in enumerate(obj)]
    if isinstance(obj, dict):
        return [(v, lambda x, k=k: x[k]) for k, v in list(obj.items())
                if isinstance(k, (str, int))]
    if isinstance(obj, (types.ModuleType, type, types.FunctionType, str, bytes)):
        return []
    d = getattr(obj, "__dict__", None)
    if isinstance(d, dict):
        return [(v, lambda x, k=k: x.__dict__[k]) for k, v in list(d.items())]
    return []


def reachable(fn: Any, modes: list | None = None) -> list[tuple[Tensor, Callable[[], Any]]]:
    """``(tensor, getter)`` for every tensor reachable from ``fn`` (first path found).
    ``modes`` (a list) receives every reachable object with a ``training`` flag (an
    ``nn.Module``, a Gluon block): ``model.eval()`` changes what a step does."""
    found: dict[int, tuple[Tensor, Callable]] = {}
    seen: set[int] = set()
    roots = _roots(fn)
    frontier = [(obj, get, 0) for obj, get in roots]
    while frontier and len(seen) < _MAX:
        obj, get, depth = frontier.pop(0)
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Tensor):
            found.setdefault(id(obj), (obj, get))
            continue
        if modes is not None and isinstance(getattr(obj, "__dict__", {}).get("training"), bool):
            modes.append(obj)
        if depth >= _DEPTH:
            continue
        for child, step in _children(obj):
            if isinstance(child, (int, float, bool, str, type(None))):
                continue
            frontier.append((child, lambda get=get, step=step: step(get()), depth + 1))
    return list(found.values())


def python_scalars(fn: Any) -> list[tuple[Callable[[], Any], Any]]:
    """The numbers and strings ``fn`` reads from its closure and globals (``lr = 0.1``):
    baked into a trace, so a program applies only while they are unchanged."""
    out = []
    for obj, get in _roots(fn):
        if type(obj) in (int, float, bool, complex, str):
            out.append((get, obj))
    return out
