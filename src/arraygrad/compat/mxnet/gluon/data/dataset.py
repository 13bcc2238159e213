"""``gluon.data`` data sets: ``Dataset``, ``ArrayDataset``, ``SimpleDataset`` and the
lazily transformed views ``transform`` / ``transform_first`` make."""

from __future__ import annotations

from typing import Any

from .....core.tensor import Tensor

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset"]


class Dataset:
    """Anything with ``__getitem__`` and ``__len__``."""

    def __getitem__(self, idx: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def transform(self, fn: Any, lazy: bool = True) -> Dataset:
        """``fn(*item)`` applied to every item (when read, or all now with
        ``lazy=False``)."""
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([i for i in trans])

    def transform_first(self, fn: Any, lazy: bool = True) -> Dataset:
        """``fn`` applied to the first element of every item (the image, not the label)."""
        return self.transform(_TransformFirstClosure(fn), lazy)

    def filter(self, fn: Any) -> Dataset:
        return SimpleDataset([x for x in self if fn(x)])

    def take(self, count: int | None) -> Dataset:
        if count is None or count >= len(self):
            return self
        return SimpleDataset([self[i] for i in range(count)])

    def __iter__(self) -> Any:
        for i in range(len(self)):
            yield self[i]


class SimpleDataset(Dataset):
    """A list (or anything indexable with a length) as a Dataset."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx: int) -> Any:
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data: Dataset, fn: Any) -> None:
        self._data = data
        self._fn = fn

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx: int) -> Any:
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    def __init__(self, fn: Any) -> None:
        self._fn = fn

    def __call__(self, x: Any, *args: Any) -> Any:
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class ArrayDataset(Dataset):
    """Arrays (or lists) of the same length; item ``i`` is the tuple of their ``i``-th
    elements (one array: the element itself). A 1-D array's elements come out as NumPy
    scalars, as MXNet's do, and are batched into an array again by the DataLoader."""

    def __init__(self, *args: Any) -> None:
        if not args:
            raise ValueError("ArrayDataset needs at least 1 array")
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            if len(data) != self._length:
                raise ValueError(f"All arrays must have the same length; array[0] has length "
                                 f"{self._length} while array[{i}] has {len(data)}.")
            if isinstance(data, Tensor) and data.ndim == 1:
                data = data.numpy()
            self._data.append(data)

    def __getitem__(self, idx: int) -> Any:
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self) -> int:
        return self._length


