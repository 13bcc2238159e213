"""``ag.save`` / ``ag.load``: parameters (a state_dict) in NumPy's ``.npz`` format.

No pickle, in either direction (``allow_pickle=False``): a file holds arrays plus one
JSON header describing the structure, so loading a file can never run code.

    ag.save(model.state_dict(), "model.npz")     # or ag.save(model, ...)
    model.load_state_dict(ag.load("model.npz"))

A flat state_dict's arrays are stored under their own names (``np.load`` reads them as
they are). Nested structures (an optimizer's state_dict, a dict of several state_dicts)
work too: their arrays are stored under paths joined with '/', and the header records
dict keys, lists, tuples and the plain values (numbers, strings, booleans, None).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from .core.tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

_HEADER = "__arraygrad__"
_FORMAT = "arraygrad-npz"
_VERSION = 1


class CheckpointError(ValueError):
    """A file that is not a readable arraygrad checkpoint (corrupt, truncated, foreign)."""


def save(obj: Any, path: str | os.PathLike, compress: bool = True) -> None:
    """Write ``obj`` (a state_dict, a Module, or nested dicts/lists of arrays and plain
    values) to ``path`` as ``.npz``. The file is written whole or not at all."""
    from .nn.module import Module

    if isinstance(obj, Module):
        obj = obj.state_dict()
    arrays: dict[str, np.ndarray] = {}
    skeleton = _encode(obj, "", arrays)
    header = json.dumps({"format": _FORMAT, "version": _VERSION, "tree": skeleton})
    arrays[_HEADER] = np.array(header)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            (np.savez_compressed if compress else np.savez)(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load(path: str | os.PathLike) -> Any:
    """Read a file written by ``save``: arrays come back as Tensors, a state_dict as an
    ``OrderedDict`` in the saved order. Raises ``CheckpointError`` for a corrupt or foreign
    file, ``FileNotFoundError`` for a missing one."""
    path = Path(path)
    try:
        npz = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        # NumPy's own text would suggest allow_pickle=True: never for a checkpoint, which
        # holds no pickles. Say what the file is instead.
        raise CheckpointError(f"{path} is not an arraygrad checkpoint: {_what_file(path, exc)}."
                              " ag.load reads files written by ag.save (or numpy.savez)") \
            from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise CheckpointError(f"{path} holds a single array, not an arraygrad checkpoint")
    try:
        with npz:
            names = set(npz.files)
            if _HEADER not in names:
                # A plain .npz of named arrays (np.savez(path, **state)): read it as a
                # flat state_dict.
                return OrderedDict((k, Tensor(npz[k])) for k in npz.files)
            header = json.loads(str(npz[_HEADER][()]))
            if header.get("format") != _FORMAT:
                raise CheckpointError(f"{path}: unknown format {header.get('format')!r}")
            if header.get("version", 0) > _VERSION:
                raise CheckpointError(f"{path} was written by a newer arraygrad (format "
                                      f"version {header['version']}); upgrade to read it")
            return _decode(header["tree"], npz, names)
    except CheckpointError:
        raise
    except Exception as exc:  # zlib.error, BadZipFile (CRC), ValueError, KeyError, ...
        why = (f"{type(exc).__name__}: {exc}" if "allow_pickle" not in str(exc) else
               "an entry holds Python objects (pickles), which ag.load never executes")
        raise CheckpointError(f"{path} is corrupt or not an arraygrad checkpoint: {why}") \
            from None


def _what_file(path: Path, exc: Exception) -> str:
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return f"it cannot be read ({type(exc).__name__})"
    if not head:
        return "the file is empty"
    if head.startswith(b"PK"):
        return "it is a damaged or truncated zip archive"
    if head.startswith(b"\x93NUMPY"):
        return "it is a .npy file of Python objects (pickles), which ag.load never executes"
    if head[:1] == b"\x80":
        return "it is a Python pickle, which ag.load never executes"
    return f"it is not an .npz archive (it starts with {head!r})"


# ---------------------------------------------------------------------------- encoding


def _encode(obj: Any, path: str, arrays: dict) -> Any:
    if isinstance(obj, Tensor):
        return _store(obj.numpy(force=True), path, arrays, tensor=True)
    if isinstance(obj, np.ndarray):
        return _store(obj, path, arrays, tensor=False)
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        if isinstance(obj, float) and not np.isfinite(obj):
            return {"float": repr(obj)}
        return obj
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__}")
            sub = str(k) if not path else f"{path}/{k}"
            items.append([k, _encode(v, sub, arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        enc = [_encode(v, f"{path}/{i}" if path else str(i), arrays) for i, v in enumerate(obj)]
        return {"tuple" if isinstance(obj, tuple) else "list": enc}
    raise TypeError(f"save: cannot store a {type(obj).__name__} (only arrays, Tensors, "
                    "numbers, strings, None, and dicts/lists/tuples of them; no pickle)")


def _store(arr: np.ndarray, path: str, arrays: dict, tensor: bool) -> dict:
    if arr.dtype.hasobject:
        raise TypeError(f"save: {path or 'the array'} has dtype object, which cannot be stored "
                        "without pickle")
    name = path or "array"
    if name == _HEADER or name in arrays:
        name = f"{name}#{len(arrays)}"
    arrays[name] = arr if arr.flags.c_contiguous else arr.copy()  # keeps 0-d arrays 0-d
    return {"tensor" if tensor else "ndarray": name}


def _decode(node: Any, npz: Any, names: set) -> Any:
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if not isinstance(node, dict) or len(node) != 1:
        raise CheckpointError(f"unexpected entry in the header: {node!r}")
    kind, value = next(iter(node.items()))
    if kind in ("tensor", "ndarray"):
        if value not in names:
            raise CheckpointError(f"the header names an array {value!r} the file lacks")
        arr = npz[value]
        return Tensor(arr) if kind == "tensor" else arr
    if kind == "float":
        return float(value)
    if kind == "dict":
        return OrderedDict((k, _decode(v, npz, names)) for k, v in value)
    if kind == "list":
        return [_decode(v, npz, names) for v in value]
    if kind == "tuple":
        return tuple(_decode(v, npz, names) for v in value)
    raise CheckpointError(f"unknown entry kind {kind!r} in the header")
