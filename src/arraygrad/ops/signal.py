"""SciPy's N-dimensional ``convolve`` and ``correlate``, differentiable in
both inputs (``arraygrad.scipy.signal`` names them), modes 'full', 'same' and 'valid'.

Convolution is bilinear, so (JAX's convention, no conjugation) the cotangent of ``in1``
is the 'valid' convolution of the full-size cotangent with ``in2`` flipped along every
axis, and symmetrically for ``in2``. 'same' and 'valid' outputs are centred slices of the
full one (SciPy's ``_centered``), so their cotangent is first zero-padded back to full
size. The rules call ``convolve`` again, so they differentiate again.
"""

from __future__ import annotations

from typing import Any

from ..core.primitive import defvjp, primitive
from ..core.tensor import Tensor
from . import elementwise as ew
from ._compose import as_tensor as _as_tensor
from ._scipy_support import require
from .index import scatter_add

__all__ = ["convolve", "correlate"]


@primitive("Convolve", arity=2)
def _convolve(in1, in2, mode="full", method="auto"):
    return require("scipy.signal").convolve(in1, in2, mode=mode, method=method)


def _full_cotangent(g, in1, in2, mode):
    full = tuple(a + b - 1 for a, b in zip(in1.shape, in2.shape))
    if mode == "full":
        return g
    start = tuple((f - o) // 2 for f, o in zip(full, g.shape))
    idx = tuple(slice(s, s + o) for s, o in zip(start, g.shape))
    return scatter_add(g, idx, full)


def _flip(x):
    return x[(slice(None, None, -1),) * x.ndim]


def _convolve_grad(which: int):
    def rule(g, ans, in1, in2, mode="full", method="auto"):
        gf = _full_cotangent(g, in1, in2, mode)
        other = in2 if which == 0 else in1
        return _convolve(gf, _flip(other), mode="valid", method=method)

    return rule


defvjp(_convolve, _convolve_grad(0), _convolve_grad(1))


def _check(in1: Any, in2: Any, mode: str) -> tuple[Tensor, Tensor]:
    """Both inputs as tensors (array-likes holding tensors keep their graph), checked."""
    if mode not in ("full", "same", "valid"):
        raise ValueError("acceptable mode flags are 'valid', 'same', or 'full'")
    in1, in2 = _as_tensor(in1), _as_tensor(in2)
    if in1.ndim != in2.ndim:
        raise ValueError("in1 and in2 should have the same dimensionality")
    return in1, in2


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Tensor:
    """``scipy.signal.convolve``, differentiable in both inputs."""
    in1, in2 = _check(in1, in2, mode)
    return _convolve(in1, in2, mode=mode, method=method)


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Tensor:
    """``scipy.signal.correlate``: convolution with ``in2`` flipped and conjugated."""
    in1, in2 = _check(in1, in2, mode)
    flipped = _flip(in2)
    if flipped.dtype.kind == "c":
        flipped = ew.conjugate(flipped)
    return _convolve(in1, flipped, mode=mode, method=method)
