"""The op database (``opdb_cases.py``) through the shared checker, plus what a table of
smooth sample points cannot show: ties and kinks (closed forms), item assignment, NumPy's
in-place writers, functions without gradient, and the error for functions arraygrad does
not differentiate."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import numpy as anp
from opdb_cases import ARRAY_LIKE_CASES, CASES

from opcheck import check_op


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_op(case):
    with warnings.catch_warnings():
        # NumPy's own deprecations (row_stack, 2-vector cross) in the reference calls
        warnings.simplefilter("ignore", DeprecationWarning)
        check_op(case.fn, case.inputs, case.ref, **case.opts)


def test_database_covers_every_differentiable_function():
    """Every differentiable function of arraygrad.numpy has at least one case."""
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location(
        "coverage_tool", pathlib.Path(__file__).parents[1] / "tools" / "coverage.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tested = {c.func for c in CASES}
    missing = sorted(n for n in tool.differentiable_names() if n not in tested)
    assert not missing, f"no op-database case for: {missing}"


def _grad(f, *xs):
    ts = [ag.tensor(np.asarray(x, dtype=float), requires_grad=True) for x in xs]
    f(*ts).backward()
    return [t.grad.detach().numpy() for t in ts]


# ---------------------------------------------------------------------------- ties, kinks


def test_max_min_ties_share_equally():
    (g,) = _grad(lambda x: anp.max(x), [1.0, 3.0, 3.0, 2.0])
    np.testing.assert_allclose(g, [0, 0.5, 0.5, 0])
    (g,) = _grad(lambda x: anp.min(x, axis=1).sum(), [[1.0, 1.0, 1.0], [0.0, 2.0, 0.0]])
    np.testing.assert_allclose(g, [[1 / 3, 1 / 3, 1 / 3], [0.5, 0, 0.5]])
    (g,) = _grad(lambda x: anp.nanmax(x), [np.nan, 2.0, 2.0])
    np.testing.assert_allclose(g, [0, 0.5, 0.5])
    ga, gb = _grad(lambda a, b: anp.maximum(a, b).sum(), [1.0, 2.0], [1.0, 3.0])
    np.testing.assert_allclose(ga, [0.5, 0])
    np.testing.assert_allclose(gb, [0.5, 1])
    ga, gb = _grad(lambda a, b: anp.fmin(a, b).sum(), [np.nan, 2.0], [1.0, 2.0])
    np.testing.assert_allclose(ga, [0, 0.5])
    np.testing.assert_allclose(gb, [1, 0.5])


def test_ptp_ties():
    (g,) = _grad(lambda x: anp.ptp(x), [2.0, 0.0, 2.0, 0.0, 1.0])
    np.testing.assert_allclose(g, [0.5, -0.5, 0.5, -0.5, 0])


def test_sort_ties_share_the_gradient():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    (g,) = _grad(lambda x: (anp.sort(x) * w).sum(), [2.0, 1.0, 2.0, 0.5])
    # sorted: 0.5 (x3) 1 (x1) 2, 2 (x0, x2 share weights 3 and 4)
    np.testing.assert_allclose(g, [3.5, 2.0, 3.5, 1.0])
    (g,) = _grad(lambda x: (anp.sort(x, axis=0) * np.array([[1.0], [5.0]])).sum(),
                 [[1.0, 2.0], [1.0, 0.0]])
    np.testing.assert_allclose(g, [[3.0, 5.0], [3.0, 1.0]])


def test_median_and_quantile_ties():
    (g,) = _grad(lambda x: anp.median(x), [1.0, 2.0, 2.0, 3.0])
    np.testing.assert_allclose(g, [0, 0.5, 0.5, 0])
    (g,) = _grad(lambda x: anp.median(x), [2.0, 1.0, 2.0])  # the median is a tie of two
    np.testing.assert_allclose(g, [0.5, 0, 0.5])
    (g,) = _grad(lambda x: anp.quantile(x, 0.25), [4.0, 1.0, 2.0, 3.0, 0.0])
    np.testing.assert_allclose(g, [0, 1, 0, 0, 0])
    (g,) = _grad(lambda x: anp.quantile(x, 0.3), [4.0, 1.0, 2.0, 3.0, 0.0])
    np.testing.assert_allclose(g, [0, 0.8, 0.2, 0, 0])
    (g,) = _grad(lambda x: anp.nanmedian(x), [np.nan, 3.0, 1.0, np.nan, 2.0])
    np.testing.assert_allclose(g, [0, 0, 0, 0, 1])


def test_kinks_use_the_conventional_subgradient():
    (g,) = _grad(lambda x: anp.abs(x).sum(), [0.0, -2.0])
    np.testing.assert_allclose(g, [0, -1])
    (g,) = _grad(lambda x: anp.clip(x, 0.0, 1.0).sum(), [0.0, 1.0, 0.5, 2.0])
    np.testing.assert_allclose(g, [1, 1, 1, 0])
    (g,) = _grad(lambda x: anp.sqrt(anp.sum(x * x)), [3.0, 4.0])
    np.testing.assert_allclose(g, [0.6, 0.8])
    (g,) = _grad(lambda x: anp.power(x, 2.0).sum() + anp.power(2.0, x).sum(), [0.0, 1.0])
    np.testing.assert_allclose(g, [np.log(2), 2 + 2 * np.log(2)])
    (g,) = _grad(lambda x: anp.sinc(x).sum(), [0.0])
    np.testing.assert_allclose(g, [0.0])
    (g,) = _grad(lambda x: anp.angle(x).sum(), [-1.0, 2.0])
    np.testing.assert_allclose(g, [0.0, 0.0])


def test_prod_cumprod_at_zeros_closed_forms():
    (g,) = _grad(lambda x: anp.prod(x), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(g, [0, 0, 0])
    (g,) = _grad(lambda x: anp.prod(x), [0.0, 2.0, 3.0])
    np.testing.assert_allclose(g, [6, 0, 0])
    # cumprod([a, 0, c]) = [a, 0, 0]: d/da = 1, d/d0 = a + a c, d/dc = 0
    (g,) = _grad(lambda x: anp.cumprod(x).sum(), [2.0, 0.0, 5.0])
    np.testing.assert_allclose(g, [1, 12, 0])


def test_nan_to_num_and_nan_reductions_give_nans_no_gradient():
    (g,) = _grad(lambda x: anp.nan_to_num(x + np.array([0, np.inf, np.nan])).sum(),
                 [1.0, 2.0, 3.0])
    np.testing.assert_allclose(g, [1, 0, 0])
    (g,) = _grad(lambda x: anp.nanmean(x), [1.0, np.nan, 3.0])
    np.testing.assert_allclose(g, [0.5, 0, 0.5])
    (g,) = _grad(lambda x: anp.nanvar(x), [1.0, np.nan, 3.0])
    np.testing.assert_allclose(g, [-1, 0, 1])


def test_rounding_and_predicates():
    x = ag.tensor([0.4, 1.6, -2.5], requires_grad=True)
    for fn in (anp.floor, anp.ceil, anp.rint, anp.trunc, anp.fix, anp.round, anp.sign,
               lambda t: anp.floor_divide(t, 0.7), lambda t: anp.heaviside(t, 0.5)):
        y = fn(x)
        assert y.requires_grad
        (g,) = ag.autograd.grad([y.sum()], [x])
        np.testing.assert_array_equal(g.detach().numpy(), 0)
    for fn in (anp.isnan, anp.isfinite, anp.signbit, anp.argmax, anp.argsort,
               lambda t: anp.equal(t, 1.6), anp.argwhere, anp.count_nonzero,
               lambda t: anp.searchsorted(t, 0.0), anp.isreal,
               lambda t: anp.histogram(t, 3)[0], lambda t: anp.isin(t, [1.6]),
               lambda t: anp.digitize(t, [0.0, 1.0])):
        y = fn(x)
        assert isinstance(y, ag.Tensor) and not y.requires_grad


def test_complex_non_holomorphic_rules_follow_jax():
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j])
    # d|z|: conj(z)/|z|; angle: -1j conj(z)/|z|^2; real: 1; imag: -1j
    (g,) = _grad_c(lambda t: anp.abs(t).sum(), z)
    np.testing.assert_allclose(g, np.conj(z) / np.abs(z))
    (g,) = _grad_c(lambda t: anp.angle(t).sum(), z)
    np.testing.assert_allclose(g, -1j * np.conj(z) / np.abs(z) ** 2)
    (g,) = _grad_c(lambda t: anp.imag(t).sum(), z)
    np.testing.assert_allclose(g, [-1j, -1j])
    (g,) = _grad_c(lambda t: anp.var(t), z)
    np.testing.assert_allclose(g, np.conj(z - z.mean()))


def _grad_c(f, z):
    t = ag.tensor(z, requires_grad=True)
    f(t).backward()
    return [t.grad.detach().numpy()]


# ---------------------------------------------------------------------------- item assignment


def _assign(idx, value_shape, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    x0, v0 = rng.standard_normal(shape), rng.standard_normal(value_shape)

    def f(x, v):
        y = x * 1.0
        y[idx] = v
        return y * y

    return f, x0, v0


@pytest.mark.parametrize("idx,value_shape", [
    ((1, 2), ()), ((slice(None), 1), (3,)), ((slice(None), 1), ()), (slice(0, 2), (4,)),
    ((np.array([0, 2]), np.array([1, 3])), (2,)), (np.array([[True, False, True, False]] * 3),
                                                    ()),
    ((Ellipsis, slice(1, 3)), (3, 1)), ((np.array([0, 2]),), (2, 4)),
    ((slice(None), np.array([3, 0])), (3, 2)), ((1, slice(None, None, -2)), (2,)),
], ids=["int", "column", "column-scalar", "rows-broadcast", "fancy", "boolean",
        "ellipsis-broadcast", "fancy-rows", "fancy-columns", "negative-step"])
def test_item_assignment_is_differentiable(idx, value_shape):
    f, x0, v0 = _assign(idx, value_shape)
    ag.gradcheck(f, [x0, v0])
    ag.gradgradcheck(f, [x0, v0])


def test_item_assignment_with_repeated_indices_last_write_wins():
    x0 = np.arange(4.0) + 1
    v0 = np.array([10.0, 20.0, 30.0])

    def f(x, v):
        y = x * 1.0
        y[np.array([1, 1, 2])] = v
        return y

    x, v = ag.tensor(x0, requires_grad=True), ag.tensor(v0, requires_grad=True)
    y = f(x, v)
    np.testing.assert_array_equal(y.detach().numpy(), [1, 20, 30, 4])  # NumPy: the last write wins
    (y * np.array([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [1, 0, 0, 4])
    np.testing.assert_array_equal(v.grad.detach().numpy(), [0, 2, 3])
    ag.gradcheck(f, [x0, v0])


def test_item_assignment_dtype_and_leaf_rules():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        x[0] = 3.0
    y = x * 1
    y[1] = x[0] * 5  # a value computed from the same graph
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [6, 0])


def test_put_along_axis_in_place_and_functional():
    idx = np.array([[1], [0]])
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    v = ag.tensor([[10.0], [20.0]], requires_grad=True)
    new = anp.put_along_axis(x, idx, v, 1, inplace=False)
    np.testing.assert_array_equal(x.detach().numpy(), np.arange(6.0).reshape(2, 3))  # untouched
    y = x * 1
    same = anp.put_along_axis(y, idx, v, 1)  # NumPy's semantics: written into y
    assert same is y
    np.testing.assert_array_equal(y.detach().numpy(), new.detach().numpy())
    (y * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [[2, 0, 2], [0, 2, 2]])
    np.testing.assert_array_equal(v.grad.detach().numpy(), [[2], [2]])
    # plain NumPy dispatch writes into a tensor too
    z = ag.tensor(np.zeros((2, 3)))
    np.put_along_axis(z, idx, 1.0, 1)
    np.testing.assert_array_equal(z.detach().numpy(), [[0, 1, 0], [1, 0, 0]])


def test_numpy_in_place_writers_record():
    x = ag.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    v = ag.tensor([7.0, 8.0], requires_grad=True)
    for write in (
        lambda y: np.put(y, [0, 4], v),
        lambda y: np.place(y, np.array([[1, 0, 0], [0, 1, 0]], bool), v),
        lambda y: np.putmask(y, np.array([[1, 0, 0], [0, 1, 0]], bool), anp.tile(v, 3)),
        lambda y: np.copyto(y, v[0], where=np.array([[1, 0, 0], [0, 1, 0]], bool)),
        lambda y: np.fill_diagonal(y, v),
    ):
        y = x * 1
        ref = np.arange(1.0, 7.0).reshape(2, 3)
        write(y)
        assert y.grad_fn is not None
        g_x, g_v = ag.autograd.grad([(y * y).sum()], [x, v])
        kept = np.isclose(y.detach().numpy(), ref)
        np.testing.assert_allclose(g_x.detach().numpy(), np.where(kept, 2 * ref, 0))
        assert np.abs(g_v.detach().numpy()).sum() > 0
    a = np.zeros(3)
    np.put(a, [1], ag.tensor([2.0]))  # a NumPy array with a constant tensor: plain NumPy
    np.testing.assert_array_equal(a, [0, 2, 0])
    with pytest.raises(TypeError, match="require"):
        anp.put(np.zeros(3), [1], v)


def test_tensor_methods():
    x = ag.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 1.5]], requires_grad=True)
    d = x.detach().numpy()
    np.testing.assert_allclose(x.var(axis=1).detach().numpy(), d.var(axis=1))
    np.testing.assert_allclose(x.std(ddof=1).detach().numpy(), d.std(ddof=1))
    np.testing.assert_allclose(x.cumsum(1).detach().numpy(), d.cumsum(1))
    np.testing.assert_allclose(x.cumprod().detach().numpy(), d.cumprod())
    np.testing.assert_array_equal(x.argsort().detach().numpy(), d.argsort())
    np.testing.assert_array_equal(x.repeat(2, axis=0).detach().numpy(), d.repeat(2, axis=0))
    np.testing.assert_array_equal(x.flip(1).detach().numpy(), np.flip(d, 1))
    np.testing.assert_array_equal(x.roll(1).detach().numpy(), np.roll(d, 1))
    np.testing.assert_allclose(x.trace().detach().numpy(), d.trace())
    np.testing.assert_array_equal(x.diagonal().detach().numpy(), d.diagonal())
    np.testing.assert_array_equal(x.round().detach().numpy(), d.round())
    y = x * 1
    assert y.sort(axis=1) is None  # NumPy's: in place
    np.testing.assert_array_equal(y.detach().numpy(), np.sort(d, axis=1))
    (y * np.array([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [[3, 1, 2], [1, 3, 2]])
    z = ag.tensor([2.0, 1.0])
    z.sort()
    np.testing.assert_array_equal(z.detach().numpy(), [1, 2])


# ---------------------------------------------------------------------------- errors


def test_unsupported_numpy_function_names_itself():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(TypeError, match="numpy.i0"):
        np.i0(x)
    with pytest.raises(TypeError, match=r"maximum\.accumulate"):
        np.maximum.accumulate(x)
    with pytest.raises(TypeError, match="not differentiable"):
        np.pad(x, 1, mode="mean")
    with pytest.raises(TypeError, match="weights"):
        np.histogram(ag.tensor([1.0, 2.0]), weights=x[:2])
    # without a gradient to compute, NumPy just runs
    np.testing.assert_allclose(np.i0(x.detach()).detach().numpy(), np.i0([1.0, 2.0, 3.0]))


def test_out_is_refused_inside_graphs():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="out="):
        anp.sum(x, out=np.zeros(()))
    with pytest.raises(TypeError, match="out="):
        np.cumsum(x, out=np.zeros(2))


def test_bincount_is_differentiable_in_weights():
    w = ag.tensor([0.5, 1.0, 2.0, 4.0], requires_grad=True)
    out = anp.bincount(np.array([0, 2, 2, 3]), weights=w, minlength=5)
    np.testing.assert_allclose(out.detach().numpy(), [0.5, 0, 3.0, 4.0, 0])
    (out * np.arange(5.0)).sum().backward()
    np.testing.assert_allclose(w.grad.detach().numpy(), [0, 2, 2, 3])


# ---------------------------------------------------------------------------- array-likes


@pytest.mark.parametrize("case", ARRAY_LIKE_CASES, ids=[c.id for c in ARRAY_LIKE_CASES])
def test_op_array_like(case):
    """The same case with its tensors given as lists/tuples of tensors, NumPy constants
    and Python scalars (opdb_cases.ARRAY_LIKE_CASES): the same value and derivatives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        check_op(case.fn, case.inputs, case.ref, **case.opts)


