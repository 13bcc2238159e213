"""``mxnet.init`` (``mxnet.initializer``): how Gluon fills a parameter on initialisation.

As in MXNet, ``Block.initialize(init)`` calls ``init(InitDesc(name, {'__init__': chosen}),
array)``, where ``chosen`` is the parameter's own initializer (Dense's bias: ``'zeros'``)
or else the global one; the chosen initializer's ``_init_weight(name, array)`` writes into
the array in place. Subclass ``Initializer`` and define ``_init_weight`` for your own.
The random ones draw through ``arraygrad.nn.init`` from NumPy's global generator
(``np.random.seed`` makes them repeatable; MXNet's generator gives other numbers).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as _onp

from ...nn import init as _init

__all__ = ["InitDesc", "Initializer", "Zero", "One", "Constant", "Uniform", "Normal",
           "Xavier", "MSRAPrelu", "Mixed", "register", "alias", "create"]

_REGISTRY: dict[str, type] = {}


def register(klass: type) -> type:
    """Register an Initializer subclass under its lower-case class name."""
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*aliases: str) -> Any:
    """Register an Initializer subclass under more names (``@alias('zeros')``)."""
    def reg(klass: type) -> type:
        for a in aliases:
            _REGISTRY[a.lower()] = klass
        return klass
    return reg


def create(init: Any, **kwargs: Any) -> Initializer:
    """An Initializer from an instance (itself), a registered name (``'zeros'``,
    ``'xavier'``) or a JSON dump (``'["normal", {"sigma": 0.5}]'``)."""
    if isinstance(init, Initializer):
        return init
    if isinstance(init, str):
        if init.startswith("["):
            name, kw = json.loads(init)
            return create(name, **kw)
        try:
            return _REGISTRY[init.lower()](**kwargs)
        except KeyError:
            raise ValueError(f"unknown initializer {init!r}; registered: "
                             f"{sorted(_REGISTRY)}") from None
    raise TypeError(f"an initializer must be an Initializer or its registered name, got "
                    f"{type(init).__name__}")


class InitDesc(str):
    """A parameter's name, carrying its attributes (``'__init__'``: its own initializer)
    and the global initializer."""

    def __new__(cls, name: str, attrs: dict | None = None, global_init: Any = None) -> InitDesc:
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """Base class. ``__call__(desc, arr)`` dispatches as MXNet: to the initializer named
    in ``desc.attrs['__init__']``, else by the name's ending (``weight`` -> ``_init_weight``,
    ``bias`` -> zeros, ``gamma`` -> ones, ``beta`` -> zeros)."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose: bool = False, print_func: Any = None) -> Initializer:
        self._verbose = verbose
        self._print_func = print_func
        return self

    def dumps(self) -> str:
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc: Any, arr: Any) -> None:
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get("__init__", "")
        if chosen:
            create(chosen)._init_weight(desc, arr)
        elif desc.endswith("weight"):
            self._init_weight(desc, arr)
        elif desc.endswith("bias") or desc.endswith("beta") or desc.endswith("min"):
            self._init_zero(desc, arr)
        elif desc.endswith("gamma") or desc.endswith("max"):
            self._init_one(desc, arr)
        else:
            self._init_default(desc, arr)

    def _init_zero(self, _: Any, arr: Any) -> None:
        _init.zeros_(arr)

    def _init_one(self, _: Any, arr: Any) -> None:
        _init.ones_(arr)

    _init_bias = _init_beta = _init_zero
    _init_gamma = _init_one

    def _init_weight(self, name: str, arr: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must override _init_weight")

    def _init_default(self, name: str, _: Any) -> None:
        raise ValueError(
            f"Unknown initialization pattern for {name}. Default initialization is limited to "
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0); give the parameter its own '
            "init=..."
        )

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return self.dumps()


@register
@alias("zeros")
class Zero(Initializer):
    def _init_weight(self, _: Any, arr: Any) -> None:
        _init.zeros_(arr)


@register
@alias("ones")
class One(Initializer):
    def _init_weight(self, _: Any, arr: Any) -> None:
        _init.ones_(arr)


@register
class Constant(Initializer):
    """Every element ``value`` (a scalar, or an array broadcast to the parameter)."""

    def __init__(self, value: Any) -> None:
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _: Any, arr: Any) -> None:
        value = self.value
        _init.constant_(arr, value._data if hasattr(value, "_data") else value)

    def dumps(self) -> str:
        val = self.value
        if not _onp.isscalar(val):
            val = _onp.asarray(val).tolist()
        return json.dumps(["constant", {"value": val}])


@register
class Uniform(Initializer):
    """U(-scale, scale); MXNet's default initializer (scale 0.07)."""

    def __init__(self, scale: float = 0.07) -> None:
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _: Any, arr: Any) -> None:
        _init.uniform_(arr, -self.scale, self.scale)


@register
class Normal(Initializer):
    """N(0, sigma**2)."""

    def __init__(self, sigma: float = 0.01) -> None:
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _: Any, arr: Any) -> None:
        _init.normal_(arr, 0.0, self.sigma)


@register
class Xavier(Initializer):
    """Glorot: U(-c, c) (``rnd_type='uniform'``) or N(0, c**2) (``'gaussian'``) with
    c = sqrt(magnitude / factor), factor the average of fan in and out (``'avg'``), or
    either (``'in'``, ``'out'``)."""

    def __init__(self, rnd_type: str = "uniform", factor_type: str = "avg",
                 magnitude: float = 3) -> None:
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name: str, arr: Any) -> None:
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}. It "
                             "requires at least 2D.")
        hw_scale = float(_onp.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        factors = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}
        if self.factor_type not in factors:
            raise ValueError(f"Incorrect factor type {self.factor_type!r}")
        scale = math.sqrt(self.magnitude / factors[self.factor_type])
        if self.rnd_type == "uniform":
            _init.uniform_(arr, -scale, scale)
        elif self.rnd_type == "gaussian":
            _init.normal_(arr, 0.0, scale)
        else:
            raise ValueError(f"Unknown random type {self.rnd_type!r}")


@register
class MSRAPrelu(Xavier):
    """He et al.: Xavier with gaussian draws and magnitude 2 / (1 + slope**2)."""

    def __init__(self, factor_type: str = "avg", slope: float = 0.25) -> None:
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope**2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


class Mixed:
    """The first initializer whose pattern matches the parameter's name."""

    def __init__(self, patterns: list, initializers: list) -> None:
        if len(patterns) != len(initializers):
            raise ValueError("Mixed: one initializer per pattern")
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name: Any, arr: Any) -> None:
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError(f"Parameter name {name} did not match any pattern; add a '.*' "
                         "pattern at the end with a default initializer")
