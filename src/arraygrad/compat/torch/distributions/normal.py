"""``torch.distributions.normal``: ``Normal(loc, scale)``."""

from __future__ import annotations

import math
from typing import Any

from .... import numpy as _anp
from ....core.tensor import Tensor
from .distribution import Distribution, as_param

__all__ = ["Normal"]


class Normal(Distribution):
    """N(loc, scale**2), elementwise over the broadcast shape of ``loc`` and ``scale``."""

    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        self.loc, self.scale = _anp.broadcast_arrays(as_param(loc), as_param(scale))
        self.batch_shape = tuple(self.loc.shape)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale ** 2

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """``loc + scale * eps``: differentiable in ``loc`` and ``scale``."""
        eps = self._generator().standard_normal(self._shape(sample_shape))
        return self.loc + self.scale * Tensor(eps.astype(self.loc.dtype))

    def sample(self, sample_shape: Any = ()) -> Tensor:
        return self.rsample(sample_shape).detach()

    def log_prob(self, value: Any) -> Tensor:
        v = as_param(value)
        return (-((v - self.loc) ** 2) / (2 * self.variance) - _anp.log(self.scale)
                - math.log(math.sqrt(2 * math.pi)))

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + _anp.log(self.scale)
