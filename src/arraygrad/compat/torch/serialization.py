"""``torch.save`` / ``torch.load``: tensors, Parameters, and lists, tuples, dicts and
``state_dict``s of them (any picklable object with ``weights_only=False``).

The file is a Python pickle in which a tensor is its NumPy array (not PyTorch's zip
format: real PyTorch checkpoints do not load here, nor these in PyTorch). ``load``
defaults to ``weights_only=True`` as PyTorch 2.6+ does: only tensors, arrays, numbers,
strings and the built-in containers are rebuilt, so loading a file runs no other code.
"""

from __future__ import annotations

import io
import os
import pickle
from typing import Any

__all__ = ["save", "load"]

# What a weights-only file may name: containers, NumPy's array rebuilders, our tensors.
_SAFE = {
    ("collections", "OrderedDict"),
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
    ("builtins", "complex"), ("builtins", "int"), ("builtins", "float"),
    ("_codecs", "encode"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("arraygrad.core.tensor", "_rebuild"),
    ("arraygrad.nn.module", "_rebuild_parameter"),
}


class _WeightsUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE or (module == "numpy.dtypes" and name.endswith("DType")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"torch.load(weights_only=True) refuses to rebuild {module}.{name}: the file "
            "holds more than tensors and containers. If you trust its source, call "
            "torch.load(f, weights_only=False)."
        )


def save(obj: Any, f: Any, pickle_module: Any = pickle, pickle_protocol: int = 2,
         **kwargs: Any) -> None:
    """Write ``obj`` to ``f`` (a path or a binary file object)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            pickle_module.dump(obj, fh, protocol=pickle_protocol)
    else:
        pickle_module.dump(obj, f, protocol=pickle_protocol)


def load(f: Any, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, **kwargs: Any) -> Any:
    """Read back what ``save`` wrote. ``map_location`` is accepted (everything loads onto
    the CPU); ``weights_only`` defaults to True (see the module's docstring)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    buf = io.BytesIO(data)
    if weights_only is False:
        return (pickle_module or pickle).load(buf)
    return _WeightsUnpickler(buf).load()
