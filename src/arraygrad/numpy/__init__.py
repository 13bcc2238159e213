"""``arraygrad.numpy``: NumPy's namespace, differentiable.

Functions take Tensors, NumPy arrays and Python scalars and return Tensors; defaults follow
NumPy (Python floats are float64). Plain ``numpy`` functions called on Tensors dispatch
here too.
"""

from __future__ import annotations

from typing import Any

import numpy as _np

from ..core.primitive import holds_tensor as _holds_tensor
from ..core.primitive import stack_arraylike as _stack_arraylike
from ..core.tensor import Tensor
from ..core.tensor import tensor as _tensor
from ..ops.assemble import (
    append,
    apply_along_axis,
    apply_over_axes,
    array_split,
    block,
    column_stack,
    concat,
    delete,
    dsplit,
    dstack,
    hsplit,
    hstack,
    insert,
    meshgrid,
    piecewise,
    row_stack,
    split,
    trim_zeros,
    unstack,
    vsplit,
    vstack,
)
from ..ops.creation import (
    arange,
    empty,
    empty_like,
    eye,
    identity,
    ones,
    ones_like,
    tri,
    zeros,
    zeros_like,
)
from ..ops.einsum import einsum, einsum_path
from ..ops.elementwise import (
    abs,
    absolute,
    acos,
    acosh,
    add,
    angle,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    around,
    asin,
    asinh,
    astype,
    atan,
    atan2,
    atanh,
    bitwise_and,
    bitwise_invert,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    cbrt,
    ceil,
    clip,
    conj,
    conjugate,
    copysign,
    cos,
    cosh,
    deg2rad,
    degrees,
    divide,
    divmod,
    equal,
    exp,
    exp2,
    expm1,
    fabs,
    fix,
    float_power,
    floor,
    floor_divide,
    fmax,
    fmin,
    fmod,
    frexp,
    gcd,
    greater,
    greater_equal,
    heaviside,
    hypot,
    imag,
    invert,
    isclose,
    isfinite,
    isinf,
    isnan,
    isnat,
    lcm,
    ldexp,
    left_shift,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    mod,
    modf,
    multiply,
    nan_to_num,
    negative,
    nextafter,
    not_equal,
    positive,
    pow,
    power,
    rad2deg,
    radians,
    real,
    real_if_close,
    reciprocal,
    remainder,
    right_shift,
    rint,
    round,
    sign,
    signbit,
    sin,
    sinc,
    sinh,
    spacing,
    sqrt,
    square,
    subtract,
    tan,
    tanh,
    true_divide,
    trunc,
    where,
)
from ..ops.filled import full, full_like, geomspace, linspace, logspace
from ..ops.index import (
    choose,
    compress,
    copyto,
    diag,
    diagflat,
    diagonal,
    extract,
    fill_diagonal,
    nonzero,
    place,
    put,
    put_along_axis,
    putmask,
    select,
    take,
    take_along_axis,
    trace,
    tril,
    triu,
)
from ..ops.linalg import (
    cross,
    dot,
    inner,
    kron,
    matmul,
    matvec,
    outer,
    tensordot,
    vdot,
    vecdot,
    vecmat,
)
from ..ops.nograd import *  # noqa: F403  (integer, boolean, set and I/O results)
from ..ops.nograd import bincount, histogram
from ..ops.numeric import (
    convolve,
    corrcoef,
    correlate,
    cov,
    interp,
    poly,
    polyadd,
    polyder,
    polydiv,
    polyfit,
    polyint,
    polymul,
    polysub,
    polyval,
    roots,
    unwrap,
    vander,
)
from ..ops.reduce import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    average,
    count_nonzero,
    max,
    mean,
    min,
    nanargmax,
    nanargmin,
    nanmax,
    nanmean,
    nanmin,
    nanprod,
    nanstd,
    nansum,
    nanvar,
    prod,
    ptp,
    std,
    sum,
    var,
)
from ..ops.scan import (
    cumprod,
    cumsum,
    cumulative_prod,
    cumulative_sum,
    diff,
    ediff1d,
    gradient,
    nancumprod,
    nancumsum,
    trapezoid,
)
from ..ops.shape import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_arrays,
    broadcast_to,
    concatenate,
    expand_dims,
    flip,
    fliplr,
    flipud,
    matrix_transpose,
    moveaxis,
    pad,
    permute_dims,
    ravel,
    repeat,
    reshape,
    resize,
    roll,
    rollaxis,
    rot90,
    squeeze,
    stack,
    swapaxes,
    tile,
    transpose,
)
from ..ops.sort import (
    argpartition,
    argsort,
    lexsort,
    median,
    nanmedian,
    nanpercentile,
    nanquantile,
    partition,
    percentile,
    quantile,
    searchsorted,
    sort,
    sort_complex,
    unique,
    unique_all,
    unique_counts,
    unique_inverse,
    unique_values,
)
from . import _dispatch  # noqa: F401  (binds Tensor's NumPy protocols)

