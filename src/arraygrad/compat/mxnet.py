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
  ``copy``, ``asnumpy``, ``backward(out_grad, retain_graph)``.
"""

from __future__ import annotations

from typing import Any

import numpy as _onp

from .. import autograd as _ag
from .._backend import Device, parse_device
from .._printing import set_style as _set_style
from ..core.tensor import Tensor
from . import _mxnet_np as np
from ._util import Namespace

__all__ = ["autograd", "np", "npx", "nd"]


# ---------------------------------------------------------------------------- autograd


def _backward(heads: Any, head_grads: Any = None, retain_graph: bool = False,
              train_mode: bool = True) -> None:
    """``mxnet.autograd.backward(heads, head_grads=None, retain_graph=False)``."""
    if isinstance(heads, Tensor):
        heads = [heads]
        if head_grads is not None and not isinstance(head_grads, (list, tuple)):
            head_grads = [head_grads]
    _ag.backward(list(heads), head_grads, retain_graph)


def _grad(heads: Any, variables: Any, head_grads: Any = None, retain_graph: bool | None = None,
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


autograd = Namespace(
    "arraygrad.compat.mxnet.autograd",
    "``mxnet.autograd`` on arraygrad: recording scopes, modes, backward, grad.",
    _ag,
    record=_ag.record,
    pause=_ag.pause,
    train_mode=_ag.train_mode,
    predict_mode=_ag.predict_mode,
    is_recording=_ag.is_recording,
    is_training=_ag.is_training,
    set_recording=_ag.set_recording,
    set_training=_ag.set_training,
    mark_variables=_ag.mark_variables,
    backward=_backward,
    grad=_grad,
)


# ---------------------------------------------------------------------------- npx


def set_np(shape: bool = True, array: bool = True, dtype: bool = False) -> None:
    """MXNet's switch into NumPy mode. arraygrad is always in it; this sets the printed form
    to MXNet's (``array([0., 1., 2., 3.])``). ``dtype=True`` (NumPy's float64 defaults) is
    not supported: use ``arraygrad.numpy`` directly for that."""
    if dtype:
        raise NotImplementedError(
            "npx.set_np(dtype=True): the MXNet front door keeps MXNet's float32 defaults; "
            "for NumPy's float64 defaults use `from arraygrad import numpy as np`"
        )
    _set_style("mxnet")


def reset_np() -> None:
    _set_style("arraygrad")


def is_np_array() -> bool:
    return True


is_np_shape = is_np_array


def _functional() -> Any:
    try:
        from ..nn import functional as F
    except ImportError as exc:  # pragma: no cover - only while arraygrad.nn is missing
        raise NotImplementedError(
            "this npx function maps onto arraygrad.nn.functional, which is not available"
        ) from exc
    return F


def relu(data: Any) -> Tensor:
    return _functional().relu(data)


def sigmoid(data: Any) -> Tensor:
    return _functional().sigmoid(data)


def softmax(data: Any, axis: int = -1, length: Any = None, temperature: Any = None,
            use_length: bool = False, dtype: Any = None) -> Tensor:
    if length is not None or use_length:
        raise NotImplementedError("npx.softmax(length=...) is not supported")
    if temperature is not None:
        data = data / temperature
    return _functional().softmax(data, axis)


def log_softmax(data: Any, axis: int = -1, length: Any = None, temperature: Any = None,
                use_length: bool = False, dtype: Any = None) -> Tensor:
    if length is not None or use_length:
        raise NotImplementedError("npx.log_softmax(length=...) is not supported")
    if temperature is not None:
        data = data / temperature
    return _functional().log_softmax(data, axis)


_ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": lambda x: np.tanh(x)}


def activation(data: Any, act_type: str = "relu") -> Tensor:
    try:
        return _ACTIVATIONS[act_type](data)
    except KeyError:
        raise ValueError(f"npx.activation: unsupported act_type {act_type!r}") from None


def one_hot(data: Any, depth: int, on_value: float = 1.0, off_value: float = 0.0,
            dtype: Any = None) -> Tensor:
    """Rows of the identity picked by the (integer) indices: a constant, no gradient."""
    idx = _onp.asarray(data._data if isinstance(data, Tensor) else data).astype(_onp.int64)
    table = _onp.full((depth, depth), off_value, dtype=dtype or _onp.float32)
    _onp.fill_diagonal(table, on_value)
    return Tensor._make(table[idx])


def cpu(device_id: int = 0) -> Device:
    """``npx.cpu()``: arraygrad's ``'cpu'`` device (MXNet's CPU ids all name the host)."""
    return parse_device("cpu")


def gpu(device_id: int = 0) -> Device:
    """``npx.gpu(i)``: arraygrad's ``'cuda:i'``, for ``x.to(...)``, ``ag.tensor(...,
    device=...)`` and comparing with ``x.device``."""
    return parse_device(f"cuda:{int(device_id)}")


def current_device() -> Device:
    """``npx.current_device()``: arraygrad creates arrays on the host unless told."""
    return cpu()


def num_gpus() -> int:
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:
        return 0


def waitall() -> None:
    """MXNet runs asynchronously; arraygrad does not: nothing to wait for."""


npx = Namespace(
    "arraygrad.compat.mxnet.npx",
    "``mxnet.npx`` on arraygrad: ``set_np`` and the operators NumPy lacks.",
    None,
    set_np=set_np,
    reset_np=reset_np,
    is_np_array=is_np_array,
    is_np_shape=is_np_shape,
    relu=relu,
    sigmoid=sigmoid,
    softmax=softmax,
    log_softmax=log_softmax,
    activation=activation,
    one_hot=one_hot,
    cpu=cpu,
    gpu=gpu,
    current_device=current_device,
    current_context=current_device,
    num_gpus=num_gpus,
    waitall=waitall,
)

# ``from mxnet import nd`` (the legacy namespace) is the same arrays here.
nd = np
