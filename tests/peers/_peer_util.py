"""HIPS/autograd's test helpers (``autograd/test_util.py``: ``check_grads``,
``combo_check``) rebuilt on arraygrad's transforms.

``check_grads(f, *args, modes=("rev", "fwd"), order=2)`` checks, against central
differences in float64/complex128, that

- rev: ``<u, J v> == <J^T u, v>`` for random ``u``, ``v`` (``J^T u`` from ``ag.vjp``),
- fwd: ``J v`` from ``ag.jvp`` equals the finite-difference directional derivative,

and, for ``order=2``, the same for the map ``x -> J^T u`` (the VJP differentiated again).

The pairing is the bilinear ``Re(sum(a * b))``: arraygrad follows JAX's complex
convention (the VJP of a holomorphic f is ``g * f'(z)``), where HIPS pairs with
``Re(sum(a * conj(b)))``; checks written this way hold for either library's own rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import arraygrad as ag
from arraygrad.autograd.functional import tree_flatten, tree_unflatten

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6


def _leaves(out: Any) -> list[np.ndarray]:
    return [np.asarray(o.detach() if hasattr(o, "detach") else o) for o in tree_flatten(out)[0]]


def _cotangent(out: Any, us: list[np.ndarray]) -> Any:
    """The random cotangents ``us`` in the structure of ``out``."""
    return tree_unflatten(tree_flatten(out)[1], [ag.tensor(u) for u in us])


def _rand_like(x: Any, rng: np.random.Generator) -> np.ndarray:
    a = np.asarray(x)
    v = rng.standard_normal(a.shape)
    if a.dtype.kind == "c":
        v = v + 1j * rng.standard_normal(a.shape)
    return v


def _pair(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> float:
    return float(sum(np.real(np.sum(np.asarray(x) * np.asarray(y))) for x, y in zip(a, b)))


def _fd(f: Callable, args: list, vs: list) -> list[np.ndarray]:
    plus = _leaves(f(*[np.asarray(a) + EPS * v for a, v in zip(args, vs)]))
    minus = _leaves(f(*[np.asarray(a) - EPS * v for a, v in zip(args, vs)]))
    return [(p - m) / (2 * EPS) for p, m in zip(plus, minus)]


def _as_float(x: Any) -> Any:
    a = np.asarray(x)
    if a.dtype.kind in "iub":
        return a.astype(np.float64)
    return x


def check_vjp(f: Callable, args: list, rng: np.random.Generator) -> None:
    out, vjp_fn = ag.vjp(f, *args)
    outs = _leaves(out)
    us = [_rand_like(o, rng) for o in outs]
    gs = vjp_fn(_cotangent(out, us))
    vs = [_rand_like(a, rng) for a in args]
    lhs = _pair(us, _fd(f, args, vs))
    rhs = _pair([np.asarray(g) for g in gs], vs)  # a list primal: its gradient list
    assert np.isclose(lhs, rhs, rtol=RTOL, atol=ATOL), f"VJP check: {lhs} (fd) != {rhs} (vjp)"


def check_jvp(f: Callable, args: list, rng: np.random.Generator) -> None:
    vs = [_rand_like(a, rng) for a in args]
    tangents = tuple(list(v) if isinstance(a, list) else v for a, v in zip(args, vs))
    _, tout = ag.jvp(f, tuple(args), tangents)
    for t, fd in zip(_leaves(tout), _fd(f, args, vs)):
        np.testing.assert_allclose(t, fd, rtol=RTOL * 10, atol=ATOL * 10,
                                   err_msg="JVP vs finite differences")


def check_grads(f: Callable, *args: Any, modes: Sequence[str] = ("rev", "fwd"),
                order: int = 2, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    args = [_as_float(a) for a in args]
    if "rev" in modes:
        check_vjp(f, args, rng)
    if "fwd" in modes:
        check_jvp(f, args, rng)
    if order > 1:
        out = f(*args)
        us = [_rand_like(o, rng) for o in _leaves(out)]
        ct = _cotangent(out, us)

        def vjp_of_f(*xs: Any) -> Any:
            return ag.vjp(f, *xs)[1](ct)

        check_grads(vjp_of_f, *args, modes=("rev",), order=order - 1, seed=seed + 1)


def combo_check(fun: Callable, argnums: Sequence[int], *arg_lists: Sequence[Any],
                modes: Sequence[str] = ("rev", "fwd"), order: int = 2,
                **kwarg_lists: Sequence[Any]) -> None:
    """``check_grads`` over the product of every argument and keyword choice,
    differentiating the arguments at ``argnums`` (HIPS's ``combo_check``)."""
    keys = list(kwarg_lists)
    for args in itertools.product(*arg_lists):
        for kv in itertools.product(*(kwarg_lists[k] for k in keys)):
            kwargs = dict(zip(keys, kv))
            fixed = list(args)

            def f(*diff: Any, fixed=fixed, kwargs=kwargs) -> Any:
                full = list(fixed)
                for i, d in zip(argnums, diff):
                    full[i] = d
                return fun(*full, **kwargs)

            try:
                check_grads(f, *[args[i] for i in argnums], modes=modes, order=order)
            except AssertionError as e:
                shapes = [np.shape(a) for a in args]
                raise AssertionError(f"{getattr(fun, '__name__', fun)} args {shapes} "
                                     f"kwargs {kwargs}: {e}") from e


def unary_ufunc_check(fun: Callable, lims: Sequence[float] = (-2, 2),
                      test_complex: bool = True, **kwargs: Any) -> None:
    rng = np.random.default_rng(0)
    lo, hi = lims
    tr = lambda x: x * (hi - lo) + lo  # noqa: E731
    combo_check(fun, [0], [tr(0.4), tr(rng.random(2)), tr(rng.random((3, 2))),
                           tr(rng.random((1, 2)))], **kwargs)
    if test_complex:
        combo_check(fun, [0], [tr(0.4) + 0.1j * tr(0.3),
                               tr(rng.random((3, 2))) + 0.1j * rng.random((3, 2))], **kwargs)


def binary_ufunc_check(fun: Callable, lims_A: Sequence[float] = (-2, 2),
                       lims_B: Sequence[float] = (-2, 2), test_complex: bool = True,
                       same_args: bool = True, **kwargs: Any) -> None:
    rng = np.random.default_rng(0)
    ta = lambda x: x * (lims_A[1] - lims_A[0]) + lims_A[0]  # noqa: E731
    tb = lambda x: x * (lims_B[1] - lims_B[0]) + lims_B[0]  # noqa: E731
    if same_args:
        base = [0.6, rng.random(2), rng.random((3, 2)), rng.random((1, 2))]
        a_vals, b_vals = [ta(x) for x in base], [tb(x) for x in base]
    else:
        a_vals = [ta(x) for x in [0.6, rng.random(2), rng.random((3, 2)), rng.random((1, 2))]]
        b_vals = [tb(x) for x in [0.7, rng.random(2), rng.random((3, 2)), rng.random((1, 2))]]
    combo_check(fun, [0, 1], a_vals, b_vals, **kwargs)
    if test_complex:
        c = [0.6 + 0.3j, rng.random((3, 2)) + 0.1j * rng.random((3, 2))]
        combo_check(fun, [0, 1], [ta(x) for x in c], [tb(x) for x in c], **kwargs)


def stat_check(fun: Callable, test_complex: bool = True, **kwargs: Any) -> None:
    rng = np.random.default_rng(0)
    a, b, c, d = rng.standard_normal(), rng.standard_normal(3), \
        rng.standard_normal((2, 3)), rng.standard_normal((1, 3))
    combo_check(fun, [0], [3.5, a], **kwargs)
    combo_check(fun, [0], [b, c, d], axis=[None, 0], keepdims=[True, False], **kwargs)
    combo_check(fun, [0], [c, d], axis=[None, 0, 1], keepdims=[True, False], **kwargs)
    if test_complex:
        e = rng.standard_normal((2, 3)) + 0.1j * rng.standard_normal((2, 3))
        combo_check(fun, [0], [3.5, rng.standard_normal() + 0.1j, a], **kwargs)
        combo_check(fun, [0], [b, c, d, e], axis=[None, 0], keepdims=[True, False], **kwargs)
