"""Python functions mapped over tensors: ``vectorize`` and ``frompyfunc``.

NumPy runs the Python function on array *elements* through an object-dtype ufunc, which
would turn a tensor into plain numbers and drop the graph. Here, when an argument records,
the function runs on each element as a 0-d tensor (so whatever it computes is recorded)
and the results are stacked back into the broadcast shape. Correctness first: one small
graph per element. Without recording, NumPy's own machinery runs on the raw arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.primitive import wrap
from ..core.tensor import Tensor
from ..ops._compose import as_tensor, raw, records
from ..ops.elementwise import astype
from ..ops.shape import broadcast_arrays, reshape, stack

__all__ = ["vectorize", "frompyfunc"]


def _map_elements(name: str, pyfunc: Any, args: list, nout: int | None) -> Any:
    """``pyfunc`` over the broadcast elements of ``args`` (tensors), results stacked."""
    tensors = broadcast_arrays(*[as_tensor(a) for a in args])
    shape = tensors[0].shape
    flat = [reshape(t, (-1,)) for t in tensors]
    n = int(np.prod(shape, dtype=np.int64))
    if n == 0:
        raise ValueError(f"{name}: cannot call the function on tensors with no elements "
                         "(its output type is unknown; NumPy needs otypes= here too)")
    results = [pyfunc(*[f[i] for f in flat]) for i in range(n)]
    multi = isinstance(results[0], tuple)
    if nout is not None and nout > 1 and not multi:
        raise ValueError(f"{name}: the function returned one value, but nout={nout}")
    if not multi:
        return _assemble(results, shape)
    return tuple(_assemble([r[k] for r in results], shape) for k in range(len(results[0])))


def _assemble(values: list, shape: tuple) -> Tensor:
    parts = [as_tensor(v) for v in values]
    dt = np.result_type(*[p.dtype for p in parts])
    parts = [p if p.dtype == dt else astype(p, dt) for p in parts]
    return reshape(stack(parts), shape + parts[0].shape)


class vectorize:
    """``numpy.vectorize`` that records: on tensors that require grad, ``pyfunc`` runs on
    each element as a 0-d tensor (``excluded`` arguments are passed as they are)."""

    def __init__(self, pyfunc: Any = None, otypes: Any = None, doc: str | None = None,
                 excluded: Any = None, cache: bool = False, signature: str | None = None):
        if pyfunc is None:  # the decorator form: @vectorize(otypes=...)
            self._partial = dict(otypes=otypes, doc=doc, excluded=excluded, cache=cache,
                                 signature=signature)
            self.pyfunc = None
            return
        self.pyfunc = pyfunc
        self.otypes = otypes
        self.excluded = set(excluded or ())
        self.signature = signature
        self.__doc__ = doc if doc is not None else getattr(pyfunc, "__doc__", None)
        self._numpy = np.vectorize(pyfunc, otypes=otypes, doc=doc, excluded=excluded,
                                   cache=cache, signature=signature)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.pyfunc is None:
            return vectorize(args[0], **self._partial)
        if not (records(args) or records(kwargs)):
            out = self._numpy(*raw(args), **raw(kwargs))
            return tuple(_wrap(o) for o in out) if isinstance(out, tuple) else _wrap(out)
        if self.signature is not None:
            raise NotImplementedError(
                "vectorize(signature=...) on tensors that require grad is not supported by "
                "arraygrad; write the function on whole tensors, or use apply_along_axis")
        mapped = [i for i in range(len(args)) if i not in self.excluded]
        keys = [k for k in kwargs if k not in self.excluded]
        fixed = {k: v for k, v in kwargs.items() if k in self.excluded}

        def call(*elems: Any) -> Any:
            full = list(args)
            for i, e in zip(mapped, elems):
                full[i] = e
            kw = dict(fixed)
            kw.update(zip(keys, elems[len(mapped):]))
            return self.pyfunc(*full, **kw)

        out = _map_elements("vectorize", call, [args[i] for i in mapped]
                            + [kwargs[k] for k in keys], None)
        if self.otypes:
            types = [np.dtype(t) for t in self.otypes]
            if isinstance(out, tuple):
                return tuple(o if o.dtype == t else astype(o, t) for o, t in zip(out, types))
            return out if out.dtype == types[0] else astype(out, types[0])
        return out


def _wrap(x: Any) -> Any:
    return wrap(x) if isinstance(x, np.ndarray) and x.dtype != object else x


def frompyfunc(func: Any, /, nin: int, nout: int, *, identity: Any = None) -> Any:
    """``numpy.frompyfunc``: on tensors that require grad the result records (float
    tensors); otherwise NumPy's object-dtype ufunc runs on the raw arrays."""
    ufunc = np.frompyfunc(func, nin, nout, identity=identity)

    def call(*args: Any) -> Any:
        if len(args) != nin:
            raise TypeError(f"{ufunc.__name__}: expected {nin} arguments, got {len(args)}")
        if not records(args):
            return ufunc(*raw(args))
        return _map_elements(ufunc.__name__, func, list(args), nout)

    call.__name__ = call.__qualname__ = getattr(func, "__name__", "frompyfunc")
    call.nin, call.nout, call.nargs = nin, nout, nin + nout
    return call
