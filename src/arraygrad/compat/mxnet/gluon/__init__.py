"""``mxnet.gluon`` on arraygrad: Blocks, Parameters, layers, losses, data, Trainer.

MXNet 1.x's Gluon, name for name: ``gluon.nn`` (``Sequential``, ``Dense``, ``Dropout``,
...), ``gluon.loss``, ``gluon.data``, ``gluon.Trainer``, ``gluon.Parameter``. The layers'
maths is ``arraygrad.nn.functional``'s and the Trainer's updates ``arraygrad.optim``'s.
"""

from __future__ import annotations

from . import data, loss, nn, rnn, utils
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict
from .trainer import Trainer

__all__ = ["Block", "HybridBlock", "Parameter", "Constant", "ParameterDict",
           "DeferredInitializationError", "Trainer", "nn", "loss", "data", "rnn", "utils"]
