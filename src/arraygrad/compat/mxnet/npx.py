"""``mxnet.npx`` on arraygrad: ``set_np``, the operators NumPy lacks, ``save``/``load``.

The activations map onto ``arraygrad.nn.functional``; ``save``/``load`` onto
``arraygrad.save``/``load`` (an ``.npz`` file with a JSON header, never pickle: a file
written here is not MXNet's binary format, and MXNet's files cannot be read).
"""

from __future__ import annotations

from typing import Any

import numpy as _onp

from ..._backend import Device, parse_device
from ..._printing import set_style as _set_style
from ...core.tensor import Tensor
from . import np

__all__ = ["set_np", "reset_np", "is_np_array", "is_np_shape", "relu", "sigmoid", "softmax",
           "log_softmax", "activation", "one_hot", "cpu", "gpu", "current_device",
           "current_context", "num_gpus", "waitall", "save", "load"]


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
        from ...nn import functional as F
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


current_context = current_device


# ---------------------------------------------------------------------------- save / load


def save(file: str, arr: Any) -> None:
    """``npx.save(file, arr)``: one array, a list of arrays or a dict of str -> array, to
    ``file`` (the name as given: no suffix is added)."""
    from ...serialization import save as _save

    if isinstance(arr, Tensor):
        arr = [arr]
    if isinstance(arr, dict):
        if any(not isinstance(k, str) for k in arr) or \
                any(not isinstance(v, Tensor) for v in arr.values()):
            raise TypeError("npx.save: only accepts a dict str->ndarray or a list of ndarrays")
        payload: Any = {k: v.detach() for k, v in arr.items()}
    elif isinstance(arr, list):
        if any(not isinstance(v, Tensor) for v in arr):
            raise TypeError("npx.save: only accepts a dict str->ndarray or a list of ndarrays")
        payload = [v.detach() for v in arr]
    else:
        raise ValueError("npx.save: data needs to either be an ndarray, a dict of (str, "
                         f"ndarray) pairs or a list of ndarrays, got {type(arr).__name__}")
    _save(payload, file)


def load(file: str) -> Any:
    """``npx.load(file)``: a list of arrays (also for a file saved from one array, as
    MXNet) or a dict of str -> array, as saved."""
    from ...serialization import load as _load

    if not isinstance(file, str):
        raise TypeError("npx.load: file required to be a string")
    got = _load(file)
    if isinstance(got, dict):
        return {k: np._mx(v) for k, v in got.items()}
    if isinstance(got, (list, tuple)):
        return [np._mx(v) for v in got]
    raise ValueError(f"npx.load: {file} holds a {type(got).__name__}, not arrays saved by "
                     "npx.save")
