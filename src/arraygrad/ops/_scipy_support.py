"""What the SciPy-backed op families share: the lazy SciPy import and argument checks."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .linalg._helpers import _requires_grad


def require(module: str = "scipy") -> Any:
    """Import ``module`` (a SciPy submodule), or say how to install SciPy."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"this arraygrad function needs SciPy ({module}): pip install 'arraygrad[scipy]'"
        ) from exc


def as_tensor(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "fc":
        arr = arr.astype(np.float64)
    return Tensor(arr)


def no_grad_for(fn: str, **args: Any) -> None:
    """Refuse, at once and by name, a gradient this module cannot give."""
    for name, value in args.items():
        if _requires_grad(value):
            raise NotImplementedError(
                f"{fn}: the derivative with respect to {name!r} is not implemented in "
                f"arraygrad; pass {name} without requires_grad (or .detach() it)"
            )


def raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x
