"""``arraygrad.scipy.special``: SciPy's special functions, differentiable.

The primitives and their rules are in ``ops/special.py``; this module names them as SciPy
does and routes plain ``scipy.special`` ufuncs called on tensors here.
"""

from __future__ import annotations

import numpy as np

from ..ops import special as _ops
from ..ops.special import *  # noqa: F403
from ..ops.special import __all__  # noqa: F401


def _register() -> None:
    """Route plain ``scipy.special`` ufuncs called on tensors to the functions above."""
    try:
        sc = _ops._scipy_special()
    except ImportError:
        return
    from ..numpy._dispatch import register

    for name in __all__:
        theirs = getattr(sc, name, None)
        if isinstance(theirs, np.ufunc):
            register(theirs, getattr(_ops, name))


_register()
