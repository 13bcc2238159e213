"""Discrete Fourier transforms: one primitive for the four kinds NumPy has (complex
``fft``/``ifft``, real ``rfft``/``irfft``, over any axes), plus the crop-or-pad that its
``s``/``n`` arguments imply, each with its VJP.

The DFT matrix is symmetric, so under JAX's convention (a linear map's VJP is its plain
transpose) the VJP of ``fft`` is ``fft`` of the cotangent with the same ``norm``, and
likewise for ``ifft``. The real transforms need a little more:

- ``rfft`` keeps the first ``n//2 + 1`` outputs of a full FFT of real data: its transpose
  zero-pads the cotangent to ``n``, runs a full FFT and keeps the real part.
- ``irfft`` reads a half spectrum ``y`` as a Hermitian one, which is the same as
  ``x = Re(ifft(pad_n(w * y)))`` with weights ``w = 1`` for the zero (and, for even ``n``,
  the Nyquist) frequency and ``w = 2`` for the others: its transpose is
  ``w * ifft(g)[:n//2 + 1]``.

Every rule is written with these same ops, so gradients of any order work.
"""

from __future__ import annotations

import numpy as np

from .._backend import array_module
from ..core.primitive import defvjp, primitive
from .elementwise import real

_FORWARD = {"fft": "fftn", "ifft": "ifftn", "rfft": "rfftn", "irfft": "irfftn"}


@primitive("Resize", arity=1)
def resize(x, shape):
    """Crop or zero-pad each axis of ``x`` at its end to ``shape`` (what ``n``/``s`` do)."""
    out = array_module(x).zeros(shape, dtype=x.dtype)
    common = tuple(slice(0, min(a, b)) for a, b in zip(x.shape, shape))
    out[common] = x[common]
    return out


defvjp(resize, lambda g, ans, x, shape: resize(g, x.shape), save=False)


@primitive("FFT", arity=1)
def fftn(x, kind, s, axes, norm=None):
    """``numpy.fft.<kind>n(x, s, axes, norm)`` with ``s`` and ``axes`` already complete."""
    return getattr(np.fft, _FORWARD[kind])(x, s=s, axes=axes, norm=norm)


def _fft_grad(g, ans, x, kind, s, axes, norm=None):
    if kind in ("fft", "ifft"):
        return resize(fftn(g, kind, s, axes, norm), x.shape)
    if kind == "rfft":
        # fftn with the full lengths s zero-pads the half spectrum g back to s[-1].
        return real(resize(fftn(g, "fft", s, axes, norm), x.shape))
    # irfft
    n = s[-1]
    m = n // 2 + 1
    h = fftn(g, "ifft", s, axes, norm)
    half = list(h.shape)
    half[axes[-1]] = m
    w = np.full(m, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    w = w.reshape((m,) + (1,) * (g.ndim - 1 - axes[-1]))
    return resize(resize(h, tuple(half)) * w, x.shape)


defvjp(fftn, _fft_grad, save=False)


# fftshift / ifftshift: a permutation, undone by the other one.
@primitive("FFTShift", arity=1)
def shift(x, axes, inverse):
    return (np.fft.ifftshift if inverse else np.fft.fftshift)(x, axes)


defvjp(shift, lambda g, ans, x, axes, inverse: shift(g, axes, not inverse), save=False)
