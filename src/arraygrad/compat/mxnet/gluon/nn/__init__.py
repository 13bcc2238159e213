"""``mxnet.gluon.nn``: Gluon's layers and blocks on arraygrad."""

from __future__ import annotations

from ..block import Block, HybridBlock
from .activations import Activation, LeakyReLU
from .basic_layers import (
    Dense,
    Dropout,
    Flatten,
    HybridLambda,
    HybridSequential,
    Lambda,
    Sequential,
)

__all__ = ["Block", "HybridBlock", "Sequential", "HybridSequential", "Dense", "Dropout",
           "Flatten", "Lambda", "HybridLambda", "Activation", "LeakyReLU"]
