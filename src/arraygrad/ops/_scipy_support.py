"""What the SciPy-backed op families share: the lazy SciPy import and argument checks."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ._compose import as_tensor as _as_tensor
from .elementwise import astype
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
    """``x`` as a Tensor (a list holding recorded tensors is stacked, keeping the graph);
    integer and boolean data become float64, as SciPy computes them."""
    if isinstance(x, Tensor):
        return x
    t = _as_tensor(x)
    return t if t.dtype.kind in "fc" else astype(t, np.float64)


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
