"""The optimizer base: parameter groups, ``zero_grad``, ``state_dict``/``load_state_dict``.

Updates run outside any graph and write into ``p.data`` in place: after a step every
parameter is the same object holding the same NumPy array, and the state buffers
(momentum, Adam's moments) are allocated on the first step and reused ever after.
Temporary values go into per-parameter scratch arrays (not part of the state), so a step
allocates nothing new.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..core.mode import SWITCHES, no_grad
from ..core.tensor import Tensor

__all__ = ["Optimizer", "required"]


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class: ``Optimizer(params, defaults)``; ``params`` is an iterable of tensors or
    of dicts (parameter groups, each with its own hyper-parameters)."""

    def __init__(self, params: Iterable[Any], defaults: dict) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict] = {}
        self.param_groups: list[dict] = []
        self._scratch: dict[Tensor, list] = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor (wrap it in a list)")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    text += f"\n    {key}: {group[key]}"
        return text + "\n)"

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own hyper-parameters (the defaults fill in
        the rest)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs; "
                            "use a list")
        else:
            params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor (one computed by recorded "
                                 "ops); optimize the leaves it was computed from")
            if p.dtype.kind not in "f":
                raise TypeError(f"optimizer needs floating point parameters, got {p.dtype}")
        group = dict(param_group)
        group["params"] = params
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {key}")
            group.setdefault(key, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params) or len({id(p) for p in params}) != len(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict) -> None:
        """Validate hyper-parameters (subclasses)."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default) or to zeros in place."""
        from ..nn.module import _zero_grad

        for group in self.param_groups:
            for p in group["params"]:
                _zero_grad(p, set_to_none)

    def step(self, closure: Callable | None = None) -> Any:
        """One update of every parameter that has a gradient. ``closure`` (optional)
        re-evaluates the model and returns the loss."""
        tracer = SWITCHES.tracer
        if tracer is not None:  # ag.compile: replayed as Python (Adam's step count lives here)
            return tracer.opaque(self._step, (closure,), {}, f"{type(self).__name__}.step")
        return self._step(closure)

    def _step(self, closure: Callable | None) -> Any:
        loss = None
        if closure is not None:
            from ..core.mode import enable_grad

            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def _update_group(self, group: dict) -> None:
        raise NotImplementedError

    def _buffers(self, p: Tensor, n: int) -> list:
        """``n`` scratch arrays shaped like ``p`` (made once, reused every step)."""
        bufs = self._scratch.get(p)
        if bufs is None:
            bufs = self._scratch[p] = []
        while len(bufs) < n:
            bufs.append(np.empty_like(p._data))
        return bufs

    @staticmethod
    def _signed_decayed(g: Any, p: Any, weight_decay: float, maximize: bool, out: Any) -> Any:
        """``(-g if maximize else g) + weight_decay * p``, written into ``out`` when it is
        not ``g`` itself: the gradient is the user's and is never modified."""
        if weight_decay:
            np.multiply(p, weight_decay, out=out)
            if maximize:
                out -= g
            else:
                out += g
            return out
        if maximize:
            return np.negative(g, out=out)
        return g

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """``{'state': {index: {name: value}}, 'param_groups': [{..., 'params': [index]}]}``:
        parameters are numbered in group order. Values are copies."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state.get(p)
                if st:
                    state[index[id(p)]] = {
                        k: (Tensor(v._data.copy()) if isinstance(v, Tensor) else v)
                        for k, v in st.items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyper-parameters and state. Everything is checked first; on any
        mismatch a ValueError explains it and the optimizer is left unchanged."""
        try:
            saved_groups = state_dict["param_groups"]
            saved_state = state_dict["state"]
        except (KeyError, TypeError):
            raise ValueError("not an optimizer state_dict: expected the keys 'state' and "
                             "'param_groups'") from None
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, "
                             f"the optimizer has {len(self.param_groups)}")
        index: dict[int, Tensor] = {}
        for i, (mine, theirs) in enumerate(zip(self.param_groups, saved_groups)):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError(f"parameter group {i} of the loaded state dict has "
                                 f"{len(theirs['params'])} parameters, the optimizer's has "
                                 f"{len(mine['params'])}")
            for k, p in zip(theirs["params"], mine["params"]):
                index[int(k)] = p
        new_state: dict[Tensor, dict] = {}
        for k, st in saved_state.items():
            k = int(k)
            if k not in index:
                raise ValueError(f"loaded state dict has state for parameter {k}, which the "
                                 "optimizer does not have")
            p = index[k]
            entry = {}
            for name, value in st.items():
                if isinstance(value, (Tensor, np.ndarray)) and np.ndim(value) > 0:
                    arr = value._data if isinstance(value, Tensor) else value
                    if tuple(arr.shape) != tuple(p.shape):
                        raise ValueError(
                            f"state {name!r} of parameter {k} has shape {tuple(arr.shape)}, "
                            f"but the parameter has shape {tuple(p.shape)}"
                        )
                    entry[name] = arr
                else:
                    entry[name] = value.item() if hasattr(value, "item") else value
            new_state[p] = entry
        # All checked: apply. Existing buffers are reused (copied into) where they fit.
        for p, entry in new_state.items():
            old = self.state.get(p, {})
            st = {}
            for name, value in entry.items():
                if isinstance(value, np.ndarray) or _is_array(value):
                    buf = old.get(name)
                    if isinstance(buf, Tensor) and buf.shape == value.shape and \
                            buf.dtype == p.dtype:
                        np.copyto(buf._data, value, casting="unsafe")
                        st[name] = buf
                    else:
                        st[name] = Tensor(np.array(value, dtype=p.dtype))
                else:
                    st[name] = int(value) if name == "step" else value
            self.state[p] = st
        for p in list(self.state):
            if p not in new_state and any(p is q for q in index.values()):
                del self.state[p]
        for mine, theirs in zip(self.param_groups, saved_groups):
            for key, value in theirs.items():
                if key != "params":
                    mine[key] = tuple(value) if key == "betas" else value


def _is_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype") and np.ndim(value) > 0
