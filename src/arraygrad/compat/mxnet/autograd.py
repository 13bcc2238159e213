"""``mxnet.autograd`` on arraygrad: recording scopes, modes, ``backward`` and ``grad``.

The scopes and modes are ``arraygrad.autograd``'s own; ``backward`` and ``grad`` take
MXNet's signatures (``heads``, ``head_grads``, ``variables``).
"""

from __future__ import annotations

from typing import Any

from ... import autograd as _ag
from ...core.tensor import Tensor

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "mark_variables", "backward", "grad"]

record = _ag.record
pause = _ag.pause
train_mode = _ag.train_mode
predict_mode = _ag.predict_mode
is_recording = _ag.is_recording
is_training = _ag.is_training
set_recording = _ag.set_recording
set_training = _ag.set_training
mark_variables = _ag.mark_variables


def backward(heads: Any, head_grads: Any = None, retain_graph: bool = False,
             train_mode: bool = True) -> None:
    """``mxnet.autograd.backward(heads, head_grads=None, retain_graph=False)``."""
    if isinstance(heads, Tensor):
        heads = [heads]
        if head_grads is not None and not isinstance(head_grads, (list, tuple)):
            head_grads = [head_grads]
    _ag.backward(list(heads), head_grads, retain_graph)


def grad(heads: Any, variables: Any, head_grads: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, train_mode: bool = True) -> Any:
    """``mxnet.autograd.grad``: the gradients of ``heads`` w.r.t. ``variables``, returned (a
    list, or one array when ``variables`` is one array), ``.grad`` untouched.
    ``create_graph=True`` records them, so they can be differentiated again."""
    single = isinstance(variables, Tensor)
    if head_grads is not None and isinstance(heads, Tensor) and not isinstance(
            head_grads, (list, tuple)):
        head_grads = [head_grads]
    got = _ag.grad(heads, variables, head_grads, retain_graph, create_graph)
    return got[0] if single else list(got)


def __getattr__(name: str) -> Any:
    try:
        return getattr(_ag, name)
    except AttributeError:
        raise AttributeError(f"module 'mxnet.autograd' (arraygrad's front door) has no "
                             f"attribute {name!r}, nor has arraygrad.autograd") from None
