"""The autograd engine and its front doors: modes, backward, grad.

``from arraygrad import autograd`` gives MXNet's spelling (``autograd.record()``,
``autograd.is_training()``) and PyTorch's (``autograd.grad``, ``autograd.backward``).
"""

from __future__ import annotations

from typing import Any

from ..core.engine import backward, grad
from ..core.mode import (
    enable_grad,
    is_grad_enabled,
    is_recording,
    is_training,
    no_grad,
    pause,
    predict_mode,
    record,
    set_grad_enabled,
    set_recording,
    set_training,
    train_mode,
)
from ..core.node import AccumulateGrad, GraphError, Node
from . import functional, graph
from .anomaly import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .checkpoint import checkpoint, checkpoint_sequential
from .function import Function, FunctionCtx, custom_jvp, custom_vjp, once_differentiable
from .tape import GradientTape, Variable

__all__ = [
    "backward", "grad", "record", "pause", "train_mode", "predict_mode", "is_recording",
    "is_training", "set_training", "set_recording", "no_grad", "enable_grad",
    "set_grad_enabled", "is_grad_enabled", "mark_variables", "Node", "AccumulateGrad",
    "GraphError", "functional", "graph", "detect_anomaly", "set_detect_anomaly",
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "checkpoint",
    "checkpoint_sequential", "Function", "FunctionCtx", "custom_vjp", "custom_jvp",
    "once_differentiable", "GradientTape", "Variable",
]


def mark_variables(variables: Any, gradients: Any, grad_reqs: str = "write") -> None:
    """MXNet's ``mark_variables``: attach the given buffers as the variables' gradients."""
    from ..core.tensor import Tensor

    if isinstance(variables, Tensor):
        variables, gradients = [variables], [gradients]
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else grad_reqs
    for var, buf, req in zip(variables, gradients, reqs):
        var.attach_grad(req)
        if req != "null":
            var._meta.grad = buf
