"""``torch.nn``: arraygrad.nn under PyTorch's names and defaults.

Everything is ``arraygrad.nn``'s (``Module``, ``Parameter``, ``Sequential``, the
activations and losses are the same classes), except where PyTorch's defaults differ:

- ``Linear`` and ``LazyLinear`` make float32 parameters (``torch.get_default_dtype()``;
  arraygrad.nn's default is NumPy's float64) and draw their initial values from the
  front door's generator, so ``torch.manual_seed`` makes them repeatable.
- ``Dropout`` draws its masks from that generator too.
- ``nn.init``'s random initialisers default to that generator.

``torch.nn.functional`` *is* ``arraygrad.nn.functional``.
"""

from __future__ import annotations

import sys as _sys
from typing import Any

from .... import nn as _nn
from ....nn import (  # noqa: F401 - re-exported under PyTorch's names
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    Flatten,
    Identity,
    L1Loss,
    LeakyReLU,
    LogSoftmax,
    Module,
    ModuleList,
    MSELoss,
    NLLLoss,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    UninitializedParameter,
    functional,
)
from .._generator import default_generator as _rng
from . import init  # noqa: F401 - torch.nn.init

# ``import arraygrad.compat.torch.nn.functional as F`` finds the very module.
_sys.modules[__name__ + ".functional"] = functional


def _default_dtype(dtype: Any) -> Any:
    if dtype is not None:
        return dtype
    from .. import get_default_dtype

    return get_default_dtype()


class Linear(_nn.Linear):
    """``torch.nn.Linear``: float32 by default, initialised from the front door's generator."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_features, out_features, bias, dtype=_default_dtype(dtype),
                         generator=_rng)

    def reset_parameters(self, generator: Any = None) -> None:
        super().reset_parameters(_rng if generator is None else generator)


class LazyLinear(_nn.LazyLinear):
    """``torch.nn.LazyLinear``: ``in_features`` from the first input; then a ``Linear``."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(out_features, bias, dtype=_default_dtype(dtype), generator=_rng)


class Dropout(_nn.Dropout):
    """``torch.nn.Dropout``: masks drawn from the front door's generator."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__(p, inplace, generator=_rng)


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("annotations", "Any")]
