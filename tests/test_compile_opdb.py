"""Every op-database case compiled against eager: values, first- and second-order
gradients, to 1e-12 in float64/complex128.

Each case becomes a step ``outputs, grads, grads of grads = step(*inputs)``, run eagerly
and through ``ag.compile(..., fallback=False)`` (so a case that cannot compile fails):
the first call (the trace), a replay on new tensors holding the same values, and a replay
on perturbed values (which would expose a value baked in as a constant).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import Tensor

sys.path.insert(0, str(Path(__file__).parent))
from opdb_cases import CASES  # noqa: E402

TOL = dict(rtol=1e-12, atol=1e-12)


def _outs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _floating(t):
    return isinstance(t, Tensor) and t.dtype.kind in "fc"


def _weights(like, seed):
    r = np.random.default_rng(seed)
    w = r.uniform(0.5, 1.5, size=like.shape)
    return w + 0.25j * r.uniform(-1, 1, size=like.shape) if like.dtype.kind == "c" else w


def _make_step(fn, n_out_weights):
    """The whole check as one function of the inputs (the thing ag.compile traces)."""

    def step(*xs):
        outs = _outs(fn(*xs))
        diff = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        scal = None
        for k, o in enumerate(outs):
            if _floating(o) and o.requires_grad:
                term = ag.numpy.real(o * ag.tensor(n_out_weights[k])).sum()
                scal = term if scal is None else scal + term
        g1 = g2 = ()
        if scal is not None and diff:
            g1 = ag.autograd.grad(scal, diff, create_graph=True, allow_unused=True)
            s2 = None
            for k, g in enumerate(g1):
                if g is not None and g.requires_grad:
                    term = ag.numpy.real(g * ag.tensor(_weights(g, 100 + k))).sum()
                    s2 = term if s2 is None else s2 + term
            if s2 is not None:
                g2 = ag.autograd.grad(s2, diff, allow_unused=True)
        det = [o.detach() if isinstance(o, Tensor) else o for o in outs]
        return (det, [None if g is None else g.detach() for g in g1],
                [None if g is None else g.detach() for g in g2])

    return step


def _inputs(case, scale=1.0):
    xs = []
    for x in case.inputs:
        a = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
        if a.dtype.kind in "fc":
            t = ag.tensor(a * scale if a.ndim or scale != 1.0 else a * scale)
            t.requires_grad_()
        else:
            t = ag.tensor(a)
        xs.append(t)
    return xs


def _compare(got, want, where):
    for part, (g, w) in enumerate(zip(got, want)):
        assert len(g) == len(w), f"{where}: part {part} has {len(g)} items, eager {len(w)}"
        for a, b in zip(g, w):
            if a is None or b is None:
                assert a is None and b is None, f"{where}: part {part}: None vs value"
                continue
            a = a.numpy() if isinstance(a, Tensor) else np.asarray(a)
            b = b.numpy() if isinstance(b, Tensor) else np.asarray(b)
            assert a.shape == b.shape and a.dtype == b.dtype, where
            np.testing.assert_allclose(a, b, err_msg=f"{where}: part {part}", **TOL)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_compiled_matches_eager(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        probe = _outs(case.fn(*_inputs(case)))
        weights = [_weights(o, k) if _floating(o) else None for k, o in enumerate(probe)]
        step = _make_step(case.fn, weights)
        compiled = ag.compile(step, fallback=False, fusion=None)
        want = step(*_inputs(case))
        _compare(compiled(*_inputs(case)), want, "trace")
        _compare(compiled(*_inputs(case)), want, "replay")
        scale = 1.0 + 1e-3
        want2 = step(*_inputs(case, scale))
        _compare(compiled(*_inputs(case, scale)), want2, "replay on new values")
