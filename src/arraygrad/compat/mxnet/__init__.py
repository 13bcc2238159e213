"""MXNet's idiom on arraygrad: ``from arraygrad.compat.mxnet import autograd, np, npx``.

The seeds' MXNet cells run unchanged but for the import line::

    from arraygrad.compat.mxnet import autograd, np, npx
    npx.set_np()

    x = np.arange(4)              # array([0., 1., 2., 3.])  float32, as in MXNet
    x.attach_grad()               # a zero gradient buffer, once
    with autograd.record():       # records, and switches to training mode
        y = 2 * np.dot(x, x)
    y.backward()                  # x.grad is written (not accumulated): [0., 4., 8., 12.]

- ``np`` is ``mxnet.np``: ``arraygrad.numpy`` with float32 creation defaults
  (``arange ones zeros empty full eye identity linspace logspace array asarray`` and the
  ``np.random`` draws); every other name falls through to ``arraygrad.numpy``.
- ``npx`` holds ``set_np`` (switches printing to MXNet's ``array([...])``; there is no
  other mode to switch), the activations (``relu sigmoid softmax log_softmax``, from
  ``arraygrad.nn.functional``), ``one_hot`` and the device stubs.
- ``autograd`` is ``arraygrad.autograd`` with MXNet's signatures for ``backward`` and
  ``grad``: ``record pause train_mode predict_mode is_recording is_training
  set_recording set_training mark_variables``.
- Tensors already have MXNet's methods: ``attach_grad(grad_req)``, ``grad``, ``detach``,
  ``copy``, ``asnumpy``, ``backward(out_grad, retain_graph)``, ``ctx``,
  ``as_in_context``.
- ``gluon`` (``gluon.nn``, ``gluon.loss``, ``gluon.data``, ``Trainer``, ``Parameter``),
  ``init`` (``mxnet.initializer``) and ``name`` (``NameManager``) are the deep-learning
  layer, as in MXNet 1.x's Gluon; each layer's maths is ``arraygrad.nn.functional``'s and
  each optimizer ``arraygrad.optim``'s. See docs/idioms.md for where it differs.

Submodules import as in MXNet: ``from arraygrad.compat.mxnet.gluon import nn``,
``from arraygrad.compat.mxnet import gluon, init``.
"""

from __future__ import annotations

# gluon last: it builds on the modules before it
from . import autograd, context, image, initializer, name, np, npx, random  # isort: skip
from . import gluon  # isort: skip
from . import initializer as init
from .context import Context, cpu, current_context, gpu, num_gpus

__all__ = ["autograd", "np", "npx", "nd", "gluon", "init", "initializer", "name", "random",
           "context", "image", "Context", "cpu", "gpu", "num_gpus", "current_context"]

# ``from mxnet import nd`` (the legacy namespace) is the same arrays here.
nd = np
