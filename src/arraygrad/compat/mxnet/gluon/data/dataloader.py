"""``gluon.data.DataLoader``: mini-batches of a Dataset, as Gluon's.

Items are stacked into batches by ``batchify_fn`` (default: arrays are stacked, tuples
batched element by element, NumPy scalars become one array of their dtype). Batches are
new arrays outside any graph. ``num_workers`` is accepted and ignored: batches are read
in this process.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as _onp

from .....core.tensor import Tensor
from ... import np as _mxnp
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_batchify_fn"]


def default_batchify_fn(data: list) -> Any:
    """Stack a list of items into one batch (recursively for tuples)."""
    first = data[0]
    if isinstance(first, (tuple, list)):
        return tuple(default_batchify_fn(list(d)) for d in zip(*data))
    if isinstance(first, Tensor):
        return _mxnp._mx(Tensor._make(_onp.stack([d._data for d in data])))
    arr = _onp.asarray(data)
    return _mxnp._mx(Tensor._make(arr))


class DataLoader:
    """``DataLoader(dataset, batch_size=None, shuffle=False, sampler=None,
    last_batch=None, batch_sampler=None, batchify_fn=None, num_workers=0)``."""

    def __init__(self, dataset: Any, batch_size: int | None = None, shuffle: bool = False,
                 sampler: Any = None, last_batch: str | None = None, batch_sampler: Any = None,
                 batchify_fn: Any = None, num_workers: int = 0, pin_memory: bool = False,
                 pin_device_id: int = 0, prefetch: Any = None, thread_pool: bool = False,
                 timeout: int = 120) -> None:
        self._dataset = dataset
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is "
                                 "specified")
            if sampler is None:
                sampler = RandomSampler(len(dataset)) if shuffle else \
                    SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = BatchSampler(sampler, batch_size,
                                         last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or \
                last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be "
                             "specified if batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        self._batchify_fn = default_batchify_fn if batchify_fn is None else batchify_fn

    def __iter__(self) -> Iterator[Any]:
        for batch in self._batch_sampler:
            yield self._batchify_fn([self._dataset[idx] for idx in batch])

    def __len__(self) -> int:
        return len(self._batch_sampler)


