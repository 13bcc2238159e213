"""Moving a tensor between devices, differentiably: ``x.to('cuda')``, ``x.cpu()``.

The move is a primitive like any other: its VJP moves the gradient back to the device the
input came from, so a graph may cross devices (data on the GPU, a parameter on the CPU)
and every leaf's gradient lands where the leaf lives.
"""

from __future__ import annotations

from typing import Any

from .._backend import device_of, parse_device, to_device
from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor

__all__ = ["to", "cpu", "cuda"]


@primitive("ToDevice", arity=1)
def _move(x, device, source=None):
    return to_device(x, device)


# The rule uses the op itself, so higher-order gradients move too.
defvjp(_move, lambda g, ans, x, device, source=None: _move(g, source, source=device),
       save=False)


def to(x: Any, device: Any) -> Tensor:
    """``x`` on ``device`` ('cpu', 'cuda', 'cuda:N', or an array-API library's device);
    ``x`` itself when it is there already (as PyTorch's ``Tensor.to``)."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    target = parse_device(device)
    source = device_of(x._data)
    if _same(source, target):
        return x
    return _move(x, target, source=source)


def cpu(x: Any) -> Tensor:
    return to(x, "cpu")


def cuda(x: Any, device: Any = None) -> Tensor:
    return to(x, "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int)
                                                else device))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) != isinstance(b, str):
        return False
    return a == b
