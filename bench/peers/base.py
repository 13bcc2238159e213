"""The small interface every peer implements, and the data all peers share.

A peer is a class whose factory methods do their setup (copies, graph-free constants,
compilation) outside the timed region and return a zero-argument callable that runs one
iteration of the workload. Each callable returns its result (gradient, loss) as something
``np.asarray`` accepts, and waits for asynchronous work to finish, so that the harness can
time it with a plain ``perf_counter`` and the self-check can compare results.

A method a library cannot do raises :class:`Unsupported`; the runner prints ``n/a``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Thunk = Callable[[], Any]

# ----------------------------------------------------------------------------- W1
W1_LEN = 16
W1_CYCLE_LEN = 8
# The 8-op cycle applied to the running value v (x is the input vector, entries in [0.1, 0.5]):
#   v=sin(v); v=v*x; v=v+x; v=tanh(v); v=exp(v); v=v*0.5; v=x/v; v=v*v
# It stays bounded: tanh maps into (-1, 1), so exp(.)*0.5 lies in (0.18, 1.36) and the
# division never sees a value near 0; the iteration settles on a fixed point in
# (0.03, 0.31) and the gradient stays finite (checked by ``--check``).


def w1_x0() -> np.ndarray:
    return np.random.default_rng(0).uniform(0.1, 0.5, W1_LEN)


def w1_chain(x: Any, n_ops: int, sin: Callable, tanh: Callable, exp: Callable) -> Any:
    """The W1 forward pass, generic over the array type (operators do the rest)."""
    if n_ops % W1_CYCLE_LEN:
        raise ValueError(f"n_ops must be a multiple of {W1_CYCLE_LEN}")
    v = x
    for _ in range(n_ops // W1_CYCLE_LEN):  # straight-line cycle: no per-op dispatch cost
        v = sin(v)
        v = v * x
        v = v + x
        v = tanh(v)
        v = exp(v)
        v = v * 0.5
        v = x / v
        v = v * v
    return v


# ----------------------------------------------------------------------------- W2
W2_SIZES: dict[str, tuple[int, int, int, int]] = {
    # name: (batch, inputs, hidden, classes)
    "small": (64, 784, 256, 10),
    "large": (1024, 784, 2048, 10),
}
W2_LR = 0.01
W2_LAM = 1e-4


def w2_data(size: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W1, W2, X, Y): float32 weights (hidden x in, classes x hidden), inputs, one-hot labels."""
    batch, n_in, n_hid, n_cls = W2_SIZES[size]
    rng = np.random.default_rng(seed)
    W1 = (rng.standard_normal((n_hid, n_in)) * np.sqrt(2.0 / n_in)).astype(np.float32)
    W2 = (rng.standard_normal((n_cls, n_hid)) * np.sqrt(1.0 / n_hid)).astype(np.float32)
    X = rng.random((batch, n_in), dtype=np.float32)
    Y = np.zeros((batch, n_cls), np.float32)
    Y[np.arange(batch), rng.integers(0, n_cls, batch)] = 1.0
    return W1, W2, X, Y


# ----------------------------------------------------------------------------- W3
W3_X0 = 0.5


def w3_chain(x: Any, n: int, sin: Callable) -> Any:
    """n alternating ops: v = sin(v); v = v + x; ..."""
    v = x
    for _ in range(n // 2):
        v = sin(v)
        v = v + x
    return v


# ----------------------------------------------------------------------------- W4
W4_N = 512


def w4_data(n: int = W4_N, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, w, v) in float64; A is scaled so that A @ w is O(1) and tanh is not saturated."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) / np.sqrt(n)
    w = rng.standard_normal(n)
    v = rng.standard_normal(n)
    return A, w, v


# ----------------------------------------------------------------------------- interface
class Unsupported(Exception):
    """The library cannot run this workload (the reason is the message)."""


class Peer:
    """Base class: every factory says 'not supported' until a peer overrides it."""

    name = "?"

    def version(self) -> dict[str, str]:
        """Versions of the packages this peer uses, for the report header."""
        return {}

    def threads(self) -> dict[str, Any]:
        """Thread settings the library itself reports (beyond the environment)."""
        return {}

    # W1: forward+backward returns d(sum)/dx; forward-only returns the sum.
    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        raise Unsupported("not implemented")

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        raise Unsupported("not implemented")

    # W2: w2_step returns (step, params): step() does one SGD step in place (where the
    # library allows it) and returns nothing; params() returns the current weights.
    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        raise Unsupported("not implemented")

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """(J, dJ/dW1, dJ/dW2) for the self-check."""
        raise Unsupported("not implemented")

    # W3: returns dv/dx.
    def w3(self, x0: float, n: int) -> Thunk:
        raise Unsupported("not implemented")

    # W4: gradient and Hessian-vector product of f(w) = sum(tanh(A @ w)).
    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        raise Unsupported("not implemented")

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        raise Unsupported("not implemented")
