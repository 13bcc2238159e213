"""``tf.keras.layers.Layer``: the Keras base class, as plumbing over arraygrad tensors.

What it does (Keras 2 / tf.keras semantics, no maths):

- **Deferred building.** ``build(input_shape)`` runs on the first call, with the shape of
  the first input, so a ``Dense(256)`` learns its input size from the data.
- **Tracking.** Layers, ``tf.Variable`` s and lists/tuples/dicts of them assigned as
  attributes are found by ``weights``, ``trainable_variables``, ``layers`` and
  ``losses`` (lists are read when asked, so ``self.blocks = []`` then
  ``self.blocks.append(layer)`` is tracked, as with Keras' list wrappers).
- **The training flag.** ``layer(x, training=True)`` passes ``training`` to ``call``
  when ``call`` accepts it, and layers called inside that call inherit it; without an
  explicit value, ``call``'s own default applies (``Dropout`` then does nothing).
- **Autocast.** Floating inputs are cast to the layer's dtype (float32), as Keras does.
- **Losses.** ``add_weight(regularizer=...)`` and ``add_loss`` feed ``layer.losses``;
  weight penalties are evaluated when ``losses`` is read (inside a tape, they record).
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from ....core.mode import no_grad
from ....core.tensor import Tensor
from ....core.tensor import tensor as _tensor

_local = threading.local()
_name_counts: dict[str, int] = {}
_added_call_losses: list = []  # non-empty once any layer has added a loss during a call


def _training_stack() -> list:
    st = getattr(_local, "training", None)
    if st is None:
        st = _local.training = []
    return st


def clear_session() -> None:
    """Forget the layer names handed out so far (``dense``, ``dense_1`` ...)."""
    _name_counts.clear()


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _unique_name(base: str) -> str:
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


_CALL_INFO: dict[type, tuple[bool, Any]] = {}


def _call_training_arg(cls: type) -> tuple[bool, Any]:
    """Does ``cls.call`` take ``training``, and with which default?"""
    info = _CALL_INFO.get(cls)
    if info is None:
        params = inspect.signature(cls.call).parameters
        p = params.get("training")
        info = (p is not None or any(q.kind is q.VAR_KEYWORD for q in params.values()),
                None if p is None or p.default is p.empty else p.default)
        _CALL_INFO[cls] = info
    return info


def _as_input(x: Any, dtype: Any) -> Any:
    """A call's input as a tensor; floating inputs are cast to the layer's dtype."""
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, (Tensor, np.ndarray))
                                                  for v in x):
        return type(x)(_as_input(v, dtype) for v in x)
    if isinstance(x, dict):
        return {k: _as_input(v, dtype) for k, v in x.items()}
    if not isinstance(x, Tensor):
        from .. import constant

        x = constant(x)
    if dtype is not None and x.dtype.kind == "f" and x.dtype != dtype:
        from .. import cast

        x = cast(x, dtype)
    return x


def _shape_of(x: Any) -> Any:
    if isinstance(x, Tensor):
        return tuple(x.shape)
    if isinstance(x, (list, tuple)):
        return [_shape_of(v) for v in x]
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    return tuple(np.shape(x))


class Layer:
    """Base class of Keras layers and models: subclasses define ``call`` (and
    optionally ``build(input_shape)``, which creates weights with ``add_weight``)."""

    built = False
    trainable = True
    _keras_dtype: Any = np.dtype(np.float32)

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 input_shape: Any = None, batch_input_shape: Any = None, input_dim: Any = None,
                 **kwargs: Any) -> None:
        unknown = set(kwargs) - {"dynamic", "autocast", "activity_regularizer",
                                 "input_length", "batch_size", "weights"}
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments "
                            f"{sorted(unknown)}")
        d = self.__dict__
        d["_keras_name"] = name if name is not None else _unique_name(
            _snake(type(self).__name__))
        d["trainable"] = bool(trainable)
        d["built"] = False
        d["_keras_dtype"] = np.dtype(np.float32 if dtype is None else dtype)
        d["_keras_own_weights"] = []
        d["_keras_weight_losses"] = []
        d["_keras_call_losses"] = []
        d["_keras_output_shape"] = None
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (None,) + tuple(input_shape)
        d["_batch_input_shape"] = None if batch_input_shape is None else \
            tuple(batch_input_shape)

    # ------------------------------------------------------------------ identity
    @property
    def name(self) -> str:
        return self.__dict__.get("_keras_name") or _snake(type(self).__name__)

    @property
    def dtype(self) -> str:
        return self._keras_dtype.name

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object '{self.name}'>"

    # ------------------------------------------------------------------ calling
    def build(self, input_shape: Any) -> None:
        """Create the weights, knowing the input's shape (subclasses)."""
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return inputs

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if "_keras_own_weights" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__} was not initialised: it looks like you are "
                "subclassing a Keras Layer or Model and forgot to call "
                "`super().__init__()`; always start __init__ with that line")
        inputs = _as_input(inputs, self._keras_dtype)
        stack = _training_stack()
        training = kwargs.pop("training", None)
        if training is None and stack:
            training = stack[-1]  # inherited from the layer whose call this is
        takes, default = _call_training_arg(type(self))
        if training is None:
            training = default
        if takes and training is not None:
            kwargs["training"] = training
        if not stack and _added_call_losses:  # an outermost call starts them afresh
            for layer in self._flatten_layers(include_self=True):
                layer.__dict__["_keras_call_losses"] = []
        pending = self.__dict__.get("_keras_pending_weights")
        if pending is not None:
            # load_weights() on an unbuilt model: one pass creates the weights (the layers
            # inside build as they are reached), then the loaded values go in, before
            # the call that counts (Keras' deferred restoration)
            self.__dict__["_keras_pending_weights"] = None
            with no_grad():
                self(inputs, *args, **kwargs)
            self.set_weights(pending)
        if not self.built:
            self._build_for(inputs)
        stack.append(training)
        try:
            out = self.call(inputs, *args, **kwargs)
        finally:
            stack.pop()
        self.__dict__["_keras_output_shape"] = _shape_of(out)
        return out

    def _build_for(self, inputs: Any) -> None:
        if not getattr(type(self).build, "_keras_plain", False):
            with _Building():
                self.build(_shape_of(inputs))
        self.__dict__["built"] = True

    build._keras_plain = True  # type: ignore[attr-defined]  # creates nothing

    # ------------------------------------------------------------------ weights
    def add_weight(self, name: str | None = None, shape: Any = None, dtype: Any = None,
                   initializer: Any = None, regularizer: Any = None, trainable: bool = True,
                   constraint: Any = None, **kwargs: Any) -> Any:
        """A new ``tf.Variable`` of ``shape`` filled by ``initializer`` (a name such as
        ``'zeros'``, an ``Initializer``, or a callable ``(shape, dtype)``; Glorot-uniform
        for floating weights by default, as Keras)."""
        from .. import Variable
        from . import initializers, regularizers

        if constraint is not None:
            raise NotImplementedError("add_weight(constraint=...) is not supported")
        dtype = np.dtype(self._keras_dtype if dtype is None else dtype)
        shape = () if shape is None else tuple(int(s) for s in shape)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=dtype)
        var = Variable(value, trainable=trainable, name=f"{self.name}/{name or 'Variable'}",
                       dtype=dtype)
        if tuple(var.shape) != shape:
            raise ValueError(f"add_weight({name!r}): the initializer made shape "
                             f"{tuple(var.shape)}, expected {shape}")
        self._keras_own_weights.append(var)
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._keras_weight_losses.append(lambda reg=reg, var=var: reg(var))
        return var

    def _scan(self) -> tuple[list, list]:
        """The layers and the variables set as attributes (inside lists, tuples and dicts
        too), in the order they were set, each once."""
        layers, variables, seen = [], [], {id(self)}
        for key, value in self.__dict__.items():
            if not isinstance(value, _CONTAINERS) or key in _PRIVATE:
                continue
            for x in _walk(value):
                if id(x) not in seen:
                    seen.add(id(x))
                    if isinstance(x, Layer):
                        layers.append(x)
                    else:
                        variables.append(x)
        return layers, variables

    def _own_variables(self) -> list:
        """Variables made by ``add_weight``, then those set as attributes, each once."""
        own = list({id(v): v for v in self.__dict__.get("_keras_own_weights", [])}.values())
        ids = {id(v) for v in own}
        return own + [v for v in self._scan()[1] if id(v) not in ids]

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True
                        ) -> Iterator[Layer]:
        seen: set[int] = set()

        def visit(layer: Layer, depth: int) -> Iterator[Layer]:
            if id(layer) in seen:
                return
            seen.add(id(layer))
            if depth > 0 or include_self:
                yield layer
            if depth > 0 and not recursive:
                return
            for child in layer._direct_layers():
                yield from visit(child, depth + 1)

        yield from visit(self, 0)

    def _direct_layers(self) -> list:
        return self._scan()[0]

    def _collect(self, trainable: bool | None) -> list:
        """The variables of this layer and the layers inside (own ones first, each once);
        a layer set ``trainable = False`` makes all the variables under it non-trainable."""
        seen: set[int] = set()
        visited: set[int] = set()
        out = []

        def visit(layer: Layer, frozen: bool) -> None:
            if id(layer) in visited:
                return
            visited.add(id(layer))
            frozen = frozen or not layer.trainable
            for v in layer._own_variables():
                if id(v) in seen:
                    continue
                if trainable is None or (v.trainable and not frozen) == trainable:
                    seen.add(id(v))
                    out.append(v)
            for child in layer._direct_layers():
                visit(child, frozen)

        visit(self, False)
        return out

    @property
    def trainable_weights(self) -> list:
        return self._collect(True)

    @property
    def non_trainable_weights(self) -> list:
        return self._collect(False)

    @property
    def weights(self) -> list:
        """Trainable weights, then non-trainable ones (Keras' order)."""
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self) -> list:
        """The weights' values as NumPy arrays (copies)."""
        return [np.array(v.numpy()) for v in self.weights]

    def set_weights(self, weights: Any) -> None:
        """Write NumPy arrays into the weights, in ``weights``' order (shapes must match)."""
        mine = self.weights
        weights = list(weights)
        if len(weights) != len(mine):
            raise ValueError(
                f"{self.name}.set_weights: got {len(weights)} arrays for {len(mine)} weights "
                "(build the layer first, by calling it on data, if it has none yet)")
        for v, w in zip(mine, weights):
            w = np.asarray(w._data if isinstance(w, Tensor) else w)
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(f"{self.name}.set_weights: weight {v.name!r} has shape "
                                 f"{tuple(v.shape)}, got an array of shape {tuple(w.shape)}")
        for v, w in zip(mine, weights):
            v.assign(np.asarray(w._data if isinstance(w, Tensor) else w, dtype=v.dtype))

    def count_params(self) -> int:
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # ------------------------------------------------------------------ losses
    def add_loss(self, losses: Any) -> None:
        """A loss to add to the training objective: a tensor (this call's) or a callable
        taking no arguments (evaluated whenever ``losses`` is read)."""
        for loss in losses if isinstance(losses, (list, tuple)) else [losses]:
            if callable(loss):
                self._keras_weight_losses.append(loss)
            else:
                _added_call_losses.append(True)  # from now on, calls reset them
                self._keras_call_losses.append(loss)

    @property
    def losses(self) -> list:
        """The regularisation losses of this layer and the layers inside it: weight
        penalties (evaluated now, so a tape records them) and losses added by the last
        call."""
        out = []
        for layer in self._flatten_layers(include_self=True):
            out.extend(layer._keras_call_losses)
            out.extend(f() for f in layer._keras_weight_losses)
        return out

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}


class _Building:
    """Weights are created outside any graph."""

    def __enter__(self) -> None:
        self._ctx = no_grad()
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


_PRIVATE = frozenset({"_keras_name", "_keras_dtype", "_keras_own_weights",
                      "_keras_weight_losses", "_keras_call_losses", "_keras_output_shape",
                      "_batch_input_shape", "_keras_pending_weights", "_keras_layers",
                      "_keras_rng"})


def _walk(value: Any) -> Iterator[Any]:
    """Layers and variables in ``value`` and in lists, tuples and dicts inside it."""
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, _CONTAINERS[:2]):
        yield value


def _zeros_input(shape: Any, dtype: Any) -> Any:
    """A batch of zeros standing in for data of ``shape`` (None -> 1), to build with."""
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_zeros_input(s, dtype) for s in shape]
    return _tensor(np.zeros(tuple(1 if s is None else int(s) for s in shape), dtype=dtype))


from ..variables import Variable as _Variable  # noqa: E402

_CONTAINERS = (Layer, _Variable, list, tuple, dict)
