"""The identity: ``clone`` (a copy, ``Tensor.copy``/``clone``) and its no-copy form, a
recorded alias (the functional transforms' private view of an outer graph's tensor)."""

from __future__ import annotations

from ..core.primitive import defvjp, primitive

__all__ = ["clone"]


@primitive("Clone", arity=1)
def clone(x, copy=True):
    """``x`` as a new node: a copy, or (``copy=False``) the same array, recorded."""
    return x.copy() if copy else x


defvjp(clone, lambda g, ans, x, copy=True: g, save=False)
