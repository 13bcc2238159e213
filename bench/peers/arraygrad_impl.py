"""arraygrad, written against its public API (PyTorch-style tensors over NumPy).

The runner skips this peer with a note when ``import arraygrad`` fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import arraygrad as ag
from arraygrad import numpy as anp
from arraygrad.nn import functional as F

from .base import Peer, Thunk, w1_chain, w3_chain


def _objective(W1: Any, W2: Any, X: Any, Y: Any, lam: float) -> Any:
    # Seed 004 with the library's primitives: linear (x @ W.T, whose rule returns dW in W's
    # layout), relu, cross-entropy with class-probability targets (log_softmax inside),
    # and l2_penalty = (|W1|^2 + |W2|^2) / 2. The penalty is built first: backward runs
    # nodes in reverse creation order, so its W-sized gradients are then made last, after
    # the batch-by-hidden temporaries are gone (lower peak memory, same J).
    penalty = lam * F.l2_penalty([W1, W2])
    o = F.linear(F.relu(F.linear(X, W1)), W2)
    return penalty + F.cross_entropy(o, Y)


def _w4_f(A: Any, w: Any) -> Any:
    return anp.tanh(A @ w).sum()


class ArraygradPeer(Peer):
    name = "arraygrad"

    def version(self) -> dict[str, str]:
        return {"arraygrad": getattr(ag, "__version__", "?")}

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = ag.tensor(x0, requires_grad=True)

        def run() -> Any:
            x.grad = None
            anp.sum(w1_chain(x, n_ops, anp.sin, anp.tanh, anp.exp)).backward()
            return x.grad.array

        return run

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = ag.tensor(x0, requires_grad=True)

        def run() -> Any:
            with ag.no_grad():
                return anp.sum(w1_chain(x, n_ops, anp.sin, anp.tanh, anp.exp)).array

        return run

    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        params = [ag.tensor(W1, requires_grad=True), ag.tensor(W2, requires_grad=True)]
        Xt, Yt = ag.tensor(X), ag.tensor(Y)

        def step() -> None:
            _objective(*params, Xt, Yt, lam).backward()
            with ag.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None

        return step, lambda: [p.array for p in params]

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        W1t, W2t = ag.tensor(W1, requires_grad=True), ag.tensor(W2, requires_grad=True)
        J = _objective(W1t, W2t, ag.tensor(X), ag.tensor(Y), lam)
        J.backward()
        return J.item(), W1t.grad.array, W2t.grad.array

    def w3(self, x0: float, n: int) -> Thunk:
        x = ag.tensor(np.float64(x0), requires_grad=True)  # 0-d

        def run() -> Any:
            x.grad = None
            w3_chain(x, n, anp.sin).backward()
            return x.grad.array

        return run

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        At, wt = ag.tensor(A), ag.tensor(w, requires_grad=True)
        return lambda: ag.autograd.grad(_w4_f(At, wt), [wt])[0].array

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        # reverse-over-reverse, as in PyTorch
        At, vt = ag.tensor(A), ag.tensor(v)
        wt = ag.tensor(w, requires_grad=True)

        def hvp() -> Any:
            g = ag.autograd.grad(_w4_f(At, wt), [wt], create_graph=True)[0]
            return ag.autograd.grad((g * vt).sum(), [wt])[0].array

        return hvp
