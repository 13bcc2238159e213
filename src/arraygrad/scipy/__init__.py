"""``arraygrad.scipy``: differentiable pieces of SciPy (``special``, ``stats``, ``linalg``,
``signal``), in the manner of ``jax.scipy``.

SciPy is an optional extra (``pip install 'arraygrad[scipy]'``). Importing this package
works without it; the functions whose forward needs SciPy import it when first called.
Once ``arraygrad.scipy.special`` is imported, plain ``scipy.special`` ufuncs called on
tensors dispatch to it as well.
"""

from __future__ import annotations

from . import linalg, signal, special, stats

__all__ = ["linalg", "signal", "special", "stats"]
