"""Deferred initialisation: ``LazyLinear`` learns its input size at the first call.

``UninitializedParameter`` is a Parameter without data yet. The first forward call gives
it its shape (from the input), initialises it as the eager layer would, and turns the
module into the eager class (``LazyLinear`` becomes ``Linear``), as PyTorch does. The
Parameter objects stay the same, so an optimizer created before the first call holds them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .layers import DEFAULT_DTYPE, Linear
from .module import Parameter

__all__ = ["UninitializedParameter", "LazyLinear"]


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet; ``materialize(shape)`` gives it one."""

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(np.empty(0, dtype=np.dtype(DEFAULT_DTYPE if dtype is None
                                                    else dtype)), requires_grad)

    def materialize(self, shape: tuple, dtype: Any = None) -> None:
        """Allocate the data (values undefined until initialised) and become a Parameter."""
        dt = self._data.dtype if dtype is None else np.dtype(dtype)
        self._data = np.empty(tuple(int(s) for s in shape), dtype=dt)
        self._version += 1
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    __str__ = __repr__

    def __reduce__(self):
        raise RuntimeError("an UninitializedParameter cannot be saved; run the model once "
                           "(a forward call gives its parameters their shapes) first")


def is_lazy(t: Any) -> bool:
    return isinstance(t, UninitializedParameter)


class LazyLinear(Linear):
    """``Linear`` whose ``in_features`` is the last extent of the first input it sees.

    Until then ``weight`` and ``bias`` are ``UninitializedParameter``; afterwards the
    module is a ``cls_to_become`` (``Linear``) initialised as ``Linear`` initialises."""

    cls_to_become: type = Linear

    def __init__(self, out_features: int, bias: bool = True, dtype: Any = None,
                 generator: Any = None) -> None:
        super(Linear, self).__init__()  # Module's: there is no in_features yet
        self.in_features = 0
        self.out_features = int(out_features)
        self._lazy_generator = generator
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def initialize_parameters(self, x: Any) -> None:
        if not is_lazy(self.weight):
            return
        shape = x.shape if isinstance(x, Tensor) else np.shape(x)
        if not shape:
            raise ValueError("LazyLinear: the first input must have at least one axis "
                             "(its last extent is in_features), got a scalar")
        self.in_features = int(shape[-1])
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters(self.__dict__.pop("_lazy_generator", None))
        self.__class__ = self.cls_to_become

    def forward(self, x: Any) -> Tensor:
        self.initialize_parameters(x)
        return Linear.forward(self, x)  # (the class may have just changed)
