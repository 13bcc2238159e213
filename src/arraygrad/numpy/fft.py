"""``arraygrad.numpy.fft``: ``numpy.fft``, differentiable (complex gradients in JAX's
convention). Plain ``numpy.fft.fn(tensor)`` dispatches here.

All transforms are one primitive (``ops/fftops.py``); ``hfft``/``ihfft`` are built from
``irfft``/``rfft`` exactly as NumPy builds them.
"""

from __future__ import annotations

from typing import Any as _Any

import numpy as _np

from ..core.primitive import as_tensor as _as_tensor  # a list of tensors stacks
from ..core.tensor import Tensor as _Tensor
from ..ops import elementwise as _ew
from ..ops.fftops import fftn as _fftn
from ..ops.fftops import shift as _shift

__all__ = [
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
    "rfftn", "irfftn", "hfft", "ihfft", "fftshift", "ifftshift", "fftfreq", "rfftfreq",
]

_NORMS = (None, "backward", "ortho", "forward")


def _check(norm: _Any, out: _Any) -> None:
    if out is not None:
        raise TypeError("numpy.fft with out= is not supported by arraygrad; use the result")
    if norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or '
                         '"forward".')


def _inexact(a: _Tensor, real_input: bool) -> _Tensor:
    if real_input and a.dtype.kind == "c":
        raise TypeError("ufunc 'rfft' not supported for the input types")
    if a.dtype.kind not in "fc":
        return _ew.astype(a, _np.float64)
    return a


def _plan(a: _Tensor, s: _Any, axes: _Any, inverse_real: bool = False) -> tuple:
    """NumPy's rules for ``s`` and ``axes``: complete tuples of lengths and positive axes."""
    if axes is None:
        axes = tuple(range(a.ndim)) if s is None else tuple(range(a.ndim - len(s), a.ndim))
    axes = tuple(int(ax) % a.ndim for ax in axes)
    if s is None:
        s = [a.shape[ax] for ax in axes]
        if inverse_real:
            s[-1] = 2 * (s[-1] - 1)
    else:
        if len(s) != len(axes):
            raise ValueError("Shape and axes have different lengths.")
        s = [a.shape[ax] if n is None or n == -1 else int(n) for n, ax in zip(s, axes)]
    for n in s:
        if n < 1:
            raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return tuple(s), axes


def _transform(kind: str, a: _Any, s: _Any, axes: _Any, norm: _Any, out: _Any = None):
    _check(norm, out)
    a = _inexact(_as_tensor(a), kind == "rfft")
    s, axes = _plan(a, s, axes, inverse_real=kind == "irfft")
    return _fftn(a, kind, s, axes, norm=norm)


def _one(n: _Any) -> _Any:
    return None if n is None else (n,)


# ---------------------------------------------------------------------------- transforms


def fft(a, n=None, axis=-1, norm=None, out=None):
    return _transform("fft", a, _one(n), (axis,), norm, out)


def ifft(a, n=None, axis=-1, norm=None, out=None):
    return _transform("ifft", a, _one(n), (axis,), norm, out)


def rfft(a, n=None, axis=-1, norm=None, out=None):
    return _transform("rfft", a, _one(n), (axis,), norm, out)


def irfft(a, n=None, axis=-1, norm=None, out=None):
    return _transform("irfft", a, _one(n), (axis,), norm, out)


def fftn(a, s=None, axes=None, norm=None, out=None):
    return _transform("fft", a, s, axes, norm, out)


def ifftn(a, s=None, axes=None, norm=None, out=None):
    return _transform("ifft", a, s, axes, norm, out)


def rfftn(a, s=None, axes=None, norm=None, out=None):
    return _transform("rfft", a, s, axes, norm, out)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    return _transform("irfft", a, s, axes, norm, out)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _transform("fft", a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _transform("ifft", a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _transform("rfft", a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _transform("irfft", a, s, axes, norm, out)


_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """The FFT of a Hermitian-symmetric signal given by its first half (real output)."""
    _check(norm, out)
    a = _as_tensor(a)
    if n is None:
        n = (a.shape[axis] - 1) * 2
    return irfft(_ew.conjugate(a), n, axis, norm=_SWAP[norm])


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse of ``hfft`` (a real input, a half spectrum out)."""
    _check(norm, out)
    return _ew.conjugate(rfft(a, n, axis, norm=_SWAP[norm]))


# ---------------------------------------------------------------------------- helpers


def fftshift(x, axes=None):
    """Move the zero frequency to the centre (a permutation: its gradient is undone by
    ``ifftshift``)."""
    return _shift(_as_tensor(x), axes, False)


def ifftshift(x, axes=None):
    return _shift(_as_tensor(x), axes, True)


def fftfreq(n, d=1.0, device=None):
    """Sample frequencies (constants: no gradient)."""
    return _Tensor._make(_np.fft.fftfreq(n, d))


def rfftfreq(n, d=1.0, device=None):
    return _Tensor._make(_np.fft.rfftfreq(n, d))

