"""The core ops on ``array_api_strict`` arrays: code that only works on NumPy is caught.

``array_api_strict`` is the array API standard's reference library: no NumPy dispatch, no
NumPy methods, strict type promotion, no NumPy scalars. A tensor made from one keeps its
data there (``arraygrad._backend`` adopts the type: NumPy calls in op forwards are
translated to the standard's namespace, and a NumPy function with no standard equivalent
raises). Each case runs forward and backward on strict arrays and on NumPy, and checks
that the values and gradients agree and that every array stayed a strict array.

What is covered, and what is known not to work yet, is listed in docs/backends.md; the
``xfail(strict=True)`` cases turn into failures when they start passing, so the list is
kept honest.
"""

from __future__ import annotations

import numpy as np
import pytest

xp = pytest.importorskip("array_api_strict",
                         reason="array-api-strict is not installed (pip install 'arraygrad[test]')")

import arraygrad as ag  # noqa: E402
from arraygrad import numpy as anp  # noqa: E402

Array = type(xp.asarray(0.0))


def _strict(a: np.ndarray):
    return xp.asarray(a)


def _run(fn, arrays, backend):
    leaves = [ag.tensor(backend(a), requires_grad=a.dtype.kind == "f") for a in arrays]
    out = fn(*leaves)
    loss = out.sum() if out.ndim else out
    grads = ag.autograd.grad(loss, [t for t in leaves if t.requires_grad], allow_unused=True)
    return out, grads


def check(fn, *arrays, second_order=False):
    """``fn`` on strict arrays equals ``fn`` on NumPy, value and gradient; data stays strict."""
    out_n, grads_n = _run(fn, arrays, np.asarray)
    out_s, grads_s = _run(fn, arrays, _strict)
    assert isinstance(out_s.array, Array), f"forward escaped to {type(out_s.array)}"
    np.testing.assert_allclose(out_s.detach().numpy(), out_n.detach().numpy(), rtol=1e-12,
                               atol=1e-14)
    for gn, gs in zip(grads_n, grads_s):
        assert (gn is None) == (gs is None)
        if gs is None:
            continue
        assert isinstance(gs.array, Array), f"gradient escaped to {type(gs.array)}"
        np.testing.assert_allclose(gs.detach().numpy(), gn.detach().numpy(), rtol=1e-12, atol=1e-14)
    if second_order:
        # the gradient of sum(grad) on strict arrays equals NumPy's
        def hess_diag_sum(backend):
            leaves = [ag.tensor(backend(a), requires_grad=True) for a in arrays]
            g = ag.autograd.grad(fn(*leaves).sum(), leaves, create_graph=True)
            gg = ag.autograd.grad(sum(x.sum() for x in g), leaves)
            return gg

        for a, b in zip(hess_diag_sum(np.asarray), hess_diag_sum(_strict)):
            assert isinstance(b.array, Array)
            np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-12,
                                       atol=1e-14)


def _index(x, idx):
    """An integer index array of ``x``'s own library (the standard accepts no other)."""
    return xp.asarray(idx) if isinstance(x.array, Array) else np.asarray(idx)


R = np.random.default_rng(7)
A = R.standard_normal((3, 4))
B = R.standard_normal((3, 4))
M = R.standard_normal((4, 2))
V = R.standard_normal(4)
P = R.random((3, 4)) + 0.5  # positive

