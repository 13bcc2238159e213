"""``convolve``/``correlate`` against NumPy for every length parity, mode and dtype kind:
values equal NumPy's, gradients equal central finite differences of NumPy's function."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp

LENGTHS = range(1, 7)
CASES = [(fn, mode, n, m, kind) for fn in ("convolve", "correlate")
         for mode in ("full", "same", "valid") for n, m in itertools.product(LENGTHS, LENGTHS)
         for kind in ("f", "c")]


def _inputs(n, m, kind, seed):
    r = np.random.default_rng(seed)
    a, v = r.standard_normal(n), r.standard_normal(m)
    if kind == "c":
        a, v = a + 1j * r.standard_normal(n), v + 1j * r.standard_normal(m)
    return a, v


@pytest.mark.parametrize("fn,mode,n,m,kind", CASES)
def test_value_matches_numpy(fn, mode, n, m, kind):
    a, v = _inputs(n, m, kind, n * 10 + m)
    expected = getattr(np, fn)(a, v, mode)
    with ag.enable_grad():
        ta = ag.tensor(a, requires_grad=kind == "f")
        got = getattr(anp, fn)(ta, ag.tensor(v), mode)  # the recording path
    np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(getattr(anp, fn)(a, v, mode).numpy(), expected, rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("fn,mode,n,m", [c[:4] for c in CASES if c[4] == "f"])
def test_gradient_matches_finite_differences_of_numpy(fn, mode, n, m):
    a, v = _inputs(n, m, "f", n * 7 + m)
    w = np.random.default_rng(1).standard_normal(getattr(np, fn)(a, v, mode).shape)
    ta, tv = ag.tensor(a, requires_grad=True), ag.tensor(v, requires_grad=True)
    anp.sum(getattr(anp, fn)(ta, tv, mode) * w).backward()
    for x, t, k in ((a, ta, 0), (v, tv, 1)):
        fd = np.zeros_like(x)
        for i in range(x.size):
            e = np.zeros_like(x)
            e[i] = 1e-6
            args_p = [a, v]
            args_m = [a, v]
            args_p[k], args_m[k] = x + e, x - e
            fd[i] = (np.sum(getattr(np, fn)(*args_p, mode) * w)
                     - np.sum(getattr(np, fn)(*args_m, mode) * w)) / 2e-6
        np.testing.assert_allclose(t.grad.detach().numpy(), fd, rtol=1e-6, atol=1e-8)
