"""``tf.keras.Model`` and ``tf.keras.Sequential`` (also under ``tf.keras.models``).

A subclassed ``Model`` defines ``call(inputs, training=None)``; ``model(x)`` builds the
layers it uses at the first call. ``Sequential([...])`` / ``.add(layer)`` chains layers
(a layer listed twice is one layer, run once, as in tf.keras 2). ``save_weights`` writes
the weights, in ``weights`` order, to one ``.npz`` file (``arraygrad.save``);
``load_weights`` reads it back, into an unbuilt model at its first call (Keras' deferred
restoration).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from ....core.mode import no_grad
from ._base import Layer, _zeros_input

__all__ = ["Model", "Sequential"]


class Model(Layer):
    """A layer with ``layers``, ``summary``, ``build(input_shape)`` and weight files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise NotImplementedError(
                "tf.keras.Model(inputs, outputs) (the functional API) is not supported; "
                "subclass tf.keras.Model and define call(), or use tf.keras.Sequential")
        super().__init__(**kwargs)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no call(); define call(self, inputs) in the subclass")

    def build(self, input_shape: Any) -> None:
        """Build every layer by running the model once on zeros of ``input_shape``
        (a ``None`` batch size stands for 1)."""
        if not self.built:
            with no_grad():
                self(_zeros_input(input_shape, self._keras_dtype))

    build._keras_plain = True  # type: ignore[attr-defined]

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                **kwargs: Any) -> None:
        """Remember the optimizer and loss (``model.optimizer``, ``model.loss``); there is
        no ``fit`` to use them: train with ``tf.GradientTape`` and ``apply_gradients``."""
        from . import losses, optimizers

        self.optimizer = optimizers.get(optimizer) if optimizer != "rmsprop" else None
        self.loss = losses.get(loss) if loss is not None else None
        self.compiled_metrics = metrics

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "Model.fit is not supported by arraygrad's tf.keras; write the loop with "
            "tf.GradientTape: grads = tape.gradient(loss, model.trainable_variables); "
            "optimizer.apply_gradients(zip(grads, model.trainable_variables))")

    @property
    def layers(self) -> list:
        """The layers directly inside, each once, in the order they were set."""
        return list(self._flatten_layers(include_self=False, recursive=False))

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}; the layers are "
                         f"{[layer.name for layer in self.layers]}")

    # ------------------------------------------------------------------ weight files
    def save_weights(self, filepath: Any, overwrite: bool = True, save_format: Any = None,
                     options: Any = None) -> None:
        """Write the weights to ``filepath`` (one ``.npz`` file, by ``arraygrad.save``)."""
        from ....serialization import save

        weights = self.weights
        if not weights:
            raise ValueError(f"{self.name}.save_weights: the model has no weights yet; "
                             "call it on data (or build it) first")
        save(OrderedDict((f"{i:04d}:{v.name}", v.numpy()) for i, v in enumerate(weights)),
             filepath, compress=False)

    def load_weights(self, filepath: Any, by_name: bool = False, skip_mismatch: bool = False,
                     options: Any = None) -> None:
        """Read weights written by ``save_weights``. An unbuilt model takes them when its
        first call has created its weights."""
        from ....serialization import load

        arrays = [np.asarray(getattr(t, "_data", t)) for t in load(filepath).values()]
        if self.weights:
            self.set_weights(arrays)
        else:
            self.__dict__["_keras_pending_weights"] = arrays

    # ------------------------------------------------------------------ summary
    def summary(self, line_length: int = 65, print_fn: Any = None, **kwargs: Any) -> None:
        """Print each layer's name and type, output shape and parameter count."""
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling "
                "`build()` or by calling the model on a batch of data.")
        emit = print_fn or print
        widths = (29, 25, 11)
        rule = "_" * line_length
        lines = [f'Model: "{self.name}"', rule,
                 f"{'Layer (type)':<{widths[0]}} {'Output Shape':<{widths[1]}} "
                 f"{'Param #':>{widths[2]}}", "=" * line_length]
        for layer in self.layers:
            shape = layer._keras_output_shape
            if isinstance(shape, tuple):
                shape = (None,) + tuple(shape[1:]) if shape else shape
            text = f"{layer.name} ({type(layer).__name__})"
            lines.append(f"{text:<{widths[0]}} {str(shape):<{widths[1]}} "
                         f"{layer.count_params():>{widths[2]}}")
        trainable = sum(int(np.prod(v.shape)) for v in self.trainable_weights)
        total = self.count_params()
        lines += ["=" * line_length, f"Total params: {total}",
                  f"Trainable params: {trainable}",
                  f"Non-trainable params: {total - trainable}", rule]
        for line in lines:
            emit(line)


class Sequential(Model):
    """Layers applied one after another: ``Sequential([layer, ...])`` or ``.add(layer)``."""

    def __init__(self, layers: Any = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.__dict__["_keras_layers"] = []
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. "
                            f"Received: layer={layer!r} of type {type(layer).__name__}")
        self._keras_layers.append(layer)
        shape = self._input_shape()
        if shape is not None:  # a declared input shape: build now, as Keras does
            self.__dict__["built"] = False
            Model.build(self, shape)

    def pop(self) -> Layer:
        if not self._keras_layers:
            raise TypeError("There are no layers in the model.")
        return self._keras_layers.pop()

    def _input_shape(self) -> Any:
        layers = self._keras_layers
        return layers[0]._batch_input_shape if layers else None

    def _direct_layers(self) -> list:
        out, seen = [], set()
        for layer in self._keras_layers:
            if id(layer) not in seen:
                seen.add(id(layer))
                out.append(layer)
        return out + [x for x in super()._direct_layers() if id(x) not in seen]

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        x = inputs
        for layer in dict.fromkeys(self._keras_layers):  # each layer once, in order
            x = layer(x)  # the training flag reaches each layer through the call stack
        return x
