"""``gluon.Trainer``: applies an optimizer to a set of Parameters, as Gluon's.

``Trainer(net.collect_params(), 'sgd', {'learning_rate': lr, 'wd': wd, 'momentum': m})``;
``step(batch_size)`` updates every parameter with its gradient times ``rescale_grad /
batch_size``, so summed per-example losses train as their mean. Each parameter's
learning rate is ``learning_rate * lr_mult`` and its weight decay ``wd * wd_mult``. The
updates are ``arraygrad.optim``'s, given what MXNet's update kernels compute:

- ``'sgd'``: ``w -= lr * (clip(rescale * g) + wd * w)`` (with momentum, MXNet's and
  PyTorch's equations agree while the learning rate is constant): ``optim.SGD``.
- ``'adam'``: ``g' = clip(rescale * g + wd * w)``, then Adam with MXNet's epsilon,
  ``w -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + eps)``: ``optim.Adam`` with
  ``eps / sqrt(1 - b2**t)`` at step t, which is the same update.

The gradients themselves are left untouched. As MXNet, a step raises ``UserWarning`` for
a parameter whose gradient no ``backward()`` has written since the last step (a stale
gradient), unless ``ignore_stale_grad=True``, which leaves such parameters as they are.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as _onp

from ....core.tensor import Tensor
from ....optim import SGD, Adam
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]

_COMMON = {"learning_rate", "wd", "rescale_grad", "clip_gradient", "lazy_update",
           "multi_precision"}
_OPTIONS = {"sgd": _COMMON | {"momentum"},
            "adam": _COMMON | {"beta1", "beta2", "epsilon"}}
_DEFAULT_LR = {"sgd": 0.01, "adam": 0.001}


class Trainer:
    """``Trainer(params, optimizer='sgd' | 'adam', optimizer_params=None)``."""

    def __init__(self, params: Any, optimizer: Any, optimizer_params: dict | None = None,
                 kvstore: Any = "device", compression_params: Any = None,
                 update_on_kvstore: Any = None) -> None:
        if isinstance(params, (dict, ParameterDict)):
            params = list(params.values())
        if not isinstance(params, (list, tuple)):
            raise ValueError("First argument must be a list or dict of Parameters, got "
                             f"{type(params).__name__}.")
        self._params: list[Parameter] = []
        for p in params:
            if not isinstance(p, Parameter):
                raise ValueError("First argument must be a list or dict of Parameters, got "
                                 f"list of {type(p).__name__}.")
            if all(p is not q for q in self._params):
                self._params.append(p)
        kind = optimizer.lower() if isinstance(optimizer, str) else None
        if kind not in _OPTIONS:
            raise NotImplementedError(
                f"gluon.Trainer: optimizer {optimizer!r} is not supported by arraygrad's MXNet "
                f"front door; supported: {sorted(_OPTIONS)} (by name)")
        opts = dict(optimizer_params or {})
        unknown = set(opts) - _OPTIONS[kind]
        if unknown:
            raise ValueError(f"gluon.Trainer({kind!r}): unsupported optimizer_params "
                             f"{sorted(unknown)}; supported: {sorted(_OPTIONS[kind])}")
        self._kind = kind
        self._lr = float(opts.get("learning_rate", _DEFAULT_LR[kind]))
        self._wd = float(opts.get("wd", 0.0))
        self._momentum = float(opts.get("momentum", 0.0))
        self._betas = (float(opts.get("beta1", 0.9)), float(opts.get("beta2", 0.999)))
        self._eps = float(opts.get("epsilon", 1e-8))
        self._scale = float(opts.get("rescale_grad", 1.0))
        clip = opts.get("clip_gradient")
        self._clip = None if clip is None or clip < 0 else float(clip)
        self._optimizer: Any = None
        self._tensors: list[Tensor] = []
        self._seen: dict[int, tuple] = {}  # id(tensor) -> (its grad, the grad's version)

    @property
    def learning_rate(self) -> float:
        return self._lr

    def set_learning_rate(self, lr: float) -> None:
        self._lr = float(lr)

    @property
    def optimizer(self) -> Any:
        """The ``arraygrad.optim`` optimizer doing the updates (made at the first step)."""
        return self._optimizer

    def step(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """One update, the gradients scaled by ``rescale_grad / batch_size``."""
        self.allreduce_grads()
        self.update(batch_size, ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """One device, one copy of each gradient: nothing to reduce."""

    def _make_optimizer(self, tensors: list[Tensor]) -> Any:
        groups = [{"params": [t]} for t in tensors]
        if self._kind == "adam":
            return Adam(groups, lr=self._lr, betas=self._betas, eps=self._eps)
        return SGD(groups, lr=self._lr, momentum=self._momentum)

    def update(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        trained = [p for p in self._params if p.grad_req != "null"]
        tensors = [p.data() for p in trained]
        if self._optimizer is None or len(tensors) != len(self._tensors) or any(
                a is not b for a, b in zip(tensors, self._tensors)):
            # first step, or parameters re-initialised (new arrays): a fresh optimizer
            self._optimizer = self._make_optimizer(tensors)
            self._tensors = tensors
            live = {id(t) for t in tensors}
            self._seen = {k: v for k, v in self._seen.items() if k in live}
        adam = self._kind == "adam"
        for p, t, group in zip(trained, tensors, self._optimizer.param_groups):
            group["lr"] = self._lr * p.lr_mult
            if adam:  # MXNet's epsilon: not scaled by the bias correction (see above)
                steps = self._optimizer.state.get(t, {}).get("step", 0) + 1
                group["eps"] = self._eps / math.sqrt(1 - self._betas[1] ** steps)
                group["weight_decay"] = 0.0  # folded into the gradient, before clipping
            else:
                group["weight_decay"] = self._wd * p.wd_mult
        rescale = self._scale / batch_size
        kept = []
        for p, t in zip(trained, tensors):
            g = t.grad
            kept.append(g)
            if self._is_stale(t, g):
                if not ignore_stale_grad:
                    for done, old in zip(tensors, kept[:-1]):
                        done.grad = old
                    raise UserWarning(
                        f"Gradient of Parameter `{p.name}` has not been updated by backward "
                        "since last `step`. This could mean a bug in your model that made it "
                        "only use a subset of the Parameters (Blocks) for this iteration. If "
                        "you are intentionally only using a subset, call step with "
                        "ignore_stale_grad=True to suppress this warning and skip updating "
                        "of Parameters with stale gradient")
                t.grad = None  # the optimizer skips it
                continue
            # the optimizer sees the rescaled gradient; .grad is restored afterwards
            scaled = g._data * _onp.asarray(rescale, dtype=g.dtype)
            if adam and self._wd * p.wd_mult:
                scaled += _onp.asarray(self._wd * p.wd_mult, dtype=g.dtype) * t._data
            if self._clip is not None:
                _onp.clip(scaled, -self._clip, self._clip, out=scaled)
            t.grad = Tensor._make(scaled)
        try:
            self._optimizer.step()
        finally:
            for t, g in zip(tensors, kept):
                t.grad = g
                self._seen[id(t)] = (g, g._version)

    def _is_stale(self, t: Tensor, g: Tensor) -> bool:
        """No backward wrote ``t``'s gradient buffer since the last step (or since it was
        made: a new buffer starts at version 0)."""
        grad, version = self._seen.get(id(t), (g, 0))
        return grad is g and g._version == version