# Functions NumPy documents as taking array_like whose cases get no array-like twin, and why
ARRAY_LIKE_WITHOUT_TWIN = {
    "apply_over_axes": "NumPy's own code reads a.ndim: NumPy refuses a list there",
    "block": "its lists are the block structure, not array_likes",
    "array": "its cases are array-likes already (nested lists of tensors and scalars)",
    "fromfunction": "the tensor is captured by the function, not passed",
    "full": "NumPy does not dispatch on fill_value (the probe cannot see the parameter)",
    "full_like": "NumPy does not dispatch on fill_value (the probe cannot see the parameter)",
    "logspace": "its cases' inputs are 0-d (a 0-d array_like holds no tensor list)",
    "poly": "NumPy's dispatcher for poly cannot be probed (it iterates its argument)",
    "roots": "NumPy's dispatcher for roots cannot be probed (it iterates its argument)",
    "nancumsum": "its cases add NaNs to the input first (the input reaches numpy.add)",
    "nancumprod": "its cases add NaNs to the input first (the input reaches numpy.add)",
    "nanquantile": "its cases add NaNs to the input first (the input reaches numpy.add)",
    "nanpercentile": "its cases add NaNs to the input first (the input reaches numpy.add)",
    "trim_zeros": "its case multiplies the input by a mask first",
    "place": "its case copies the array first; vals is documented as a 1-D sequence",
    "fill_diagonal": "its case copies the array first; its value input is 2 entries only",
    "select": "choicelist is a list of ndarrays (not array_like); default is 0-d",
}


def test_every_array_like_function_has_an_array_like_twin():
    """Each function of the database whose NumPy docs take an array_like input has its
    cases repeated with array-likes (ARRAY_LIKE_CASES), or a reason above."""
    from opdb_cases import array_like_params

    takes = {c.func for c in CASES if array_like_params(c.func)}
    twinned = {c.func for c in ARRAY_LIKE_CASES}
    missing = sorted(takes - twinned - set(ARRAY_LIKE_WITHOUT_TWIN))
    assert not missing, f"array_like functions without an array-like twin: {missing}"
    stale = sorted(set(ARRAY_LIKE_WITHOUT_TWIN) & twinned)
    assert not stale, f"these have twins now; drop them from the list: {stale}"
    assert len(twinned) >= 190 and len(ARRAY_LIKE_CASES) >= 700
