"""Hooks on the values the graph saves for backward (PyTorch's ``torch.autograd.graph``).

::

    def pack(t):            # runs when an op saves a tensor while recording
        return t.numpy().astype(np.float16)          # e.g. compress, or move to the host
    def unpack(p):          # runs when backward needs it
        return ag.tensor(p.astype(np.float64))

    with ag.autograd.graph.saved_tensors_hooks(pack, unpack):
        loss = model(x)
    loss.backward()         # the rules see the unpacked values

``pack`` gets every tensor an op keeps for its rule (inputs, and outputs of ops whose rule
uses the output, like ``exp`` or ``tanh``) and may return anything; ``unpack`` must
return a tensor (or array) equal to what was packed, or the gradient will be computed
from its value. Unpacking happens once per node; with ``retain_graph=True`` the
unpacked values are kept for the next backward. Values that were packed are not
checked for in-place modification (the version check needs the original tensor).

Cost when no hooks are active: one check of a global flag per recorded op.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..core.mode import SWITCHES
from ..core.tensor import Tensor

__all__ = ["saved_tensors_hooks", "disable_saved_tensors_hooks", "save_on_cpu",
           "current_hooks"]

_local = threading.local()
_lock = threading.Lock()
_active = 0  # hook scopes open in any thread


def _update_flag() -> None:
    """Register ``on_record`` with the kernel while hooks are open in some thread or anomaly
    mode is on; the record path then calls it for each new node."""
    SWITCHES.on_record = on_record if (_active or SWITCHES.detect_anomaly) else None
    SWITCHES.update()


def _stack() -> list:
    st = getattr(_local, "stack", None)
    if st is None:
        st = _local.stack = []
    return st


def current_hooks() -> tuple[Callable, Callable] | None:
    """The innermost active ``(pack, unpack)`` pair in this thread, or None."""
    st = getattr(_local, "stack", None)
    return st[-1] if st else None


class saved_tensors_hooks:
    """Context manager: ``pack_hook(tensor) -> obj`` when an op saves a tensor,
    ``unpack_hook(obj) -> tensor`` when backward needs it. Scopes nest; the innermost wins."""

    def __init__(self, pack_hook: Callable[[Tensor], Any],
                 unpack_hook: Callable[[Any], Any]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def _entry(self) -> tuple | None:
        return (self.pack_hook, self.unpack_hook)

    def __enter__(self) -> saved_tensors_hooks:
        global _active
        _stack().append(self._entry())
        with _lock:
            _active += 1
            _update_flag()
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        _stack().pop()
        with _lock:
            _active -= 1
            _update_flag()


class disable_saved_tensors_hooks(saved_tensors_hooks):
    """Inside this block ops save their values as usual, whatever hooks are active outside."""

    def __init__(self, error_message: str | None = None) -> None:
        super().__init__(None, None)  # type: ignore[arg-type]

    def _entry(self) -> None:
        return None


class save_on_cpu(saved_tensors_hooks):
    """Keep saved values in host memory (NumPy) and move them back to their device when
    backward needs them: for tensors on a GPU (CuPy), activations stop occupying GPU
    memory between the forward and the backward pass. On NumPy data it changes nothing."""

    def __init__(self) -> None:
        from .._backend import device_of, to_device, to_numpy

        def pack(t: Tensor) -> Any:
            dev = device_of(t._data)
            if str(dev) == "cpu":
                return (None, t)
            return (dev, to_numpy(t._data))

        def unpack(p: Any) -> Tensor:
            dev, value = p
            if dev is None:
                return value
            return Tensor._make(to_device(value, dev))

        super().__init__(pack, unpack)


# ---------------------------------------------------------------------------- record side


class _Packed:
    """What a node keeps instead of its saved values while hooks packed them."""

    __slots__ = ("args", "ans", "has_ans", "unpack", "used")

    def __init__(self, args: tuple, ans: Any, has_ans: bool, unpack: Callable) -> None:
        self.args = args  # ((packed?, value), ...)
        self.ans = ans
        self.has_ans = has_ans
        self.unpack = unpack
        self.used = False

    def _one(self, p: Any) -> Tensor:
        t = self.unpack(p)
        return t if isinstance(t, Tensor) else Tensor(t)

    def unpack_into(self, node: Any) -> tuple:
        """Restore the node's saved values (called by the engine on first use)."""
        args = tuple(self._one(v) if packed else v for packed, v in self.args)
        if self.has_ans:
            if node.op.nout == 1:
                node.ans = self._one(self.ans)._data
            else:
                node.ans = tuple(self._one(p)._data for p in self.ans)
        node.args = args
        self.used = True
        self.args = self.ans = None  # the packed forms are no longer needed
        return args


def on_record(node: Any) -> None:
    """Called by ``record`` (and custom Functions) for each new node while the flag is up."""
    if SWITCHES.detect_anomaly:
        from .anomaly import remember

        remember(node)
    hooks = current_hooks()
    if hooks is not None:
        pack_node(node, hooks[0], hooks[1])


def pack_node(node: Any, pack: Callable, unpack: Callable) -> None:
    args = node.args
    if args is None:
        return
    has_tensor = any(isinstance(a, Tensor) for a in args)
    ans = node.ans
    has_ans = ans is not None
    if not has_tensor and not has_ans:
        return
    packed_args = tuple((True, pack(a)) if isinstance(a, Tensor) else (False, a)
                        for a in args)
    packed_ans = None
    if has_ans:
        rg = node.rg
        if node.op.nout == 1:
            packed_ans = pack(Tensor._make(ans, node, 0, rg))
        else:
            packed_ans = tuple(pack(Tensor._make(a, node, k, rg)) for k, a in enumerate(ans))
    node.metadata["saved"] = _Packed(packed_args, packed_ans, has_ans, unpack)
    node.args = None
    node.ans = None
    node.versions = None
