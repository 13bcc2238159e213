"""arraygrad under ``ag.compile``: the same step functions as the eager peer, traced
once and replayed (``arraygrad-compile``: the NumPy program with its buffer plan;
``arraygrad-fast``: elementwise runs fused by numba, the ``fast`` extra).

Each factory calls its compiled thunk three times before handing it over (the trace, a
replay, and the replay at which fusion compiles its kernels), so the harness times the
steady state; ``bench/compile_costs.py`` measures what those first calls cost.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import arraygrad as ag

from .arraygrad_impl import ArraygradPeer
from .base import Thunk


def _warm(fn: Thunk) -> Thunk:
    for _ in range(3):
        fn()
    return fn


class ArraygradCompilePeer(ArraygradPeer):
    name = "arraygrad-compile"
    fusion: str | None = None

    def _compile(self, fn: Callable) -> Callable:
        return ag.compile(fn, fallback=False, fusion=self.fusion)

    def version(self) -> dict[str, str]:
        out = super().version()
        if self.fusion == "numba":
            import numba

            out["numba"] = numba.__version__
        return out

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        return _warm(self._compile(super().w1_fwd_bwd(x0, n_ops)))

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        return _warm(self._compile(super().w1_fwd(x0, n_ops)))

    def w2_step(self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray,
                lr: float, lam: float) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        step, params = super().w2_step(W1, W2, X, Y, lr, lam)
        start = [p.copy() for p in params()]
        fn = _warm(self._compile(step))
        for p, p0 in zip(params(), start):  # the warm-up steps are undone, in place
            np.copyto(p, p0)
        return fn, params

    def w3(self, x0: float, n: int) -> Thunk:
        return _warm(self._compile(super().w3(x0, n)))

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        return _warm(self._compile(super().w4_grad(A, w)))

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        return _warm(self._compile(super().w4_hvp(A, w, v)))


class ArraygradFastPeer(ArraygradCompilePeer):
    name = "arraygrad-fast"
    fusion = "numba"

    def __init__(self) -> None:
        try:
            import numba  # noqa: F401
        except ImportError as e:  # the runner reports the peer as skipped
            raise ImportError("arraygrad-fast needs numba (pip install arraygrad[fast])") from e

