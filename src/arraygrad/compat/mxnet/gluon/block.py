"""``gluon.Block`` and ``gluon.HybridBlock`` (MXNet 1.x's design).

A Block names itself (``dense0``), owns a ``ParameterDict`` (``self.params``) whose
parameters are named ``prefix + name`` (``dense0_weight``), and registers the Blocks and
Parameters assigned to its attributes (``self._children``, in order).
``collect_params()`` gathers its own and its children's parameters; ``initialize()``
initialises them; ``save_parameters``/``load_parameters`` store them by their structural
names (``hidden.weight``).

A HybridBlock's ``forward(x)`` passes its parameters' arrays to ``hybrid_forward(F, x,
**params)``, first finishing deferred initialisation from ``x`` (``infer_shape``).
``hybridize()`` stages a HybridBlock's forward with ``arraygrad.compile``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, defaultdict
from typing import Any

from ....core.tensor import Tensor
from .. import initializer
from .. import name as _name
from .parameter import DeferredInitializationError, Parameter, ParameterDict

__all__ = ["Block", "HybridBlock"]


class _BlockScope:
    """``with block.name_scope():`` children made inside are named after the block
    (``mlp0_dense0``) and their parameters live under its prefix."""

    _current = threading.local()

    def __init__(self, block: Block) -> None:
        self._block = block
        self._counter: dict[str, int] = {}
        self._old_scope: _BlockScope | None = None

    @staticmethod
    def create(prefix: str | None, params: ParameterDict | None,
               hint: str) -> tuple[str, ParameterDict]:
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + "_"
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> _BlockScope:
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._block._empty_prefix:
            return
        _BlockScope._current.value = self._old_scope


def _indent(text: str, n: int) -> str:
    lines = text.split("\n")
    return lines[0] + "".join("\n" + " " * n + line for line in lines[1:])


class _HookHandle:
    def __init__(self, hooks: OrderedDict, key: int) -> None:
        self._hooks, self._key = hooks, key

    def detach(self) -> None:
        self._hooks.pop(self._key, None)

    remove = detach


class Block:
    """Base class of layers and models: subclass it, create children and parameters in
    ``__init__`` (after ``super().__init__(**kwargs)``) and define ``forward``."""

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None) -> None:
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children: OrderedDict[str, Block] = OrderedDict()
        self._reg_params: dict[str, Parameter] = {}
        self._forward_hooks: OrderedDict = OrderedDict()
        self._forward_pre_hooks: OrderedDict = OrderedDict()

    def __repr__(self) -> str:
        modstr = "\n".join(f"  ({key}): {_indent(repr(block), 2)}"
                           for key, block in self.__dict__.items() if isinstance(block, Block))
        return f"{type(self).__name__}(\n{modstr}\n)"

    def __setattr__(self, name: str, value: Any) -> None:
        """Registers Blocks as children and Parameters as this block's own."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(f"Changing attribute type for {name} from {type(existing)} to "
                                f"{type(value)} is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise AssertionError(
                    f"Overriding Parameter attribute {name} is not allowed. If you want to "
                    "share parameters between blocks, please set 'params' at Block "
                    "construction instead.")
            self._reg_params[name] = value
        object.__setattr__(self, name, value)

    def _alias(self) -> str:
        return type(self).__name__.lower()

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def name(self) -> str:
        return self._name

    def name_scope(self) -> _BlockScope:
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own parameters (not its children's: see ``collect_params``)."""
        return self._params

    def collect_params(self, select: str | None = None) -> ParameterDict:
        """This block's and all its children's parameters; ``select`` a regular expression
        on the names (``'.*weight|.*bias'``)."""
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({k: v for k, v in self.params.items() if pattern.match(k)})
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> dict[str, Parameter]:
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save the parameters' values under their structural names (``hidden.weight``)
        with ``npx.save``."""
        from ..npx import save

        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {id(v): k for k, v in params.items()}
            params = {k: v for k, v in params.items() if reverse[id(v)] == k}
        save(filename, {key: val._reduce() for key, val in params.items()})

    def load_parameters(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                        ignore_extra: bool = False, cast_dtype: bool = False,
                        dtype_source: str = "current") -> None:
        """Load values saved by ``save_parameters``; parameters not initialised yet (even
        with unknown shapes) take the saved arrays."""
        from ..npx import load

        loaded = load(filename)
        if not isinstance(loaded, dict):
            raise ValueError(f"{filename} holds a list of arrays, not parameters saved by "
                             "save_parameters")
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in k for k in loaded):
            self.collect_params().load_dict(loaded, ctx, allow_missing, ignore_extra,
                                            self.prefix, filename, cast_dtype, dtype_source)
            return
        if not allow_missing:
            names_of: dict[int, list] = defaultdict(list)
            for k, v in params.items():
                names_of[id(v)].append(k)
            for name, param in params.items():
                if not any(p in loaded for p in names_of[id(param)]):
                    raise AssertionError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains "
                        f"parameters: {sorted(loaded)}. Set allow_missing=True to ignore "
                        "missing parameters.")
        for name, value in loaded.items():
            if name not in params:
                if not ignore_extra:
                    raise ValueError(
                        f"Parameter '{name}' loaded from file '{filename}' is not present in "
                        f"this Block, which has parameters {sorted(params)}. Set "
                        "ignore_extra=True to ignore.")
                continue
            params[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)

    def register_child(self, block: Block, name: str | None = None) -> None:
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook: Any) -> _HookHandle:
        key = id(hook) ^ len(self._forward_pre_hooks)
        self._forward_pre_hooks[key] = hook
        return _HookHandle(self._forward_pre_hooks, key)

    def register_forward_hook(self, hook: Any) -> _HookHandle:
        key = id(hook) ^ len(self._forward_hooks)
        self._forward_hooks[key] = hook
        return _HookHandle(self._forward_hooks, key)

    def apply(self, fn: Any) -> Block:
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init: Any = None, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """``collect_params().initialize(init, ...)``; ``init`` defaults to
        ``init.Uniform()`` (MXNet's default)."""
        if init is None:
            init = initializer.Uniform()
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype: Any) -> None:
        for child in self._children.values():
            child.cast(dtype)
        for p in self.params.values():
            p.cast(dtype)

    def zero_grad(self) -> None:
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        self.collect_params().reset_ctx(ctx)

    def __call__(self, *args: Any) -> Any:
        for hook in list(self._forward_pre_hooks.values()):
            hook(self, args)
        out = self.forward(*args)
        for hook in list(self._forward_hooks.values()):
            hook(self, args, out)
        return out

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define "
                                  "forward(self, x) in the subclass")


