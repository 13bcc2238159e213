"""Functions built from other ops, and functions whose results carry no gradient.

A *composite* is a NumPy function whose gradient follows from the ops it is made of
(``hstack`` is ``atleast_1d`` and ``concatenate``; ``median`` is ``sort`` and ``take``).
Called with nothing that records, it is NumPy's own function on the raw arrays (one
backend call, one Tensor: exactly NumPy's value); called on a tensor that records, its
body runs on Tensors, so every step records and higher derivatives come for free::

    @composite(np.hstack)
    def hstack(tup, *, dtype=None, casting="same_kind"):
        ...  # written with ops

A *constant* function (integers, booleans, sets, I/O: ``argsort``, ``isin``, ``unique``)
runs NumPy on the raw arrays and returns Tensors that are outside any graph.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.primitive import as_tensor, raise_named, records
from ..core.tensor import Tensor

__all__ = ["composite", "constant", "records", "raw", "rewrap", "data_of", "as_tensor",
           "no_out"]

wrap = Tensor._make


def raw(obj: Any) -> Any:
    """``obj`` with every Tensor replaced by its data (lists, tuples and dicts walked)."""
    if isinstance(obj, Tensor):
        return obj._data
    if isinstance(obj, list):
        return [raw(o) for o in obj]
    if isinstance(obj, tuple):
        return tuple(raw(o) for o in obj)
    if isinstance(obj, dict):
        return {k: raw(v) for k, v in obj.items()}
    return obj


def data_of(x: Any) -> Any:
    """A Tensor's data (for masks, indices and branch choices, which carry no gradient);
    anything else as it is."""
    return x._data if isinstance(x, Tensor) else x


def no_out(out: Any, name: str) -> None:
    """Refuse NumPy's ``out=``: a tensor inside a graph is never written into."""
    if out is not None:
        raise TypeError(f"{name}: out= is not supported by arraygrad (a tensor inside a graph "
                        "is never written into); use the returned tensor")


def rewrap(obj: Any) -> Any:
    """Arrays in a result as Tensors (outside any graph); containers keep their type."""
    if isinstance(obj, Tensor):
        return obj
    if isinstance(obj, tuple):
        items = [rewrap(o) for o in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
    if isinstance(obj, list):
        return [rewrap(o) for o in obj]
    if hasattr(obj, "dtype") and hasattr(obj, "shape"):
        return wrap(obj)
    return obj


def composite(numpy_fn: Callable) -> Callable:
    """Declare a function made of ops, with ``numpy_fn`` as its no-grad fast path."""

    def decorate(body: Callable) -> Callable:
        @functools.wraps(body)
        def op(*args: Any, **kwargs: Any) -> Any:
            if numpy_fn is None or records(args) or (kwargs and records(kwargs)):
                return body(*args, **kwargs)  # (no NumPy twin: an older NumPy)
            rargs = raw(args)
            try:
                return rewrap(numpy_fn(*rargs, **raw(kwargs)))
            except (TypeError, ValueError) as exc:
                raise_named(op.__name__, rargs, exc)  # as the primitive entry does

        op.numpy_fn = numpy_fn
        op.composite = body
        return op

    return decorate


def constant(numpy_fn: Callable | None, name: str | None = None) -> Callable:
    """``numpy_fn`` on raw arrays, its results Tensors without a graph: for functions whose
    results are integers, booleans, sets or I/O, where no gradient exists. (``None``: a
    function this NumPy lacks; calling it says so.)"""

    def op(*args: Any, **kwargs: Any) -> Any:
        if numpy_fn is None:
            raise AttributeError(f"numpy.{name} needs a newer NumPy ({np.__version__} here)")
        return rewrap(numpy_fn(*raw(args), **raw(kwargs)))

    op.__name__ = op.__qualname__ = name or getattr(numpy_fn, "__name__", "constant")
    op.__doc__ = (f"NumPy's ``{op.__name__}`` on the raw arrays; its result carries no "
                  "gradient (integers, booleans, sets or I/O).")
    op.__wrapped__ = numpy_fn
    op.nondifferentiable = True
    return op
