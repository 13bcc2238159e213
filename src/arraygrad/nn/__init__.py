"""``arraygrad.nn``: the learning layer (PyTorch's design and names).

``Module`` and ``Parameter`` (module.py), layers (layers.py), losses (loss.py), and the
function forms in ``nn.functional`` and initialisers in ``nn.init``::

    import arraygrad as ag
    from arraygrad import nn

    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    loss = nn.CrossEntropyLoss()(model(x), y)
    loss.backward()

See docs/learning.md for training vs prediction mode and the saving format.
"""

from __future__ import annotations

from . import functional, init
from .layers import (
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ModuleList,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from .lazy import LazyLinear, UninitializedParameter
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, Parameter

__all__ = [
    "functional", "init", "Module", "Parameter", "Linear", "Sequential", "ModuleList",
    "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softplus", "Softmax", "LogSoftmax", "Dropout",
    "Flatten", "Identity", "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "LazyLinear", "UninitializedParameter",
]
