"""``gluon.utils``: ``split_and_load`` and ``split_data`` on one device."""

from __future__ import annotations

from typing import Any

from ....ops import shape as _sh

__all__ = ["split_data", "split_and_load"]


def split_data(data: Any, num_slice: int, batch_axis: int = 0, even_split: bool = True) -> list:
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(f"data with shape {data.shape} cannot be evenly split into "
                         f"{num_slice} slices along axis {batch_axis}; use even_split=False")
    step = size // num_slice
    bounds = [i * step for i in range(num_slice)] + [size]
    return [_sh.swapaxes(_sh.swapaxes(data, 0, batch_axis)[a:b], 0, batch_axis)
            for a, b in zip(bounds[:-1], bounds[1:])]


def split_and_load(data: Any, ctx_list: Any, batch_axis: int = 0,
                   even_split: bool = True) -> list:
    if not isinstance(ctx_list, (list, tuple)):
        ctx_list = [ctx_list]
    if len(ctx_list) == 1:
        return [data.to(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.to(c) for s, c in zip(slices, ctx_list)]
