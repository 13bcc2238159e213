"""HIPS autograd: functional ``grad`` of a Python function over wrapped NumPy."""

from __future__ import annotations

from collections.abc import Callable

import autograd
import autograd.numpy as anp
import numpy as np
from autograd.scipy.special import logsumexp

from .base import Peer, Thunk, w1_chain, w3_chain


def _objective(
    params: tuple[np.ndarray, np.ndarray], X: np.ndarray, Y: np.ndarray, lam: float
) -> np.ndarray:
    W1, W2 = params
    o = anp.maximum(X @ W1.T, 0) @ W2.T
    L = -anp.sum(Y * (o - logsumexp(o, axis=1, keepdims=True))) / X.shape[0]
    return L + lam / 2 * (anp.sum(W1 * W1) + anp.sum(W2 * W2))


class AutogradPeer(Peer):
    name = "autograd"

    def version(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"autograd": version("autograd")}

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = x0.copy()
        g = autograd.grad(lambda x: anp.sum(w1_chain(x, n_ops, anp.sin, anp.tanh, anp.exp)))
        return lambda: g(x)

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        # outside grad() nothing is traced: the wrapped functions see plain ndarrays
        x = x0.copy()
        return lambda: anp.sum(w1_chain(x, n_ops, anp.sin, anp.tanh, anp.exp))

    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        params = (W1.copy(), W2.copy())
        grad = autograd.grad(_objective)

        def step() -> None:
            for p, g in zip(params, grad(params, X, Y, lam)):
                p -= lr * g  # in place on the plain ndarrays

        return step, lambda: list(params)

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        J, (g1, g2) = autograd.value_and_grad(_objective)((W1, W2), X, Y, lam)
        return float(J), g1, g2

    def w3(self, x0: float, n: int) -> Thunk:
        g = autograd.grad(lambda x: w3_chain(x, n, anp.sin))
        x = np.float64(x0)
        return lambda: g(x)

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        g = autograd.grad(lambda w: anp.sum(anp.tanh(A @ w)))
        return lambda: g(w)

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        # autograd's own helper: grad of <grad f(w), v> (reverse-over-reverse)
        hvp = autograd.hessian_vector_product(lambda w: anp.sum(anp.tanh(A @ w)))
        return lambda: hvp(w, v)
