"""``tf.keras.layers``: Keras layers over ``arraygrad`` ops and ``arraygrad.nn.functional``.

``Dense(units)`` holds a kernel of shape ``(in, out)`` and computes
``activation(inputs @ kernel + bias)``; its input size is learnt at the first call.
``Dropout(rate)`` is active only when called with ``training=True`` (directly or through
the model that calls it), as in Keras.
"""

from __future__ import annotations

from typing import Any

from .... import numpy as _anp
from ....core.tensor import Tensor
from ....nn import functional as _F
from . import activations as _activations
from . import initializers as _initializers
from . import regularizers as _regularizers
from ._base import Layer

__all__ = ["Layer", "Dense", "Flatten", "Dropout", "Activation", "ReLU", "Softmax",
           "Lambda", "InputLayer"]


class Dense(Layer):
    """A fully connected layer: ``activation(inputs @ kernel + bias)``, kernel ``(in, out)``."""

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kernel_constraint is not None or bias_constraint is not None:
            raise NotImplementedError("Dense: weight constraints are not supported")
        units = int(units)
        if units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units}")
        self.units = units
        self.activation = _activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.activity_regularizer = _regularizers.get(activity_regularizer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape: Any) -> None:
        last = input_shape[-1] if len(input_shape) else None
        if last is None or len(input_shape) < 2:
            raise ValueError(
                f"Dense ({self.name}): the input needs at least 2 axes (batch, features) "
                f"and a known last axis, got shape {tuple(input_shape)}")
        self.kernel = self.add_weight("kernel", (last, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        self.built = True

    def call(self, inputs: Any) -> Tensor:
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Dense ({self.name}): the input's last axis has {inputs.shape[-1]} "
                f"features, but the layer was built for {self.kernel.shape[0]} (input "
                f"shape {tuple(inputs.shape)})")
        out = _anp.matmul(inputs, self.kernel)
        if self.bias is not None:
            out = out + self.bias
        out = self.activation(out)
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out) / out.shape[0])
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias,
                "activation": _activations.serialize(self.activation)}


class Flatten(Layer):
    """``(batch, d1, d2, ...)`` -> ``(batch, d1 * d2 * ...)``; a 1-D input becomes
    ``(batch, 1)``."""

    def __init__(self, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError("Flatten(data_format='channels_first') is not supported")

    def call(self, inputs: Any) -> Tensor:
        if inputs.ndim == 0:
            raise ValueError(f"Flatten ({self.name}): a scalar input has no batch axis")
        n = inputs.shape[0]
        rest = 1
        for s in inputs.shape[1:]:
            rest *= s
        return _anp.reshape(inputs, (n, rest))


class Dropout(Layer):
    """Zero each input with probability ``rate`` and scale the rest by
    ``1 / (1 - rate)``, when training; the identity otherwise (the default)."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1], got {rate}")
        if noise_shape is not None:
            raise NotImplementedError("Dropout(noise_shape=...) is not supported")
        self.rate = float(rate)
        self.seed = seed
        self._keras_rng = None

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        if not training:
            return inputs
        import numpy as np

        from .. import random

        if self.seed is not None:
            if self._keras_rng is None:
                self._keras_rng = np.random.default_rng(self.seed)
            rng = self._keras_rng
        else:
            rng = random._generator()
        return _F.dropout(inputs, self.rate, True, generator=rng)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}


class Activation(Layer):
    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = _activations.get(activation)

    def call(self, inputs: Any) -> Tensor:
        return self.activation(inputs)


class ReLU(Layer):
    def call(self, inputs: Any) -> Tensor:
        return _F.relu(inputs)


class Softmax(Layer):
    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs: Any) -> Tensor:
        return _F.softmax(inputs, self.axis)


class Lambda(Layer):
    """A layer around a function of the inputs (no weights)."""

    def __init__(self, function: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.function = function

    def call(self, inputs: Any) -> Any:
        return self.function(inputs)


class InputLayer(Layer):
    """Declares the input shape of a ``Sequential`` (the identity when called)."""

    def __init__(self, input_shape: Any = None, batch_size: Any = None, **kwargs: Any) -> None:
        super().__init__(input_shape=input_shape, **kwargs)

    def call(self, inputs: Any) -> Any:
        return inputs
