"""``gluon.data.vision.transforms``: ``ToTensor``, ``Normalize``, ``Resize``, ``Cast``,
``Compose``, as Gluon's (images are (H, W, C) arrays; ``ToTensor`` makes them (C, H, W)
float32 in [0, 1])."""

from __future__ import annotations

from typing import Any

import numpy as _onp

from ......core.tensor import Tensor
from ......data.image import resize_bilinear
from ......ops import elementwise as _ew
from ......ops import shape as _sh
from .... import np as _mxnp
from ...block import Block, HybridBlock
from ...nn import Sequential

__all__ = ["Compose", "ToTensor", "Normalize", "Resize", "Cast"]


class Compose(Sequential):
    """Transforms applied in order."""

    def __init__(self, transforms: list) -> None:
        super().__init__()
        for t in transforms:
            self.add(t)


class ToTensor(HybridBlock):
    """(H, W, C) or (N, H, W, C) uint8 in [0, 255] -> (C, H, W) or (N, C, H, W) float32 in
    [0, 1]."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        x = x if isinstance(x, Tensor) else _mxnp.array(x, dtype=_onp.asarray(x).dtype)
        if x.ndim not in (3, 4):
            raise ValueError(f"ToTensor: expected an (H, W, C) or (N, H, W, C) image, got "
                             f"shape {x.shape}")
        x = _sh.moveaxis(x, -1, -3)
        return _ew.astype(x, _onp.float32) / _onp.float32(255.0)

    def __repr__(self) -> str:
        return type(self).__name__


class Normalize(HybridBlock):
    """``(x - mean) / std`` per channel of a (C, H, W) or (N, C, H, W) tensor."""

    def __init__(self, mean: Any = 0.0, std: Any = 1.0) -> None:
        super().__init__()
        self._mean, self._std = mean, std

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        mean = _onp.asarray(self._mean, dtype=x.dtype).reshape(-1, 1, 1)
        std = _onp.asarray(self._std, dtype=x.dtype).reshape(-1, 1, 1)
        return (x - mean) / std


class Cast(HybridBlock):
    def __init__(self, dtype: Any = "float32") -> None:
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return _ew.astype(x, _onp.dtype(self._dtype))


class Resize(Block):
    """Resize an (H, W, C) or (N, H, W, C) image to ``size`` (an int: square; a tuple:
    (width, height), as Gluon's) by bilinear interpolation; ``keep_ratio`` scales the short
    side to ``size``."""

    def __init__(self, size: Any, keep_ratio: bool = False, interpolation: int = 1) -> None:
        super().__init__()
        if interpolation != 1:
            raise NotImplementedError("Resize: only bilinear interpolation (1) is supported")
        self._size = size
        self._keep = keep_ratio

    def _target(self, h: int, w: int) -> tuple[int, int]:
        if isinstance(self._size, (int, _onp.integer)):
            if not self._keep:
                return int(self._size), int(self._size)
            if h > w:
                return int(self._size * h / w), int(self._size)
            return int(self._size), int(self._size * w / h)
        width, height = self._size
        return int(height), int(width)

    def forward(self, x: Any) -> Any:
        arr = x._data if isinstance(x, Tensor) else _onp.asarray(x)
        if arr.ndim == 3:
            out = resize_bilinear(arr, self._target(*arr.shape[:2]))
        elif arr.ndim == 4:
            size = self._target(*arr.shape[1:3])
            out = _onp.stack([resize_bilinear(a, size) for a in arr])
        else:
            raise ValueError(f"Resize: expected an (H, W, C) or (N, H, W, C) image, got "
                             f"shape {arr.shape}")
        return _mxnp._mx(Tensor._make(out))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self._size}, keep_ratio={self._keep})"


