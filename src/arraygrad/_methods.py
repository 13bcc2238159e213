"""Operators and methods of ``Tensor``, each mapped onto an op (no maths here).

Also the in-place operators: inside a graph they are recorded as an out-of-place op whose
result the tensor becomes (its old value stays intact for the rules that saved it);
outside a graph they write into the same memory. Either way the version counter moves,
so a backward that needs the old value notices.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ._backend import parse_device
from ._printing import tensor_repr, tensor_str
from .core.mode import SWITCHES
from .core.primitive import (
    WRITE_INTO,
    become,
    call,
    inplace_primitive,
    old_self,
    records,
)
from .core.tensor import Tensor, _is_device_like
from .core.views import check_writable, propagate
from .ops import device as dv
from .ops import elementwise as ew
from .ops import identity as ident
from .ops import index as ix
from .ops import linalg as la
from .ops import nn as nnops
from .ops import reduce as rd
from .ops import scan as sc
from .ops import shape as sh
from .ops import sort as so

# ---------------------------------------------------------------------------- operators


def _reflected(op):
    def method(self, other):
        return op(other, self)

    return method


Tensor.__add__ = ew.add
Tensor.__radd__ = _reflected(ew.add)
Tensor.__sub__ = ew.subtract
Tensor.__rsub__ = _reflected(ew.subtract)
Tensor.__mul__ = ew.multiply
Tensor.__rmul__ = _reflected(ew.multiply)
Tensor.__truediv__ = ew.divide
Tensor.__rtruediv__ = _reflected(ew.divide)
Tensor.__floordiv__ = ew.floor_divide
Tensor.__rfloordiv__ = _reflected(ew.floor_divide)
Tensor.__pow__ = ew.power
Tensor.__rpow__ = _reflected(ew.power)
Tensor.__matmul__ = la.matmul
Tensor.__rmatmul__ = _reflected(la.matmul)
Tensor.__neg__ = ew.negative
Tensor.__pos__ = ew.positive
Tensor.__abs__ = ew.absolute
Tensor.__invert__ = ew.invert
Tensor.__and__ = ew.bitwise_and
Tensor.__or__ = ew.bitwise_or
Tensor.__xor__ = ew.bitwise_xor
Tensor.__eq__ = ew.equal
Tensor.__ne__ = ew.not_equal
Tensor.__lt__ = ew.less
Tensor.__le__ = ew.less_equal
Tensor.__gt__ = ew.greater
Tensor.__ge__ = ew.greater_equal


Tensor.__mod__ = ew.remainder
Tensor.__rmod__ = _reflected(ew.remainder)


# ---------------------------------------------------------------------------- in place


def _check_leaf(self: Tensor, what: str) -> None:
    if self._node is None and records(self):
        raise RuntimeError(
            f"{what}: a leaf tensor that requires grad (shape {self.shape}, dtype "
            f"{self.dtype}) is being used in an in-place operation. Wrap the update in "
            "`with ag.no_grad():` (e.g. for an optimizer step) or use an out-of-place op."
        )
    check_writable(self, what)  # a view: its bases must be able to follow


def _as_target(new: Tensor, target: Tensor, what: str) -> Tensor:
    """A recorded in-place result, held to NumPy's rules for ``target op= other``: the
    target keeps its shape and (same-kind cast) its dtype."""
    if new.shape != target.shape:
        raise ValueError(
            f"{what}: non-broadcastable output operand with shape {target.shape} doesn't "
            f"match the broadcast shape {new.shape}"
        )
    if new.dtype != target.dtype:
        if not np.can_cast(new.dtype, target.dtype, "same_kind"):
            raise TypeError(
                f"{what}: cannot cast the result from {new.dtype} to the target's "
                f"{target.dtype} with casting rule 'same_kind'"
            )
        new = ew.astype(new, target.dtype)
    return new


def _inplace(op, raw_op, what: str):
    # Outside a graph: ``raw_op`` writes into the same memory (NumPy's casting rules; an
    # immutable backend returns a new array), through the one primitive entry.
    prim = inplace_primitive(f"{op.prim.name}Inplace", raw_op)
    prim.op = op

    def method(self: Tensor, other: Any) -> Tensor:
        if records(self) or records(other):
            _check_leaf(self, what)
            old = self._data
            become(self, _as_target(op(old_self(self), other), self, what))
            propagate(self, old)  # the tensors it views, and its views, follow
            return self
        return call(prim, (self, other), {}, out=self)

    return method


Tensor.__iadd__ = _inplace(ew.add, operator.iadd, "+=")
Tensor.__isub__ = _inplace(ew.subtract, operator.isub, "-=")
Tensor.__imul__ = _inplace(ew.multiply, operator.imul, "*=")
Tensor.__itruediv__ = _inplace(ew.divide, operator.itruediv, "/=")
Tensor.__ipow__ = _inplace(ew.power, operator.ipow, "**=")
Tensor.__ifloordiv__ = _inplace(ew.floor_divide, operator.ifloordiv, "//=")


def _setitem_into(data: Any, idx: Any, v: Any) -> Any:
    data[idx] = v
    return data


_SETITEM_INTO = inplace_primitive("SetitemInto", _setitem_into)
_SETITEM_INTO.op = ix.setitem


def _getitem(self: Tensor, idx: Any) -> Tensor:
    return ix.getitem(self, ix.raw_index(idx))


def _setitem(self: Tensor, idx: Any, value: Any) -> None:
    idx = ix.raw_index(idx)
    if records(self) or records(value):
        _check_leaf(self, "item assignment")
        old = self._data
        become(self, ix.setitem(old_self(self), idx, value))
        propagate(self, old, idx)
        return
    if not isinstance(self._data, np.ndarray) and np.ndim(self._data) == 0 and type(
            self._data).__module__ == "numpy":
        self._data = np.asarray(self._data)
    call(_SETITEM_INTO, (self, idx, value), {}, out=self)


Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem


def __iter__(self: Tensor):
    # A plain function returning a generator, so a 0-d tensor fails at iter(), as NumPy.
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return (self[i] for i in range(self.shape[0]))


Tensor.__iter__ = __iter__


def _fill(value_of):
    def method(self: Tensor, *args: Any) -> Tensor:
        rec = records(self)
        if rec:
            _check_leaf(self, "fill_/zero_")
        call(WRITE_INTO, (self, value_of(*args)), {}, out=self)
        if self._node is not None and rec:
            self._node, self._out, self._rg = None, 0, 0  # a constant from now on
        if rec:
            propagate(self, self._data)  # (written in memory: the same array)
        return self

    return method


Tensor.zero_ = _fill(lambda: 0)
Tensor.fill_ = _fill(lambda v: v._data if isinstance(v, Tensor) else v)


def fill(self: Tensor, value: Any) -> None:
    """NumPy's ``ndarray.fill``: ``fill_`` that returns None."""
    self.fill_(value)


