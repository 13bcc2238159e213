"""``gluon.data.vision.MNIST`` and ``FashionMNIST``: the standard IDX files, read from
``root`` (default ``$MXNET_HOME/datasets/<name>``, ``MXNET_HOME`` defaulting to
``~/.mxnet``), as MXNet's. arraygrad does not download them: place the four files
``train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz
t10k-labels-idx1-ubyte.gz`` there.

An item is ``(image, label)``: the image a (28, 28, 1) uint8 array, the label a NumPy
int32, as MXNet's.
"""

from __future__ import annotations

import gzip
import os
import struct
from typing import Any

import numpy as _onp

from ......core.tensor import Tensor
from .... import np as _mxnp
from ..dataset import Dataset

__all__ = ["MNIST", "FashionMNIST"]


def data_dir() -> str:
    """``$MXNET_HOME``, or ``~/.mxnet``."""
    return os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))


def _read_idx(path: str, magic_items: int) -> tuple[tuple, bytes]:
    with gzip.open(path, "rb") as f:
        header = struct.unpack(">" + "I" * magic_items, f.read(4 * magic_items))
        return header, f.read()


class MNIST(Dataset):
    """``MNIST(root=..., train=True, transform=None)``."""

    _URL = "https://yann.lecun.com/exdb/mnist/"
    _NAME = "mnist"
    _FILES = {True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
              False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}

    def __init__(self, root: str | None = None, train: bool = True,
                 transform: Any = None) -> None:
        if root is None:
            root = os.path.join(data_dir(), "datasets", self._NAME)
        self._root = os.path.expanduser(root)
        self._train = train
        self._transform = transform
        self._get_data()

    def _get_data(self) -> None:
        image_file, label_file = (os.path.join(self._root, f) for f in self._FILES[self._train])
        missing = [f for f in (image_file, label_file) if not os.path.exists(f)]
        if missing:
            raise FileNotFoundError(
                f"{type(self).__name__}: {', '.join(missing)} not found. arraygrad does not "
                f"download data sets: fetch the IDX files from {self._URL} into {self._root} "
                "(or pass root=..., or set MXNET_HOME)")
        (_, n_labels), raw = _read_idx(label_file, 2)
        label = _onp.frombuffer(raw, dtype=_onp.uint8).astype(_onp.int32)
        (_, n, rows, cols), raw = _read_idx(image_file, 4)
        if n != n_labels or len(label) != n:
            raise ValueError(f"{type(self).__name__}: {image_file} holds {n} images but "
                             f"{label_file} {len(label)} labels")
        data = _onp.frombuffer(raw, dtype=_onp.uint8).reshape(n, rows, cols, 1)
        self._data = _mxnp._mx(Tensor._make(data.copy()))
        self._label = label

    def __getitem__(self, idx: Any) -> Any:
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self) -> int:
        return len(self._label)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST, in MNIST's format."""

    _URL = "https://github.com/zalandoresearch/fashion-mnist"
    _NAME = "fashion-mnist"