class _F:
    """The ``F`` a ``hybrid_forward`` receives: ``F.np``, ``F.npx``, and the ``np`` names
    directly (``F.dot``), as imperative MXNet's ``ndarray`` module."""

    def __init__(self) -> None:
        from .. import np, npx

        self.np, self.npx = np, npx

    def __getattr__(self, name: str) -> Any:
        for ns in (self.np, self.npx):
            try:
                return getattr(ns, name)
            except AttributeError:
                pass
        raise AttributeError(f"F has no {name!r} (neither mxnet.np nor mxnet.npx has it)")


_F_INSTANCE: list = []


def _the_f() -> _F:
    if not _F_INSTANCE:
        _F_INSTANCE.append(_F())
    return _F_INSTANCE[0]


class HybridBlock(Block):
    """A Block whose computation is ``hybrid_forward(F, x, *args, **params)``, with this
    block's parameters passed by attribute name. Layers whose parameter shapes come from
    the input define ``infer_shape(x, *args)``: it runs at the first call, before the
    deferred initialisation is finished.

    ``hybridize()`` stages ``forward`` with ``arraygrad.compile`` (MXNet's CachedOp): the
    same results, replayed without graph objects.
    """

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags: dict = {}
        self._compiled: Any = None

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Stage this block's forward with ``arraygrad.compile`` from the next call on (the
        first call finishes a deferred initialisation eagerly); ``active=False`` undoes it."""
        self._active = bool(active)
        self._flags = dict(kwargs)
        self._compiled = None
        super().hybridize(active, **kwargs)

    def __call__(self, *args: Any) -> Any:
        if not self._active or self._forward_pre_hooks or self._forward_hooks:
            return super().__call__(*args)
        if self._compiled is None:
            if any(p._deferred_init for p in self.collect_params().values()):
                return super().__call__(*args)  # shapes come from this first call: eager
            from ....compile import compile as _compile

            self._compiled = _compile(self.forward)
        return self._compiled(*args)

    def infer_shape(self, *args: Any) -> None:
        raise RuntimeError(
            f"{type(self).__name__} ({self.name}) has parameters whose shape is not known "
            "(deferred initialisation) and no infer_shape(x) to set them from the input; "
            "give the shapes when creating the parameters (in_units=..., shape=...)")

    def _params_data(self) -> dict[str, Tensor]:
        return {k: v.data() for k, v in self._reg_params.items()}

    def forward(self, x: Any, *args: Any) -> Any:
        try:
            params = self._params_data()
        except DeferredInitializationError:
            self.infer_shape(x, *args)
            for p in self.params.values():
                p._finish_deferred_init()
            for p in self._reg_params.values():
                p._finish_deferred_init()
            params = self._params_data()
        return self.hybrid_forward(_the_f(), x, *args, **params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no hybrid_forward(F, x, ...)")

    def export(self, path: str, epoch: int = 0, **kwargs: Any) -> None:
        raise NotImplementedError("HybridBlock.export writes MXNet's symbol JSON, which "
                                  "arraygrad does not have; use save_parameters")


