"""PyTorch (CPU), written the way a PyTorch user would write it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .base import Peer, Thunk, w1_chain, w3_chain

torch.set_num_threads(2)  # the runner's pinning; torch ignores OMP_NUM_THREADS once started


class TorchPeer(Peer):
    name = "torch"

    def version(self) -> dict[str, str]:
        return {"torch": torch.__version__}

    def threads(self) -> dict[str, Any]:
        return {
            "torch.get_num_threads": torch.get_num_threads(),
            "torch.get_num_interop_threads": torch.get_num_interop_threads(),
        }

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = torch.tensor(x0, requires_grad=True)

        def run() -> torch.Tensor:
            x.grad = None
            w1_chain(x, n_ops, torch.sin, torch.tanh, torch.exp).sum().backward()
            return x.grad

        return run

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = torch.tensor(x0, requires_grad=True)

        def run() -> torch.Tensor:
            with torch.no_grad():
                return w1_chain(x, n_ops, torch.sin, torch.tanh, torch.exp).sum()

        return run

    @staticmethod
    def _objective(
        W1: torch.Tensor, W2: torch.Tensor, X: torch.Tensor, Y: torch.Tensor, lam: float
    ) -> torch.Tensor:
        o = torch.relu(X @ W1.T) @ W2.T
        L = -(Y * torch.log_softmax(o, dim=1)).sum() / X.shape[0]
        return L + lam / 2 * (W1.square().sum() + W2.square().sum())

    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        params = [torch.tensor(W1, requires_grad=True), torch.tensor(W2, requires_grad=True)]
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

        def step() -> None:
            J = self._objective(*params, Xt, Yt, lam)
            J.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None

        return step, lambda: [p.detach().numpy() for p in params]

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        W1t, W2t = torch.tensor(W1, requires_grad=True), torch.tensor(W2, requires_grad=True)
        J = self._objective(W1t, W2t, torch.from_numpy(X), torch.from_numpy(Y), lam)
        J.backward()
        return J.item(), W1t.grad.numpy(), W2t.grad.numpy()

    def w3(self, x0: float, n: int) -> Thunk:
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)

        def run() -> torch.Tensor:
            x.grad = None
            w3_chain(x, n, torch.sin).backward()
            return x.grad

        return run

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        At = torch.from_numpy(A)
        wt = torch.tensor(w, requires_grad=True)

        def grad() -> torch.Tensor:
            f = torch.tanh(At @ wt).sum()
            return torch.autograd.grad(f, [wt])[0]

        return grad

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        # reverse-over-reverse (double backward), the same recipe arraygrad uses
        At, vt = torch.from_numpy(A), torch.from_numpy(v)
        wt = torch.tensor(w, requires_grad=True)

        def hvp() -> torch.Tensor:
            f = torch.tanh(At @ wt).sum()
            g = torch.autograd.grad(f, [wt], create_graph=True)[0]
            return torch.autograd.grad((g * vt).sum(), [wt])[0]

        return hvp
