"""``gluon.Parameter``, ``Constant`` and ``ParameterDict`` (MXNet 1.x's design).

A Parameter is a named container: its shape may be unknown (``-1``) until the first
forward pass (deferred initialisation); once initialised it holds one array, ``data()``,
an arraygrad Tensor with an MXNet gradient buffer (``attach_grad(grad_req)``), so every
``backward()`` writes ``grad()`` (``grad_req='write'``) or adds to it (``'add'``).
``force_reinit`` makes a new array, as MXNet does.
"""

from __future__ import annotations

import re
import warnings
from collections import OrderedDict
from typing import Any

import numpy as _onp

from ...._backend import parse_device
from ....core.mode import no_grad
from ....core.tensor import Tensor
from .. import initializer
from .. import np as _mxnp

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict"]


class DeferredInitializationError(RuntimeError):
    """A parameter whose shape is known only after the first forward pass was used
    before it."""


def _known(shape: Any) -> bool:
    return shape is not None and all(d > 0 for d in shape)


class Parameter:
    """``Parameter(name, grad_req='write', shape=None, dtype=float32, lr_mult=1.0,
    wd_mult=1.0, init=None, allow_deferred_init=False, differentiable=True)``."""

    def __init__(self, name: str, grad_req: str = "write", shape: Any = None,
                 dtype: Any = _onp.float32, lr_mult: float = 1.0, wd_mult: float = 1.0,
                 init: Any = None, allow_deferred_init: bool = False,
                 differentiable: bool = True, stype: str = "default",
                 grad_stype: str = "default") -> None:
        if stype != "default" or grad_stype != "default":
            raise NotImplementedError(f"Parameter {name!r}: sparse storage ({stype!r}, "
                                      f"{grad_stype!r}) is not supported; use 'default'")
        self._data: Tensor | None = None
        self._deferred_init: tuple = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req: str | None = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = None if shape is None else tuple(shape)
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init

    def __repr__(self) -> str:
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # ------------------------------------------------------------------ attributes
    @property
    def grad_req(self) -> str | None:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req not in ("write", "add", "null"):
            raise ValueError(f"grad_req must be one of 'write', 'add', or 'null', but got "
                             f"{req!r}")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if self._data is not None:
            self._data.attach_grad(req)

    @property
    def dtype(self) -> Any:
        return self._dtype

    @dtype.setter
    def dtype(self, dtype: Any) -> None:
        self.cast(dtype)

    @property
    def shape(self) -> tuple | None:
        """The shape; an unknown dimension (deferred initialisation) is -1."""
        if self._shape is None:
            return None
        return tuple(d if d != 0 else -1 for d in self._shape)

    @shape.setter
    def shape(self, new_shape: Any) -> None:
        new_shape = tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if len(self._shape) != len(new_shape) or not all(
                j in (-1, 0, i) for i, j in zip(new_shape, self._shape)):
            raise AssertionError(f"Parameter {self.name!r}: expected shape {self.shape} is "
                                 f"incompatible with given shape {new_shape}")
        self._shape = new_shape

    # ------------------------------------------------------------------ initialisation
    def initialize(self, init: Any = None, ctx: Any = None, default_init: Any = None,
                   force_reinit: bool = False) -> None:
        """Initialise the array (now, or at the first forward pass when the shape is not
        known yet). ``init`` overrides the parameter's own ``init`` and ``default_init``."""
        if default_init is None:
            default_init = initializer.Uniform()
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. Set "
                          "force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = None
        if init is None:
            init = default_init if self.init is None else self.init
        if not _known(self._shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has "
                             f"invalid shape: {self.shape}.")
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not _known(self._shape):
            raise RuntimeError(f"Cannot initialize Parameter '{self.name}' because it has "
                               f"invalid shape: {self.shape}. Please specify in_units, "
                               "in_channels, etc for `Block`s.")
        with no_grad():
            if data is None:
                data = _mxnp.zeros(self._shape, dtype=self._dtype)
                initializer.create(default_init)(
                    initializer.InitDesc(self.name, {"__init__": init}), data)
            self._init_impl(data, ctx)

    def _init_impl(self, data: Any, ctx: Any = None) -> None:
        """The array: a copy of ``data`` in this parameter's dtype, on ``ctx`` (one device:
        a list of contexts must hold one), with its gradient buffer."""
        if isinstance(ctx, (list, tuple)):
            if len(ctx) > 1:
                raise NotImplementedError(
                    f"Parameter '{self.name}': one copy per context ({len(ctx)} contexts) "
                    "is not supported; arraygrad keeps one array per parameter")
            ctx = ctx[0] if ctx else None
        if ctx is None and self._data is not None:
            ctx = self._data.device
        arr = data._data if isinstance(data, Tensor) else _onp.asarray(data)
        arr = arr.astype(_onp.dtype(self._dtype), copy=True)
        self._data = _mxnp._mx(Tensor._make(arr), ctx)
        if self._grad_req != "null":
            self._data.attach_grad(self._grad_req)

    def _load_init(self, data: Any, ctx: Any = None, cast_dtype: bool = False,
                   dtype_source: str = "current") -> None:
        """(Re)initialise from saved data (``load_parameters``)."""
        arr = data._data if isinstance(data, Tensor) else _onp.asarray(data)
        if self._shape:
            for mine, theirs in zip(self._shape, arr.shape):
                if mine not in (0, -1, theirs) or len(self._shape) != arr.ndim:
                    raise AssertionError(
                        f"Failed loading Parameter '{self.name}' from saved params: shape "
                        f"incompatible expected {self.shape} vs saved {arr.shape}")
            self._shape = tuple(arr.shape)
        if self._dtype is not None:
            if cast_dtype:
                if dtype_source == "saved":
                    self._dtype = arr.dtype
                else:
                    arr = arr.astype(self._dtype)
            elif _onp.dtype(self._dtype) != arr.dtype:
                raise AssertionError(
                    f"Failed loading Parameter '{self.name}' from saved params: dtype "
                    f"incompatible expected {_onp.dtype(self._dtype)} vs saved {arr.dtype}. "
                    "Set cast_dtype=True to cast the dtype of saved params.")
        if self._data is None:
            self._init_impl(arr, ctx if ctx is not None else (
                self._deferred_init[1] if self._deferred_init else None))
        else:
            self.set_data(arr)
        self._deferred_init = ()

    # ------------------------------------------------------------------ access
    def _check_and_get(self, arr: Any) -> Any:
        if arr is not None:
            return arr
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because "
                "initialization was deferred. Actual initialization happens during the first "
                "forward pass. Please pass one batch of data through the network before "
                "accessing Parameters. You can also avoid deferred initialization by "
                "specifying in_units, num_features, etc., for network layers.")
        raise RuntimeError(
            f"Parameter '{self.name}' has not been initialized. Note that you should "
            "initialize parameters and create Trainer with Block.collect_params() instead of "
            "Block.params because the later does not include Parameters of nested child "
            "Blocks")

    def data(self, ctx: Any = None) -> Tensor:
        """The array (the same Tensor every call until it is re-initialised): writing into
        it (``p.data()[:] = ...``) changes the parameter."""
        return self._check_and_get(self._data)

    def list_data(self) -> list:
        return [self.data()]

    def grad(self, ctx: Any = None) -> Tensor:
        """The gradient buffer that ``backward()`` writes."""
        if self._data is not None and self._grad_req == "null":
            raise RuntimeError(f"Cannot get gradient array for Parameter '{self.name}' "
                               "because grad_req='null'")
        return self._check_and_get(self._data).grad

    def list_grad(self) -> list:
        return [self.grad()]

    def list_ctx(self) -> list:
        if self._data is None:
            if self._deferred_init:
                ctx = self._deferred_init[1]
                if ctx is None:
                    return [parse_device("cpu")]
                return list(ctx) if isinstance(ctx, (list, tuple)) else [ctx]
            raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
        return [self._data.device]

    def reset_ctx(self, ctx: Any) -> None:
        """Move the array (a new one, with a new gradient buffer) to ``ctx``."""
        if self._data is not None and ctx is not None:
            self._init_impl(self._data, ctx)
        elif self._deferred_init:
            self._deferred_init = (self._deferred_init[0], ctx) + self._deferred_init[2:]

    def set_data(self, data: Any) -> None:
        """Set the value (in place: the array keeps its identity)."""
        arr = data._data if isinstance(data, Tensor) else _onp.asarray(data)
        self.shape = arr.shape
        if self._data is None:
            if not self._deferred_init:
                raise AssertionError(f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = self._deferred_init[:3] + (arr,)
            return
        self._data._data[...] = arr
        self._data._version += 1

    def zero_grad(self) -> None:
        if self._data is None or self._data.grad is None:
            return
        g = self._data.grad
        g._data[...] = 0
        g._version += 1

    def _reduce(self) -> Tensor:
        """A copy of the value (what ``save_parameters`` stores)."""
        return _mxnp._mx(Tensor._make(self.data()._data.copy()))

    def cast(self, dtype: Any) -> None:
        self._dtype = dtype
        if self._data is None:
            return
        self._init_impl(self._data._data.astype(dtype))

    def var(self) -> Any:
        raise NotImplementedError("Parameter.var(): arraygrad has no symbolic graph; "
                                  "use data()")


class Constant(Parameter):
    """A parameter that is not trained (``grad_req='null'``), holding ``value``."""

    def __init__(self, name: str, value: Any) -> None:
        if not isinstance(value, Tensor):
            value = _mxnp.array(value)
        self.value = value
        const = value

        class _Init(initializer.Initializer):
            def _init_weight(self, _: Any, arr: Any) -> None:
                arr._data[...] = const._data

        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype,
                         init=_Init())

    def __repr__(self) -> str:
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(f'Constant parameter "{self.name}" does not support grad_req other '
                          f'than "null", and new value "{req}" is ignored.', stacklevel=2)
        self._grad_req = "null"


