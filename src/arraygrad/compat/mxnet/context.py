"""``mxnet.context``: devices as arraygrad names them (``npx.cpu()`` is ``'cpu'``)."""

from __future__ import annotations

from ..._backend import Device as Context
from .npx import cpu, current_context, current_device, gpu, num_gpus

__all__ = ["Context", "cpu", "gpu", "current_context", "current_device", "num_gpus"]
