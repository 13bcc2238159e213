"""``torch.nn.init``: arraygrad.nn.init, random ones drawing from the front door's
generator unless given another (so ``torch.manual_seed`` makes them repeatable)."""

from __future__ import annotations

from typing import Any

from ....core.tensor import Tensor
from ....nn import init as _init
from ....nn.init import calculate_gain, constant_, eye_, ones_, zeros_  # noqa: F401
from .._generator import default_generator as _rng

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "eye_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


def _gen(generator: Any) -> Any:
    return _rng if generator is None else generator


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    return _init.uniform_(tensor, a, b, _gen(generator))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Any = None) -> Tensor:
    return _init.normal_(tensor, mean, std, _gen(generator))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    return _init.xavier_uniform_(tensor, gain, _gen(generator))


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    return _init.xavier_normal_(tensor, gain, _gen(generator))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    return _init.kaiming_uniform_(tensor, a, mode, nonlinearity, _gen(generator))


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    return _init.kaiming_normal_(tensor, a, mode, nonlinearity, _gen(generator))
