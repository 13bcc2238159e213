"""Creation functions whose values can depend on tensors: ``full``/``full_like`` in their
fill value, ``linspace``/``logspace`` in their end points (HIPS autograd differentiates
these too). With constant arguments they are the plain creation functions (new leaves)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from . import creation
from ._compose import as_tensor as _t
from ._compose import records
from .elementwise import log10, power
from .index import setitem
from .shape import broadcast_to, expand_dims, moveaxis

__all__ = ["full", "full_like", "linspace", "logspace", "geomspace"]


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", *,
         requires_grad: bool = False, **kwargs: Any) -> Tensor:
    """``numpy.full``; differentiable in a ``fill_value`` tensor (its gradient is the sum
    over the copies)."""
    if not records(fill_value):
        return creation.full(shape, fill_value, dtype=dtype, requires_grad=requires_grad)
    v = fill_value if dtype is None else fill_value.astype(dtype)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return broadcast_to(v, shape).copy()


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, requires_grad: bool = False, **kwargs: Any) -> Tensor:
    if not records(fill_value):
        return creation.full_like(a, fill_value, dtype=dtype, shape=shape,
                                  requires_grad=requires_grad)
    data = a._data if isinstance(a, Tensor) else np.asarray(a)
    return full(data.shape if shape is None else shape, fill_value,
                dtype=data.dtype if dtype is None else dtype)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0, *,
             requires_grad: bool = False, **kwargs: Any) -> Any:
    """``numpy.linspace``; differentiable in tensor end points (NumPy's own arithmetic)."""
    if not (records(start) or records(stop)):
        out = creation.linspace(start, stop, num, endpoint, retstep, dtype, axis,
                                requires_grad=requires_grad)
        return (out[0], Tensor._make(np.asarray(out[1]))) if retstep else out
    num = int(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    start, stop = _t(start) * 1.0, _t(stop) * 1.0
    delta = stop - start
    y = Tensor(np.arange(0, num, dtype=np.result_type(delta.dtype, float)).reshape(
        (-1,) + (1,) * delta.ndim))
    step = delta / div if div > 0 else delta * np.nan
    y = y * step if div > 0 else y * delta
    y = y + start
    if endpoint and num > 1:
        y = setitem(y, -1, stop)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None and y.dtype != np.dtype(dtype):
        y = y.astype(dtype)
    return (y, step) if retstep else y


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Tensor:
    if not (records(start) or records(stop) or records(base)):
        return creation.logspace(start, stop, num, endpoint, base, dtype, axis)
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    base = _t(base)
    if base.ndim:
        base = expand_dims(base, axis)
    out = power(base, y)
    return out if dtype is None else out.astype(dtype)





def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Tensor:
    """``numpy.geomspace`` (NumPy's own construction); differentiable in tensor end points."""
    if not (records(start) or records(stop)):
        return creation.geomspace(start, stop, num, endpoint, dtype, axis)
    start, stop = _t(start) * 1.0, _t(stop) * 1.0
    if np.any(start._data == 0) or np.any(stop._data == 0):
        raise ValueError("Geometric sequence cannot include zero")
    out_sign = np.sign(start._data)  # a constant: the sequence keeps start's sign
    start, stop = start / out_sign, stop / out_sign
    result = logspace(log10(start), log10(stop), num=num, endpoint=endpoint, base=10.0)
    if num > 0:  # the end points exactly, as NumPy
        result = setitem(result, 0, start)
        if num > 1 and endpoint:
            result = setitem(result, -1, stop)
    result = result * out_sign
    if axis != 0:
        result = moveaxis(result, 0, axis)
    return result if dtype is None else result.astype(dtype)
