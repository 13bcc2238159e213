"""``arraygrad.numpy.random``: NumPy's generators, returning Tensors (float64 by default).

Random draws are leaves: they carry no gradient. ``seed`` seeds NumPy's global generator,
so results match ``numpy.random`` call for call.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as _np

from ..core.mode import SWITCHES
from ..core.tensor import Tensor

__all__ = [
    "seed", "rand", "randn", "randint", "random", "random_sample", "uniform", "normal",
    "standard_normal", "choice", "permutation", "shuffle", "binomial", "poisson",
    "exponential", "beta", "gamma", "multivariate_normal", "default_rng", "get_state",
    "set_state", "bernoulli",
]


def _wrapped(fn: Any) -> Any:
    @functools.wraps(fn)
    def draw(*args: Any, **kwargs: Any) -> Any:
        args = tuple(a._data if isinstance(a, Tensor) else a for a in args)
        kwargs = {k: (v._data if isinstance(v, Tensor) else v) for k, v in kwargs.items()}
        tracer = SWITCHES.tracer  # ag.compile: a draw is an op of the program, fresh per call
        out = fn(*args, **kwargs) if tracer is None else tracer.draw(fn, args, kwargs)
        return Tensor._make(_np.asarray(out)) if isinstance(out, (_np.ndarray, _np.generic)) \
            else out

    return draw


rand = _wrapped(_np.random.rand)
randn = _wrapped(_np.random.randn)
randint = _wrapped(_np.random.randint)
random = _wrapped(_np.random.random)
random_sample = _wrapped(_np.random.random_sample)
uniform = _wrapped(_np.random.uniform)
normal = _wrapped(_np.random.normal)
standard_normal = _wrapped(_np.random.standard_normal)
choice = _wrapped(_np.random.choice)
permutation = _wrapped(_np.random.permutation)
binomial = _wrapped(_np.random.binomial)
poisson = _wrapped(_np.random.poisson)
exponential = _wrapped(_np.random.exponential)
beta = _wrapped(_np.random.beta)
gamma = _wrapped(_np.random.gamma)
multivariate_normal = _wrapped(_np.random.multivariate_normal)
seed = _np.random.seed
get_state = _np.random.get_state
set_state = _np.random.set_state
default_rng = _np.random.default_rng


def shuffle(x: Any) -> None:
    """Shuffle in place along the first axis (the tensor's version moves)."""
    if SWITCHES.tracer is not None:
        SWITCHES.tracer.mark_unsafe("random.shuffle permutes in place")
    if isinstance(x, Tensor):
        _np.random.shuffle(x._data)
        x._version += 1
    else:
        _np.random.shuffle(x)


def bernoulli(p: Any, size: Any = None) -> Tensor:
    p = p._data if isinstance(p, Tensor) else p
    u = random_sample(size if size is not None else _np.shape(p))._data
    return Tensor._make((u < p).astype(float))
