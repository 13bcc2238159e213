"""MyGrad: NumPy-backed tensors with a PyTorch-like ``backward()`` (first order only)."""

from __future__ import annotations

from collections.abc import Callable

import mygrad as mg
import numpy as np
from mygrad.nnet.activations import logsoftmax, relu

from .base import Peer, Thunk, Unsupported, w1_chain, w3_chain


def _objective(W1: mg.Tensor, W2: mg.Tensor, X: np.ndarray, Y: np.ndarray, lam: float) -> mg.Tensor:
    o = mg.matmul(relu(mg.matmul(X, W1.T)), W2.T)
    L = -mg.sum(Y * logsoftmax(o, axis=1)) / X.shape[0]
    return L + lam / 2 * (mg.sum(W1 * W1) + mg.sum(W2 * W2))


class MygradPeer(Peer):
    name = "mygrad"

    def version(self) -> dict[str, str]:
        return {"mygrad": mg.__version__}

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = mg.tensor(x0)

        def run() -> np.ndarray:
            mg.sum(w1_chain(x, n_ops, mg.sin, mg.tanh, mg.exp)).backward()
            return x.grad  # backward() overwrites the gradient: no zeroing needed

        return run

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = mg.tensor(x0)

        def run() -> mg.Tensor:
            with mg.no_autodiff:
                return mg.sum(w1_chain(x, n_ops, mg.sin, mg.tanh, mg.exp))

        return run

    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        params = [mg.tensor(W1), mg.tensor(W2)]

        def step() -> None:
            _objective(*params, X, Y, lam).backward()
            for p in params:
                p.data -= lr * p.grad  # the arrays are unlocked again once backward is done

        return step, lambda: [p.data for p in params]

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        W1t, W2t = mg.tensor(W1), mg.tensor(W2)
        J = _objective(W1t, W2t, X, Y, lam)
        J.backward()
        return J.item(), W1t.grad, W2t.grad

    def w3(self, x0: float, n: int) -> Thunk:
        x = mg.tensor(x0)

        def run() -> np.ndarray:
            w3_chain(x, n, mg.sin).backward()
            return x.grad

        return run

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        wt = mg.tensor(w)

        def grad() -> np.ndarray:
            mg.sum(mg.tanh(mg.matmul(A, wt))).backward()
            return wt.grad

        return grad

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        raise Unsupported("no higher-order derivatives")