class ParameterDict:
    """Parameters by full name (``'dense0_weight'``), with a prefix for the names it
    creates and an optional ``shared`` dict to take existing parameters from."""

    def __init__(self, prefix: str = "", shared: ParameterDict | None = None) -> None:
        self._prefix = prefix
        self._params: OrderedDict[str, Parameter] = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join("  " + repr(v) for v in self.values())
        return f"{name}(\n{content}\n)"

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self) -> Any:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, key: str) -> bool:
        return key in self._params

    def items(self) -> Any:
        return self._params.items()

    def keys(self) -> Any:
        return self._params.keys()

    def values(self) -> Any:
        return self._params.values()

    @property
    def prefix(self) -> str:
        return self._prefix

    def _get_impl(self, name: str) -> Parameter | None:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """The parameter ``prefix + name``: existing (here or in ``shared``), or created
        with ``kwargs``. An existing one must agree with ``kwargs`` (unknown dimensions
        are filled in)."""
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            existing = getattr(param, k, None)
            if existing is None:
                setattr(param, k, v)
                continue
            if k == "shape":
                v = (v,) if isinstance(v, int) else tuple(v)
                if len(v) == len(existing) and all(
                        a == b or a <= 0 or b <= 0 for a, b in zip(v, existing)):
                    param._shape = tuple(b if a <= 0 else a for a, b in zip(v, existing))
                    continue
            elif k == "dtype" and _onp.dtype(v) == _onp.dtype(existing):
                continue
            if v is not None and v != existing:
                raise AssertionError(
                    f"Cannot retrieve Parameter '{name}' because desired attribute does not "
                    f"match with stored for attribute '{k}': desired '{v}' vs stored "
                    f"'{existing}'.")
        return param

    def get_constant(self, name: str, value: Any = None) -> Constant:
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{name}'. Please specify value if you "
                               "want to create a new constant.")
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None and not isinstance(param, Constant):
            raise AssertionError(f"Parameter '{name}' already exists but it is not a "
                                 "constant.")
        return param  # type: ignore[return-value]

    def update(self, other: Any) -> None:
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise AssertionError("Cannot update self with other because they have "
                                     f"different Parameters with the same name '{k}'")
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init: Any = None, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """Initialise every parameter; ``init`` is the global default (a parameter's own
        ``init`` takes precedence)."""
        if init is None:
            init = initializer.Uniform()
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        for p in self.values():
            p.zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self) -> list:
        out: list = []
        for p in self.values():
            for c in p.list_ctx():
                if c not in out:
                    out.append(c)
        return out

    def setattr(self, name: str, value: Any) -> None:
        """Set an attribute on every parameter: ``.setattr('wd_mult', 0)``,
        ``.setattr('grad_req', 'null')``."""
        for p in self.values():
            setattr(p, name, value)

    def select(self, pattern: str) -> ParameterDict:
        ret = ParameterDict(self._prefix)
        prog = re.compile(pattern)
        ret.update({k: v for k, v in self.items() if prog.match(k)})
        return ret

    def save(self, filename: str, strip_prefix: str = "") -> None:
        from ..npx import save

        arg_dict = {}
        for p in self.values():
            if not p.name.startswith(strip_prefix):
                raise ValueError(f"Prefix '{strip_prefix}' is to be striped before saving, "
                                 f"but Parameter's name '{p.name}' does not start with it")
            arg_dict[p.name[len(strip_prefix):]] = p._reduce()
        save(filename, arg_dict)

    def load(self, filename: str, ctx: Any = None, allow_missing: bool = False,
             ignore_extra: bool = False, restore_prefix: str = "", cast_dtype: bool = False,
             dtype_source: str = "current") -> None:
        from ..npx import load

        loaded = load(filename)
        self.load_dict(loaded, ctx, allow_missing, ignore_extra, restore_prefix, filename,
                       cast_dtype, dtype_source)

    def load_dict(self, param_dict: dict, ctx: Any = None, allow_missing: bool = False,
                  ignore_extra: bool = False, restore_prefix: str = "",
                  filename: str | None = None, cast_dtype: bool = False,
                  dtype_source: str = "current") -> None:
        where = f"file: {filename}" if filename else "param_dict"
        arg_dict = {restore_prefix + (k[4:] if k[:4] in ("arg:", "aux:") else k): v
                    for k, v in param_dict.items()}
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise AssertionError(
                        f"Parameter '{name[len(restore_prefix):]}' is missing in {where}, "
                        f"which contains parameters: {sorted(arg_dict)}")
        for name, value in arg_dict.items():
            if name not in self._params:
                if not ignore_extra:
                    raise AssertionError(
                        f"Parameter '{name[len(restore_prefix):]}' loaded from {where} is not "
                        f"present in ParameterDict, choices are: {list(self.keys())}. Set "
                        "ignore_extra to True to ignore.")
                continue
            self[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)
