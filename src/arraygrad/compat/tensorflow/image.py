"""``tf.image``: ``resize`` (bilinear or nearest) and ``resize_with_pad`` for image
batches ``(N, H, W, C)`` or single images ``(H, W, C)``.

A bilinear resize is linear in the pixels, so it is two matrix products with fixed
interpolation matrices (one per spatial axis, built here with TensorFlow 2's
half-pixel-centre rule) in one ``arraygrad.numpy.einsum``: differentiable, and the same
numbers as ``tf.image.resize(..., antialias=False)``. Results are float32, as in
TensorFlow.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ... import numpy as _anp
from ...core.tensor import Tensor


class ResizeMethod:
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"


def _weights(n_in: int, n_out: int, method: str) -> np.ndarray:
    """The ``(n_out, n_in)`` matrix taking one axis of ``n_in`` pixels to ``n_out``."""
    scale = n_in / n_out
    pos = (np.arange(n_out) + 0.5) * scale  # centres of the output pixels, in input units
    w = np.zeros((n_out, n_in), dtype=np.float32)
    rows = np.arange(n_out)
    if method == ResizeMethod.NEAREST_NEIGHBOR:
        w[rows, np.minimum(np.floor(pos).astype(np.int64), n_in - 1)] = 1
        return w
    x = pos - 0.5
    lower = np.maximum(np.floor(x), 0).astype(np.int64)
    upper = np.minimum(np.ceil(x), n_in - 1).astype(np.int64)
    frac = (x - np.floor(x)).astype(np.float32)
    np.add.at(w, (rows, lower), 1 - frac)
    np.add.at(w, (rows, upper), frac)
    return w


def resize(images: Any, size: Any, method: str = ResizeMethod.BILINEAR,
           preserve_aspect_ratio: bool = False, antialias: bool = False,
           name: Any = None) -> Tensor:
    """``images`` resized to ``size = (height, width)``."""
    from . import cast, constant

    if antialias or preserve_aspect_ratio:
        raise NotImplementedError("tf.image.resize: antialias and preserve_aspect_ratio are "
                                  "not supported")
    method = getattr(method, "value", method)
    if method not in (ResizeMethod.BILINEAR, ResizeMethod.NEAREST_NEIGHBOR):
        raise NotImplementedError(f"tf.image.resize: method {method!r} is not supported "
                                  "(bilinear, nearest)")
    x = images if isinstance(images, Tensor) else constant(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"tf.image.resize: images must be (H, W, C) or (N, H, W, C), got "
                         f"shape {tuple(x.shape)}")
    h, w = (int(s) for s in size)
    H, W = x.shape[-3], x.shape[-2]
    if x.dtype != np.float32:
        x = cast(x, np.float32)
    wh = Tensor._make(_weights(H, h, method))
    ww = Tensor._make(_weights(W, w, method))
    return _anp.einsum("hH,...HWc,wW->...hwc", wh, x, ww)


def resize_with_pad(image: Any, target_height: int, target_width: int,
                    method: str = ResizeMethod.BILINEAR, antialias: bool = False) -> Tensor:
    """Resize keeping the aspect ratio so the image fits, then pad with zeros to
    ``(target_height, target_width)`` (centred, as TensorFlow)."""
    from . import constant

    x = image if isinstance(image, Tensor) else constant(image)
    H, W = x.shape[-3], x.shape[-2]
    ratio = max(W / target_width, H / target_height)
    rh, rw = H / ratio, W / ratio
    out = resize(x, (math.floor(rh), math.floor(rw)), method=method, antialias=antialias)
    top = max(0, math.floor((target_height - rh) / 2))
    left = max(0, math.floor((target_width - rw) / 2))
    pad = [(0, 0)] * (out.ndim - 3) + [
        (top, target_height - out.shape[-3] - top),
        (left, target_width - out.shape[-2] - left), (0, 0)]
    if any(p for pair in pad for p in pair):
        out = _anp.pad(out, pad)
    return out
