"""``arraygrad.data``: the bundled digits data set, ``TensorDataset`` and ``DataLoader``.

    X_train, y_train = ag.data.load_digits("train")
    loader = ag.data.DataLoader((X_train, y_train), batch_size=64, shuffle=True, seed=0)
    for xb, yb in loader:
        ...

The digits are the UCI optical handwritten digits (1,797 8x8 images; CC BY 4.0,
Alpaydin & Kaynak 1998, https://doi.org/10.24432/C50P49); see DIGITS.txt beside this file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..core.tensor import Tensor

__all__ = ["load_digits", "digits_path", "TensorDataset", "DataLoader"]

_HERE = Path(__file__).resolve().parent


def digits_path() -> Path:
    """Where the bundled ``digits.npz`` lives."""
    return _HERE / "digits.npz"


def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    path = digits_path()
    try:
        with np.load(path, allow_pickle=False) as f:
            images, labels = f["images"], f["labels"]
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the bundled digits file {path} is missing; reinstall arraygrad, or recreate it "
            "with `python tools/make_digits.py` (needs scikit-learn once)"
        ) from None
    if images.shape != (1797, 64) or labels.shape != (1797,):
        raise ValueError(f"{path} is damaged: unexpected shapes {images.shape}, {labels.shape}")
    return images, labels


def load_digits(split: str | None = "train", test_fraction: float = 0.2, seed: int = 0,
                normalize: bool = True, dtype: Any = np.float64) -> tuple[Tensor, Tensor]:
    """The bundled handwritten digits as ``(X, y)``: X (n, 64) images, y (n,) int64 labels.

    ``split``: 'train', 'test' or None (all 1,797). The split is stratified (each digit
    keeps its share) and fixed by ``seed``; ``test_fraction`` of each class is held out.
    ``normalize`` scales pixels from 0..16 to [0, 1] (as ``dtype``); otherwise the raw
    uint8 values are returned (converted to ``dtype`` unless ``dtype`` is None).
    """
    if split not in ("train", "test", None):
        raise ValueError(f"split must be 'train', 'test' or None, got {split!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    images, labels = _read_digits()
    if split is not None:
        rng = np.random.default_rng(seed)
        test_mask = np.zeros(labels.shape[0], dtype=bool)
        for c in range(10):
            idx = np.flatnonzero(labels == c)
            idx = rng.permutation(idx)
            test_mask[idx[: int(round(test_fraction * idx.size))]] = True
        keep = np.flatnonzero(test_mask if split == "test" else ~test_mask)
        keep = rng.permutation(keep)
        images, labels = images[keep], labels[keep]
    if normalize:
        X = images.astype(dtype or np.float64) / 16
    else:
        X = images.astype(dtype) if dtype is not None else images.copy()
    return Tensor(X), Tensor(labels.astype(np.int64))


class TensorDataset:
    """Arrays sharing their first axis: ``ds[i]`` is the tuple of their ``i``-th rows."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one array")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t))
                             for t in tensors)
        n = len(self.tensors[0])
        for t in self.tensors:
            if t.ndim == 0 or len(t) != n:
                raise ValueError(
                    "TensorDataset: all arrays must have the same length along the first "
                    f"axis; got shapes {[tuple(x.shape) for x in self.tensors]}"
                )

    def __len__(self) -> int:
        return len(self.tensors[0])

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)


class DataLoader:
    """Mini-batches of a data set, as Tensors.

    ``dataset_or_arrays``: a ``TensorDataset``, a tuple/list of arrays sharing the first
    axis, one array, or any object with ``__len__`` and ``__getitem__`` returning a tuple of
    arrays (items are stacked). ``shuffle`` draws a new order every epoch from a generator
    seeded once with ``seed`` (repeatable runs); ``drop_last`` drops a short last batch.
    Batches of arrays are taken by fancy indexing: they are copies outside any graph.
    """

    def __init__(self, dataset_or_arrays: Any, batch_size: int = 1, shuffle: bool = False,
                 seed: int | None = None, drop_last: bool = False, *,
                 generator: Any = None, sampler: Any = None,
                 collate_fn: Any = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = seed
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: give a seed or a generator, not both")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        self._rng = generator if generator is not None else np.random.default_rng(seed)
        self.sampler = sampler
        self.collate_fn = collate_fn
        data = dataset_or_arrays
        self._single = False
        if isinstance(data, TensorDataset):
            self._arrays: Sequence[Any] | None = [t._data for t in data.tensors]
        elif isinstance(data, (tuple, list)) and data and all(
                isinstance(a, (Tensor, np.ndarray)) for a in data):
            self.dataset = TensorDataset(*data)
            self._arrays = [t._data for t in self.dataset.tensors]
            data = self.dataset
        elif isinstance(data, (Tensor, np.ndarray)):
            self._single = True
            data = TensorDataset(data)
            self._arrays = [t._data for t in data.tensors]
        elif hasattr(data, "__len__") and hasattr(data, "__getitem__"):
            self._arrays = None
        else:
            raise TypeError(f"DataLoader needs a data set (with __len__ and __getitem__) or "
                            f"arrays, got {type(data).__name__}")
        self.dataset = data

    def __len__(self) -> int:
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> Any:
        """The epoch's indices: the sampler's, a fresh permutation, or None (in order)."""
        if self.sampler is not None:
            return np.fromiter((int(i) for i in self.sampler), dtype=np.int64)
        if self.shuffle:
            return self._rng.permutation(len(self.dataset))
        return None

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        n = len(self.dataset) if order is None else len(order)
        stop = (n // self.batch_size) * self.batch_size if self.drop_last else n
        collate = self.collate_fn or _collate
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            idx = order[start:end] if order is not None else slice(start, end)
            if self._arrays is not None and self.collate_fn is None:
                batch = tuple(Tensor._make(_take(a, idx)) for a in self._arrays)
                yield batch[0] if self._single else batch
            else:
                rng_idx = idx if order is not None else range(start, end)
                yield collate([self.dataset[int(i)] for i in rng_idx])


def _take(a: Any, idx: Any) -> Any:
    out = a[idx]
    return out.copy() if isinstance(idx, slice) else out


def _collate(items: list) -> Any:
    first = items[0]
    if isinstance(first, (tuple, list)):
        return tuple(_collate([it[k] for it in items]) for k in range(len(first)))
    arrs = [it._data if isinstance(it, Tensor) else np.asarray(it) for it in items]
    return Tensor._make(np.stack(arrs))
