"""The bundled digits data set, TensorDataset and DataLoader."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

import arraygrad as ag
from arraygrad.data import DataLoader, TensorDataset, digits_path, load_digits


def test_bundled_file_matches_its_note():
    path = digits_path()
    assert path.exists() and path.stat().st_size < 100_000
    with np.load(path, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    assert images.shape == (1797, 64) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.max() == 16 and images.min() == 0
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    note = (path.parent / "DIGITS.txt").read_text()
    assert "https://doi.org/10.24432/C50P49" in note and "CC BY 4.0" in note
    digest = re.search(r"= *\n? *([0-9a-f]{64})", note).group(1)
    assert hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest() == digest


def test_load_digits_splits():
    X, y = load_digits(None)
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.numpy().min() == 0.0 and X.numpy().max() == 1.0
    Xtr, ytr = load_digits("train")
    Xte, yte = load_digits("test")
    assert len(Xtr) + len(Xte) == 1797 and len(Xte) == pytest.approx(0.2 * 1797, abs=10)
    # disjoint and complete: every image appears once (compare rows as bytes)
    rows = {r.tobytes() for r in X.numpy()}
    split_rows = [r.tobytes() for r in np.concatenate([Xtr.numpy(), Xte.numpy()])]
    assert len(split_rows) == 1797 and set(split_rows) == rows
    np.testing.assert_array_equal(np.sort(np.concatenate([ytr.numpy(), yte.numpy()])),
                                  np.sort(y.numpy()))
    # stratified: every digit keeps ~20 % in the test split
    counts = np.bincount(yte.numpy(), minlength=10) / np.bincount(y.numpy())
    assert np.all(np.abs(counts - 0.2) < 0.01)
    # repeatable for a seed, different across seeds
    np.testing.assert_array_equal(load_digits("test")[0].numpy(), Xte.numpy())
    assert not np.array_equal(load_digits("test", seed=1)[0].numpy(), Xte.numpy())
    raw, _ = load_digits(None, normalize=False, dtype=None)
    assert raw.dtype == np.uint8 and raw.numpy().max() == 16
    f32, _ = load_digits("train", dtype=np.float32)
    assert f32.dtype == np.float32
    assert len(load_digits("test", test_fraction=0.5)[0]) == pytest.approx(898, abs=10)
    with pytest.raises(ValueError, match="split"):
        load_digits("validation")
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits("train", test_fraction=1.5)


def test_dataloader_batches_and_shuffling():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    loader = DataLoader((X, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1]) for b in batches] == [4, 4, 2]
    assert all(isinstance(t, ag.Tensor) for b in batches for t in b)
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), y)
    assert len(DataLoader((X, y), batch_size=4, drop_last=True)) == 2
    assert [len(b[0]) for b in DataLoader((X, y), batch_size=4, drop_last=True)] == [4, 4]
    # shuffling: a permutation each epoch, repeatable with a seed
    shuffled = DataLoader((X, y), batch_size=3, shuffle=True, seed=0)
    e1 = np.concatenate([b[1].numpy() for b in shuffled])
    e2 = np.concatenate([b[1].numpy() for b in shuffled])
    assert sorted(e1) == list(range(10)) and sorted(e2) == list(range(10))
    assert not np.array_equal(e1, e2) and not np.array_equal(e1, y)
    again = DataLoader((X, y), batch_size=3, shuffle=True, seed=0)
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in again]), e1)
    # rows stay paired
    for xb, yb in DataLoader((X, y), batch_size=3, shuffle=True, seed=1):
        np.testing.assert_array_equal(xb.numpy()[:, 0], 2 * yb.numpy())
    # a batch is a copy: modifying it leaves the data alone
    xb, _ = next(iter(DataLoader((X, y), batch_size=2)))
    xb.numpy()[...] = -1
    assert X.min() == 0


def test_dataloader_inputs():
    X = ag.tensor(np.arange(6.0))
    single = list(DataLoader(X, batch_size=4))
    assert isinstance(single[0], ag.Tensor) and single[1].shape == (2,)
    ds = TensorDataset(np.ones((5, 2)), np.zeros(5))
    assert len(ds) == 5 and ds[1][0].shape == (2,)
    assert [len(b[0]) for b in DataLoader(ds, batch_size=2)] == [2, 2, 1]

    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=float), i

    batches = list(DataLoader(Squares(), batch_size=2, shuffle=True, seed=0))
    assert batches[0][0].shape == (2, 2) and batches[0][1].shape == (2,)
    got = np.concatenate([b[1].numpy() for b in batches])
    assert sorted(got) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="same length"):
        TensorDataset(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError):
        DataLoader(42)
