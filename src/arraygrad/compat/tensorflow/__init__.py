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

from ... import numpy as _anp
from ..._printing import set_style as _set_style
from ...autograd.tape import GradientTape  # noqa: F401  (tf.GradientTape)
from ...autograd.tape import Variable as _AgVariable
from ...core.tensor import Tensor
from ...core.tensor import tensor as _tensor
from .._util import Namespace, cast_leaf, is_float_like

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


from .variables import Variable, _py_dtype, _VariableSlice  # noqa: E402, F401

# ---------------------------------------------------------------------------- creation


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
    if isinstance(value, _AgVariable):  # a variable's value, as a tensor
        value = value.read_value()
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
    """``tf.reduce_mean``; the mean of integers is an integer of the same dtype (rounded
    toward zero), as in TensorFlow."""
    out = _anp.mean(input_tensor, axis=_axis(axis), keepdims=_b.bool(keepdims))
    dt = _onp.dtype(getattr(input_tensor, "dtype", out.dtype))
    return _anp.astype(out, dt) if dt.kind in "iu" and dt != out.dtype else out


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
    from ...nn import functional as F

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
sinh = _anp.sinh
cosh = _anp.cosh
floor = _anp.floor
ceil = _anp.ceil
round = _anp.round  # noqa: A001
floordiv = _anp.floor_divide
floormod = mod = _anp.mod
logical_and = _anp.logical_and
logical_or = _anp.logical_or
logical_not = _anp.logical_not
clip_by_value = _anp.clip


def argmax(input: Any, axis: Any = None, output_type: Any = int64,  # noqa: A002
           name: Any = None) -> Tensor:
    """``tf.argmax``: along ``axis`` (0 when not given, as in TensorFlow), int64."""
    return _anp.astype(_anp.argmax(input, axis=0 if axis is None else axis), output_type)


def argmin(input: Any, axis: Any = None, output_type: Any = int64,  # noqa: A002
           name: Any = None) -> Tensor:
    return _anp.astype(_anp.argmin(input, axis=0 if axis is None else axis), output_type)


def cumsum(x: Any, axis: int = 0, exclusive: _b.bool = False, reverse: _b.bool = False,
           name: Any = None) -> Tensor:
    """``tf.cumsum``; ``reverse`` sums from the end, ``exclusive`` leaves out each
    element itself."""
    x = x if isinstance(x, Tensor) else constant(x)
    if reverse:
        x = _anp.flip(x, axis)
    out = _anp.cumsum(x, axis=axis)
    if exclusive:
        out = out - x
    return _anp.flip(out, axis) if reverse else out


def gather(params: Any, indices: Any, validate_indices: Any = None, axis: Any = None,
           batch_dims: int = 0, name: Any = None) -> Tensor:
    """``tf.gather``: the slices of ``params`` at ``indices`` along ``axis`` (default 0)."""
    if batch_dims:
        raise NotImplementedError("tf.gather(batch_dims=...) is not supported")
    idx = _raw_index(indices, "tf.gather")
    return _anp.take(params, idx, axis=0 if axis is None else axis)


