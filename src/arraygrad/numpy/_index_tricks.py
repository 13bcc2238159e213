"""``r_`` and ``c_``: NumPy's concatenation by index syntax, differentiable.

NumPy's ``AxisConcatenator`` ported with arraygrad's ``asarray``/``concatenate``: slices
become ``arange``/``linspace`` ranges, a first string sets the axis, ``ndmin`` and the
transposition of 1-D items (``'0,2,1'``) or asks for a row/column (``'r'``/``'c'``: NumPy
returns a ``matrix``; here the 2-D tensor of the same shape), tensors keep their graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..ops.creation import arange
from ..ops.elementwise import astype
from ..ops.filled import linspace
from ..ops.shape import atleast_2d, concatenate, expand_dims, swapaxes, transpose

__all__ = ["r_", "c_"]

_SCALARS = tuple(np.ScalarType)


def _as_ndmin(obj: Any, ndmin: int) -> Tensor:
    from . import asarray

    t = asarray(obj)
    while t.ndim < ndmin:
        t = expand_dims(t, 0)
    return t


class AxisConcatenator:
    """Translates slices, scalars, arrays and tensors to one concatenation along an axis."""

    def __init__(self, axis: int = 0, ndmin: int = 1, trans1d: int = -1) -> None:
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key: Any) -> Tensor:
        if isinstance(key, str):
            raise TypeError("r_/c_ with a matrix string (numpy.bmat syntax) is not supported "
                            "by arraygrad; index with arrays and slices")
        if not isinstance(key, tuple):
            key = (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        as_matrix, col = False, False
        objs: list = []
        kinds: list = []
        for k, item in enumerate(key):
            if isinstance(item, slice):
                start = 0 if item.start is None else item.start
                step = 1 if item.step is None else item.step
                if isinstance(step, (np.complexfloating, complex)):
                    new = linspace(start, item.stop, num=int(abs(step)))
                else:
                    new = arange(start, item.stop, step)
                if ndmin > 1:
                    new = _as_ndmin(new, ndmin)
                    if trans1d != -1:
                        new = swapaxes(new, -1, trans1d)
                objs.append(new)
                kinds.append(new.dtype)
            elif isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    as_matrix, col = True, item == "c"
                    continue
                try:
                    if "," in item:
                        vec = item.split(",")
                        axis, ndmin = (int(x) for x in vec[:2])
                        if len(vec) == 3:
                            trans1d = int(vec[2])
                    else:
                        axis = int(item)
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"unknown special directive {item!r}") from exc
            elif type(item) in _SCALARS:
                objs.append(item)
                kinds.append(item)
            else:
                item_ndim = np.ndim(item._data if isinstance(item, Tensor) else item)
                new = _as_ndmin(item, ndmin)
                if trans1d != -1 and item_ndim < ndmin:
                    k2 = ndmin - item_ndim
                    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
                    dims = list(range(ndmin))
                    new = transpose(new, dims[:k1] + dims[k2:] + dims[k1:k2])
                objs.append(new)
                kinds.append(new.dtype)
        if not objs:
            return Tensor(np.array([]))
        dtype = np.result_type(*kinds)
        parts = []
        for obj in objs:
            t = _as_ndmin(obj, ndmin)
            parts.append(t if t.dtype == dtype else astype(t, dtype))
        res = concatenate(parts, axis=axis)
        if as_matrix:
            one_d = res.ndim == 1
            res = atleast_2d(res)
            if one_d and col:
                res = swapaxes(res, 0, 1)
        return res

    def __len__(self) -> int:
        return 0


class RClass(AxisConcatenator):
    """``numpy.r_``: concatenation along the first axis."""

    def __init__(self) -> None:
        super().__init__(0)


class CClass(AxisConcatenator):
    """``numpy.c_``: 1-D items become columns, stacked along the last axis."""

    def __init__(self) -> None:
        super().__init__(-1, ndmin=2, trans1d=0)


r_ = RClass()
c_ = CClass()
