"""Seed 001 (a learner's notebook of the MXNet autograd lesson): cells In [22] to In [30],
verbatim but for the import line, each checked against the output the notebook shows:
the values, and the printed form too (``array([0., 1., 2., 3.])``)."""

from __future__ import annotations

import numpy as onp
import pytest
from seedcells import Notebook, missing_from_seed, values

# (cell, the output shown under it in the seed)
CELLS = [
    ("""from mxnet import autograd, np, npx
npx.set_np()

x = np.arange(4)
x""", "array([0., 1., 2., 3.])"),
    ("""x.attach_grad()""", None),
    ("""x.grad""", "array([0., 0., 0., 0.])"),
    ("""with autograd.record():
    y = 2 * np.dot(x, x)
y""", "array(28.)"),
    ("""y.backward()""", None),
    ("""x.grad""", "array([ 0.,  4.,  8., 12.])"),
    ("""x.grad == 4 * x""", "array([ True,  True,  True,  True])"),
    ("""with autograd.record():
    y = x.sum()
y.backward()
x.grad""", "array([1., 1., 1., 1.])"),
    ("""with autograd.record():
    y = x * x # Y là một vector có số dạng tương tự với X
y.backward()

u = x.copy()
u.attach_grad()

with autograd.record():
    v = (u * u).sum() # V là một biến vô hướng, V = Y.sum()
v.backward()

x.grad == u.grad""", "array([ True,  True,  True,  True])"),
]

EXPECTED_VALUES = [
    onp.arange(4.0), None, onp.zeros(4), onp.float64(28.0), None, onp.array([0, 4, 8, 12.0]),
    onp.ones(4, bool), onp.ones(4), onp.ones(4, bool),
]


@pytest.mark.parametrize("k", range(len(CELLS)))
def test_cell(k):
    nb = Notebook()
    for cell, _ in CELLS[:k]:
        nb.run(cell)
    out = nb.run(CELLS[k][0])
    shown, expected = CELLS[k][1], EXPECTED_VALUES[k]
    if shown is None:
        assert out.value is None
        return
    got = values(out.value)
    assert got.dtype == (onp.bool_ if expected.dtype == bool else onp.float32)
    onp.testing.assert_array_equal(got, expected)
    assert repr(out.value) == shown


def test_cells_are_verbatim():
    missing = missing_from_seed("001", [c for c, _ in CELLS])
    if missing is None:
        pytest.skip("seed files not found (../shared/seeds or ARRAYGRAD_SEEDS_DIR)")
    assert missing == []


def test_outputs_are_the_seeds():
    # The outputs asserted above are the ones printed in the seed.
    from seedcells import seed_text

    text = seed_text("001")
    if text is None:
        pytest.skip("seed files not found")
    for _, shown in CELLS:
        if shown is not None:
            assert shown in text
