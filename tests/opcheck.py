"""One checker for every differentiable op: forward value, reverse mode, second order,
forward mode and NumPy dispatch, all against independent references.

    check_op(anp.sin, [x], numpy_fn=np.sin)

- forward: ``fn(*tensors)`` equals ``numpy_fn(*arrays)``;
- ``gradcheck`` and (unless ``second_order=False``) ``gradgradcheck`` by central
  differences in float64 / complex128;
- forward mode: ``J v`` from ``ag.jvp`` (or, before it exists, from reverse-over-reverse)
  equals the finite-difference directional derivative, and ``<u, J v> == <J^T u, v>``;
- dispatch: calling ``numpy_fn`` on Tensors gives the same value as ``fn``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import arraygrad as ag
from arraygrad import Tensor


def _tensors(inputs: Sequence[Any]) -> list[Tensor]:
    return [x if isinstance(x, Tensor) else ag.tensor(np.asarray(x)) for x in inputs]


def _outs(out: Any) -> list[Tensor]:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _real_dot(a: np.ndarray, b: np.ndarray) -> float:
    # The bilinear pairing of arraygrad's (JAX's) convention: Re(sum(a * b)).
    return float(np.real(np.sum(np.asarray(a) * np.asarray(b))))


def jvp_of(fn: Callable, xs: list[Tensor], vs: list[np.ndarray]) -> list[np.ndarray]:
    """``J v`` through the library's forward mode (``ag.jvp``) when it exists, else by
    differentiating a VJP with respect to its cotangent (reverse over reverse)."""
    if hasattr(ag, "jvp"):
        _, tangent = ag.jvp(fn, tuple(x.detach() for x in xs), tuple(ag.tensor(v) for v in vs))
        return [t.numpy(force=True) for t in _outs(tangent)]
    leaves = [x.detach().requires_grad_(True) for x in xs]
    outs = _outs(fn(*leaves))
    us = [ag.tensor(np.zeros(o.shape, o.dtype), requires_grad=True) for o in outs]
    gs = ag.autograd.grad(outs, leaves, us, create_graph=True, allow_unused=True)
    s = None
    for g, v in zip(gs, vs):
        if g is not None:
            term = ag.numpy.real((g * ag.tensor(v)).sum())
            s = term if s is None else s + term
    if s is None or not s.requires_grad:
        return [np.zeros(o.shape, o.dtype) for o in outs]
    jv = ag.autograd.grad([s], us, allow_unused=True)
    # With the bilinear pairing, d<J^T u, v>/du is (J v) itself.
    return [np.zeros(o.shape, o.dtype) if j is None else j.numpy(force=True) for o,
            j in zip(outs, jv)]


def check_forward_mode(fn: Callable, xs: list[Tensor], eps: float = 1e-6, tol: float = 1e-5,
                       seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    vs = []
    for x in xs:
        v = rng.standard_normal(x.shape)
        if x.dtype.kind == "c":
            v = v + 1j * rng.standard_normal(x.shape)
        vs.append(v.astype(x.dtype))
    jv = jvp_of(fn, xs, vs)
    plus = _outs(fn(*[ag.tensor(x.numpy(force=True) + eps * v) for x, v in zip(xs, vs)]))
    minus = _outs(fn(*[ag.tensor(x.numpy(force=True) - eps * v) for x, v in zip(xs, vs)]))
    for j, p, m in zip(jv, plus, minus):
        if p.dtype.kind not in "fc":
            continue
        fd = (p.numpy(force=True) - m.numpy(force=True)) / (2 * eps)
        np.testing.assert_allclose(j, fd, rtol=tol * 100, atol=tol, err_msg="JVP vs finite diff")
    # <u, J v> == <J^T u, v>
    leaves = [x.detach().requires_grad_(True) for x in xs]
    outs = _outs(fn(*leaves))
    pairs = [(o, j) for o, j in zip(outs, jv) if o.requires_grad]
    if not pairs:
        return
    us = [rng.standard_normal(o.shape).astype(o.dtype) for o, _ in pairs]
    grads = ag.autograd.grad([o for o, _ in pairs], leaves, [ag.tensor(u) for u in us],
                             allow_unused=True)
    lhs = sum(_real_dot(u, j) for u, (_, j) in zip(us, pairs))
    rhs = sum(_real_dot(g.numpy(force=True), v) for g, v in zip(grads, vs) if g is not None)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-7, atol=1e-9, err_msg="<u, Jv> != <J^T u, v>")


def check_op(
    fn: Callable,
    inputs: Sequence[Any],
    numpy_fn: Callable | None = None,
    *,
    second_order: bool = True,
    forward_mode: bool = True,
    dispatch: bool = True,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    xs = _tensors(inputs)
    out = fn(*xs)
    if numpy_fn is not None:
        expected = numpy_fn(*[x.numpy(force=True) for x in xs])
        for o, e in zip(_outs(out), expected if isinstance(out, (tuple, list)) else [expected]):
            np.testing.assert_allclose(np.asarray(o), np.asarray(e), rtol=1e-12, atol=1e-12,
                                       err_msg="forward value differs from NumPy")
        if dispatch:
            via_numpy = numpy_fn(*xs)
            for o, d in zip(_outs(out), _outs(via_numpy)):
                assert isinstance(d, Tensor), f"{numpy_fn} on Tensors did not dispatch"
                np.testing.assert_allclose(np.asarray(d), np.asarray(o), rtol=1e-12,
                                           atol=1e-12)
    ag.gradcheck(fn, xs, atol=atol, rtol=rtol)
    if second_order:
        ag.gradgradcheck(fn, xs, atol=atol, rtol=rtol)
    if forward_mode:
        check_forward_mode(fn, xs)