CORE = {
    "add": (lambda x, y: x + y, (A, B)),
    "add_broadcast": (lambda x, y: x + y, (A, V)),
    "subtract": (lambda x, y: x - y, (A, B)),
    "multiply": (lambda x, y: x * y, (A, B)),
    "multiply_scalar": (lambda x: 3.0 * x * 2, (A,)),
    "divide": (lambda x, y: x / y, (A, P)),
    "negative": (lambda x: -x, (A,)),
    "power_scalar": (lambda x: x ** 3, (A,)),
    "square_via_pow2": (lambda x: x ** 2, (A,)),
    "exp": (anp.exp, (A,)),
    "log": (anp.log, (P,)),
    "tanh": (anp.tanh, (A,)),
    "sin_cos": (lambda x: anp.sin(x) * anp.cos(x), (A,)),
    "sqrt": (anp.sqrt, (P,)),
    "abs": (anp.abs, (A,)),
    "maximum": (anp.maximum, (A, B)),
    "maximum_scalar": (lambda x: anp.maximum(x, 0.0), (A,)),
    "where": (lambda x, y: anp.where(x.array > 0, x, y), (A, B)),
    "sum": (lambda x: x.sum(), (A,)),
    "sum_axis": (lambda x: x.sum(axis=1), (A,)),
    "sum_keepdims": (lambda x: x.sum(axis=0, keepdims=True) * x, (A,)),
    "mean": (lambda x: x.mean(axis=0), (A,)),
    "clip": (lambda x: anp.clip(x, -0.5, 0.5), (A,)),
    "prod": (lambda x: x.prod(axis=0), (P,)),
    "matmul": (lambda x, y: x @ y, (A, M)),
    "matmul_vector": (lambda x, v: x @ v, (A, V)),
    "dot_vectors": (lambda v, w: anp.dot(v, w), (V, V * 2)),
    "reshape": (lambda x: x.reshape(2, 6) * 2, (A,)),
    "transpose": (lambda x: x.T @ x, (A,)),
    "expand_squeeze": (lambda x: anp.squeeze(anp.expand_dims(x, 0) * 2, 0), (A,)),
    "broadcast_to": (lambda v: anp.broadcast_to(v, (3, 4)) * 2, (V,)),
    "getitem_slice": (lambda x: x[1:, ::2], (A,)),
    "getitem_int_ellipsis": (lambda x: x[1, ...] * x[2, ...], (A,)),
    "getitem_advanced_own_index": (  # repeats: the rule scatter-adds
        lambda x: x[_index(x, [0, 2, 2]), _index(x, [1, 3, 3])] * 2, (A,)),
    "take_own_index": (lambda x: anp.take(x, _index(x, [2, 0, 2]), axis=0) * 2, (A,)),
    "concatenate": (lambda x, y: anp.concatenate([x, y], axis=1), (A, B)),
    "stack": (lambda x, y: anp.stack([x, y]), (A, B)),
    "mlp_layer": (lambda x, w, v: (anp.tanh(x @ w) ** 2).sum() + (v * v).sum(), (A, M, V)),
    # NumPy's index forms, translated to the standard's by the adopted type's __getitem__
    "getitem_int_short": (lambda x: x[1] * x[2], (A,)),  # x[i] is x[i, ...]
    "getitem_numpy_scalar_index": (lambda x: x[np.int64(2), 1:] * x[np.int64(0), :3], (A,)),
    "getitem_advanced_numpy_index": (lambda x: x[np.array([0, 2, 2])] * 2, (A,)),
    "getitem_advanced_list_index": (lambda x: x[:, [3, -1, 0]], (A,)),
    "getitem_advanced_2d_index": (lambda x: x[np.array([[0], [2]]), 1:], (A,)),
    "getitem_advanced_after_ellipsis": (lambda x: x[..., np.array([1, 1, 0])], (A,)),
    "getitem_bool_mask": (lambda x: x[x.array > 0] * 3, (A,)),
    "max_ties_shared": (lambda x: x.max(axis=1), (np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]),)),
    "min_all": (lambda x: x.min() * x, (A,)),
    "max_axes_keepdims": (lambda x: x.max(axis=(0, 1), keepdims=True) * x, (A,)),
    "norm": (lambda x: anp.linalg.norm(x), (A,)),
    "norm_axis_keepdims": (lambda x: anp.linalg.norm(x, axis=1, keepdims=True) * x, (A,)),
}


@pytest.mark.parametrize("name", sorted(CORE))
def test_core_op_on_array_api_strict(name):
    fn, arrays = CORE[name]
    check(fn, *arrays)


@pytest.mark.parametrize("name", ["tanh", "exp", "multiply", "matmul", "sin_cos"])
def test_second_order_on_array_api_strict(name):
    fn, arrays = CORE[name]
    check(fn, *arrays, second_order=True)


# Known gaps: each names what is NumPy-only. strict=True: when one starts passing, the
# test fails, and the case moves up into CORE (and the docs' list changes).
GAPS = {
    "getitem_two_arrays_short": (
        lambda x: x[np.array([0, 1]), np.array([1, 2])][..., 0],
        (R.standard_normal((3, 4, 2)),),
        "several index arrays must name every axis (the standard allows nothing else beside "
        "them); only one index array among slices is translated (to take)",
    ),
    "var": (
        lambda x: x.var(axis=0),
        (A,),
        "the wider numpy namespace (var/std, cumsum, sort, ...) is untested on the standard",
    ),
}


@pytest.mark.parametrize("name", sorted(GAPS))
def test_known_gap(name):
    fn, arrays, why = GAPS[name]
    try:
        check(fn, *arrays)
    except Exception as exc:  # noqa: BLE001 - the point is that it fails today
        pytest.xfail(f"{why} ({type(exc).__name__}: {str(exc)[:120]})")
    raise AssertionError(f"{name} now works on array-api-strict: move it into CORE")


def test_numpy_only_function_is_an_error_not_a_silent_host_copy():
    x = ag.tensor(xp.asarray([1.0, 2.0]))
    with pytest.raises(TypeError, match="no array API equivalent"):
        np.cbrt(x.array)  # not in the standard
    with pytest.raises(TypeError, match="no array API equivalent"):
        np.isclose(x.array, x.array)


def test_strict_tensor_basics():
    t = ag.tensor(xp.asarray([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    assert isinstance(t.array, Array)
    assert t.device == "cpu" and t.dtype.kind == "f"
    assert t.detach().numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    (t * t).sum().backward()
    assert isinstance(t.grad.array, Array)
    np.testing.assert_allclose(t.grad.detach().numpy(), 2 * t.detach().numpy())
    assert "tensor(" in repr(t)
    # the MXNet idiom: a zero buffer on the array's own backend, written in place
    u = ag.tensor(xp.asarray([1.0, 2.0]))
    u.attach_grad()
    with ag.autograd.record():
        y = (u * u * u).sum()
    y.backward()
    assert isinstance(u.grad.array, Array)
    np.testing.assert_allclose(u.grad.detach().numpy(), [3.0, 12.0])
