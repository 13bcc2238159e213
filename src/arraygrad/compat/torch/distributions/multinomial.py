"""``torch.distributions.multinomial``: ``Multinomial(total_count, probs=None, logits=None)``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .... import numpy as _anp
from ....core.tensor import Tensor
from ....scipy.special import gammaln as _lgamma
from .distribution import Distribution, as_param

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """Counts of ``total_count`` draws over the categories of the last axis of ``probs``
    (normalised to sum to one) or ``logits``. ``sample`` returns counts in ``probs``'s
    float dtype, shaped ``sample_shape + batch_shape + (k,)``."""

    def __init__(self, total_count: int = 1, probs: Any = None, logits: Any = None,
                 validate_args: Any = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Multinomial: give exactly one of probs or logits")
        if not isinstance(total_count, (int, np.integer)):
            raise NotImplementedError("Multinomial: inhomogeneous total_count is not supported")
        self.total_count = int(total_count)
        if probs is not None:
            p = as_param(probs)
            if p.ndim < 1:
                raise ValueError("Multinomial: probs must have at least one dimension")
            self.probs = p / p.sum(-1, keepdims=True)
        else:
            lg = as_param(logits)
            self.probs = _anp.exp(lg - _anp.max(lg, axis=-1, keepdims=True))
            self.probs = self.probs / self.probs.sum(-1, keepdims=True)
        self.batch_shape = tuple(self.probs.shape[:-1])
        self.event_shape = (self.probs.shape[-1],)

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs) * self.total_count

    def sample(self, sample_shape: Any = ()) -> Tensor:
        p = np.asarray(self.probs.detach().numpy(), dtype=np.float64)
        shape = self._shape(sample_shape)
        draws = self._generator().multinomial(self.total_count, p / p.sum(-1, keepdims=True),
                                              size=shape[:-1])
        return Tensor(draws.astype(self.probs.dtype))

    def log_prob(self, value: Any) -> Tensor:
        v = as_param(value)
        n = self.total_count
        log_factorial_n = _lgamma(np.asarray(n + 1.0, dtype=self.probs.dtype))
        log_factorial_xs = _lgamma(v + 1).sum(-1)
        return log_factorial_n - log_factorial_xs + (v * _anp.log(self.probs)).sum(-1)

    def __repr__(self) -> str:
        return f"Multinomial(total_count: {self.total_count}, probs: {self.probs.shape})"
