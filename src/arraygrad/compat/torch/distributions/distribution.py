"""The base of ``torch.distributions``: shapes, ``sample`` vs ``rsample``, parameters as
tensors. Log-probabilities are built from arraygrad ops, so they are differentiable in the
parameters; ``sample`` draws outside any graph from the front door's generator."""

from __future__ import annotations

from typing import Any

import numpy as np

from ....core.tensor import Tensor
from .. import tensor as _tensor
from .._generator import default_generator as _rng


def as_param(x: Any) -> Tensor:
    """A distribution parameter as a tensor (Python numbers become float32, as PyTorch)."""
    return x if isinstance(x, Tensor) else _tensor(x)


def sample_shape_of(sample_shape: Any) -> tuple:
    if isinstance(sample_shape, (int, np.integer)):
        return (int(sample_shape),)
    return tuple(int(s) for s in sample_shape)


class Distribution:
    """``batch_shape`` (independent distributions) + ``event_shape`` (one draw's shape)."""

    has_rsample = False
    batch_shape: tuple = ()
    event_shape: tuple = ()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        raise NotImplementedError

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no reparameterized sampler "
                                  "(rsample); use sample()")

    def log_prob(self, value: Any) -> Tensor:
        raise NotImplementedError

    def _shape(self, sample_shape: Any) -> tuple:
        return sample_shape_of(sample_shape) + tuple(self.batch_shape) + tuple(self.event_shape)

    @staticmethod
    def _generator() -> Any:
        return _rng

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
