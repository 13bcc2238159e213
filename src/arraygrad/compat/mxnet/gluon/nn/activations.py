"""Gluon's activation layers, each one ``arraygrad.nn.functional`` function."""

from __future__ import annotations

from typing import Any

from .....nn import functional as F
from .....ops import elementwise as _ew
from ..block import HybridBlock

__all__ = ["Activation", "LeakyReLU"]


def _softsign(x: Any) -> Any:
    return x / (1 + _ew.absolute(x))


_ACT = {
    "relu": F.relu,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "softrelu": F.softplus,
    "softsign": _softsign,
}


class Activation(HybridBlock):
    """``Activation('relu' | 'sigmoid' | 'tanh' | 'softrelu' | 'softsign')``."""

    def __init__(self, activation: str, **kwargs: Any) -> None:
        if activation not in _ACT:
            raise ValueError(f"Activation: unsupported activation {activation!r}; choose "
                             f"one of {sorted(_ACT)}")
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    def hybrid_forward(self, F_: Any, x: Any) -> Any:
        return _ACT[self._act_type](x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._act_type})"


class LeakyReLU(HybridBlock):
    """``max(x, alpha * x)``."""

    def __init__(self, alpha: float, **kwargs: Any) -> None:
        if alpha < 0:
            raise ValueError(f"LeakyReLU: slope coefficient must be >= 0, got {alpha}")
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F_: Any, x: Any) -> Any:
        return F.leaky_relu(x, self._alpha)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._alpha})"
