"""Image resizing for the data pipelines (no gradients: it prepares inputs).

``resize_bilinear`` follows OpenCV's ``INTER_LINEAR`` convention, which MXNet's
``transforms.Resize`` uses: pixel centres aligned (``src = (dst + 0.5) * scale - 0.5``),
edges clamped, integer images rounded to the nearest value. OpenCV computes in fixed
point, so a uint8 result can differ from it by one grey level.
"""

from __future__ import annotations

import numpy as np

__all__ = ["resize_bilinear"]


def _taps(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each output position: the two source positions and the weight of the second."""
    pos = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
    pos = np.clip(pos, 0, n_in - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, pos - lo


def resize_bilinear(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``img`` (H, W) or (H, W, C) resized to ``size`` = (height, width), same dtype."""
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ValueError(f"resize_bilinear: expected an (H, W) or (H, W, C) image, got "
                         f"shape {img.shape}")
    h, w = int(size[0]), int(size[1])
    if h <= 0 or w <= 0:
        raise ValueError(f"resize_bilinear: the size must be positive, got {size}")
    y0, y1, wy = _taps(img.shape[0], h)
    x0, x1, wx = _taps(img.shape[1], w)
    src = img.astype(np.float64)
    shape = (-1, 1) + (1,) * (img.ndim - 2)
    wy = wy.reshape(shape)
    rows = src[y0] * (1 - wy) + src[y1] * wy
    wx = wx.reshape((1, -1) + (1,) * (img.ndim - 2))
    out = rows[:, x0] * (1 - wx) + rows[:, x1] * wx
    if img.dtype.kind in "iu":
        info = np.iinfo(img.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(img.dtype)
    return out.astype(img.dtype)
