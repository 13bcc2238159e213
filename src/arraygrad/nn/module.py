"""``Module`` and ``Parameter``: the containers of the learning layer (PyTorch's design).

A ``Module`` holds parameters, buffers and sub-modules, registered by assigning them as
attributes; ``model(x)`` calls ``forward``. ``Parameter`` is a leaf Tensor that requires
grad and that a Module lists by name.

Training and prediction mode
----------------------------
Every module has a ``training`` flag, True when it is made (as in PyTorch).
``model.train()`` / ``model.eval()`` set it on the module and all its sub-modules. A layer
that behaves differently while training (``Dropout``) is in training mode when

    ``module.training`` is true, and, inside ``autograd.record()``, the record scope's
    mode is training (``record()`` sets it, ``record(train_mode=False)`` and
    ``autograd.predict_mode()`` clear it).

So ``eval()`` always means prediction; a model never put in eval mode trains inside
``with autograd.record():`` (MXNet's idiom, where recording switches to training mode)
and in a PyTorch-style loop alike. ``Module.is_training()`` answers the question.
Prediction should also keep no graph: run it under ``ag.no_grad()`` (or outside
``record()`` with MXNet-style parameters), which retains no intermediate values (seed 004:
training needs more memory than prediction).
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..core.mode import STATE
from ..core.tensor import Tensor

__all__ = ["Module", "Parameter"]


class Parameter(Tensor):
    """A Tensor that is a module's parameter: a leaf that requires grad by default.

    ``Parameter(data)`` shares ``data``'s memory (like ``torch.nn.Parameter``). Operations
    on a Parameter return plain Tensors.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0)
        if isinstance(data, Tensor):
            if data._node is not None:
                data = data.detach()
            data = data._data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__  # print(p) shows it too, as in PyTorch

    def __deepcopy__(self, memo: dict) -> Parameter:
        out = Parameter(self._data.copy(), requires_grad=self.requires_grad)
        if self.grad is not None:
            out.grad = Tensor(self.grad._data.copy())
        memo[id(self)] = out
        return out

    def __reduce__(self):
        return (_rebuild_parameter, (self.numpy(force=True), self.requires_grad))


