"""JAX on CPU, eager (op-by-op dispatch) and ``jax.jit`` (whole function compiled by XLA).

JAX arrays are immutable, so the W2 "in-place" update is a functional one; the jitted step
donates the old weights so that XLA may reuse their buffers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .base import Peer, Thunk, Unsupported, w1_chain, w3_chain

jax.config.update("jax_enable_x64", True)  # W1, W3, W4 are float64; W2 stays float32
jax.config.update("jax_platforms", "cpu")


def _objective(params: list[jax.Array], X: jax.Array, Y: jax.Array, lam: float) -> jax.Array:
    W1, W2 = params
    o = jax.nn.relu(X @ W1.T) @ W2.T
    L = -jnp.sum(Y * jax.nn.log_softmax(o, axis=1)) / X.shape[0]
    return L + lam / 2 * (jnp.sum(W1 * W1) + jnp.sum(W2 * W2))


def _w4_f(w: jax.Array, A: jax.Array) -> jax.Array:
    return jnp.sum(jnp.tanh(A @ w))


def _ready(x: Any) -> Any:
    return jax.block_until_ready(x)  # dispatch is asynchronous: time the work, not the enqueue


class JaxPeer(Peer):
    name = "jax"
    jit = False

    def _maybe_jit(self, fn: Callable, **kw: Any) -> Callable:
        return jax.jit(fn, **kw) if self.jit else fn

    def version(self) -> dict[str, str]:
        import jaxlib

        return {"jax": jax.__version__, "jaxlib": jaxlib.__version__}

    def threads(self) -> dict[str, Any]:
        return {
            "jax.devices": str(jax.devices()),
            "XLA_FLAGS": __import__("os").environ.get("XLA_FLAGS", ""),
        }

    def w1_fwd_bwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = jnp.asarray(x0)
        g = self._maybe_jit(
            jax.grad(lambda x: jnp.sum(w1_chain(x, n_ops, jnp.sin, jnp.tanh, jnp.exp)))
        )
        return lambda: _ready(g(x))

    def w1_fwd(self, x0: np.ndarray, n_ops: int) -> Thunk:
        x = jnp.asarray(x0)
        f = self._maybe_jit(lambda x: jnp.sum(w1_chain(x, n_ops, jnp.sin, jnp.tanh, jnp.exp)))
        return lambda: _ready(f(x))

    def w2_step(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, lam: float
    ) -> tuple[Thunk, Callable[[], list[np.ndarray]]]:
        grad = jax.grad(_objective)

        def update(params: list[jax.Array], X: jax.Array, Y: jax.Array) -> list[jax.Array]:
            return [p - lr * g for p, g in zip(params, grad(params, X, Y, lam))]

        update = self._maybe_jit(update, donate_argnums=0)
        state = {"params": [jnp.asarray(W1), jnp.asarray(W2)]}
        Xj, Yj = jnp.asarray(X), jnp.asarray(Y)

        def step() -> None:
            state["params"] = _ready(update(state["params"], Xj, Yj))

        return step, lambda: [np.asarray(p) for p in state["params"]]

    def w2_grads(
        self, W1: np.ndarray, W2: np.ndarray, X: np.ndarray, Y: np.ndarray, lam: float
    ) -> tuple[float, np.ndarray, np.ndarray]:
        vg = self._maybe_jit(jax.value_and_grad(_objective), static_argnums=3)
        J, (g1, g2) = vg([jnp.asarray(W1), jnp.asarray(W2)], jnp.asarray(X), jnp.asarray(Y), lam)
        return float(J), np.asarray(g1), np.asarray(g2)

    def w3(self, x0: float, n: int) -> Thunk:
        g = self._maybe_jit(jax.grad(lambda x: w3_chain(x, n, jnp.sin)))
        x = jnp.asarray(x0, dtype=jnp.float64)
        return lambda: _ready(g(x))

    def w4_grad(self, A: np.ndarray, w: np.ndarray) -> Thunk:
        g = self._maybe_jit(jax.grad(_w4_f))
        Aj, wj = jnp.asarray(A), jnp.asarray(w)
        return lambda: _ready(g(wj, Aj))

    def w4_hvp(self, A: np.ndarray, w: np.ndarray, v: np.ndarray) -> Thunk:
        # forward-over-reverse, JAX's recommended HVP
        def hvp(w: jax.Array, v: jax.Array, A: jax.Array) -> jax.Array:
            return jax.jvp(lambda w: jax.grad(_w4_f)(w, A), (w,), (v,))[1]

        hvp = self._maybe_jit(hvp)
        Aj, wj, vj = jnp.asarray(A), jnp.asarray(w), jnp.asarray(v)
        return lambda: _ready(hvp(wj, vj, Aj))


class JaxJitPeer(JaxPeer):
    name = "jax-jit"
    jit = True
    # jit traces the Python loop into one unrolled XLA program; compiling it grows faster
    # than linearly (about 20 s for 10,000 ops on the 2-core box), so longer chains are
    # left out rather than spending the run's time budget on the compiler
    max_unrolled_chain = 10_000

    def w3(self, x0: float, n: int) -> Thunk:
        if n > self.max_unrolled_chain:
            raise Unsupported(f"unrolled {n}-op chain: XLA compile too slow")
        return super().w3(x0, n)
