"""The seeds' three idioms as thin front doors onto arraygrad.

Change only the import line and code written for MXNet, PyTorch or TensorFlow runs on
arraygrad's engine::

    from arraygrad.compat.mxnet import autograd, np, npx   # from mxnet import autograd, np, npx
    import arraygrad.compat.torch as torch                 # import torch
    import arraygrad.compat.tensorflow as tf               # import tensorflow as tf

The front doors hold no maths: every function maps onto ``arraygrad`` /
``arraygrad.numpy`` (and ``arraygrad.nn.functional``). What they add is each framework's
defaults (float32 creation), its names, and its printed form. ``docs/idioms.md`` has the
table of what maps to what.

Each front door imports lazily: importing ``arraygrad.compat`` imports none of them.
"""

from __future__ import annotations

from .._printing import get_style, print_style, set_style

__all__ = ["set_print_style", "get_print_style", "print_style"]


def set_print_style(name: str) -> str:
    """How tensors print: ``"arraygrad"`` (default), ``"torch"``, ``"mxnet"`` or
    ``"tensorflow"``. Returns the previous style. Values are never affected."""
    return set_style(name)


def get_print_style() -> str:
    return get_style()
