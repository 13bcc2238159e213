"""``arraygrad.numpy``: NumPy's namespace, differentiable.

Functions take Tensors, NumPy arrays and Python scalars and return Tensors; defaults follow
NumPy (Python floats are float64). Plain ``numpy`` functions called on Tensors dispatch
here too.
"""

from __future__ import annotations

from typing import Any

import numpy as _np

from ..ops.creation import (
    arange, empty, empty_like, eye, full, full_like, geomspace, identity, linspace, logspace,
    ones, ones_like, tri, zeros, zeros_like,
)
from ..ops.elementwise import (
    abs, absolute, add, astype, bitwise_and, bitwise_or, bitwise_xor, clip, conj, conjugate,
    cos, divide, equal, exp, floor_divide, greater, greater_equal, imag, invert, isclose,
    isfinite, isinf, isnan, less, less_equal, log, logical_and, logical_not, logical_or,
    logical_xor, maximum, minimum, multiply, negative, not_equal, positive, power, real,
    reciprocal, sign, sin, sqrt, square, subtract, tan, tanh, true_divide, where, floor,
    remainder, mod,
)
from ..ops.index import nonzero, take
from ..ops.linalg import dot, inner, matmul, outer, vdot
from ..ops.reduce import (
    all, amax, amin, any, argmax, argmin, count_nonzero, max, mean, min, prod, sum,
)
from ..ops.shape import (
    broadcast_to, concatenate, expand_dims, moveaxis, ravel, reshape, squeeze, stack,
    swapaxes, transpose,
)
from ..tensor import Tensor
from ..tensor import tensor as _tensor
from . import fft, linalg, random

ndarray = Tensor

# Constants and dtypes are NumPy's own.
for _name in (
    "pi", "e", "inf", "nan", "newaxis", "euler_gamma", "float16", "float32", "float64",
    "complex64", "complex128", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "bool_", "intp", "dtype", "finfo", "iinfo", "integer", "floating",
    "complexfloating", "number", "generic", "signedinteger", "unsignedinteger", "inexact",
    "result_type", "promote_types", "can_cast", "issubdtype",
):
    globals()[_name] = getattr(_np, _name)
bool = _np.bool_  # noqa: A001 - the NumPy name
del _name


def array(obj: Any, dtype: Any = None, copy: bool = True, ndmin: int = 0) -> Tensor:
    """Like ``numpy.array``; nested lists holding Tensors are stacked differentiably."""
    if isinstance(obj, (list, tuple)) and _holds_tensor(obj):
        out = _stack_nested(obj)
        if dtype is not None and out.dtype != _np.dtype(dtype):
            out = astype(out, _np.dtype(dtype))
    elif isinstance(obj, Tensor):
        out = obj.copy() if copy else obj
        if dtype is not None and out.dtype != _np.dtype(dtype):
            out = astype(out, _np.dtype(dtype))
    else:
        out = _tensor(obj, dtype=dtype)
    while out.ndim < ndmin:
        out = expand_dims(out, 0)
    return out


def asarray(obj: Any, dtype: Any = None) -> Tensor:
    """Like ``numpy.asarray``: a Tensor is returned as it is (same graph, same object)."""
    if isinstance(obj, Tensor):
        if dtype is not None and obj.dtype != _np.dtype(dtype):
            return astype(obj, _np.dtype(dtype))
        return obj
    return array(obj, dtype=dtype, copy=False)


asanyarray = asarray


def _holds_tensor(seq: Any) -> bool:
    return any(isinstance(i, Tensor) or (isinstance(i, (list, tuple)) and _holds_tensor(i))
               for i in seq)


def _stack_nested(seq: Any) -> Tensor:
    parts = [_stack_nested(i) if isinstance(i, (list, tuple)) else i for i in seq]
    parts = [p if isinstance(p, Tensor) else Tensor(_np.asarray(p)) for p in parts]
    dt = _np.result_type(*[p.dtype for p in parts])
    parts = [p if p.dtype == dt else astype(p, dt) for p in parts]
    return stack(parts)


def shape(a: Any) -> tuple:
    return tuple(a.shape) if hasattr(a, "shape") else _np.shape(a)


def ndim(a: Any) -> int:
    return a.ndim if hasattr(a, "ndim") else _np.ndim(a)


def size(a: Any, axis: int | None = None) -> int:
    s = shape(a)
    return int(_np.prod(s)) if axis is None else s[axis]


def copy(a: Any) -> Tensor:
    return asarray(a).copy()


def iscomplexobj(x: Any) -> Any:
    return _np.iscomplexobj(x.data if isinstance(x, Tensor) else x)


def isscalar(x: Any) -> Any:
    return _np.isscalar(x)


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    return _np.allclose(_raw(a), _raw(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> Any:
    return _np.array_equal(_raw(a1), _raw(a2), equal_nan=equal_nan)


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x