def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name: Any = None) -> Tensor:
    """``tf.boolean_mask``: the entries of ``tensor`` where ``mask`` (any dtype: non-zero
    means True, as TensorFlow's ``where`` reads it) holds, over the mask's axes starting
    at ``axis`` (default 0), flattened into one axis."""
    tensor = tensor if isinstance(tensor, Tensor) else constant(tensor)
    m = _onp.asarray(mask._data if isinstance(mask, Tensor) else mask).astype(_onp.bool_)
    start = 0 if axis is None else _b.int(axis) % tensor.ndim
    if m.ndim == 0 or tuple(tensor.shape[start:start + m.ndim]) != m.shape:
        raise ValueError(
            f"tf.boolean_mask: the mask's shape {m.shape} must match the tensor's shape "
            f"{tuple(tensor.shape)} at axes {start}..{start + m.ndim - 1}")
    return tensor[(slice(None),) * start + (m,)]


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None,
            axis: Any = None, dtype: Any = None, name: Any = None) -> Tensor:
    """``tf.one_hot``: a new axis (last by default) of length ``depth`` holding
    ``on_value`` (1) at each index and ``off_value`` (0) elsewhere; an index outside
    ``[0, depth)`` gives a row of ``off_value`` (as in TensorFlow). float32 by default."""
    idx = _onp.asarray(_raw_index(indices, "tf.one_hot"))
    if dtype is None:
        dtype = _onp.asarray(on_value).dtype if on_value is not None else float32
    hot = _onp.expand_dims(idx, -1) == _onp.arange(_b.int(depth))
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    out = Tensor._make(_onp.where(hot, on, off).astype(dtype))
    if axis is not None and axis != -1:
        out = _anp.moveaxis(out, -1, axis)
    return out


def _raw_index(indices: Any, where: str) -> Any:
    idx = indices._data if isinstance(indices, Tensor) else _onp.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{where}: indices must be integers, got dtype {idx.dtype}")
    return idx


def meshgrid(*args: Any, indexing: str = "xy", name: Any = None) -> list:
    return list(_anp.meshgrid(*args, indexing=indexing))


def function(func: Any = None, input_signature: Any = None, autograph: _b.bool = True,
             jit_compile: Any = None, reduce_retracing: _b.bool = False,
             experimental_relax_shapes: Any = None, **kwargs: Any) -> Any:
    """``@tf.function``: the function staged by ``arraygrad.compile`` (traced once per
    input signature, then replayed; Python values read from tensors become guards).
    ``reduce_retracing`` traces once per rank instead of per shape."""
    from ...compile import compile as _compile

    def stage(f: Any) -> Any:
        return _compile(f, shapeless=_b.bool(reduce_retracing or experimental_relax_shapes))

    return stage if func is None else stage(func)

_MATH = dict(
    exp=exp, log=log, sin=sin, cos=cos, tan=tan, tanh=tanh, sqrt=sqrt, square=square, abs=abs,
    negative=negative, sign=sign, pow=pow, add=add, subtract=subtract, multiply=multiply,
    divide=divide, truediv=truediv, maximum=maximum, minimum=minimum, equal=equal,
    not_equal=not_equal, greater=greater, greater_equal=greater_equal, less=less,
    less_equal=less_equal, reduce_sum=reduce_sum, reduce_mean=reduce_mean,
    reduce_prod=reduce_prod, reduce_max=reduce_max, reduce_min=reduce_min,
    reduce_any=reduce_any, reduce_all=reduce_all, argmax=argmax, argmin=argmin,
    sinh=sinh, cosh=cosh, floor=floor, ceil=ceil, round=round, floordiv=floordiv,
    floormod=floormod, mod=mod, logical_and=logical_and, logical_or=logical_or,
    logical_not=logical_not, cumsum=cumsum, expm1=_anp.expm1,
    sigmoid=sigmoid, reciprocal=_anp.reciprocal, log1p=_anp.log1p,
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


def _generator() -> _onp.random.Generator:
    """The front door's generator (``tf.random.set_seed`` replaces it): Keras
    initializers, ``Dropout`` and ``tf.data`` shuffles draw from it too."""
    return _rng


def _normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = float32,
            seed: Any = None, name: Any = None) -> Tensor:
    draws = _rng.normal(mean, stddev, size=_shape_of(shape))
    return cast_leaf(Tensor._make(_onp.asarray(draws)), float32 if dtype is None else dtype)


def _uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = float32,
             seed: Any = None, name: Any = None) -> Tensor:
    dtype = float32 if dtype is None else dtype
    if _onp.dtype(dtype).kind in "iu":
        return Tensor._make(_rng.integers(minval, maxval, size=_shape_of(shape), dtype=dtype))
    draws = _rng.uniform(minval, 1.0 if maxval is None else maxval, size=_shape_of(shape))
    return cast_leaf(Tensor._make(_onp.asarray(draws)), dtype)


