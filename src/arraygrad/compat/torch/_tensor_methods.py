"""PyTorch-only Tensor methods, attached to arraygrad's ``Tensor`` when the torch front door
is imported (names NumPy's array lacks; nothing here changes a NumPy method's meaning).

- casts: ``type(dtype)`` / ``type()``, ``float double half long int short char byte bool``
  (differentiable for floating targets; ``self`` when the dtype already matches);
- in-place initialisers and updates: ``normal_ uniform_ copy_ add_ sub_ mul_ div_``
  (``fill_`` and ``zero_`` are arraygrad's). Like PyTorch they refuse a leaf that requires
  grad while grad mode is on: write through ``.data`` or under ``torch.no_grad()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._methods import _check_leaf
from ...core.primitive import records as _records
from ...core.tensor import Tensor
from ...ops import elementwise as _ew
from ._generator import default_generator as _rng

# PyTorch's legacy type names, both ways.
TYPE_NAMES = {
    np.dtype(np.float32): "torch.FloatTensor",
    np.dtype(np.float64): "torch.DoubleTensor",
    np.dtype(np.float16): "torch.HalfTensor",
    np.dtype(np.int64): "torch.LongTensor",
    np.dtype(np.int32): "torch.IntTensor",
    np.dtype(np.int16): "torch.ShortTensor",
    np.dtype(np.int8): "torch.CharTensor",
    np.dtype(np.uint8): "torch.ByteTensor",
    np.dtype(np.bool_): "torch.BoolTensor",
    np.dtype(np.complex64): "torch.ComplexFloatTensor",
    np.dtype(np.complex128): "torch.ComplexDoubleTensor",
}
DTYPE_OF_NAME = {name: dt for dt, name in TYPE_NAMES.items()}


def cast(x: Tensor, dtype: Any) -> Tensor:
    """``x`` as ``dtype``: ``x`` itself when it already is (as PyTorch), else a new tensor
    (recorded when floating, so gradients flow back through the cast)."""
    dt = np.dtype(dtype)
    return x if x.dtype == dt else _ew.astype(x, dt)


def _type(self: Tensor, dtype: Any = None, non_blocking: bool = False, **kw: Any) -> Any:
    """``x.type()``: the type name (``'torch.FloatTensor'``); ``x.type(dtype)`` or
    ``x.type('torch.LongTensor')``: ``x`` cast to that dtype."""
    if dtype is None:
        return TYPE_NAMES.get(self.dtype, f"torch.{self.dtype}")
    if isinstance(dtype, str) and dtype.startswith("torch."):
        if dtype not in DTYPE_OF_NAME:
            raise ValueError(f"invalid type: {dtype!r} (expected one of "
                             f"{', '.join(sorted(DTYPE_OF_NAME))})")
        dtype = DTYPE_OF_NAME[dtype]
    return cast(self, dtype)


def _caster(dtype: Any, name: str):
    def method(self: Tensor, memory_format: Any = None) -> Tensor:
        return cast(self, dtype)

    method.__name__ = name
    method.__doc__ = f"``x.{name}()``: ``x`` as {np.dtype(dtype)} (``x`` itself if it is)."
    return method


def _overwrite(self: Tensor, values: Any, what: str) -> Tensor:
    """Write ``values`` into ``self`` in place (fill_'s rules: not on a leaf that requires
    grad while grad mode is on)."""
    if _records(self):
        _check_leaf(self, what)
    return self.fill_(values)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Any = None) -> Tensor:
    """Fill with draws from N(mean, std**2) (the front door's generator)."""
    g = _rng if generator is None else generator
    return _overwrite(self, g.normal(mean, std, self.shape), "normal_")


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None,
             **kw: Any) -> Tensor:
    """Fill with draws from U(a, b) (PyTorch also spells them ``from``, ``to``)."""
    a, b = kw.pop("from", a), kw.pop("to", b)
    g = _rng if generator is None else generator
    return _overwrite(self, g.uniform(a, b, self.shape), "uniform_")


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast) into ``self``; recorded like ``self[...] = src``."""
    self[...] = src
    return self


def add_(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    self += other if alpha == 1 else other * alpha
    return self


def sub_(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    self -= other if alpha == 1 else other * alpha
    return self


def mul_(self: Tensor, other: Any) -> Tensor:
    self *= other
    return self


def div_(self: Tensor, other: Any) -> Tensor:
    self /= other
    return self


METHODS = {
    "type": _type,
    "float": _caster(np.float32, "float"),
    "double": _caster(np.float64, "double"),
    "half": _caster(np.float16, "half"),
    "long": _caster(np.int64, "long"),
    "int": _caster(np.int32, "int"),
    "short": _caster(np.int16, "short"),
    "char": _caster(np.int8, "char"),
    "byte": _caster(np.uint8, "byte"),
    "bool": _caster(np.bool_, "bool"),
    "normal_": normal_,
    "uniform_": uniform_,
    "copy_": copy_,
    "add_": add_,
    "sub_": sub_,
    "mul_": mul_,
    "div_": div_,
}


def install() -> None:
    for name, fn in METHODS.items():
        setattr(Tensor, name, fn)
