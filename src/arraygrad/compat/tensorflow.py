"""TensorFlow's idiom on arraygrad: ``import arraygrad.compat.tensorflow as tf``.

The seeds' TensorFlow cells run unchanged but for the import line::

    import arraygrad.compat.tensorflow as tf

    x = tf.range(4, dtype=tf.float32)
    x = tf.Variable(x)
    with tf.GradientTape() as t:                 # records what touches watched variables
        y = 2 * tf.tensordot(x, x, axes=1)
    t.gradient(y, x)                             # [0., 4., 8., 12.]

- ``GradientTape`` is arraygrad's (``ag.GradientTape``); ``Variable`` is ``ag.Variable``
  with TensorFlow's dtype defaults (``tf.Variable([1.0])`` is float32).
- Creation follows TensorFlow's dtypes: Python floats become float32 and Python ints
  int32 (``constant range fill``); ``ones zeros eye linspace`` and ``tf.random`` draws are
  float32; NumPy arrays and tensors keep their dtype.
- Maths (``reduce_sum reduce_mean tensordot matmul norm reshape exp`` ..., ``tf.math``,
  ``tf.nn``, ``tf.linalg``) maps onto ``arraygrad.numpy`` / ``arraygrad.nn.functional``,
  with TensorFlow's ``axis``/``keepdims`` spellings. ``stop_gradient`` is ``ag.stop_gradient``.
- Printing switches to TensorFlow's form on import:
  ``<tf.Tensor: shape=(4,), dtype=float32, numpy=array([0., 1., 2., 3.], dtype=float32)>``.

Known differences: arraygrad has one tensor type, so ``tf.Tensor`` is ``ag.Tensor`` (it
has NumPy's methods as well as ``numpy()``); ``==`` is elementwise, as in TF 2.
"""

from __future__ import annotations

import builtins as _b
from typing import Any

import numpy as _onp

from .. import numpy as _anp
from .._printing import _tf_shape
from .._printing import set_style as _set_style
from ..autograd.tape import GradientTape  # noqa: F401  (tf.GradientTape)
from ..autograd.tape import Variable as _AgVariable
from ..core.tensor import Tensor
from ..core.tensor import tensor as _tensor
from ._util import Namespace, cast_leaf, is_float_like, python_data_dtype

float16 = _onp.float16
float32 = _onp.float32
float64 = double = _onp.float64
int8 = _onp.int8
int16 = _onp.int16
int32 = _onp.int32
int64 = _onp.int64
uint8 = _onp.uint8
bool = _onp.bool_  # noqa: A001 - TensorFlow's name
complex64 = _onp.complex64
complex128 = _onp.complex128
string = _onp.str_

newaxis = None


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
        data = self.numpy(force=True)
        value = repr(data.item()) if data.ndim == 0 else repr(data)
        return (f"<tf.Variable '{name}:0' shape={_tf_shape(data)} dtype={data.dtype.name}, "
                f"numpy={value}>")


# ---------------------------------------------------------------------------- creation


def _py_dtype(value: Any) -> Any:
    return python_data_dtype(value, _onp.float32, _onp.int32)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: Any = None) -> Tensor:
    """``tf.constant``: Python floats -> float32, ints -> int32; arrays keep their dtype."""
    if dtype is None:
        dtype = _py_dtype(value)
    out = _tensor(value.detach() if isinstance(value, Tensor) else value, dtype=dtype)
    if shape is not None:
        shape = _shape_of(shape)
        if out.size == 1:
            out = Tensor._make(_onp.full(shape, out._data.reshape(()), dtype=out.dtype))
        else:
            out = _anp.reshape(out, shape)
    return out


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: Any = None) -> Tensor:
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == _onp.dtype(dtype) else cast(value, dtype)
    return constant(value, dtype=dtype or (None if dtype_hint is None else dtype_hint))


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name: Any = None) -> Tensor:
    """``tf.range``: int32 for integer arguments, float32 when one is a float."""
    args = (start,) if limit is None else (start, limit, delta)
    if dtype is None:
        dtype = _onp.float32 if is_float_like(*args) else _onp.int32
    return _anp.arange(*args, dtype=dtype)


def zeros(shape: Any, dtype: Any = float32, name: Any = None) -> Tensor:
    return _anp.zeros(_shape_of(shape), dtype=dtype)


def ones(shape: Any, dtype: Any = float32, name: Any = None) -> Tensor:
    return _anp.ones(_shape_of(shape), dtype=dtype)


