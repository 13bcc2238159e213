"""``repr`` and ``str`` of a Tensor: NumPy's formatting, plus the autograd facts."""

from __future__ import annotations

import numpy as np

_DEFAULT_DTYPES = ("float64", "int64", "bool", "complex128")


def tensor_repr(t, prefix: str = "tensor") -> str:
    data = t.numpy()
    body = np.array2string(data, separator=", ", prefix=prefix + "(")
    extras = []
    if data.dtype.name not in _DEFAULT_DTYPES or data.size == 0:
        extras.append(f"dtype={data.dtype.name}")
    if t._node is not None:
        extras.append(f"grad_fn=<{t._node.name()}>")
    elif t._rg:
        extras.append("requires_grad=True")
    tail = "".join(", " + e for e in extras)
    return f"{prefix}({body}{tail})"


def tensor_str(t) -> str:
    # Like PyTorch, print() shows the same text as the repr: the values and the graph facts.
    return tensor_repr(t)
