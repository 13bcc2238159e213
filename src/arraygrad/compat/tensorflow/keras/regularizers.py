"""``tf.keras.regularizers``: weight penalties, ``l2(w) = l2 * sum(w ** 2)`` (no 1/2, as
Keras) and ``l1(w) = l1 * sum(|w|)``, composed of ``arraygrad.numpy`` ops."""

from __future__ import annotations

from typing import Any

from .... import numpy as _anp


class Regularizer:
    """Base class: ``regularizer(weight)`` is a scalar penalty."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict:
        return {}


class L1L2(Regularizer):
    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x: Any) -> Any:
        total = None
        if self.l1:
            total = self.l1 * _anp.sum(_anp.abs(x))
        if self.l2 or total is None:
            term = self.l2 * _anp.sum(_anp.square(x))
            total = term if total is None else total + term
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1: float = 0.01, **kwargs: Any) -> None:
        super().__init__(l1=kwargs.pop("l", l1))


class L2(L1L2):
    def __init__(self, l2: float = 0.01, **kwargs: Any) -> None:
        super().__init__(l2=kwargs.pop("l", l2))


l1 = L1
l2 = L2


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    return L1L2(l1=l1, l2=l2)


def get(identifier: Any) -> Any:
    if identifier is None or isinstance(identifier, Regularizer) or callable(identifier):
        return identifier
    if identifier in ("l1", "l2", "l1_l2"):
        return {"l1": L1, "l2": L2, "l1_l2": L1L2}[identifier]()
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