def zeros_like(input: Any, dtype: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    return _anp.zeros_like(input, dtype=dtype)


def ones_like(input: Any, dtype: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    return _anp.ones_like(input, dtype=dtype)


def fill(dims: Any, value: Any, name: Any = None) -> Tensor:
    return _anp.full(_shape_of(dims), value, dtype=_py_dtype(value))


def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: Any = float32, name: Any = None) -> Tensor:
    if batch_shape is not None:
        raise NotImplementedError("tf.eye(batch_shape=...) is not supported")
    return _anp.eye(num_rows, num_columns, dtype=dtype)


def linspace(start: Any, stop: Any, num: int, name: Any = None, axis: int = 0) -> Tensor:
    dtype = _onp.float32 if not _hasdtype(start) else None
    return _anp.linspace(start, stop, num, dtype=dtype, axis=axis)


def _hasdtype(x: Any) -> _b.bool:
    return isinstance(x, (Tensor, _onp.ndarray))


def _shape_of(shape: Any) -> tuple:
    if isinstance(shape, Tensor):
        return tuple(_b.int(s) for s in shape._data.reshape(-1))
    if isinstance(shape, (_b.int, _onp.integer)):
        return (_b.int(shape),)
    return tuple(_b.int(s) for s in shape)


def cast(x: Any, dtype: Any, name: Any = None) -> Tensor:
    return _anp.astype(x if isinstance(x, Tensor) else constant(x), _onp.dtype(dtype))


def identity(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    return input * 1 if isinstance(input, Tensor) else constant(input)


# ---------------------------------------------------------------------------- maths


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.sum(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.mean(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reduce_prod(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.prod(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.max(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.min(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reduce_any(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.any(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reduce_all(input_tensor: Any, axis: Any = None, keepdims: Any = False, name: Any = None):
    return _anp.all(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))


def tensordot(a: Any, b: Any, axes: Any, name: Any = None) -> Tensor:
    """``tf.tensordot``: ``arraygrad.numpy.tensordot`` (``axes`` an int or two lists)."""
    td = getattr(_anp, "tensordot", None)
    if td is not None:
        return td(a, b, axes=axes)
    return _tensordot(a, b, axes)


def _tensordot(a: Any, b: Any, axes: Any) -> Tensor:
    # Until arraygrad.numpy grows tensordot: move the contracted axes together and
    # contract with one matmul (reshapes, a transpose and a matmul: no maths of our own).
    a, b = _anp.asarray(a), _anp.asarray(b)
    if isinstance(axes, (_b.int, _onp.integer)):
        n = _b.int(axes)
        axes_a, axes_b = list(_b.range(a.ndim - n, a.ndim)), list(_b.range(n))
    else:
        axes_a, axes_b = ([x] if isinstance(x, (_b.int, _onp.integer)) else list(x) for x in axes)
    axes_a = [x % a.ndim for x in axes_a]
    axes_b = [x % b.ndim for x in axes_b]
    free_a = [i for i in _b.range(a.ndim) if i not in axes_a]
    free_b = [i for i in _b.range(b.ndim) if i not in axes_b]
    k = _b.int(_onp.prod([a.shape[i] for i in axes_a], dtype=_onp.int64))
    at = _anp.reshape(_anp.transpose(a, free_a + axes_a), (-1, k))
    bt = _anp.reshape(_anp.transpose(b, axes_b + free_b), (k, -1))
    out_shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b)
    return _anp.reshape(_anp.matmul(at, bt), out_shape)


def matmul(a: Any, b: Any, transpose_a: Any = False, transpose_b: Any = False,
           adjoint_a: Any = False, adjoint_b: Any = False, name: Any = None) -> Tensor:
    if transpose_a or adjoint_a:
        a = _anp.swapaxes(_anp.conj(a) if adjoint_a else a, -1, -2)
    if transpose_b or adjoint_b:
        b = _anp.swapaxes(_anp.conj(b) if adjoint_b else b, -1, -2)
    return _anp.matmul(a, b)


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None, keepdims: Any = None,  # noqa: A002
         name: Any = None) -> Tensor:
    """``tf.norm``: the Euclidean norm of all entries by default (``axis`` picks vector or
    matrix norms, as in NumPy)."""
    ord = None if ord in ("euclidean", "fro") else ord
    return _anp.linalg.norm(tensor, ord=ord, axis=_axis(axis), keepdims=_b.bool(keepdims))


def reshape(tensor: Any, shape: Any, name: Any = None) -> Tensor:
    return _anp.reshape(tensor, _shape_of(shape))


def transpose(a: Any, perm: Any = None, conjugate: Any = False, name: Any = None) -> Tensor:
    out = _anp.transpose(a, None if perm is None else tuple(perm))
    return _anp.conj(out) if conjugate else out


def concat(values: Any, axis: int, name: Any = None) -> Tensor:
    return _anp.concatenate(list(values), axis=axis)


def stack(values: Any, axis: int = 0, name: Any = None) -> Tensor:
    return _anp.stack(list(values), axis=axis)


def expand_dims(input: Any, axis: int, name: Any = None) -> Tensor:  # noqa: A002
    return _anp.expand_dims(input, axis)


def squeeze(input: Any, axis: Any = None, name: Any = None) -> Tensor:  # noqa: A002
    return _anp.squeeze(input, _axis(axis))


def shape(input: Any, out_type: Any = int32, name: Any = None) -> Tensor:  # noqa: A002
    return Tensor._make(_onp.asarray(_anp.shape(input), dtype=out_type))


def size(input: Any, out_type: Any = int32, name: Any = None) -> Tensor:  # noqa: A002
    return Tensor._make(_onp.asarray(_anp.size(input), dtype=out_type))


def stop_gradient(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    import arraygrad as ag

    return ag.stop_gradient(input)


def _nnf() -> Any:
    from ..nn import functional as F

    return F


def sigmoid(x: Any, name: Any = None) -> Tensor:
    return _nnf().sigmoid(x)


def _softmax(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
    return _nnf().softmax(logits, -1 if axis is None else axis)


def _log_softmax(logits: Any, axis: Any = None, name: Any = None) -> Tensor:
    return _nnf().log_softmax(logits, -1 if axis is None else axis)


def _relu(features: Any, name: Any = None) -> Tensor:
    return _nnf().relu(features)


def _sigmoid_ce(labels: Any = None, logits: Any = None, name: Any = None) -> Tensor:
    return _nnf().binary_cross_entropy_with_logits(logits, labels, reduction="none")


exp = _anp.exp
log = _anp.log
sin = _anp.sin
cos = _anp.cos
tan = _anp.tan
tanh = _anp.tanh
sqrt = _anp.sqrt
square = _anp.square
abs = _anp.abs  # noqa: A001
negative = _anp.negative
sign = _anp.sign
pow = _anp.power  # noqa: A001
add = _anp.add
subtract = _anp.subtract
multiply = _anp.multiply
divide = truediv = _anp.divide
maximum = _anp.maximum
minimum = _anp.minimum
equal = _anp.equal
not_equal = _anp.not_equal
greater = _anp.greater
greater_equal = _anp.greater_equal
less = _anp.less
less_equal = _anp.less_equal
where = _anp.where
argmax = _anp.argmax
argmin = _anp.argmin
clip_by_value = _anp.clip

_MATH = dict(
    exp=exp, log=log, sin=sin, cos=cos, tan=tan, tanh=tanh, sqrt=sqrt, square=square, abs=abs,
    negative=negative, sign=sign, pow=pow, add=add, subtract=subtract, multiply=multiply,
    divide=divide, truediv=truediv, maximum=maximum, minimum=minimum, equal=equal,
    not_equal=not_equal, greater=greater, greater_equal=greater_equal, less=less,
    less_equal=less_equal, reduce_sum=reduce_sum, reduce_mean=reduce_mean,
    reduce_prod=reduce_prod, reduce_max=reduce_max, reduce_min=reduce_min,
    reduce_any=reduce_any, reduce_all=reduce_all, argmax=argmax, argmin=argmin,
    sigmoid=sigmoid, reciprocal=_anp.reciprocal, log1p=lambda x, name=None: _anp.log(1 + x),
    softplus=lambda features, name=None: _nnf().softplus(features),
    reduce_logsumexp=lambda input_tensor, axis=None, keepdims=False, name=None:
        _nnf().logsumexp(input_tensor, _axis(axis), keepdims),
)

math = Namespace("arraygrad.compat.tensorflow.math", "``tf.math``", None, **_MATH)

nn = Namespace(
    "arraygrad.compat.tensorflow.nn", "``tf.nn``: activations and losses from arraygrad.nn.",
    None, relu=_relu, sigmoid=sigmoid, tanh=tanh, softmax=_softmax, log_softmax=_log_softmax,
    sigmoid_cross_entropy_with_logits=_sigmoid_ce,
)

linalg = Namespace("arraygrad.compat.tensorflow.linalg", "``tf.linalg``", _anp.linalg,
                   matmul=matmul, norm=norm, tensordot=tensordot,
                   matvec=lambda a, b, transpose_a=False, name=None: _anp.matmul(
                       _anp.swapaxes(a, -1, -2) if transpose_a else a, b),
                   matrix_transpose=lambda a, name=None: _anp.swapaxes(a, -1, -2))


# ---------------------------------------------------------------------------- tf.random

_rng = _onp.random.default_rng()


def _set_seed(seed: Any) -> None:
    global _rng
    _rng = _onp.random.default_rng(seed)


def _normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = float32,
            seed: Any = None, name: Any = None) -> Tensor:
    data = _rng.normal(mean, stddev, size=_shape_of(shape))
    return cast_leaf(Tensor._make(_onp.asarray(data)), dtype)


def _uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = float32,
             seed: Any = None, name: Any = None) -> Tensor:
    if _onp.dtype(dtype).kind in "iu":
        return Tensor._make(_rng.integers(minval, maxval, size=_shape_of(shape), dtype=dtype))
    data = _rng.uniform(minval, 1.0 if maxval is None else maxval, size=_shape_of(shape))
    return cast_leaf(Tensor._make(_onp.asarray(data)), dtype)


random = Namespace(
    "arraygrad.compat.tensorflow.random",
    "``tf.random``: draws from this module's generator (``tf.random.set_seed``), float32.",
    None, normal=_normal, uniform=_uniform, set_seed=_set_seed,
)


def is_tensor(x: Any) -> _b.bool:
    return isinstance(x, Tensor)


_set_style("tensorflow")