Tensor.fill = fill


# ---------------------------------------------------------------------------- methods


def _shape_args(args: tuple) -> Any:
    return args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args


def _reshape(self, *shape, order="C"):
    return sh.reshape(self, _shape_args(shape), order=order)


def _transpose(self, *axes):
    axes = _shape_args(axes)
    return sh.transpose(self, axes if axes else None)


def _astype(self, dtype, copy=True, **kwargs):
    dtype = np.dtype(dtype)
    if dtype == self.dtype and not copy:
        return self
    return ew.astype(self, dtype)


def _sum(self, axis=None, dtype=None, keepdims=False, **kw):
    return rd.sum(self, axis=_axis_kw(axis, kw), dtype=dtype, keepdims=_keep(keepdims, kw))


def _mean(self, axis=None, dtype=None, keepdims=False, **kw):
    return rd.mean(self, axis=_axis_kw(axis, kw), dtype=dtype, keepdims=_keep(keepdims, kw))


def _axis_kw(axis, kw):
    # PyTorch spells it dim=, keepdim=; MXNet, PyTorch and TensorFlow take a list of axes
    # where NumPy wants a tuple
    axis = kw.pop("dim", axis)
    return tuple(axis) if isinstance(axis, list) else axis


def _keep(keepdims, kw):
    return kw.pop("keepdim", keepdims)


def _reducer(fn):
    def method(self, axis=None, keepdims=False, **kw):
        return fn(self, axis=_axis_kw(axis, kw), keepdims=_keep(keepdims, kw))

    return method


def _scan(fn):
    # cumsum/cumprod: NumPy's axis= or PyTorch's dim=
    def method(self, axis=None, dtype=None, **kw):
        return fn(self, axis=_axis_kw(axis, kw), dtype=dtype, **kw)

    return method


def _pow(self, exponent):
    return ew.power(self, exponent)


def _norm(self, ord=None, axis=None, keepdims=False, **kw):
    if "p" in kw:
        ord = kw.pop("p")
        ord = None if ord == 2 and axis is None else ord
    return la.norm(self, ord=ord, axis=_axis_kw(axis, kw), keepdims=_keep(keepdims, kw))


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)

    method.__name__ = getattr(fn, "__name__", "method")
    return method


