"""``tf.keras.activations``: names onto ``arraygrad.nn.functional``."""

from __future__ import annotations

from typing import Any

from ....nn import functional as _F


def relu(x: Any, alpha: float = 0.0, max_value: Any = None, threshold: float = 0.0) -> Any:
    if alpha or max_value is not None or threshold:
        raise NotImplementedError("activations.relu(alpha=, max_value=, threshold=) is not "
                                  "supported; use the plain relu")
    return _F.relu(x)


def sigmoid(x: Any) -> Any:
    return _F.sigmoid(x)


def tanh(x: Any) -> Any:
    return _F.tanh(x)


def softmax(x: Any, axis: int = -1) -> Any:
    return _F.softmax(x, axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    return _F.log_softmax(x, axis)


def softplus(x: Any) -> Any:
    return _F.softplus(x)


def linear(x: Any) -> Any:
    return x


_BY_NAME = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "softmax": softmax,
            "log_softmax": log_softmax, "softplus": softplus, "linear": linear}


def get(identifier: Any) -> Any:
    """An activation from a name (``'relu'``), a callable, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier]
        except KeyError:
            raise ValueError(f"Unknown activation function: {identifier!r}; arraygrad's "
                             f"tf.keras knows {sorted(_BY_NAME)}") from None
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation: Any) -> str:
    return getattr(activation, "__name__", str(activation))
