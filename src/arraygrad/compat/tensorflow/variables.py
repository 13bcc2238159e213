"""``tf.Variable`` and its sliced form, in a module of their own so that ``tf.keras``
can use them without importing the ``tf`` package it is part of (no import cycle)."""

from __future__ import annotations

import builtins as _b
import weakref
from typing import Any

import numpy as _onp

from ..._printing import _tf_shape
from ...autograd.tape import Variable as _AgVariable
from ...core.tensor import Tensor
from .._util import python_data_dtype


def _py_dtype(value: Any) -> Any:
    return python_data_dtype(value, _onp.float32, _onp.int32)


class Variable(_AgVariable):
    """``tf.Variable``: ``arraygrad.Variable`` with TensorFlow's dtypes for Python data
    (floats -> float32, ints -> int32) and TensorFlow's printed form."""

    __slots__ = ()

    def __init__(self, initial_value: Any = None, trainable: _b.bool = True,
                 name: str | None = None, dtype: Any = None, shape: Any = None) -> None:
        if dtype is None and initial_value is not None and not callable(initial_value):
            dtype = _py_dtype(initial_value)
        super().__init__(initial_value, trainable=trainable, name=name, dtype=dtype,
                         shape=shape)

    def __repr__(self) -> str:
        name = self.name if self.name is not None else "Variable"
        arr = self.numpy(force=True)
        value = repr(arr.item()) if arr.ndim == 0 else repr(arr)
        return (f"<tf.Variable '{name}:0' shape={_tf_shape(arr)} dtype={arr.dtype.name}, "
                f"numpy={value}>")

    __str__ = __repr__  # print(v) shows the variable, as in TensorFlow

    def __getitem__(self, key: Any) -> Tensor:
        """``v[1:2, :]``: the slice's value (recorded like any indexing), which can also
        write back into the variable: ``v[1:2, :].assign(9)`` (TensorFlow's sliced
        assignment)."""
        out = Tensor.__getitem__(self, key)
        return _VariableSlice._of(out, self, key)

    def _assign_at(self, key: Any, value: Any, how: str | None, where: str) -> Variable:
        """Write ``value`` (broadcast to the slice) into ``self[key]`` in place."""
        v = value._data if isinstance(value, Tensor) else _onp.asarray(value)
        arr = self._data
        try:
            target = arr[key]
            _onp.broadcast_to(v, _onp.shape(target))
        except (ValueError, IndexError) as exc:
            raise ValueError(
                f"tf.Variable[...].{where}: cannot write a value of shape {_onp.shape(v)} "
                f"into the slice {key!r} of a variable of shape {tuple(arr.shape)}: {exc}"
            ) from None
        if how is None:
            arr[key] = v
        elif how == "add":
            arr[key] = target + v
        else:
            arr[key] = target - v
        self._version += 1
        return self


class _VariableSlice(Tensor):
    """The value of ``variable[key]`` that remembers where it came from, so that
    ``.assign`` / ``.assign_add`` / ``.assign_sub`` write into the variable (as TF's
    sliced variables do). Otherwise an ordinary tensor (same layout as Tensor)."""

    __slots__ = ()
    _sources: dict = {}  # id(slice) -> (weakref to the slice, variable, key)

    @classmethod
    def _of(cls, out: Tensor, var: Variable, key: Any) -> Tensor:
        out.__class__ = cls  # no new slots: the same object, now with .assign
        ident = id(out)
        cls._sources[ident] = (weakref.ref(out, lambda _r, i=ident: cls._sources.pop(i, None)),
                               var, key)
        return out

    def _source(self) -> tuple:
        ref, var, key = self._sources[id(self)]
        return var, key

    def assign(self, value: Any, use_locking: Any = None, name: Any = None,
               read_value: _b.bool = True) -> Variable:
        var, key = self._source()
        return var._assign_at(key, value, None, "assign")

    def assign_add(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: _b.bool = True) -> Variable:
        var, key = self._source()
        return var._assign_at(key, delta, "add", "assign_add")

    def assign_sub(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: _b.bool = True) -> Variable:
        var, key = self._source()
        return var._assign_at(key, delta, "sub", "assign_sub")


# Their public home is the ``tf`` namespace (``tf.Variable``), as printed by ``type(v)``.
Variable.__module__ = _VariableSlice.__module__ = "arraygrad.compat.tensorflow"