def _shuffle(value: Any, seed: Any = None, name: Any = None) -> Tensor:
    """``tf.random.shuffle``: the rows (first axis) in a random order."""
    value = value if isinstance(value, Tensor) else constant(value)
    return value[_rng.permutation(value.shape[0])]


random = Namespace(
    "arraygrad.compat.tensorflow.random",
    "``tf.random``: draws from this module's generator (``tf.random.set_seed``), float32.",
    None, normal=_normal, uniform=_uniform, set_seed=_set_seed, shuffle=_shuffle,
    _generator=_generator,
)


def is_tensor(x: Any) -> _b.bool:
    return isinstance(x, Tensor)


# ---------------------------------------------------------------------------- devices


class device:  # noqa: N801 - TensorFlow's name
    """``with tf.device('/CPU:0'):`` names a device; arraygrad's arrays stay where its
    backend keeps them (NumPy: the CPU), so the block runs as it would without it."""

    def __init__(self, device_name: str) -> None:
        self.name = device_name

    def __enter__(self) -> device:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return f"<tf.device {self.name!r} (arraygrad: a name only)>"


class _PhysicalDevice(tuple):
    name = property(lambda self: self[0])
    device_type = property(lambda self: self[1])

    def __repr__(self) -> str:
        return f"PhysicalDevice(name={self[0]!r}, device_type={self[1]!r})"


def _list_physical_devices(device_type: Any = None) -> list:
    """The CPU only: the TensorFlow front door computes with NumPy."""
    cpu = [_PhysicalDevice(("/physical_device:CPU:0", "CPU"))]
    return cpu if device_type in (None, "CPU") else []


config = Namespace(
    "arraygrad.compat.tensorflow.config", "``tf.config``: devices (the CPU only).", None,
    list_physical_devices=_list_physical_devices,
    experimental=Namespace("arraygrad.compat.tensorflow.config.experimental", "", None,
                           list_physical_devices=_list_physical_devices),
)


class _OneDeviceStrategy:
    """``tf.distribute`` strategies: one process, one device; ``scope()`` changes
    nothing."""

    num_replicas_in_sync = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def scope(self) -> device:
        return device("/CPU:0")


distribute = Namespace("arraygrad.compat.tensorflow.distribute", "``tf.distribute``", None,
                       MirroredStrategy=_OneDeviceStrategy,
                       OneDeviceStrategy=_OneDeviceStrategy)


# ---------------------------------------------------------------------------- tf.keras, tf.data

from . import data as data  # noqa: E402  (they use the names above)
from . import image as image  # noqa: E402
from . import keras as keras  # noqa: E402

losses = keras.losses
initializers = keras.initializers
optimizers = keras.optimizers


def random_normal_initializer(mean: Any = 0.0, stddev: Any = 0.05, seed: Any = None) -> Any:
    return initializers.RandomNormal(mean=mean, stddev=stddev, seed=seed)


def random_uniform_initializer(minval: Any = -0.05, maxval: Any = 0.05,
                               seed: Any = None) -> Any:
    return initializers.RandomUniform(minval=minval, maxval=maxval, seed=seed)


def truncated_normal_initializer(mean: Any = 0.0, stddev: Any = 0.05,
                                 seed: Any = None) -> Any:
    return initializers.TruncatedNormal(mean=mean, stddev=stddev, seed=seed)


def zeros_initializer() -> Any:
    return initializers.Zeros()


def ones_initializer() -> Any:
    return initializers.Ones()


def constant_initializer(value: Any = 0) -> Any:
    return initializers.Constant(value)


glorot_uniform_initializer = initializers.GlorotUniform

_set_style("tensorflow")
