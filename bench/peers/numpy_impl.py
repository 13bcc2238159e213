"""Hand-written NumPy: closed-form gradients, the lower bound every autodiff library is
measured against (and the reference the self-check compares the others to)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .base import W1_CYCLE_LEN, Peer, Thunk, w1_chain


def w1_grad(x: np.ndarray, n_ops: int) -> np.ndarray:
    """d sum(chain(x)) / dx with the chain rule written out, op by op."""
    sin, cos, tanh, exp = np.sin, np.cos, np.tanh, np.exp
    saved = []  # what each cycle's backward needs
    v = x
    for _ in range(n_ops // W1_CYCLE_LEN):
        v0 = v
        v1 = sin(v0)
        v2 = v1 * x
        v3 = v2 + x
        v4 = tanh(v3)
        v5 = exp(v4)
        v6 = v5 * 0.5
        v7 = x / v6
        v = v7 * v7
        saved.append((v0, v1, v4, v5, v6, v7))
    g = np.ones_like(x)
    gx = np.zeros_like(x)
    for v0, v1, v4, v5, v6, v7 in reversed(saved):
        g = 2.0 * g * v7  # v*v
        gx += g / v6  # x/v: d/dx
        g = -g * v7 / v6  # x/v: d/dv
        g = g * 0.5
        g = g * v5  # exp
        g = g * (1.0 - v4 * v4)  # tanh
        gx += g  # + x
        gx += g * v1  # * x: d/dx
        g = g * x  # * x: d/dv
        g = g * cos(v0)  # sin
    return gx + g  # v started as x


def w3_grad(x0: float, n: int) -> float:
    """dv/dx for the alternating sin / +x chain, by hand."""
    vs = []
    v = x0
    for _ in range(n // 2):
        vs.append(v)
        v = np.sin(v) + x0
    g, gx = 1.0, 0.0
    for v in reversed(vs):
        gx += g
        g *= np.cos(v)
    return gx + g


def w2_loss_and_grads(
    W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
) -> tuple[float, np.ndarray, np.ndarray]:
    """J and its closed-form gradients (written plainly: this is the check's reference)."""
    B = X.shape[0]
    z = X @ W1.T
    h = np.maximum(z, 0)
    o = h @ W2.T
    m = o.max(axis=1, keepdims=True)
    lse = np.log(np.exp(o - m).sum(axis=1, keepdims=True)) + m
    L = -(Y * (o - lse)).sum() / B
    J = L + lam / 2 * ((W1 * W1).sum() + (W2 * W2).sum())
    do = (np.exp(o - lse) - Y) / B  # softmax - onehot
    gW2 = do.T @ h + lam * W2
    dh = (do @ W2) * (z > 0)
    gW1 = dh.T @ X + lam * W1
    return float(J), gW1, gW2


def w4_closed(A: np.ndarray, w: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """grad = A^T (1 - t^2), Hv = A^T (-2 t (1 - t^2) * (A v)), t = tanh(A w)."""
    t = np.tanh(A @ w)
    s = 1.0 - t * t
    return A.T @ s, A.T @ (-2.0 * t * s * (A @ v))


class NumpyPeer(Peer):
    name = "numpy"

    def version(self) -> dict[str, str]:
        return {"numpy": np.__version__}

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = x0.copy()
        return lambda: w1_grad(x, n_ops)

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = x0.copy()
        return lambda: w1_chain(x, n_ops, np.sin, np.tanh, np.exp).sum()

    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        W1, W2 = W1.copy(), W2.copy()
        B = X.shape[0]
        decay = np.float32(1.0 - lr * lam)
        lr_b = np.float32(lr / B)

        def step() -> float:
            # forward
            z = X @ W1.T
            h = np.maximum(z, 0, out=z)  # relu in place: h > 0 is the mask backward needs
            o = h @ W2.T
            m = o.max(axis=1, keepdims=True)
            e = np.exp(o - m)
            s = e.sum(axis=1, keepdims=True)
            # L = mean(lse - <y, o>) because each row of Y sums to 1
            L = (np.log(s).sum() + m.sum() - np.vdot(Y, o)) / B
            J = L + 0.5 * lam * (np.vdot(W1, W1) + np.vdot(W2, W2))
            # backward, with lr/B folded into the output error so that the GEMMs produce
            # lr * dL/dW directly and the update needs no temporaries
            e /= s
            e -= Y
            e *= lr_b  # = lr * dL/do
            dh = e @ W2  # uses W2 before its update
            dh *= h > 0
            # update: W -= lr * (dL/dW + lam W)  ==  W *= 1 - lr lam; W -= lr dL/dW
            # (ufuncs with out=: augmented assignment would make W1, W2 closure locals)
            np.multiply(W2, decay, out=W2)
            np.subtract(W2, e.T @ h, out=W2)
            np.multiply(W1, decay, out=W1)
            np.subtract(W1, dh.T @ X, out=W1)
            return J

        return step, lambda: [W1, W2]

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        return w2_loss_and_grads(W1, W2, X, Y, lam)

    def w3(self, x0: float, n: int) -> Thunk:
        return lambda: w3_grad(x0, n)

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        def grad() -> np.ndarray:
            t = np.tanh(A @ w)
            t *= t
            np.subtract(1.0, t, out=t)
            return A.T @ t

        return grad

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        def hvp() -> np.ndarray:
            t = np.tanh(A @ w)
            u = A @ v
            u *= t
            t *= t
            np.subtract(1.0, t, out=t)
            u *= t
            u *= -2.0
            return A.T @ u

        return hvp
