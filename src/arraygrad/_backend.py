"""Which array module holds the data (NumPy, CuPy, Dask) and the few helpers that need it.

Op forwards call ``numpy`` functions on the raw arrays; CuPy and Dask arrays implement
NumPy's dispatch protocols (``__array_ufunc__``, ``__array_function__``), so the data's own
module runs the op. Creation of new arrays needs the module explicitly: ``array_module``.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

__all__ = ["array_module", "asarray", "copy_array", "to_numpy", "to_device", "device_of"]


def array_module(data: Any) -> Any:
    """The module (numpy, cupy, dask.array) that owns ``data``."""
    if isinstance(data, (np.ndarray, np.generic)):
        return np
    mod = type(data).__module__.split(".", 1)[0]
    if mod == "cupy":
        return sys.modules["cupy"]
    if mod == "dask":
        import dask.array as da

        return da
    return np


def asarray(data: Any, dtype: Any = None) -> Any:
    """Data as a backend array without copying when it already is one."""
    if isinstance(data, np.ndarray) or _is_foreign_array(data):
        if dtype is not None and data.dtype != np.dtype(dtype):
            return data.astype(dtype)
        return data
    return np.asarray(data, dtype=dtype)


def copy_array(data: Any, dtype: Any = None) -> Any:
    """A fresh backend array (``numpy.array`` semantics: always a copy)."""
    if _is_foreign_array(data):
        return data.astype(dtype if dtype is not None else data.dtype, copy=True)
    return np.array(data, dtype=dtype)


def to_numpy(data: Any) -> np.ndarray:
    if isinstance(data, np.ndarray):
        return data
    mod = type(data).__module__.split(".", 1)[0]
    if mod == "cupy":
        return data.get()
    if mod == "dask":
        return np.asarray(data.compute())
    return np.asarray(data)


def device_of(data: Any) -> str:
    mod = type(data).__module__.split(".", 1)[0]
    return "cuda" if mod == "cupy" else "cpu"


def to_device(data: Any, device: Any) -> Any:
    device = str(device)
    if device.startswith("cuda") or device == "gpu":
        try:
            import cupy
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise RuntimeError(
                "device='cuda' needs CuPy: pip install 'arraygrad[gpu]' (and a CUDA GPU)"
            ) from exc
        return cupy.asarray(data)
    if device == "cpu":
        return to_numpy(data)
    raise ValueError(f"unknown device {device!r}; expected 'cpu' or 'cuda'")


def _is_foreign_array(data: Any) -> bool:
    mod = type(data).__module__.split(".", 1)[0]
    return mod in ("cupy", "dask") and hasattr(data, "dtype")