if hasattr(_np, "bitwise_count"):  # NumPy >= 2
    from ..ops.elementwise import bitwise_count
if hasattr(_np, "trapz"):  # NumPy < 2.4 still has the old name
    trapz = trapezoid
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


def array(obj: Any, dtype: Any = None, copy: bool = True, ndmin: int = 0, **kwargs: Any) -> Tensor:
    """Like ``numpy.array``; nested lists holding Tensors are stacked differentiably.
    (``order``, ``subok`` and ``like`` are accepted and have no effect.)"""
    if isinstance(obj, (list, tuple)) and _holds_tensor(obj):
        out = _stack_arraylike(obj, dtype)
    elif isinstance(obj, Tensor):
        out = obj.copy() if copy else obj
        if dtype is not None and out.dtype != _np.dtype(dtype):
            out = astype(out, _np.dtype(dtype))
    else:
        out = _tensor(obj, dtype=dtype)
    while out.ndim < ndmin:
        out = expand_dims(out, 0)
    return out


def asarray(obj: Any, dtype: Any = None, order: Any = None, **kwargs: Any) -> Tensor:
    """Like ``numpy.asarray``: a Tensor is returned as it is (same graph, same object)."""
    if kwargs.get("copy"):
        return array(obj, dtype=dtype)
    if isinstance(obj, Tensor):
        if dtype is not None and obj.dtype != _np.dtype(dtype):
            return astype(obj, _np.dtype(dtype))
        return obj
    return array(obj, dtype=dtype, copy=False)


asanyarray = asarray


def shape(a: Any) -> tuple:
    return tuple(a.shape) if hasattr(a, "shape") else _np.shape(a)


def ndim(a: Any) -> int:
    return a.ndim if hasattr(a, "ndim") else _np.ndim(a)


def size(a: Any, axis: int | None = None) -> int:
    s = shape(a)
    return int(_np.prod(s)) if axis is None else s[axis]


def copy(a: Any, order: str = "K", subok: bool = False) -> Tensor:
    return asarray(a).copy()


def ascontiguousarray(a: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
    """``asarray`` (memory layout is NumPy's business; the values and graph are kept)."""
    return asarray(a, dtype=dtype)


asfortranarray = ascontiguousarray


def require(a: Any, dtype: Any = None, requirements: Any = None, **kwargs: Any) -> Tensor:
    return asarray(a, dtype=dtype)


def asarray_chkfinite(a: Any, dtype: Any = None, order: Any = None) -> Tensor:
    out = asarray(a, dtype=dtype)
    if out.dtype.kind in "fc" and not _np.isfinite(out._data).all():
        raise ValueError("array must not contain infs or NaNs")
    return out


def fromfunction(function: Any, shape: Any, *, dtype: Any = float, like: Any = None,
                 **kwargs: Any) -> Any:
    """``function`` called on index grids (as NumPy): tensors it closes over keep their
    graph."""
    out = function(*_np.indices(shape, dtype=dtype), **kwargs)
    return out if isinstance(out, Tensor) else _tensor(_np.asarray(out))


def iscomplexobj(x: Any) -> Any:
    return _np.iscomplexobj(x._data if isinstance(x, Tensor) else x)


def isscalar(x: Any) -> Any:
    return _np.isscalar(x)


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    return _np.allclose(_raw(a), _raw(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> Any:
    return _np.array_equal(_raw(a1), _raw(a2), equal_nan=equal_nan)


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x
