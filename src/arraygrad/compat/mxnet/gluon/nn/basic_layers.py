"""Gluon's basic layers: containers, ``Dense``, ``Dropout``, ``Flatten``, ``Lambda``.

The maths is ``arraygrad.nn.functional``'s: ``Dense`` is ``F.linear`` (weight (units,
in_units), as Gluon's), ``Dropout`` is ``F.dropout``, active only in training mode
(``autograd.record()`` sets it; ``record(train_mode=False)`` and ``predict_mode()`` clear it).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as _onp

from ..... import autograd as _ag
from .....nn import functional as F
from .....ops import shape as _sh
from ..block import Block, HybridBlock, _indent
from .activations import Activation

__all__ = ["Sequential", "HybridSequential", "Dense", "Dropout", "Flatten", "Lambda",
           "HybridLambda"]


class _Stack:
    """What Sequential and HybridSequential share: ``add``, indexing, ``len``, repr."""

    _children: Any

    def add(self, *blocks: Block) -> None:
        """Append blocks (they run in the order added)."""
        for block in blocks:
            self.register_child(block)  # type: ignore[attr-defined]

    def forward(self, x: Any, *args: Any) -> Any:
        for block in self._children.values():
            x = block(x, *args)
            args = ()
        return x

    def __repr__(self) -> str:
        modstr = "\n".join(f"  ({key}): {_indent(repr(block), 2)}"
                           for key, block in self._children.items())
        return f"{type(self).__name__}(\n{modstr}\n)"

    def __getitem__(self, key: int | slice) -> Any:
        layers = list(self._children.values())[key]
        if isinstance(layers, list):
            net = type(self)(prefix=self._prefix)  # type: ignore[attr-defined]
            with net.name_scope():
                net.add(*layers)
            return net
        return layers

    def __len__(self) -> int:
        return len(self._children)


class Sequential(_Stack, Block):
    """Blocks applied in order: ``net = nn.Sequential(); net.add(nn.Dense(10))``."""

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(f"All children of this Sequential layer '{self.prefix}' are "
                          "HybridBlocks. Consider using HybridSequential for the best "
                          "performance.", stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_Stack, HybridBlock):
    """Sequential for HybridBlocks (``hybridize()``: see HybridBlock)."""


class Dense(HybridBlock):
    """``activation(dot(x, weight.T) + bias)``, weight of shape (units, in_units).

    ``in_units`` omitted: the shape (and initialisation) waits for the first call.
    ``flatten=True`` collapses all axes but the first; ``flatten=False`` applies to the
    last axis.
    """

    def __init__(self, units: int, activation: str | None = None, use_bias: bool = True,
                 flatten: bool = True, dtype: Any = "float32", weight_initializer: Any = None,
                 bias_initializer: Any = "zeros", in_units: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units),
                                          init=weight_initializer, dtype=dtype,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(units,), init=bias_initializer,
                                            dtype=dtype, allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def infer_shape(self, x: Any, *args: Any) -> None:
        in_units = int(_onp.prod(x.shape[1:])) if self._flatten else x.shape[-1]
        self.weight.shape = (self._units, in_units)

    def hybrid_forward(self, F_: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        lead = x.shape[:-1]
        if self._flatten:
            x = _sh.reshape(x, (x.shape[0], -1)) if x.ndim != 2 else x
        elif x.ndim != 2:
            x = _sh.reshape(x, (-1, x.shape[-1]))
        if x.shape[-1] != weight.shape[1]:
            raise ValueError(f"Dense {self.name}: the input has {x.shape[-1]} features "
                             f"(shape {x.shape}), the weight expects {weight.shape[1]} "
                             f"(shape {weight.shape})")
        out = F.linear(x, weight, bias)
        if not self._flatten and len(lead) != 1:
            out = _sh.reshape(out, tuple(lead) + (self._units,))
        if self.act is not None:
            out = self.act(out)
        return out

    def __repr__(self) -> str:
        shape = self.weight.shape
        act = self.act if self.act else "linear"
        left = shape[1] if shape[1] > 0 else None
        return f"{type(self).__name__}({left} -> {shape[0]}, {act})"


class Dropout(HybridBlock):
    """Zero each element with probability ``rate`` and scale the rest by 1 / (1 - rate),
    in training mode only (inside ``autograd.record()``); the identity otherwise."""

    def __init__(self, rate: float, axes: tuple = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"Dropout: rate must be between 0 and 1, got {rate}")
        if axes:
            raise NotImplementedError("Dropout(axes=...): a mask shared along axes is not "
                                      "supported; use axes=()")
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F_: Any, x: Any) -> Any:
        return F.dropout(x, self._rate, training=_ag.is_training())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p = {self._rate}, axes={self._axes})"


class Flatten(HybridBlock):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def hybrid_forward(self, F_: Any, x: Any) -> Any:
        return _sh.reshape(x, (x.shape[0], -1))

    def __repr__(self) -> str:
        return type(self).__name__


def _np_function(function: Any, where: str) -> Any:
    if isinstance(function, str):
        from ... import np, npx

        for ns in (np, npx):
            fn = getattr(ns, function, None)
            if fn is not None:
                return fn
        raise ValueError(f"{where}: function name {function!r} is not found in np/npx")
    if not callable(function):
        raise ValueError(f"{where}: unrecognized function {function!r}; give a function "
                         "or the name of one in np/npx")
    return function


class Lambda(Block):
    """A function (or the name of an ``np``/``npx`` function) as a Block."""

    def __init__(self, function: Any, prefix: str | None = None) -> None:
        super().__init__(prefix=prefix)
        self._func_impl = _np_function(function, "Lambda")
        self._func_name = getattr(self._func_impl, "__name__", repr(self._func_impl))

    def forward(self, *args: Any) -> Any:
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._func_name})"


class HybridLambda(HybridBlock):
    """``function(F, x, *args)`` (or the name of an ``np``/``npx`` function) as a block."""

    def __init__(self, function: Any, prefix: str | None = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            fn = _np_function(function, "HybridLambda")
            self._func = lambda F_, *args: fn(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = getattr(function, "__name__", repr(function))
        else:
            raise ValueError(f"HybridLambda: unrecognized function {function!r}")

    def hybrid_forward(self, F_: Any, x: Any, *args: Any) -> Any:
        return self._func(F_, x, *args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._func_name})"
