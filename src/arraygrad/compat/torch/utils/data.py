"""``torch.utils.data``: ``Dataset``, ``TensorDataset``, ``Subset``, ``DataLoader`` on
arraygrad.data.

``DataLoader`` takes PyTorch's arguments. ``shuffle=True`` draws each epoch's order from
the front door's generator (``torch.manual_seed`` makes it repeatable) unless given a
``generator``; ``num_workers``, ``pin_memory``, ``timeout``, ``worker_init_fn``,
``prefetch_factor`` and ``persistent_workers`` are accepted and the batches are made in
the calling process (arraygrad has no worker processes: the batches are the same).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ....data import DataLoader as _DataLoader
from ....data import TensorDataset
from .._generator import default_generator as _rng

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "random_split"]


class Dataset:
    """Base class of map-style data sets: define ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no __getitem__()")


class Subset(Dataset):
    """The items of ``dataset`` at ``indices``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, idx: Any) -> Any:
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Any, lengths: Sequence[Any], generator: Any = None) -> list:
    """Split into non-overlapping ``Subset``s of the given lengths (or fractions)."""
    n = len(dataset)
    if all(0 <= x <= 1 for x in lengths) and abs(sum(lengths) - 1) < 1e-9 and n > 1:
        sizes = [int(x * n) for x in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(x) for x in lengths]
    if sum(sizes) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = (generator or _rng).permutation(n).tolist()
    out, start = [], 0
    for size in sizes:
        out.append(Subset(dataset, order[start:start + size]))
        start += size
    return out


class DataLoader(_DataLoader):
    """``torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False, sampler=None,
    ..., num_workers=0, collate_fn=None, drop_last=False, generator=None)``."""

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Any = None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn: Any = None,
                 multiprocessing_context: Any = None, generator: Any = None, *,
                 prefetch_factor: Any = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", **kwargs: Any) -> None:
        if batch_sampler is not None or batch_size is None:
            raise NotImplementedError(
                "DataLoader: batch_sampler= and batch_size=None are not supported by "
                "arraygrad's torch front door; give batch_size (and sampler= for an order)"
            )
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use "
                             "num_workers=0 to disable multiprocessing.")
        self.num_workers = num_workers
        super().__init__(dataset, batch_size, shuffle=bool(shuffle), drop_last=drop_last,
                         generator=_rng if generator is None else generator,
                         sampler=sampler, collate_fn=collate_fn)

    def __iter__(self) -> Iterator[Any]:
        # PyTorch's default collation makes a batch of tuples a *list* of tensors
        for batch in super().__iter__():
            yield list(batch) if isinstance(batch, tuple) and self.collate_fn is None else batch
