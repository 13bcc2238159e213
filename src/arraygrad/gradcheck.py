"""Gradient checks by central finite differences (use float64 or complex128 inputs).

Complex inputs are perturbed along the real and the imaginary axis; the reverse-mode
result is compared in arraygrad's (JAX's) convention, where the cotangent of a real
output with respect to ``z = a + ib`` is ``dy/da - i dy/db``.

A check costs two evaluations of ``f`` per input element and one backward pass per output
element; on large inputs (``PROGRESS_MIN_STEPS`` or more) a tqdm bar shows how far it is,
when tqdm is installed and the output is a terminal (``progress=`` overrides).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._progress import progress as _progress_bar
from .core.engine import grad as _grad
from .core.tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]

# checks with fewer steps (finite-difference points + backward passes) finish in well
# under a second; a bar would only flicker
PROGRESS_MIN_STEPS = 200


class GradcheckError(AssertionError):
    pass


def _as_inputs(inputs: Any) -> tuple[Tensor, ...]:
    if isinstance(inputs, (Tensor, np.ndarray, float, complex)):
        inputs = (inputs,)
    out = []
    for x in inputs:
        if isinstance(x, Tensor):
            out.append(x)
        else:
            out.append(Tensor(np.asarray(x, dtype=np.result_type(np.asarray(x), np.float64))))
    return tuple(out)


def _outputs(f: Callable, xs: Sequence[Tensor]) -> list[Tensor]:
    out = f(*xs)
    if isinstance(out, (list, tuple)):
        return [o if isinstance(o, Tensor) else Tensor(o) for o in out]
    return [out if isinstance(out, Tensor) else Tensor(out)]


def _numerical(f: Callable, xs: Sequence[Tensor], eps: float, bar: Any) -> list[np.ndarray]:
    """``J[i][k]``: the cotangent of input ``i`` for each real output component ``k``."""
    base = [x.detach() for x in xs]
    outs = [o.numpy(force=True) for o in _outputs(f, base)]
    n_real = sum(o.size * (2 if np.iscomplexobj(o) else 1) for o in outs)
    result = []
    for i, x in enumerate(base):
        data = x.numpy(force=True)
        jac = np.zeros((n_real,) + data.shape, dtype=data.dtype)
        directions = [1.0, 1j] if np.iscomplexobj(data) else [1.0]
        for pos in np.ndindex(data.shape or ()):
            for d in directions:
                vals = []
                for sign in (1, -1):
                    pert = data.copy()
                    pert[pos] = pert[pos] + sign * eps * d
                    args = [Tensor(pert) if j == i else base[j] for j in range(len(base))]
                    vals.append(_flat_real([o.numpy(force=True) for o in _outputs(f, args)]))
                bar.update(1)
                deriv = (vals[0] - vals[1]) / (2 * eps)
                # JAX convention: a real output's cotangent is dy/da - i dy/db.
                jac[(slice(None),) + pos] += deriv if d == 1.0 else -1j * deriv
        result.append(jac)
    return result


def _flat_real(outs: list[np.ndarray]) -> np.ndarray:
    parts = []
    for o in outs:
        o = np.asarray(o)
        if np.iscomplexobj(o):
            parts += [o.real.ravel(), o.imag.ravel()]
        else:
            parts.append(o.ravel().astype(np.float64))
    return np.concatenate(parts) if parts else np.zeros(0)


def _analytical(f: Callable, xs: Sequence[Tensor], bar: Any) -> list[np.ndarray]:
    leaves = [x.detach().requires_grad_(True) for x in xs]
    outs = _outputs(f, leaves)
    rows = []
    for o in outs:
        seeds = [1.0, -1j] if np.iscomplexobj(o.numpy(force=True)) else [1.0]
        per_part = {s: [] for s in seeds}
        for flat in range(o.size):
            for s in seeds:
                g = np.zeros(o.shape, dtype=o.dtype)
                g.reshape(-1)[flat] = s
                if o._rg:
                    gs = _grad([o], leaves, [Tensor(g)], retain_graph=True, allow_unused=True)
                else:
                    gs = [None] * len(leaves)
                per_part[s].append([
                    np.zeros(x.shape, dtype=x.dtype) if gi is None else gi.numpy(force=True)
                    for gi, x in zip(gs, leaves)
                ])
                bar.update(1)
        for s in seeds:  # the order of _flat_real: real parts, then imaginary parts
            rows.extend(per_part[s])
    return [np.array([r[i] for r in rows]).reshape((len(rows),) + leaves[i].shape)
            for i in range(len(leaves))]


def gradcheck(
    f: Callable,
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    progress: bool | None = None,
) -> bool:
    """Compare reverse-mode gradients of ``f`` at ``inputs`` with central differences.

    ``progress``: ``None`` shows a tqdm bar for large checks on a terminal, ``True``
    always (when tqdm is installed), ``False`` never."""
    xs = _as_inputs(inputs)
    for x in xs:
        if x.dtype not in (np.float64, np.complex128):
            raise TypeError(
                f"gradcheck needs float64 or complex128 inputs for accurate finite differences; "
                f"got {x.dtype}"
            )
    n_out = sum(o.size * (2 if o.dtype.kind == "c" else 1)
                for o in _outputs(f, [x.detach() for x in xs]))
    steps = sum(x.size * (2 if x.dtype.kind == "c" else 1) for x in xs) + n_out
    show = False if progress is False or (progress is None and steps < PROGRESS_MIN_STEPS) \
        else progress
    with _progress_bar(total=steps, desc="gradcheck", unit="step", enabled=show) as bar:
        numeric = _numerical(f, xs, eps, bar)
        analytic = _analytical(f, xs, bar)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if a.shape != n.shape or not np.allclose(a, n, atol=atol, rtol=rtol):
            if not raise_exception:
                return False
            err = np.max(np.abs(a - n)) if a.shape == n.shape else "shape mismatch"
            raise GradcheckError(
                f"gradcheck: Jacobian mismatch for input {i} (shape {xs[i].shape}); max abs "
                f"error {err}\nanalytical:\n{a}\nnumerical:\n{n}"
            )
    return True


def gradgradcheck(
    f: Callable,
    inputs: Any,
    grad_outputs: Any = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
    progress: bool | None = None,
) -> bool:
    """``gradcheck`` of the map ``inputs -> vjp(f)(inputs, v)``: second derivatives."""
    xs = _as_inputs(inputs)
    probe = _outputs(f, [x.detach() for x in xs])
    rng = np.random.default_rng(seed)
    if grad_outputs is None:
        vs = [Tensor(_random_like(rng, o.numpy(force=True))) for o in probe]
    else:
        vs = list(grad_outputs) if isinstance(grad_outputs, (list, tuple)) else [grad_outputs]

    def first_derivative(*args: Tensor) -> tuple:
        # Inputs without grad (the finite-difference pass) become fresh leaves.
        args = tuple(a if a._rg else a.detach().requires_grad_(True) for a in args)
        outs = _outputs(f, args)
        pairs = [(o, v) for o, v in zip(outs, vs) if o._rg]
        needed = [a for a in args if a._rg]
        if not pairs or not needed:
            return tuple(a * 0 for a in args)
        gs = _grad([p[0] for p in pairs], needed, [p[1] for p in pairs], create_graph=True,
                   allow_unused=True)
        by_id = {id(a): g for a, g in zip(needed, gs)}
        return tuple(a * 0 if by_id.get(id(a)) is None else by_id[id(a)] for a in args)

    return gradcheck(first_derivative, xs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, progress=progress)


def _random_like(rng: np.random.Generator, o: np.ndarray) -> np.ndarray:
    v = rng.standard_normal(o.shape)
    if np.iscomplexobj(o):
        v = v + 1j * rng.standard_normal(o.shape)
    return v.astype(o.dtype)
