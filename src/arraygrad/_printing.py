"""``repr`` and ``str`` of a Tensor: NumPy's formatting, plus the autograd facts.

One process-wide *style* picks how tensors print, so that code written in one of the
seeds' idioms prints what that framework prints:

- ``"arraygrad"`` (default): ``tensor([0., 1., 2., 3.])``, ``dtype=float32`` shown for
  non-default dtypes, ``grad_fn=<MulBackward0>`` / ``requires_grad=True``;
- ``"torch"``: PyTorch's ``tensor([0., 1., 2., 3.])`` with float32 as the default dtype,
  others as ``dtype=torch.float64``, 4 decimals;
- ``"mxnet"``: MXNet's NumPy mode, ``array([0., 1., 2., 3.])`` (float32 default), no
  autograd facts; ``str`` is NumPy's ``[0. 1. 2. 3.]``;
- ``"tensorflow"``: ``<tf.Tensor: shape=(4,), dtype=float32, numpy=array([...], ...)>``.

The compat front doors switch it (``npx.set_np()``, importing ``arraygrad.compat.torch``
or ``arraygrad.compat.tensorflow``); ``set_style("arraygrad")`` switches back. Only the
printed form changes, never a value.

A Dask-backed tensor prints the lazy array's repr (shape, dtype, chunks) in the style's
wrapper instead of its values, so printing never computes it.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

__all__ = ["tensor_repr", "tensor_str", "set_style", "get_style", "print_style", "STYLES"]

_DEFAULT_DTYPES = ("float64", "int64", "bool", "complex128")
STYLES = ("arraygrad", "torch", "mxnet", "tensorflow")
_style = "arraygrad"

_TORCH_DEFAULT_DTYPES = ("float32", "int64", "bool", "complex64")
_MXNET_DEFAULT_DTYPES = ("float32", "bool")


def set_style(name: str) -> str:
    """Set how tensors print (one of ``STYLES``); returns the previous style."""
    global _style
    if name not in STYLES:
        raise ValueError(f"unknown print style {name!r}; expected one of {STYLES}")
    prev, _style = _style, name
    return prev


def get_style() -> str:
    return _style


@contextmanager
def print_style(name: str):
    """Print in ``name``'s style inside the block."""
    prev = set_style(name)
    try:
        yield
    finally:
        set_style(prev)


def tensor_repr(t, prefix: str = "tensor") -> str:
    if _is_lazy(t._data):
        return _lazy_repr(t, prefix)
    style = _style
    if style == "torch":
        return _torch_repr(t, prefix)
    if style == "mxnet":
        return _mxnet_repr(t, "array" if prefix == "tensor" else prefix)
    if style == "tensorflow":
        return _tf_repr(t)
    data = t.numpy()
    body = np.array2string(data, separator=", ", prefix=prefix + "(")
    extras = []
    if data.dtype.name not in _DEFAULT_DTYPES or data.size == 0:
        extras.append(f"dtype={data.dtype.name}")
    extras += _autograd_facts(t)
    tail = "".join(", " + e for e in extras)
    return f"{prefix}({body}{tail})"


def tensor_str(t) -> str:
    if _is_lazy(t._data):  # MXNet's str is the bare array's
        return repr(t._data) if _style == "mxnet" else _lazy_repr(t, "tensor")
    style = _style
    if style == "mxnet":
        return str(t.numpy())
    if style == "tensorflow":
        data = t.numpy()
        return f"tf.Tensor({data!s}, shape={_tf_shape(data)}, dtype={data.dtype.name})"
    # Like PyTorch, print() shows the same text as the repr: the values and the graph facts.
    return tensor_repr(t)


def _is_lazy(data) -> bool:
    # A Dask array: printing its values would compute the whole graph behind it.
    return type(data).__module__.startswith("dask.") and hasattr(data, "dask")


def _lazy_repr(t, prefix: str) -> str:
    """The lazy array's own repr (shape, dtype, chunk size), computing nothing, in the
    current style's wrapper: ``tensor(dask.array<...>, grad_fn=<MulBackward0>)``."""
    data = t._data
    lazy = repr(data)
    style = _style
    if style == "tensorflow":
        return f"<tf.Tensor: shape={_tf_shape(data)}, dtype={data.dtype.name}, numpy={lazy}>"
    if style == "mxnet":
        return f"{'array' if prefix == 'tensor' else prefix}({lazy})"
    return f"{prefix}({''.join([lazy] + [', ' + e for e in _autograd_facts(t)])})"


def _autograd_facts(t) -> list[str]:
    if t._node is not None:
        return [f"grad_fn=<{t._node.name()}>"]
    if t._rg:
        return ["requires_grad=True"]
    return []


def _torch_repr(t, prefix: str) -> str:
    data = t.numpy()
    formatter = None
    if data.dtype == np.bool_ and data.size:
        # PyTorch pads booleans to the widest one present: [True, True], [ True, False].
        width = 5 if not data.all() else 4
        formatter = {"bool": lambda b: str(b).rjust(width)}
    with np.printoptions(precision=4):
        body = np.array2string(data, separator=", ", prefix=prefix + "(", formatter=formatter)
    extras = []
    if data.dtype.name not in _TORCH_DEFAULT_DTYPES or data.size == 0:
        extras.append(f"dtype=torch.{data.dtype.name}")
    extras += _autograd_facts(t)
    if data.size == 0 and data.shape != (0,):
        extras.insert(0, f"size={tuple(data.shape)}")
    tail = "".join(", " + e for e in extras)
    return f"{prefix}({body}{tail})"


def _mxnet_repr(t, prefix: str) -> str:
    data = t.numpy()
    body = np.array2string(data, separator=", ", prefix=prefix + "(")
    tail = ""
    if data.dtype.name not in _MXNET_DEFAULT_DTYPES or data.size == 0:
        tail = f", dtype={data.dtype.name}"
    return f"{prefix}({body}{tail})"


def _tf_shape(data) -> str:
    return "(" + ", ".join(str(n) for n in data.shape) + ("," if data.ndim == 1 else "") + ")"


def _tf_repr(t) -> str:
    data = t.numpy()
    value = repr(data.item()) if data.ndim == 0 else repr(data)
    return f"<tf.Tensor: shape={_tf_shape(data)}, dtype={data.dtype.name}, numpy={value}>"
