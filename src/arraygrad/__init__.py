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

from . import _methods  # noqa: F401  (attaches operators to Tensor)
from . import autograd, numpy, ops
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.node import GraphError
from .gradcheck import gradcheck, gradgradcheck
from .ops.elementwise import astype
from .tensor import Tensor, is_tensor, tensor

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "is_tensor", "autograd", "numpy", "ops", "no_grad", "enable_grad",
    "set_grad_enabled", "is_grad_enabled", "gradcheck", "gradgradcheck", "stop_gradient",
    "GraphError", "astype",
]


def stop_gradient(x):
    """TensorFlow's name for ``detach``: the value of ``x``, with no gradient flowing back."""
    from .numpy import asarray

    return asarray(x).detach()
