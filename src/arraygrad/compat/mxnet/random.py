"""``mxnet.random``: ``seed`` seeds the generator every draw here uses (NumPy's global
one); the draws are ``mxnet.np.random``'s."""

from __future__ import annotations

from typing import Any

import numpy as _onp

from . import np as _np

__all__ = ["seed", "normal", "uniform", "randint"]


def seed(seed_state: int, ctx: Any = "all") -> None:
    _onp.random.seed(seed_state)


normal = _np.random.normal
uniform = _np.random.uniform
randint = _np.random.randint
