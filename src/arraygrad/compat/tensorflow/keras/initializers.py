"""``tf.keras.initializers`` (also ``tf.initializers``): fill a new array of a shape.

Each draws with ``arraygrad.nn.init`` from the front door's generator
(``tf.random.set_seed``), or from a generator of its own when given ``seed`` (then every
call gives the same values, as in Keras). Fans follow Keras' layout, where a Dense kernel
is ``(in, out)``: ``fan_in = shape[-2] * receptive field``, ``fan_out = shape[-1] * ...``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ....core.tensor import Tensor
from ....nn import init as _init


class Initializer:
    """Base class: ``initializer(shape, dtype=None)`` returns a tensor of that shape."""

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)


def _empty(shape: Any, dtype: Any) -> Tensor:
    return Tensor._make(np.zeros(tuple(int(s) for s in shape),
                                 dtype=np.float32 if dtype is None else np.dtype(dtype)))


class _Random(Initializer):
    def __init__(self, seed: Any = None) -> None:
        self.seed = seed

    def _generator(self) -> np.random.Generator:
        if self.seed is not None:
            return np.random.default_rng(self.seed)
        from .. import random

        return random._generator()


class RandomNormal(_Random):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        return _init.normal_(_empty(shape, dtype), self.mean, self.stddev,
                             generator=self._generator())

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Random):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        t = _empty(shape, dtype)
        if t.dtype.kind in "iu":
            t._data[...] = self._generator().integers(self.minval, self.maxval, t.shape)
            return t
        return _init.uniform_(t, self.minval, self.maxval, generator=self._generator())

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_Random):
    """Normal draws, those beyond two standard deviations drawn again."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        return _truncated(_empty(shape, dtype), self.mean, self.stddev, self._generator())

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _truncated(t: Tensor, mean: float, std: float, rng: np.random.Generator) -> Tensor:
    z = rng.standard_normal(t.shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    t._data[...] = mean + std * z
    return t


class Zeros(Initializer):
    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        return _init.zeros_(_empty(shape, dtype))


class Ones(Initializer):
    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        return _init.ones_(_empty(shape, dtype))


class Constant(Initializer):
    def __init__(self, value: Any = 0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        t = _empty(shape, dtype)
        t._data[...] = np.asarray(self.value._data if isinstance(self.value, Tensor)
                                  else self.value)
        return t

    def get_config(self) -> dict:
        return {"value": self.value}


class Identity(Initializer):
    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        if len(shape) != 2:
            raise ValueError("Identity initializer needs a 2-D shape, got "
                             f"{tuple(shape)}")
        t = _init.eye_(_empty(shape, dtype))
        t._data *= self.gain
        return t


def _fans(shape: tuple) -> tuple[float, float]:
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    receptive = float(np.prod(shape[:-2])) if len(shape) > 2 else 1.0
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Random):
    """Keras' family: variance ``scale / n`` with ``n`` the fan in, out or their average;
    a truncated normal (its standard deviation corrected for the truncation), an
    untruncated normal, or a uniform distribution."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Any = None) -> None:
        super().__init__(seed)
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, "
                             f"got {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform",
                                "normal"):
            raise ValueError(f"VarianceScaling: unknown distribution {distribution!r}")
        self.scale, self.mode, self.distribution = float(scale), mode, distribution

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        fan_in, fan_out = _fans(tuple(int(s) for s in shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[
            self.mode]
        var = self.scale / max(1.0, n)
        t = _empty(shape, dtype)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * var)
            return _init.uniform_(t, -limit, limit, generator=self._generator())
        if self.distribution == "untruncated_normal":
            return _init.normal_(t, 0.0, math.sqrt(var), generator=self._generator())
        # std of a unit normal truncated to [-2, 2] is 0.87962566103423978
        return _truncated(t, 0.0, math.sqrt(var) / 0.87962566103423978, self._generator())

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _family(name: str, scale: float, mode: str, distribution: str) -> type:
    def __init__(self: Any, seed: Any = None) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    return type(name, (VarianceScaling,), {"__init__": __init__, "__doc__":
                f"``VarianceScaling(scale={scale}, mode={mode!r}, "
                f"distribution={distribution!r})``"})


GlorotUniform = _family("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _family("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _family("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _family("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _family("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _family("LecunUniform", 1.0, "fan_in", "uniform")

# snake-case aliases, as Keras exports them
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
variance_scaling = VarianceScaling

_BY_NAME = {
    "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "zeros": Zeros, "ones": Ones,
    "constant": Constant, "identity": Identity, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "variance_scaling": VarianceScaling,
}


def get(identifier: Any) -> Any:
    """An initializer from a name (``'glorot_uniform'``, ``'zeros'`` ...), an
    ``Initializer``, or a callable ``(shape, dtype)``."""
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else \
            {"RandomNormal": "random_normal", "Zeros": "zeros", "Ones": "ones",
             "GlorotUniform": "glorot_uniform"}.get(identifier, identifier)
        try:
            return _BY_NAME[key]()
        except KeyError:
            raise ValueError(f"Unknown initializer: {identifier!r}; arraygrad's tf.keras "
                             f"knows {sorted(_BY_NAME)}") from None
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}")
