"""``tf.data``: ``Dataset`` pipelines over in-memory arrays (``arraygrad.data``'s rows).

``Dataset.from_tensor_slices((X, y))`` holds the arrays as an ``arraygrad.data``
``TensorDataset``; ``shuffle``, ``batch``, ``map``, ``take``, ``skip``, ``repeat`` ...
are lazy steps, run again every time the dataset is iterated (so each epoch reshuffles,
as ``reshuffle_each_iteration=True`` does). While a pipeline is slices, shuffles and
then a batch, it works on row numbers and takes each batch with one fancy index.

TensorFlow's semantics, kept: ``shuffle(buffer_size)`` draws from a buffer of that many
elements (a buffer at least the dataset's length gives a uniform shuffle); a
``shuffle`` after ``batch`` shuffles whole batches; the last batch is short unless
``drop_remainder=True``; ``map(f)`` calls ``f(*element)`` for tuple elements. Draws come
from the front door's generator (``tf.random.set_seed``) unless ``seed`` is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ...core.tensor import Tensor
from ...data import TensorDataset

__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def _flatten(structure: Any) -> tuple[list, Any]:
    """Leaves of a tuple / list / dict / single array, and how to put them back."""
    if isinstance(structure, dict):
        keys = list(structure)
        return [structure[k] for k in keys], ("dict", keys)
    if isinstance(structure, (tuple, list)) and not _is_leaf_list(structure):
        return list(structure), ("tuple", len(structure))
    return [structure], ("single", None)


def _is_leaf_list(x: Any) -> bool:
    """A Python list of numbers is one array (TensorFlow converts it), not a tuple."""
    return isinstance(x, list) and not any(isinstance(v, (Tensor, np.ndarray, tuple, list,
                                                          dict)) for v in x)


def _rebuild(leaves: list, spec: Any) -> Any:
    kind, info = spec
    if kind == "dict":
        return dict(zip(info, leaves))
    if kind == "tuple":
        return tuple(leaves)
    return leaves[0]


def _to_tensor(x: Any) -> Tensor:
    from . import constant

    if isinstance(x, Tensor):
        return Tensor._make(x._data)  # the dataset holds values, not graph nodes
    return constant(x)


def _stack(elements: list) -> Any:
    """A batch of elements: each leaf stacked along a new first axis."""
    first_leaves, spec = _flatten(elements[0])
    columns = [[] for _ in first_leaves]
    for e in elements:
        for col, leaf in zip(columns, _flatten(e)[0]):
            col.append(leaf._data if isinstance(leaf, Tensor) else np.asarray(leaf))
    return _rebuild([Tensor._make(np.stack(col)) for col in columns], spec)


class Dataset:
    """A re-iterable pipeline of elements (tensors, or tuples / dicts of tensors)."""

    def __init__(self, elements: Callable[[], Iterator[Any]], length: int,
                 rows: Any = None) -> None:
        # ``elements()`` starts a new pass; ``length`` is the cardinality (or one of the
        # constants above); ``rows`` (source, order) when the elements are still single
        # rows of a TensorDataset, ``order()`` giving one pass's row numbers.
        self._elements = elements
        self._length = length
        self._rows = rows

    # ------------------------------------------------------------------ sources
    @staticmethod
    def from_tensor_slices(tensors: Any, name: Any = None) -> Dataset:
        """Elements are the rows (slices along the first axis) of ``tensors``: an array,
        or a tuple / dict of arrays of the same length."""
        leaves, spec = _flatten(tensors)
        source = TensorDataset(*[_to_tensor(x) for x in leaves])
        n = len(source)

        def element(i: Any) -> Any:
            return _rebuild(list(source[i]), spec)

        def order() -> np.ndarray:
            return np.arange(n)

        return Dataset(lambda: (element(int(i)) for i in range(n)), n,
                       rows=(source, spec, order))

    @staticmethod
    def from_tensors(tensors: Any, name: Any = None) -> Dataset:
        """One element: ``tensors`` as they are."""
        leaves, spec = _flatten(tensors)
        value = _rebuild([_to_tensor(x) for x in leaves], spec)
        return Dataset(lambda: iter([value]), 1)

    @staticmethod
    def range(*args: Any, output_type: Any = np.int64, name: Any = None) -> Dataset:
        values = range(*(int(a) for a in args))
        return Dataset(lambda: (Tensor._make(np.asarray(v, dtype=output_type))
                                for v in values), len(values))

    @staticmethod
    def zip(datasets: Any, name: Any = None) -> Dataset:
        parts = list(datasets)
        lengths = [d._length for d in parts]
        finite = [n for n in lengths if n >= 0]
        n = min(finite) if finite else lengths[0]
        return Dataset(lambda: zip(*(iter(d) for d in parts)), n)

    # ------------------------------------------------------------------ iteration
    def __iter__(self) -> Iterator[Any]:
        return iter(self._elements())

    def __len__(self) -> int:
        if self._length == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._length < 0:
            raise TypeError("The dataset length is unknown.")
        return self._length

    def cardinality(self) -> Tensor:
        return Tensor._make(np.asarray(self._length, dtype=np.int64))

    def as_numpy_iterator(self) -> Iterator[Any]:
        for e in self:
            leaves, spec = _flatten(e)
            yield _rebuild([x.numpy() if isinstance(x, Tensor) else x for x in leaves], spec)

    # ------------------------------------------------------------------ transformations
    def shuffle(self, buffer_size: int, seed: Any = None,
                reshuffle_each_iteration: bool = True, name: Any = None) -> Dataset:
        """Elements drawn at random from a buffer of ``buffer_size`` of them."""
        buffer_size = int(buffer_size)
        if buffer_size < 1 and buffer_size != AUTOTUNE:
            raise ValueError(f"Dataset.shuffle: buffer_size must be positive, got "
                             f"{buffer_size}")
        from . import random

        rng = np.random.default_rng(seed if seed is not None else
                                    random._generator().integers(2 ** 63))
        state = rng.bit_generator.state
        size = buffer_size if buffer_size > 0 else max(self._length, 1)

        def generator() -> np.random.Generator:
            if not reshuffle_each_iteration:
                rng.bit_generator.state = state  # the same order every pass
            return rng

        if self._rows is not None:
            source, spec, parent_order = self._rows

            def order() -> np.ndarray:
                rows = parent_order()
                g = generator()
                if size >= len(rows):
                    return rows[g.permutation(len(rows))]
                return np.asarray(list(_buffer_shuffle(iter(rows.tolist()), size, g)))

            return Dataset(lambda: (_rebuild(list(source[int(i)]), spec) for i in order()),
                           self._length, rows=(source, spec, order))
        return Dataset(lambda: _buffer_shuffle(iter(self), size, generator()), self._length)

    def batch(self, batch_size: int, drop_remainder: bool = False,
              num_parallel_calls: Any = None, deterministic: Any = None,
              name: Any = None) -> Dataset:
        """Consecutive elements stacked into batches of ``batch_size`` (the last one
        shorter unless ``drop_remainder``)."""
        b = int(batch_size)
        if b < 1:
            raise ValueError(f"Dataset.batch: batch_size must be positive, got {batch_size}")
        n = self._length
        length = n if n < 0 else (n // b if drop_remainder else -(-n // b))
        if self._rows is not None:
            source, spec, order = self._rows

            def batches() -> Iterator[Any]:
                rows = order()
                stop = (len(rows) // b) * b if drop_remainder else len(rows)
                for start in range(0, stop, b):
                    idx = rows[start:start + b]
                    yield _rebuild([Tensor._make(t._data[idx]) for t in source.tensors],
                                   spec)

            return Dataset(batches, length)

        def generic() -> Iterator[Any]:
            chunk: list = []
            for e in self:
                chunk.append(e)
                if len(chunk) == b:
                    yield _stack(chunk)
                    chunk = []
            if chunk and not drop_remainder:
                yield _stack(chunk)

        return Dataset(generic, length)

    def unbatch(self, name: Any = None) -> Dataset:
        def rows() -> Iterator[Any]:
            for e in self:
                leaves, spec = _flatten(e)
                for i in range(len(leaves[0])):
                    yield _rebuild([leaf[i] for leaf in leaves], spec)

        return Dataset(rows, UNKNOWN_CARDINALITY)

    def map(self, map_func: Callable, num_parallel_calls: Any = None,
            deterministic: Any = None, name: Any = None) -> Dataset:
        """``map_func(*element)`` for tuple elements, ``map_func(element)`` otherwise."""
        def mapped() -> Iterator[Any]:
            for e in self:
                yield map_func(*e) if isinstance(e, tuple) else map_func(e)

        return Dataset(mapped, self._length)

    def filter(self, predicate: Callable, name: Any = None) -> Dataset:
        def kept() -> Iterator[Any]:
            for e in self:
                if bool(predicate(*e) if isinstance(e, tuple) else predicate(e)):
                    yield e

        return Dataset(kept, UNKNOWN_CARDINALITY)

    def take(self, count: int, name: Any = None) -> Dataset:
        count = int(count)
        if count < 0:
            return self
        n = self._length
        length = count if n == INFINITE_CARDINALITY else (min(n, count) if n >= 0 else n)

        def taken() -> Iterator[Any]:
            for i, e in enumerate(self):
                if i >= count:
                    return
                yield e

        return Dataset(taken, length)

    def skip(self, count: int, name: Any = None) -> Dataset:
        count = int(count)
        n = self._length
        length = max(n - count, 0) if n >= 0 else n

        def skipped() -> Iterator[Any]:
            for i, e in enumerate(self):
                if i >= count:
                    yield e

        return Dataset(skipped, length)

    def repeat(self, count: Any = None, name: Any = None) -> Dataset:
        """The dataset ``count`` times over (forever when None or -1)."""
        times = None if count is None or int(count) < 0 else int(count)
        n = self._length
        length = INFINITE_CARDINALITY if times is None else (n * times if n >= 0 else n)

        def repeated() -> Iterator[Any]:
            k = 0
            while times is None or k < times:
                yield from self
                k += 1

        return Dataset(repeated, length)

    def enumerate(self, start: int = 0, name: Any = None) -> Dataset:
        def numbered() -> Iterator[Any]:
            for i, e in enumerate(self, start):
                yield Tensor._make(np.asarray(i, dtype=np.int64)), e

        return Dataset(numbered, self._length)

    def prefetch(self, buffer_size: Any, name: Any = None) -> Dataset:
        """The same elements (there is nothing to overlap with in one process)."""
        return self

    def cache(self, filename: str = "", name: Any = None) -> Dataset:
        """The same elements (the data are in memory already)."""
        return self


def _buffer_shuffle(items: Iterator[Any], size: int, rng: np.random.Generator
                    ) -> Iterator[Any]:
    """TensorFlow's shuffle: keep ``size`` elements, emit one at random, refill its slot
    from the input; drain the buffer at random when the input ends."""
    buf: list = []
    for item in items:
        if len(buf) < size:
            buf.append(item)
            continue
        j = int(rng.integers(len(buf)))
        yield buf[j]
        buf[j] = item
    while buf:
        j = int(rng.integers(len(buf)))
        buf[j], buf[-1] = buf[-1], buf[j]
        yield buf.pop()