_METHODS = {
    "reshape": _reshape,
    "view": _reshape,
    "transpose": _transpose,
    "permute": _transpose,
    "swapaxes": _method(sh.swapaxes),
    "squeeze": _method(sh.squeeze),
    "expand_dims": _method(sh.expand_dims),
    "unsqueeze": _method(sh.expand_dims),
    "ravel": _method(sh.ravel),
    "flatten": _method(sh.ravel),
    "astype": _astype,
    "copy": _method(ident.clone),
    "clone": _method(ident.clone),
    "sum": _sum,
    "mean": _mean,
    "prod": _reducer(rd.prod),
    "max": _reducer(rd.amax),
    "min": _reducer(rd.amin),
    "argmax": _reducer(rd.argmax),
    "argmin": _reducer(rd.argmin),
    "all": _reducer(rd.all),
    "any": _reducer(rd.any),
    "dot": _method(la.dot),
    "matmul": _method(la.matmul),
    "clip": _method(ew.clip),
    "clamp": _method(ew.clip),
    "pow": _pow,
    "norm": _norm,
    "exp": _method(ew.exp),
    "log": _method(ew.log),
    "sin": _method(ew.sin),
    "cos": _method(ew.cos),
    "tan": _method(ew.tan),
    "tanh": _method(ew.tanh),
    "sqrt": _method(ew.sqrt),
    "square": _method(ew.square),
    "abs": _method(ew.absolute),
    "conj": _method(ew.conjugate),
    "conjugate": _method(ew.conjugate),
    "broadcast_to": _method(sh.broadcast_to),
    "nonzero": _method(ix.nonzero),
    "take": _method(ix.take),
    "add": _method(ew.add),
    "sub": _method(ew.subtract),
    "mul": _method(ew.multiply),
    "div": _method(ew.divide),
    # NumPy's ndarray methods (NumPy's semantics: sort and put work in place)
    "var": _method(rd.var),
    "std": _method(rd.std),
    "cumsum": _scan(sc.cumsum),
    "cumprod": _scan(sc.cumprod),
    "sort": so.sort_inplace,
    "argsort": _method(so.argsort),
    "searchsorted": _method(so.searchsorted),
    "repeat": _method(sh.repeat),
    "flip": _method(sh.flip),
    "roll": _method(sh.roll),
    "trace": _method(ix.trace),
    "diagonal": _method(ix.diagonal),
    "round": _method(ew.round),
    "choose": _method(ix.choose),
    "put": _method(ix.put),
    # Python protocols NumPy arrays support: f"{loss:.4f}", round(x), divmod(x, y)
    "__format__": lambda self, spec: format(self._data, spec) if spec else str(self),
    "__round__": lambda self, ndigits=None: ew.round(self, ndigits or 0),
    "__divmod__": _method(ew.divmod),
    "__rdivmod__": lambda self, other: ew.divmod(other, self),
    # PyTorch's (and micrograd's) activation methods
    "relu": _method(nnops.relu),
    "sigmoid": _method(nnops.sigmoid),
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)

Tensor.T = property(lambda self: sh.transpose(self))
Tensor.mT = property(lambda self: sh.swapaxes(self, -1, -2))
Tensor.real = property(lambda self: ew.real(self))
Tensor.imag = property(lambda self: ew.imag(self))


# ---------------------------------------------------------------------------- NumPy protocols


# (``__array_ufunc__`` and ``__array_function__`` are bound by numpy/_dispatch.py, the
# layer that knows NumPy's namespace.)


# ---------------------------------------------------------------------------- printing, devices

def _printed(show):
    def method(self: Tensor) -> str:
        tracer = SWITCHES.tracer
        if tracer is not None:  # ag.compile cannot replay a print: it runs eagerly
            tracer.mark_unsafe("a traced value was printed")
        return show(self)

    method.__name__ = show.__name__
    return method


Tensor.__repr__ = _printed(tensor_repr)
Tensor.__str__ = _printed(tensor_str)


def _to(self: Tensor, *args: Any, device: Any = None, dtype: Any = None,
        copy: bool = False) -> Tensor:
    """This tensor on ``device`` and/or as ``dtype`` (PyTorch's ``Tensor.to``):
    ``x.to('cuda')``, ``x.to('cpu', 'float32')``, ``x.to(dtype='float32')``.

    Differentiable: the gradient moves back to this tensor's device. Returns ``self``
    when nothing changes and ``copy`` is false.
    """
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif device is None and _is_device_like(a):
            device = a
        elif dtype is None:
            dtype = a
        else:
            raise TypeError(f"Tensor.to: unexpected argument {a!r}")
    out = self
    if device is not None:
        out = dv.to(out, parse_device(device))
    if dtype is not None and np.dtype(dtype) != out.dtype:
        out = out.astype(np.dtype(dtype))
    if copy and out is self:
        out = out.copy()
    return out


def _cpu(self: Tensor) -> Tensor:
    """This tensor in host memory (NumPy); ``self`` when it is there already."""
    return dv.cpu(self)


def _cuda(self: Tensor, device: Any = None) -> Tensor:
    """This tensor on a CUDA GPU (CuPy), ``device`` an index or ``'cuda:N'``."""
    return dv.cuda(self, device)


Tensor.to = _to
Tensor.cpu = _cpu
Tensor.cuda = _cuda
