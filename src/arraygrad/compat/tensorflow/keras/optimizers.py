"""``tf.keras.optimizers`` (also ``tf.optimizers``): Keras optimizers onto ``arraygrad.optim``.

``SGD(learning_rate, momentum, nesterov)`` is ``arraygrad.optim.SGD``: Keras keeps a
velocity ``v = momentum * v - lr * g`` and adds it, PyTorch keeps ``b = momentum * b + g``
and subtracts ``lr * b``; with a fixed learning rate ``v = -lr * b`` at every step, so the
two are the same update (Nesterov's too). ``Adam`` is ``arraygrad.optim.Adam``: Keras adds
``epsilon`` to ``sqrt(v)`` before the bias correction of ``v``, PyTorch after it, so at
step ``t`` Keras' ``epsilon`` is PyTorch's ``epsilon / sqrt(1 - beta_2**t)`` (exact while
the same variables are updated at every step, as in a training loop: Keras counts
``t`` for the optimizer, PyTorch for each variable). ``apply_gradients(zip(grads, variables))``
updates exactly the variables it is given; a ``None`` gradient skips its variable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ....core.tensor import Tensor
from ....optim import SGD as _AgSGD
from ....optim import Adam as _AgAdam

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    """Base class of the Keras optimizers (``isinstance(x, tf.keras.optimizers.Optimizer)``)."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        unsupported = {k: v for k, v in kwargs.items() if v is not None}
        if unsupported:
            raise NotImplementedError(
                f"{type(self).__name__}: {sorted(unsupported)} are not supported by "
                "arraygrad's tf.keras optimizers")
        self.name = name
        self.iterations = 0
        self._ag: Any = None
        self._known: set[int] = set()

    def _make(self, variables: list) -> Any:
        raise NotImplementedError

    def _sync(self, group: dict) -> None:
        """Copy the current hyper-parameters into an arraygrad parameter group."""

    def apply_gradients(self, grads_and_vars: Iterable, name: Any = None,
                        **kwargs: Any) -> int:
        pairs = list(grads_and_vars)
        used = [(g, v) for g, v in pairs if g is not None]
        if not used:
            raise ValueError("No gradients provided for any variable: "
                             f"{[getattr(v, 'name', None) for _, v in pairs]}")
        new = [v for _, v in used if id(v) not in self._known]
        if new:
            if self._ag is None:
                self._ag = self._make(new)
            else:
                self._ag.add_param_group({"params": new})
            self._known.update(id(v) for v in new)
        for group in self._ag.param_groups:
            self._sync(group)
        params = [p for group in self._ag.param_groups for p in group["params"]]
        saved = [p.grad for p in params]
        try:
            for p in params:
                p.grad = None
            for g, v in used:
                g = g if isinstance(g, Tensor) else Tensor(g)
                if tuple(g.shape) != tuple(v.shape):
                    raise ValueError(f"{self.name}.apply_gradients: the gradient of "
                                     f"{getattr(v, 'name', 'a variable')!r} has shape "
                                     f"{tuple(g.shape)}, the variable {tuple(v.shape)}")
                v.grad = g.detach()
            self._ag.step()
        finally:
            for p, old in zip(params, saved):
                p.grad = old
        self.iterations += 1
        return self.iterations

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> int:
        """``apply_gradients`` of ``loss`` (a tensor computed under ``tape``, or a
        callable taking no arguments) with respect to ``var_list``."""
        from .. import GradientTape

        var_list = list(var_list() if callable(var_list) else var_list)
        if callable(loss):
            with GradientTape() as tape:
                value = loss()
        elif tape is None:
            raise ValueError("minimize: a tensor loss needs the tape that recorded it")
        else:
            value = loss
        grads = tape.gradient(value, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def get_config(self) -> dict:
        return {"name": self.name}


class SGD(Optimizer):
    """Gradient descent with optional momentum (Keras' ``SGD``)."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, name: str = "SGD", weight_decay: Any = None,
                 clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, **kwargs)
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        if callable(learning_rate):
            raise NotImplementedError("SGD: learning-rate schedules are not supported")
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    lr = property(lambda self: self.learning_rate,
                  lambda self, v: setattr(self, "learning_rate", float(v)))

    def _make(self, variables: list) -> Any:
        return _AgSGD(variables, lr=self.learning_rate, momentum=self.momentum,
                      nesterov=self.nesterov)

    def _sync(self, group: dict) -> None:
        group["lr"] = self.learning_rate
        group["momentum"] = self.momentum
        group["nesterov"] = self.nesterov and self.momentum > 0

    def get_config(self) -> dict:
        return {"name": self.name, "learning_rate": self.learning_rate,
                "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Keras' ``Adam`` (see the module's note on ``epsilon``)."""

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 name: str = "Adam", weight_decay: Any = None, clipnorm: Any = None,
                 clipvalue: Any = None, global_clipnorm: Any = None, **kwargs: Any) -> None:
        super().__init__(name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, **kwargs)
        if callable(learning_rate):
            raise NotImplementedError("Adam: learning-rate schedules are not supported")
        self.learning_rate = float(learning_rate)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    lr = SGD.lr

    def _make(self, variables: list) -> Any:
        return _AgAdam(variables, lr=self.learning_rate, betas=(self.beta_1, self.beta_2),
                       eps=self.epsilon, amsgrad=self.amsgrad)

    def _sync(self, group: dict) -> None:
        t = self.iterations + 1
        group["lr"] = self.learning_rate
        group["betas"] = (self.beta_1, self.beta_2)
        group["eps"] = self.epsilon / (1.0 - self.beta_2 ** t) ** 0.5

    def get_config(self) -> dict:
        return {"name": self.name, "learning_rate": self.learning_rate,
                "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


def get(identifier: Any) -> Optimizer:
    if isinstance(identifier, Optimizer):
        return identifier
    if identifier in ("sgd", "SGD"):
        return SGD()
    if identifier in ("adam", "Adam"):
        return Adam()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r} "
                     "(arraygrad's tf.keras has SGD and Adam)")
