"""``torch.compile`` (inductor, CPU) of the PyTorch peer's step functions: the peer
ag.compile is measured against. Its first call compiles (tens of seconds here); each
factory makes that call before handing the thunk over."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .base import Thunk, Unsupported
from .torch_impl import TorchPeer


class TorchCompilePeer(TorchPeer):
    name = "torch-compile"

    def _compile(self, fn: Callable) -> Thunk:
        c = torch.compile(fn)
        for _ in range(2):
            c()
        return c

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        return self._compile(super().w1_fwd_bwd(x0, n_ops))

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        return self._compile(super().w1_fwd(x0, n_ops))

    def w2_step(self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray,
                lr: float, lam: float) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        step, params = super().w2_step(W1, W2, X, Y, lr, lam)
        start = [p.copy() for p in params()]
        fn = self._compile(step)
        for p, p0 in zip(params(), start):  # the warm-up steps are undone, in place
            np.copyto(p, p0)
        return fn, params

    def w3(self, x0: float, n: int) -> Thunk:
        raise Unsupported("torch.compile of a 10,000+ op unrolled chain does not finish "
                          "in the time budget")

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        return self._compile(super().w4_grad(A, w))

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        raise Unsupported("torch.compile does not support double backward")
