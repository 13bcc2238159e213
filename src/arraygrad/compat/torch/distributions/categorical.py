"""``torch.distributions.categorical``: ``Categorical(probs=None, logits=None)``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .... import numpy as _anp
from ....core.tensor import Tensor
from .distribution import Distribution, as_param

__all__ = ["Categorical"]


class Categorical(Distribution):
    """One draw of a category index (int64) from the last axis of ``probs``/``logits``."""

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: Any = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Categorical: give exactly one of probs or logits")
        if probs is not None:
            p = as_param(probs)
            self.probs = p / p.sum(-1, keepdims=True)
        else:
            lg = as_param(logits)
            e = _anp.exp(lg - _anp.max(lg, axis=-1, keepdims=True))
            self.probs = e / e.sum(-1, keepdims=True)
        self.batch_shape = tuple(self.probs.shape[:-1])
        self.event_shape = ()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        p = np.asarray(self.probs.detach().numpy(), dtype=np.float64)
        shape = self._shape(sample_shape)
        flat = p.reshape(-1, p.shape[-1])
        g = self._generator()
        n = int(np.prod(shape[: len(shape) - len(self.batch_shape)], dtype=np.int64))
        out = np.stack([g.choice(p.shape[-1], size=n, p=row / row.sum()) for row in flat],
                       axis=-1)
        return Tensor(out.reshape(shape).astype(np.int64))

    def log_prob(self, value: Any) -> Tensor:
        v = as_param(value)
        logp = _anp.log(self.probs)
        v_b, logp_b = _anp.broadcast_arrays(_anp.expand_dims(v, -1), logp)
        return _anp.take_along_axis(logp_b, v_b[..., :1].astype(np.int64), axis=-1)[..., 0]

    def entropy(self) -> Tensor:
        return -(self.probs * _anp.log(self.probs)).sum(-1)