def _rebuild_parameter(arr: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(arr, requires_grad=requires_grad)


_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class _Handle:
    __slots__ = ("_hooks", "_key")

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


class Module:
    """Base class of layers and models. Subclasses set attributes in ``__init__`` (after
    ``super().__init__()``) and define ``forward``."""

    training: bool

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    # ------------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(); define forward(self, ...) in the subclass"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if not d["_forward_pre_hooks"] and not d["_forward_hooks"]:
            return self.forward(*args, **kwargs)
        for hook in list(d["_forward_pre_hooks"].values()):
            new = hook(self, args)
            if new is not None:
                args = new if isinstance(new, tuple) else (new,)
        out = self.forward(*args, **kwargs)
        for hook in list(d["_forward_hooks"].values()):
            new = hook(self, args, out)
            if new is not None:
                out = new
        return out

    def register_forward_hook(self, hook: Callable) -> _Handle:
        """``hook(module, args, output)`` after ``forward``; may return a new output."""
        key = id(hook) ^ len(self._forward_hooks)
        self._forward_hooks[key] = hook
        return _Handle(self._forward_hooks, key)

    def register_forward_pre_hook(self, hook: Callable) -> _Handle:
        """``hook(module, args)`` before ``forward``; may return new args."""
        key = id(hook) ^ len(self._forward_pre_hooks)
        self._forward_pre_hooks[key] = hook
        return _Handle(self._forward_pre_hooks, key)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        # Parameters, then child modules: a value of the kind registers under the name; a
        # registered name only takes None (or another value of its kind).
        for store_name, kind, label in (("_parameters", Parameter, "parameter"),
                                        ("_modules", Module, "child module")):
            store = d.get(store_name)
            if isinstance(value, kind):
                if store is None:
                    raise AttributeError(
                        f"cannot assign a {label} before Module.__init__() call; call "
                        "super().__init__() first in your module's __init__"
                    )
                self._forget(name)
                store[name] = value
                return
            if store is not None and name in store:
                if value is not None:
                    raise TypeError(
                        f"cannot assign a {type(value).__name__} as {label} {name!r} "
                        f"(ag.nn.{kind.__name__} or None expected)"
                    )
                store[name] = None
                return
        buffers = d.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign a {type(value).__name__} as buffer {name!r} "
                                "(Tensor or None expected)")
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            store = self.__dict__.get(key)
            if store is not None and name in store:
                del store[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def _forget(self, name: str) -> None:
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            d[key].pop(name, None)
        d["_non_persistent"].discard(name)

    @staticmethod
    def _check_name(name: Any, what: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{what} name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f"{what} name can't be empty or contain '.', got {name!r}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None: a declared, absent parameter such as a missing bias)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameters before Module.__init__() call")
        self._check_name(name, "parameter")
        if hasattr(type(self), name) or (name in self.__dict__):
            raise KeyError(f"attribute {name!r} already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign a {type(param).__name__} as parameter {name!r} "
                            "(ag.nn.Parameter or None expected)")
        self._forget(name)
        self._parameters[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module, reachable as an attribute and listed by ``children()``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, "module")
        if hasattr(type(self), name) and name not in self._modules:
            raise KeyError(f"attribute {name!r} already exists")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor that is state but not a parameter (saved in ``state_dict`` unless
        ``persistent=False``)."""
        self._check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            tensor = Tensor(np.asarray(tensor))
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    # ------------------------------------------------------------------ traversal
    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs, e.g. ``('0.weight', ...)``; shared ones once."""
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, mod in modules:
            for name, p in mod._parameters.items():
                if p is None:
                    continue
                if remove_duplicate:
                    if id(p) in seen:
                        continue
                    seen.add(id(p))
                yield (mod_prefix + "." + name if mod_prefix else name), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, mod in modules:
            for name, b in mod._buffers.items():
                if b is None or id(b) in seen:
                    continue
                seen.add(id(b))
                yield (mod_prefix + "." + name if mod_prefix else name), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_modules(self, memo: set | None = None,
                      prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first, each once."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(memo, prefix + "." + name if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module, then on this one (e.g. to initialise weights)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or prediction mode on this module and all its
        sub-modules; returns the module."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be a bool")
        self.__dict__["training"] = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self) -> Module:
        """Prediction mode: ``train(False)``."""
        return self.train(False)

    def is_training(self) -> bool:
        """Whether layers like Dropout act as in training: ``self.training``, unless inside
        ``autograd.record()`` in prediction mode (``record(train_mode=False)``,
        ``predict_mode()``)."""
        if not self.training:
            return False
        s = STATE
        return s.training or not (s.recording and s.grad_enabled)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the parameters' gradients: to None (default), or to zeros in place."""
        for p in self.parameters():
            _zero_grad(p, set_to_none)

    # ------------------------------------------------------------------ state
    def state_dict(self, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """Parameters and persistent buffers by name. The values share memory with the
        model (detached tensors; the Parameters themselves with ``keep_vars=True``)."""
        out = OrderedDict() if destination is None else destination
        for mod_prefix, mod in self.named_modules(prefix=prefix.rstrip(".")):
            for name, p in mod._parameters.items():
                if p is not None:
                    out[_join(mod_prefix, name)] = p if keep_vars else p.detach()
            for name, b in mod._buffers.items():
                if b is not None and name not in mod._non_persistent:
                    out[_join(mod_prefix, name)] = b if keep_vars else b.detach()
        return out

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> _IncompatibleKeys:
        """Copy values into the parameters and buffers, in place.

        Every entry is checked first (names, shapes, dtypes); if anything is wrong a
        ``RuntimeError`` lists all problems and the model is left untouched.
        ``strict=False`` tolerates missing and unexpected names (not wrong shapes).
        Returns ``(missing_keys, unexpected_keys)``.
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"expected a mapping from names to arrays, got "
                            f"{type(state_dict).__name__}")
        targets = self.state_dict(keep_vars=True)
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        errors = []
        if strict:
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: "
                              + ", ".join(repr(k) for k in unexpected) + ".")
            if missing:
                errors.append("Missing key(s) in state_dict: "
                              + ", ".join(repr(k) for k in missing) + ".")
        copies = []
        for key, target in targets.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            arr = value._data if isinstance(value, Tensor) else value
            if not hasattr(arr, "shape") or not hasattr(arr, "dtype"):
                arr = np.asarray(arr)
            if tuple(arr.shape) != tuple(target.shape):
                errors.append(
                    f"size mismatch for {key}: copying a param with shape "
                    f"{tuple(arr.shape)} from checkpoint, the shape in current model is "
                    f"{tuple(target.shape)}."
                )
            elif np.dtype(arr.dtype) != target.dtype:
                errors.append(
                    f"dtype mismatch for {key}: the checkpoint has {np.dtype(arr.dtype)}, "
                    f"the model has {target.dtype}; convert the model first (model.to("
                    f"{str(np.dtype(arr.dtype))!r})) or the checkpoint's arrays."
                )
            else:
                copies.append((target, arr))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__} (the model was "
                "not changed):\n\t" + "\n\t".join(errors)
            )
        for target, arr in copies:
            _copy_into(target, arr)
        return _IncompatibleKeys(missing, unexpected)

    def to(self, *args: Any, dtype: Any = None, device: Any = None) -> Module:
        """Convert parameters, buffers and their ``.grad`` in place: ``model.to('float32')``,
        ``model.to('cuda')``, ``model.to('cuda:1', 'float32')``, ``model.to(device=...)``.
        Parameters keep their identity, so an optimizer already holding them still does.

        An optimizer's state (momentum, Adam's moments) is created at its first ``step()``
        on the parameters' device and is not moved: call ``.to(device)`` before the first
        step (or create the optimizer after it); moving later raises a device error there.
        """
        from .._backend import parse_device, to_device
        from ..core.tensor import _is_device_like

        for a in args:  # PyTorch's positional forms: a device and/or a dtype, either order
            if device is None and _is_device_like(a):
                device = a
            elif dtype is None:
                dtype = a
            else:
                raise TypeError(f"Module.to: unexpected argument {a!r}")
        dev = None if device is None else parse_device(device)
        dt = None if dtype is None else np.dtype(dtype)

        def move(data: Any) -> Any:
            if dev is not None:
                data = to_device(data, dev)
            if dt is not None and data.dtype.kind in "fc" and data.dtype != dt:
                data = data.astype(dt)
            return data

        def convert(t: Tensor) -> None:
            data = move(t._data)
            if data is not t._data:
                t._data = data
                t._version += 1
            g = t.grad
            if g is not None:  # the gradient follows: same device, same dtype
                gd = move(g._data)
                if gd.dtype != data.dtype:
                    gd = gd.astype(data.dtype)
                if gd is not g._data:
                    t.grad = Tensor(gd)

        for m in self.modules():
            for p in m._parameters.values():
                if p is not None:
                    convert(p)
            for b in m._buffers.values():
                if b is not None:
                    convert(b)
        return self

    def cpu(self) -> Module:
        """Move parameters and buffers (and their gradients) to host memory."""
        return self.to(device="cpu")

    def cuda(self, device: Any = None) -> Module:
        """Move parameters and buffers (and their gradients) to a CUDA GPU (CuPy)."""
        return self.to(device="cuda" if device is None else device)

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:
        return self.to(np.float32)

    def num_parameters(self) -> int:
        """The number of scalar parameters."""
        return int(sum(p.size for p in self.parameters()))

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr (its settings)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        children = [f"({name}): " + _indent(repr(m), 2)
                    for name, m in self._modules.items()]
        text = type(self).__name__ + "("
        if lines and len(lines) == 1 and not children:
            text += lines[0]
        elif lines or children:
            text += "\n  " + "\n  ".join(lines + children) + "\n"
        return text + ")"

    def __dir__(self) -> list:
        keys = set(super().__dir__())
        for key in ("_parameters", "_buffers", "_modules"):
            keys.update(self.__dict__[key])
        return sorted(k for k in keys if not k[:1].isdigit())


def _join(prefix: str, name: str) -> str:
    return prefix + "." + name if prefix else name


def _indent(text: str, n: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * n + line for line in lines[1:])


def _zero_grad(p: Tensor, set_to_none: bool) -> None:
    g = p.grad
    if g is None:
        return
    # MXNet-style tensors (attach_grad) keep their buffer: it is zeroed in place.
    mxnet_buffer = p._meta.grad_req in ("write", "add")
    if set_to_none and not mxnet_buffer:
        p.grad = None
        return
    if g._node is not None or g._rg:  # a gradient with a graph (create_graph=True)
        p.grad = Tensor(np.zeros_like(g._data))
        return
    g._data[...] = 0
    g._version += 1


def _copy_into(target: Tensor, arr: Any) -> None:
    """Overwrite ``target``'s values in place (outside any graph)."""
    data = target._data
    if isinstance(data, np.ndarray) and isinstance(arr, np.ndarray):
        np.copyto(data, arr)
    else:
        data[...] = arr
    target._version += 1
