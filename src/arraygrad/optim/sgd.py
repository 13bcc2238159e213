"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .optimizer import Optimizer, required

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""PyTorch's SGD, equation for equation. For each parameter p with gradient g:

        g = -g if maximize;  g = g + weight_decay * p
        b = g (first step)   or   b = momentum * b + (1 - dampening) * g
        g = g + momentum * b (nesterov)   or   g = b (momentum != 0)
        p = p - lr * g
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 *, maximize: bool = False) -> None:
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update_group(self, group: dict) -> None:
        lr = group["lr"]
        momentum = group["momentum"]
        dampening = group["dampening"]
        wd = group["weight_decay"]
        nesterov = group["nesterov"]
        maximize = group["maximize"]
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            g = grad._data
            pd = p._data
            bufs = self._buffers(p, 2 if momentum and (dampening or nesterov) else 1)
            s = bufs[0]
            d = self._signed_decayed(g, pd, wd, maximize, out=s)
            if momentum:
                st = self.state.setdefault(p, {})
                mb = st.get("momentum_buffer")
                if mb is None:
                    mb = st["momentum_buffer"] = Tensor(d.copy())  # on d's backend (CuPy)
                else:
                    b = mb._data
                    b *= momentum
                    if dampening:
                        t = bufs[1]
                        np.multiply(d, 1 - dampening, out=t)
                        b += t
                    else:
                        b += d
                if nesterov:
                    t = bufs[1]
                    np.multiply(mb._data, momentum, out=t)
                    t += d
                    d = t
                else:
                    d = mb._data
            # p -= lr * d
            np.multiply(d, lr, out=s)
            pd -= s
            p._version += 1
