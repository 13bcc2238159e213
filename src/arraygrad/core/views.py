"""Views while recording: an in-place write through a view changes the tensor it views.

Outside a graph a view shares memory with its base (NumPy's views), so a write through it
changes the base by itself. Inside a graph an in-place op is recorded out of place and the
tensor *becomes* the result (``primitive.become``), which would leave the base behind:
values would depend on whether gradients are on. So a view made while recording remembers
its base (weakly) and how to write back into it; after an in-place op on it, ``propagate``
rebases the base (its value as NumPy's, its graph "base with that region replaced by the
view's new value", PyTorch's CopySlices), up the chain of bases, and then regenerates every
live view of the root from its new value, so sibling views and views of views agree too.

A view op declares itself with ``declare_view(op, write_back_of)`` next to its forward; the
one record path (``primitive.call``) calls ``prim.view`` for the results of such ops only,
so tensors that are not views pay nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .mode import STATE
from .primitive import become, old_self
from .tensor import Tensor, _LeafMeta

__all__ = ["ViewOf", "declare_view", "check_writable", "propagate"]


class ViewOf:
    """What a view made while recording knows of its base (kept in ``Tensor._meta.view``):
    the base, and the view op with its other arguments, to redo the view from a new base
    and to write a new value back (everything is worked out only when a write comes)."""

    __slots__ = ("base", "op", "rest", "kwargs", "write_back_of")

    def __init__(self, base: Tensor, op: Callable, rest: tuple, kwargs: dict,
                 write_back_of: Callable | None) -> None:
        # A view never keeps its base alive, except a base that is itself a view (made
        # while recording): ``y.T[1:]``'s ``y.T`` is gone at once, but the chain to ``y``
        # goes through it. (It holds ``y`` weakly in turn.)
        self.base = (lambda: base) if _view_info(base) is not None else weakref.ref(base)
        self.op = op
        self.rest = rest  # the arguments after the base (never the base itself)
        self.kwargs = kwargs
        self.write_back_of = write_back_of

    @property
    def what(self) -> str:
        return self.op.__name__

    def redo(self, base: Tensor) -> Tensor:
        """The view of ``base``, recorded."""
        return self.op(base, *self.rest, **self.kwargs)

    def write_back(self, base: Tensor) -> Callable | None:
        """``write_back(old_base, new_view) -> new base`` (recorded), None: not supported."""
        wb = self.write_back_of
        return None if wb is None else wb(base, self.rest, self.kwargs)


def declare_view(op: Callable, write_back_of: Callable | None) -> None:
    """Make ``op`` (a primitive whose first argument is the base) mark its recorded results
    that share memory with the base. ``write_back_of(base, rest, kwargs)`` (``rest``: the
    arguments after the base; it must not keep ``base``) gives
    ``write_back(old_base, new_view)``, or None for a view that cannot be written back (an
    in-place write through it then raises); ``write_back_of=None``: never supported."""

    def mark(result: Tensor, args: tuple, kwargs: dict) -> None:
        x = args[0]
        if not isinstance(x, Tensor) or not _shares_memory(result._data, x._data):
            return
        meta = result._meta = _LeafMeta()  # a fresh result: no other thread sees it yet
        meta.view = ViewOf(x, op, args[1:], kwargs, write_back_of)
        if x._node is not None:  # a leaf base that records cannot be written in place
            base_meta = x._leaf_meta()
            views = base_meta.views
            if views is None:
                base_meta.views = [weakref.ref(result)]
            else:
                views.append(weakref.ref(result))
                n = len(views)
                if n >= 64 and not n & (n - 1):  # at each power of two: drop the dead
                    views[:] = [r for r in views if r() is not None]

    op.prim.view = mark


def _shares_memory(a: Any, b: Any) -> bool:
    # NumPy only: an immutable backend (Dask) has no views to write through.
    return type(a) is np.ndarray and type(b) is np.ndarray and np.may_share_memory(a, b)


def _view_info(t: Tensor) -> ViewOf | None:
    meta = t._meta
    return None if meta is None else meta.view


def check_writable(t: Tensor, what: str) -> None:
    """Raise, before anything changes, when a recorded in-place write into ``t`` could not
    be carried to the tensors ``t`` views."""
    info = _view_info(t)
    while info is not None:
        base = info.base()
        if base is None:  # the base was freed: nothing left to keep in step
            return
        if info.write_back(base) is None:
            raise RuntimeError(
                f"{what}: in-place write into a view made by {info.what} while recording; "
                f"arraygrad cannot write it back into the tensor it views (shape "
                f"{base.shape}), so the two would diverge. Call .clone() on the view first "
                "and write into the copy (or do the update under `with ag.no_grad():`)."
            )
        if base._node is None and base._rg and base._rg <= STATE.level:
            raise RuntimeError(
                f"{what}: a view (made by {info.what}) of a leaf tensor that requires grad "
                f"(shape {base.shape}, dtype {base.dtype}) is being used in an in-place "
                "operation. Use .clone() first, or wrap the update in `with ag.no_grad():`."
            )
        info = _view_info(base)


def propagate(t: Tensor, old: Any, key: Any = ...) -> None:
    """After a recorded in-place change of ``t`` (``old``: its data before, ``key``: the
    part written, ``t[key] = ...``): rebase the tensors it views (up to the root), then
    regenerate every live view of the root from its new value.

    A regenerated view's version moves on (a rule that saved it notices, as PyTorch's
    shared version counter) unless its elements lay outside the part written: then its
    values are the same, and ``out[t] = f(out[t - 1])`` stays differentiable."""
    info = _view_info(t)
    root_old = old
    while info is not None:
        base = info.base()
        if base is None:
            break
        root_old = base._data
        become(base, info.write_back(base)(old_self(base), old_self(t)))
        t = base
        info = _view_info(t)
    meta = t._meta
    if meta is not None and meta.views:
        _refresh_views(t, _written(old, key), root_old)


def _written(old: Any, key: Any) -> Any:
    """The memory a write ``[key] = ...`` into ``old`` covers (all of it, unless a basic
    index picks a view)."""
    if key is ... or type(old) is not np.ndarray:
        return old
    try:
        part = old[key]
    except Exception:  # noqa: BLE001 - any doubt: the whole array
        return old
    return part if type(part) is np.ndarray and np.may_share_memory(part, old) else old


def _untouched(data: Any, written: Any, old: Any) -> bool:
    """Did a view with ``data`` lie in the old base ``old`` but outside ``written``?"""
    return (type(data) is np.ndarray and type(written) is np.ndarray
            and np.may_share_memory(data, old) and not np.may_share_memory(data, written))


def _refresh_views(t: Tensor, written: Any, old: Any) -> None:
    meta = t._meta
    views = None if meta is None else meta.views
    if not views:
        return
    live = []
    for ref in list(views):
        v = ref()
        if v is not None:
            live.append(ref)
            new = v._meta.view.redo(t)
            if _untouched(v._data, written, old):  # the same values: no new version
                v._data, v._node, v._out, v._rg = new._data, new._node, new._out, new._rg
            else:
                become(v, new)
            _refresh_views(v, written, old)
    views[:] = live
