"""Property-based layer over the op database: random shapes, broadcastable pairs and
reduction axes, each drawn case run through the same ``check_op`` (forward against NumPy,
gradcheck, gradgradcheck when small, forward mode, dispatch)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from arraygrad import numpy as anp

from opcheck import check_op

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])
SMALL = 12  # second-order checks only up to this many elements per input


def _floats(lo: float, hi: float) -> st.SearchStrategy:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def _array(data, shape, lo=-1.5, hi=1.5):
    return data.draw(hnp.arrays(np.float64, shape, elements=_floats(lo, hi)))


def _away_from(x: np.ndarray, values=(0.0,), gap=0.2) -> bool:
    return all(np.all(np.abs(x - v) > gap) for v in values)


BINARY = {
    # name: (domain of a, domain of b, constraint on the pair)
    "add": ((-2, 2), (-2, 2), None),
    "subtract": ((-2, 2), (-2, 2), None),
    "multiply": ((-2, 2), (-2, 2), None),
    "divide": ((-2, 2), (0.4, 2), None),
    "power": ((0.4, 2), (-2, 2), None),
    "maximum": ((-2, 2), (-2, 2), "distinct"),
    "minimum": ((-2, 2), (-2, 2), "distinct"),
    "fmax": ((-2, 2), (-2, 2), "distinct"),
    "arctan2": ((0.3, 2), (0.3, 2), None),
    "hypot": ((0.3, 2), (0.3, 2), None),
    "logaddexp": ((-2, 2), (-2, 2), None),
}


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data())
def test_binary_ops_broadcast(name, data):
    (lo_a, hi_a), (lo_b, hi_b), constraint = BINARY[name]
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                         max_side=3))
    a = _array(data, shapes.input_shapes[0], lo_a, hi_a)
    b = _array(data, shapes.input_shapes[1], lo_b, hi_b)
    if constraint == "distinct":
        assume(np.all(np.abs(np.subtract(a, b)) > 0.05))
    small = max(a.size, b.size) <= SMALL
    check_op(getattr(anp, name), [a, b], getattr(np, name), second_order=small)


UNARY = {
    "exp": (-2, 2), "log": (0.3, 3), "sin": (-3, 3), "tanh": (-2, 2), "sqrt": (0.3, 3),
    "arcsin": (-0.8, 0.8), "abs": (-2, 2), "square": (-2, 2), "log1p": (0.1, 3),
    "cbrt": (0.2, 2),
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(data=st.data(), complex_=st.booleans())
def test_unary_ops_any_shape(name, data, complex_):
    lo, hi = UNARY[name]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
    x = _array(data, shape, lo, hi)
    if name == "abs":
        assume(_away_from(x))
    if complex_ and name not in ("abs", "cbrt", "arcsin"):
        x = x + 1j * _array(data, shape, -0.5, 0.5)
    check_op(getattr(anp, name), [x], getattr(np, name), second_order=x.size <= SMALL)


REDUCTIONS = ["sum", "mean", "prod", "var", "std", "max", "min", "ptp", "median",
              "nansum", "cumsum", "cumprod", "sort", "logsumexp"]


@st.composite
def _axis_and_shape(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    ndim = len(shape)
    axis = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                          st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                                   unique=True).map(tuple)))
    return shape, axis, draw(st.booleans())


@pytest.mark.parametrize("name", REDUCTIONS)
@SETTINGS
@given(data=st.data(), spec=_axis_and_shape())
def test_reductions_over_random_axes(name, data, spec):
    shape, axis, keepdims = spec
    if name in ("cumsum", "cumprod", "sort"):  # one axis, no keepdims
        axis = axis if not isinstance(axis, tuple) else axis[0]
        if name == "sort" and axis is None:
            axis = -1
        kw = {"axis": axis}
    else:
        kw = {"axis": axis, "keepdims": keepdims}
    if name == "logsumexp":  # from scipy.special, composed here from NumPy's names
        x = _array(data, shape)

        def ours(t):
            m = anp.max(t, **kw)
            return anp.log(anp.sum(anp.exp(t - anp.max(t, axis=axis, keepdims=True)), **kw)) + m

        def ref(t):
            m = np.max(t, **kw)
            return np.log(np.sum(np.exp(t - np.max(t, axis=axis, keepdims=True)), **kw)) + m

        x = x + np.arange(x.size).reshape(shape) * 0.31  # distinct maxima
        check_op(ours, [x], ref, second_order=x.size <= SMALL)
        return
    x = _array(data, shape, 0.4, 2.0) if name in ("prod", "cumprod") else _array(data, shape)
    if name in ("max", "min", "ptp", "median", "sort"):
        flat = np.sort(x.ravel())
        assume(flat.size < 2 or np.min(np.diff(flat)) > 0.05)
    if name == "std":  # not differentiable where a lane has no spread
        assume(np.all(np.std(x, axis=axis) > 0.1))
    check_op(lambda t: getattr(anp, name)(t, **kw), [x],
             lambda t: getattr(np, name)(t, **kw), second_order=x.size <= SMALL)
