"""Plumbing shared by the front doors: sub-namespaces and dtype defaults. No maths."""

from __future__ import annotations

import importlib
import types
from typing import Any

import numpy as _np

from ..core.tensor import Tensor


class Namespace(types.ModuleType):
    """A module-like namespace (``np.random``, ``torch.autograd``, ``tf.math``) whose
    missing names fall through to ``fallback`` (a module or a dotted module name that is
    imported on first use)."""

    def __init__(self, name: str, doc: str = "", fallback: Any = None, **members: Any) -> None:
        super().__init__(name, doc)
        self.__dict__.update(members)
        self.__dict__["_fallback"] = fallback

    def __getattr__(self, name: str) -> Any:
        fallback = self.__dict__.get("_fallback")
        if name.startswith("__") or fallback is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        if isinstance(fallback, str):
            fallback = importlib.import_module(fallback)
        try:
            return getattr(fallback, name)
        except AttributeError:
            raise AttributeError(
                f"module {self.__name__!r} has no attribute {name!r} (arraygrad's front door "
                f"maps names onto {fallback.__name__}, which has none either)"
            ) from None

    def __dir__(self) -> list[str]:
        names = set(self.__dict__)
        fallback = self.__dict__.get("_fallback")
        if fallback is not None and not isinstance(fallback, str):
            names |= set(dir(fallback))
        return sorted(n for n in names if not n.startswith("_"))


def raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def is_float_like(*values: Any) -> bool:
    """Does any of the Python / NumPy / Tensor values hold a floating point number?"""
    for v in values:
        v = raw(v)
        if isinstance(v, float) or (hasattr(v, "dtype") and _np.dtype(v.dtype).kind in "fc"):
            return True
    return False


def cast_leaf(t: Tensor, dtype: Any) -> Tensor:
    """A new leaf holding ``t``'s data in ``dtype`` (creation results only: no graph)."""
    dtype = _np.dtype(dtype)
    if not isinstance(t, Tensor):  # NumPy's draws with size=None are Python scalars
        return Tensor._make(_np.asarray(t, dtype=dtype))
    if t.dtype == dtype:
        return t
    return Tensor._make(t._data.astype(dtype))


def python_data_dtype(data: Any, float_dtype: Any, int_dtype: Any) -> Any:
    """The dtype a framework gives to Python data: floats -> ``float_dtype``, ints ->
    ``int_dtype``, bools stay bool, complex -> the matching complex. NumPy arrays and
    Tensors keep their own dtype (returns None)."""
    if isinstance(data, (Tensor, _np.ndarray, _np.generic)) or hasattr(data, "__array__") and \
            not isinstance(data, (list, tuple)):
        return None
    kind = _np.asarray(data).dtype.kind
    if kind == "f":
        return float_dtype
    if kind in "iu":
        return int_dtype
    if kind == "c":
        return _np.complex64 if _np.dtype(float_dtype) == _np.float32 else _np.complex128
    return None
