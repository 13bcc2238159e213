"""``arraygrad.numpy.random``: NumPy's generators, returning Tensors (float64 by default).

Random draws are leaves: they carry no gradient. ``seed`` seeds NumPy's global generator,
so results match ``numpy.random`` call for call.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as _np

from ..tensor import Tensor

__all__ = [
    "seed", "rand", "randn", "randint", "random", "random_sample", "uniform", "normal",
    "standard_normal", "choice", "permutation", "shuffle", "binomial", "poisson",
    "exponential", "beta", "gamma", "multivariate_normal", "default_rng", "get_state",
    "set_state", "bernoulli",
]


def _wrapped(fn: Any) -> Any:
    @functools.wraps(fn)
    def draw(*args: Any, **kwargs: Any) -> Any:
        args = tuple(a.data if isinstance(a, Tensor) else a for a in args)
        kwargs = {k: (v.data if isinstance(v, Tensor) else v) for k, v in kwargs.items()}
        out = fn(*args, **kwargs)
        return Tensor._make(_np.asarray(out)) if isinstance(out, (_np.ndarray, _np.generic)) \
            else out

    return draw


for _name in __all__:
    if hasattr(_np.random, _name) and _name not in ("shuffle", "default_rng"):
        globals()[_name] = _wrapped(getattr(_np.random, _name))
seed = _np.random.seed
get_state = _np.random.get_state
set_state = _np.random.set_state
default_rng = _np.random.default_rng


def shuffle(x: Any) -> None:
    """Shuffle in place along the first axis (the tensor's version moves)."""
    if isinstance(x, Tensor):
        _np.random.shuffle(x.data)
        x._version += 1
    else:
        _np.random.shuffle(x)


def bernoulli(p: Any, size: Any = None) -> Tensor:
    p = p.data if isinstance(p, Tensor) else p
    return Tensor._make((_np.random.random_sample(size if size is not None else _np.shape(p))
                         < p).astype(float))
