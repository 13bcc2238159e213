"""Flatten call arguments into array leaves plus a hashable description of the rest."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor

__all__ = ["flatten", "unflatten", "tensors_in"]

_LEAF = ("leaf",)


def flatten(obj: Any, leaves: list) -> Any:
    """Append the array leaves of ``obj`` to ``leaves``; return its structure (hashable)."""
    t = type(obj)
    if t is Tensor or t is np.ndarray:
        leaves.append(obj)
        return _LEAF
    if t is tuple or t is list:
        return (t, tuple(flatten(o, leaves) for o in obj))
    if t is dict:
        return (dict, tuple((k, flatten(v, leaves)) for k, v in obj.items()))
    if isinstance(obj, Tensor):
        leaves.append(obj)
        return _LEAF
    try:
        hash(obj)
        return ("static", obj)
    except TypeError:
        return ("static-id", id(obj))


def unflatten(struct: Any, leaves: list, original: Any) -> Any:
    """Rebuild ``original`` with its leaves taken in order from ``leaves`` (consumed)."""
    if struct is _LEAF:
        return leaves.pop(0)
    kind = struct[0]
    if kind is tuple or kind is list:
        return kind(unflatten(s, leaves, o) for s, o in zip(struct[1], original))
    if kind is dict:
        return {k: unflatten(s, leaves, original[k]) for k, s in struct[1]}
    return original


def tensors_in(obj: Any):
    """The Tensors inside ``obj`` (lists, tuples, dicts), in order."""
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from tensors_in(o)
