"""The part of ``torchvision`` d2l.ai's chapters call, on the synthetic Fashion-MNIST of
tests/d2l/fashion.py (the real one cannot be downloaded here).

``datasets.FashionMNIST(root, train, transform, download)`` yields ``(image, label)`` with
the image a 28x28 uint8 array (torchvision gives a PIL image of the same pixels) and the
label an ``int``; ``transforms.ToTensor`` makes a float32 (1, H, W) tensor in [0, 1],
``Resize`` resizes (nearest neighbour), ``Compose`` chains. tests/d2l/torchbook.py loads
this file with ``torch`` pointed at real PyTorch too, so both see the same pixels.
"""
# ruff: noqa: N801 - torchvision's lower-case namespaces

from __future__ import annotations

import fashion
import numpy as np

import arraygrad.compat.torch as torch

_SPLITS: dict = {}
SIZE = {"n_train": 2000, "n_test": 500}


def resize_dataset(n_train: int, n_test: int) -> None:
    """Make the stand-in this large (fewer images run faster; the book's 60,000 need
    about 6,000 synthetic ones for its MLP chapters' accuracy checks to pass)."""
    SIZE.update(n_train=n_train, n_test=n_test)
    _SPLITS.clear()


def _split(train: bool):
    if not _SPLITS:
        (xtr, ytr), (xte, yte) = fashion.load(**SIZE)
        _SPLITS[True], _SPLITS[False] = (xtr, ytr), (xte, yte)
    return _SPLITS[train]


class transforms:
    class ToTensor:
        def __call__(self, img):
            arr = np.asarray(img)
            if arr.ndim == 2:
                arr = arr[None]
            return torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32) / 255)

    class Resize:
        def __init__(self, size):
            self.size = (size, size) if isinstance(size, int) else tuple(size)

        def __call__(self, img):
            arr = np.asarray(img)
            h, w = arr.shape[-2:]
            rows = (np.arange(self.size[0]) * h // self.size[0])
            cols = (np.arange(self.size[1]) * w // self.size[1])
            return arr[..., rows[:, None], cols[None, :]]

    class Compose:
        def __init__(self, transforms):
            self.transforms = list(transforms)

        def __call__(self, img):
            for t in self.transforms:
                img = t(img)
            return img


class datasets:
    class FashionMNIST:
        def __init__(self, root, train=True, transform=None, target_transform=None,
                     download=False):
            self.data, self.targets = _split(bool(train))
            self.transform, self.target_transform = transform, target_transform

        def __len__(self):
            return len(self.targets)

        def __getitem__(self, i):
            img, target = self.data[i], int(self.targets[i])
            if self.transform is not None:
                img = self.transform(img)
            if self.target_transform is not None:
                target = self.target_transform(target)
            return img, target
