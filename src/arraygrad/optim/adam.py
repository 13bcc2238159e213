"""Adam and AdamW (decoupled weight decay), as PyTorch computes them."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""PyTorch's Adam, equation for equation. For each parameter p with gradient g, at
    step t:

        g = -g if maximize
        p = p * (1 - lr * weight_decay)           (AdamW: decoupled weight decay), or
        g = g + weight_decay * p                  (Adam)
        m = m + (1 - beta1) * (g - m)             (m.lerp_(g, 1 - beta1))
        v = beta2 * v + (1 - beta2) * g * g
        vmax = max(vmax, v)                       (amsgrad; then vmax replaces v below)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize)
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        wd = group["weight_decay"]
        amsgrad = group["amsgrad"]
        maximize = group["maximize"]
        decoupled = self._decoupled
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            g = grad._data
            pd = p._data
            st = self.state.get(p)
            if not st:
                st = self.state[p] = {
                    "step": 0,
                    "exp_avg": Tensor(np.zeros_like(pd)),
                    "exp_avg_sq": Tensor(np.zeros_like(pd)),
                }
                if amsgrad:
                    st["max_exp_avg_sq"] = Tensor(np.zeros_like(pd))
            coupled = bool(wd) and not decoupled
            bufs = self._buffers(p, 2 if (coupled or maximize) else 1)
            s = bufs[0]
            g = self._signed_decayed(g, pd, wd if coupled else 0.0, maximize, out=bufs[-1])
            if decoupled and wd:
                pd *= 1 - lr * wd
            st["step"] += 1
            step = st["step"]
            m = st["exp_avg"]._data
            v = st["exp_avg_sq"]._data
            np.subtract(g, m, out=s)  # m.lerp_(g, 1 - beta1)
            s *= 1 - beta1
            m += s
            v *= beta2  # v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            np.multiply(g, 1 - beta2, out=s)
            s *= g
            v += s
            if amsgrad:
                vmax = st.get("max_exp_avg_sq")
                if vmax is None:
                    vmax = st["max_exp_avg_sq"] = Tensor(np.zeros_like(pd))
                np.maximum(vmax._data, v, out=vmax._data)
                v = vmax._data
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            step_size = lr / bias_correction1
            np.sqrt(v, out=s)  # denom = sqrt(v) / sqrt(bias_correction2) + eps
            s /= math.sqrt(bias_correction2)
            s += eps
            np.divide(m, s, out=s)  # p.addcdiv_(m, denom, value=-step_size)
            s *= step_size
            pd -= s
            p._version += 1


class AdamW(Adam):
    """Adam with decoupled weight decay (default 0.01): ``p *= 1 - lr * weight_decay``
    before the Adam step, instead of adding ``weight_decay * p`` to the gradient."""

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
