"""arraygrad: NumPy with gradients.

Record ordinary imperative array code (loops, ifs, function calls) and back-propagate
through it::

    import arraygrad as ag
    from arraygrad import numpy as anp

    x = anp.arange(4.0)
    x.attach_grad()
    with ag.autograd.record():
        y = 2 * anp.dot(x, x)
    y.backward()
    x.grad            # tensor([ 0.,  4.,  8., 12.])
"""

from __future__ import annotations

from . import (
    _methods,  # noqa: F401  (attaches operators to Tensor)
    autograd,
    data,
    nn,
    numpy,
    ops,
    optim,
    viz,
)
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.anomaly import detect_anomaly, set_detect_anomaly
from .autograd.checkpoint import checkpoint, checkpoint_sequential
from .autograd.function import Function, custom_jvp, custom_vjp, once_differentiable
from .autograd.functional import (
    elementwise_grad,
    grad,
    grad_named,
    hessian,
    hessian_vector_product,
    holomorphic_grad,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    linearize,
    make_vjp,
    value_and_grad,
    vector_jacobian_product,
    vhp,
    vjp,
)
from .autograd.tape import GradientTape, Variable
from .compile import compile
from .core.node import GraphError
from .core.tensor import Tensor, is_tensor, tensor
from .gradcheck import gradcheck, gradgradcheck
from .ops.elementwise import astype
from .serialization import load, save

__version__ = "0.2.0"

__all__ = [
    "Tensor", "tensor", "is_tensor", "autograd", "numpy", "ops", "no_grad", "enable_grad",
    "set_grad_enabled", "is_grad_enabled", "gradcheck", "gradgradcheck", "stop_gradient",
    "GraphError", "astype", "compile",
    "grad", "value_and_grad", "vjp", "jvp", "linearize", "jacobian", "jacrev", "jacfwd",
    "hessian", "hvp", "vhp", "elementwise_grad", "make_vjp", "holomorphic_grad", "grad_named",
    "hessian_vector_product", "vector_jacobian_product", "GradientTape", "Variable",
    "Function", "custom_vjp",
    "custom_jvp", "once_differentiable", "checkpoint", "checkpoint_sequential",
    "detect_anomaly", "set_detect_anomaly", "nn", "optim", "data", "viz", "save", "load",
]


def stop_gradient(x):
    """TensorFlow's name for ``detach``: the value of ``x``, with no gradient flowing back."""
    from .numpy import asarray

    return asarray(x).detach()
