"""Primary matrix functions: ``expm``, ``sqrtm``, ``logm`` (SciPy's forwards).

They share one rule: the cotangent of ``f`` at ``A`` is the Frechet derivative
``L_f(A^T, G)``, read off the upper-right block of ``f([[A^T, G], [0, A^T]])``; the rule
calls ``f`` itself, so it differentiates again.
"""

from __future__ import annotations

from ...core.primitive import defvjp, primitive
from ..shape import concatenate
from ._helpers import _T, _require_scipy_linalg


def matrix_function_vjp(fn, a, g):
    """The cotangent of ``fn(a)`` for a primary matrix function ``fn`` (expm, logm, sqrtm):
    ``L_f(a^T, g)``, the upper-right block of ``fn([[a^T, g], [0, a^T]])``. Written with
    ``fn`` itself, so it differentiates again."""
    n = a.shape[-1]
    at = _T(a)
    zero = at * 0
    big = concatenate([concatenate([at, g], axis=-1), concatenate([zero, at], axis=-1)],
                      axis=-2)
    return fn(big)[..., :n, n:]


@primitive("LinalgMatrixExp", arity=1)
def expm(a):
    return _require_scipy_linalg().expm(a)


defvjp(expm, lambda g, ans, a: matrix_function_vjp(expm, a, g))




def _scipy_matrix_function(name: str, node: str):
    """A primitive whose forward is ``scipy.linalg.<name>``, with the shared rule."""

    def fwd(a):
        out = getattr(_require_scipy_linalg(), name)(a)
        return out[0] if isinstance(out, tuple) else out

    fwd.__name__ = fwd.__qualname__ = name
    fwd.__doc__ = f"``scipy.linalg.{name}``, differentiable."
    op = primitive(node, arity=1)(fwd)
    defvjp(op, lambda g, ans, a: matrix_function_vjp(op, a, g))
    return op


sqrtm = _scipy_matrix_function("sqrtm", "LinalgSqrtm")
logm = _scipy_matrix_function("logm", "LinalgLogm")
