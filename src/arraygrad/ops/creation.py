"""Array creation: new leaves, never part of a graph (NumPy defaults: float64)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import array_module
from ..core.mode import SWITCHES
from ..core.tensor import Tensor

__all__ = [
    "zeros", "ones", "full", "empty", "arange", "linspace", "logspace", "geomspace", "eye",
    "identity", "zeros_like", "ones_like", "full_like", "empty_like", "tri",
]



def wrap(data: Any) -> Tensor:
    t = Tensor._make(data)
    if SWITCHES.tracer is not None:  # ag.compile: made inside a traced step, a constant of it
        SWITCHES.tracer.fresh(t)
    return t



def _leaf(data: Any, requires_grad: bool) -> Tensor:
    t = wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _data(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def zeros(shape: Any, dtype: Any = None, *, requires_grad: bool = False,
          like: Any = None) -> Tensor:
    xp = array_module(_data(like)) if like is not None else np
    return _leaf(xp.zeros(shape, dtype=dtype or float), requires_grad)


def ones(shape: Any, dtype: Any = None, *, requires_grad: bool = False, like: Any = None) -> Tensor:
    xp = array_module(_data(like)) if like is not None else np
    return _leaf(xp.ones(shape, dtype=dtype or float), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, *, requires_grad: bool = False) -> Tensor:
    return _leaf(np.full(shape, _data(fill_value), dtype=dtype), requires_grad)


def empty(shape: Any, dtype: Any = None, *, requires_grad: bool = False) -> Tensor:
    return _leaf(np.empty(shape, dtype=dtype or float), requires_grad)


def arange(*args: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _leaf(np.arange(*[_data(a) for a in args], dtype=dtype), requires_grad)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, requires_grad: bool = False) -> Any:
    out = np.linspace(_data(start), _data(stop), num, endpoint=endpoint, retstep=retstep,
                      dtype=dtype, axis=axis)
    if retstep:
        return _leaf(out[0], requires_grad), out[1]
    return _leaf(out, requires_grad)


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10.0,
             dtype: Any = None, axis: int = 0) -> Tensor:
    return wrap(np.logspace(_data(start), _data(stop), num, endpoint, base, dtype, axis))


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Tensor:
    return wrap(np.geomspace(_data(start), _data(stop), num, endpoint, dtype, axis))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float, *,
        requires_grad: bool = False) -> Tensor:
    return _leaf(np.eye(N, M, k, dtype=dtype), requires_grad)


def identity(n: int, dtype: Any = float) -> Tensor:
    return wrap(np.identity(n, dtype=dtype))


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = float) -> Tensor:
    return wrap(np.tri(N, M, k, dtype=dtype))


def zeros_like(a: Any, dtype: Any = None, shape: Any = None, *,
               requires_grad: bool = False) -> Tensor:
    d = _data(a)
    return _leaf(array_module(d).zeros_like(d, dtype=dtype, shape=shape), requires_grad)


def ones_like(a: Any, dtype: Any = None, shape: Any = None, *,
              requires_grad: bool = False) -> Tensor:
    d = _data(a)
    return _leaf(array_module(d).ones_like(d, dtype=dtype, shape=shape), requires_grad)


def full_like(a: Any, fill_value: Any, dtype: Any = None, shape: Any = None, *,
              requires_grad: bool = False) -> Tensor:
    d = _data(a)
    return _leaf(array_module(d).full_like(d, _data(fill_value), dtype=dtype, shape=shape),
                 requires_grad)


def empty_like(a: Any, dtype: Any = None, shape: Any = None) -> Tensor:
    d = _data(a)
    return wrap(array_module(d).empty_like(d, dtype=dtype, shape=shape))
