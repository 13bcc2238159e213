"""PyTorch's idiom on arraygrad: ``import arraygrad.compat.torch as torch``.

The seeds' PyTorch cells run unchanged but for the import line::

    import arraygrad.compat.torch as torch

    x = torch.ones(5)                                   # float32, as in PyTorch
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b                          # z.grad_fn: <AddBackward0 ...>
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3))
    loss.backward()                                     # w.grad, b.grad accumulate

- Creation (``tensor arange ones zeros empty full eye linspace rand randn randint
  *_like``) follows PyTorch's dtypes: float32 for floating data, int64 for integers;
  ``requires_grad=`` and ``dtype=`` (``torch.float32``/``float64``/``int64`` are NumPy's
  dtypes) are accepted. ``manual_seed`` seeds this module's generator.
- Maths (``matmul mm dot exp log sin ... sum mean``) is ``arraygrad.numpy``'s, with
  PyTorch's ``dim=``/``keepdim=`` spellings; ``sigmoid relu softmax log_softmax`` and
  ``torch.nn.functional`` are ``arraygrad.nn.functional``; ``torch.nn`` is ``arraygrad.nn``.
- Grad mode: ``no_grad enable_grad set_grad_enabled is_grad_enabled``;
  ``torch.autograd.grad`` / ``torch.autograd.backward`` are arraygrad's.
- Tensors: arraygrad's ``Tensor`` already has ``requires_grad_ backward grad grad_fn
  detach item numpy pow norm sum mean zero_ dim``. Importing this module adds the two
  PyTorch methods that NumPy's ``Tensor`` lacks: ``t()`` and a *callable* ``size``:
  ``x.size`` is still NumPy's element count (an ``int``), and ``x.size()`` /
  ``x.size(d)`` give PyTorch's shape / extent (see ``SizeAttr``).
- Printing switches to PyTorch's form on import: ``tensor([0., 1., 2., 3.])`` for
  float32, ``dtype=torch.float64`` otherwise (``arraygrad.compat.set_print_style``).

Known difference from PyTorch: ``backward()`` on a non-scalar back-propagates its sum
instead of raising.
"""

from __future__ import annotations

import builtins as _b
import math as _math
from typing import Any, NamedTuple

import numpy as _onp

from ... import autograd as _ag
from ... import numpy as _anp
from ..._backend import Device as _Device
from ..._backend import parse_device as _parse_device
from ..._printing import set_style as _set_style
from ...core.tensor import Tensor
from ...core.tensor import tensor as _tensor
from ...ops import shape as _shape
from .._util import Namespace, cast_leaf, is_float_like, python_data_dtype
from . import _tensor_methods as _torch_methods
from ._generator import Generator, default_generator
from .serialization import load, save  # noqa: F401 - torch.save, torch.load

# ---------------------------------------------------------------------------- dtypes

float32 = float = _onp.float32  # noqa: A001 - PyTorch's names
float64 = double = _onp.float64
float16 = half = _onp.float16
int64 = long = _onp.int64
int32 = int = _onp.int32  # noqa: A001
int16 = short = _onp.int16
int8 = _onp.int8
uint8 = _onp.uint8
bool = _onp.bool_  # noqa: A001
complex64 = cfloat = _onp.complex64
complex128 = cdouble = _onp.complex128

_default_float = _onp.dtype(_onp.float32)


def get_default_dtype() -> Any:
    return _default_float.type


def set_default_dtype(d: Any) -> None:
    global _default_float
    _default_float = _onp.dtype(d)


class Size(tuple):
    """``torch.Size``: a tuple of extents."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return _math.prod(self)


# ``torch.Tensor`` is arraygrad's Tensor (imported above).


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


# ---------------------------------------------------------------------------- the generator

_rng = default_generator  # every draw of the front door goes through this one object


def manual_seed(seed: Any) -> Generator:
    """Seed the front door's generator (``rand randn randint randperm normal``, layer
    initialisation, dropout masks, shuffling loaders), in place."""
    return _rng.manual_seed(seed)


seed = manual_seed


def initial_seed() -> int:
    return _rng.initial_seed()


# ---------------------------------------------------------------------------- creation


def _size_args(size: tuple, kw_size: Any) -> tuple:
    if kw_size is not None:
        size = (kw_size,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(_b.int(s) for s in size)


def _leaf(t: Tensor, dtype: Any, requires_grad: Any, device: Any = None) -> Tensor:
    if dtype is not None:
        t = cast_leaf(t, dtype)
    if device is not None and _parse_device(device) != "cpu":
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False,
           pin_memory: Any = False) -> Tensor:
    """``torch.tensor``: a copy; Python floats become float32, ints int64; NumPy arrays and
    tensors keep their dtype."""
    if dtype is None:
        dtype = python_data_dtype(data, _default_float, _onp.int64)
    if isinstance(data, Tensor):
        data = data.detach()
    return _tensor(data, dtype=dtype, requires_grad=requires_grad, device=device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or data.dtype == _onp.dtype(dtype)):
        return data
    if isinstance(data, _onp.ndarray) and (dtype is None or data.dtype == _onp.dtype(dtype)):
        return Tensor._make(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(a: _onp.ndarray) -> Tensor:
    """Shares the memory of ``a``, as in PyTorch."""
    return Tensor._make(a)


def _typed_constructor(dtype: Any, name: str):
    def construct(*data: Any) -> Tensor:
        """A tensor of this type from data (a list, array or tensor) or from sizes."""
        if len(data) == 1 and not isinstance(data[0], (_b.int, _onp.integer)):
            return tensor(data[0], dtype=dtype)
        return _anp.empty(_size_args(data, None), dtype=dtype)

    construct.__name__ = construct.__qualname__ = name
    return construct


FloatTensor = _typed_constructor(float32, "FloatTensor")
DoubleTensor = _typed_constructor(float64, "DoubleTensor")
LongTensor = _typed_constructor(int64, "LongTensor")
IntTensor = _typed_constructor(int32, "IntTensor")
BoolTensor = _typed_constructor(bool, "BoolTensor")
ByteTensor = _typed_constructor(uint8, "ByteTensor")


def _float_dtype(dtype: Any) -> Any:
    return _default_float if dtype is None else dtype


def zeros(*size: Any, dtype: Any = None, requires_grad: Any = False, device: Any = None,
          out: Any = None) -> Tensor:
    return _leaf(_anp.zeros(_size_args(size, None), dtype=_float_dtype(dtype)), None,
                 requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: Any = False, device: Any = None,
         out: Any = None) -> Tensor:
    return _leaf(_anp.ones(_size_args(size, None), dtype=_float_dtype(dtype)), None,
                 requires_grad, device)


def empty(*size: Any, dtype: Any = None, requires_grad: Any = False, device: Any = None,
          out: Any = None) -> Tensor:
    return _leaf(_anp.empty(_size_args(size, None), dtype=_float_dtype(dtype)), None,
                 requires_grad, device)


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: Any = False,
         device: Any = None) -> Tensor:
    if dtype is None:
        dtype = python_data_dtype(fill_value, _default_float, _onp.int64)
    size = (size,) if isinstance(size, (_b.int, _onp.integer)) else tuple(size)
    return _leaf(_anp.full(size, fill_value, dtype=dtype), None, requires_grad, device)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: Any = False, device: Any = None) -> Tensor:
    """Float32 when any argument is a float, else int64 (PyTorch's rule)."""
    args = (start,) if end is None else (start, end, step)
    if dtype is None:
        dtype = _default_float if is_float_like(*args) else _onp.int64
    return _leaf(_anp.arange(*args, dtype=dtype), None, requires_grad, device)


def linspace(start: Any, end: Any, steps: int, dtype: Any = None, requires_grad: Any = False,
             device: Any = None) -> Tensor:
    return _leaf(_anp.linspace(start, end, steps, dtype=_float_dtype(dtype)), None,
                 requires_grad, device)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, dtype: Any = None,
             requires_grad: Any = False, device: Any = None) -> Tensor:
    return _leaf(_anp.logspace(start, end, steps, base=base, dtype=_float_dtype(dtype)), None,
                 requires_grad, device)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: Any = False,
        device: Any = None) -> Tensor:
    return _leaf(_anp.eye(n, m, dtype=_float_dtype(dtype)), None, requires_grad, device)


def zeros_like(input: Any, dtype: Any = None, requires_grad: Any = False,  # noqa: A002
               device: Any = None) -> Tensor:
    return _leaf(_anp.zeros_like(input, dtype=dtype), None, requires_grad, device)


def ones_like(input: Any, dtype: Any = None, requires_grad: Any = False,  # noqa: A002
              device: Any = None) -> Tensor:
    return _leaf(_anp.ones_like(input, dtype=dtype), None, requires_grad, device)


def empty_like(input: Any, dtype: Any = None, requires_grad: Any = False,  # noqa: A002
               device: Any = None) -> Tensor:
    return _leaf(_anp.empty_like(input, dtype=dtype), None, requires_grad, device)


def full_like(input: Any, fill_value: Any, dtype: Any = None,  # noqa: A002
              requires_grad: Any = False, device: Any = None) -> Tensor:
    return _leaf(_anp.full_like(input, fill_value, dtype=dtype), None, requires_grad, device)


def randn(*size: Any, dtype: Any = None, requires_grad: Any = False,
          device: Any = None, generator: Any = None, **kw: Any) -> Tensor:
    """Standard normal draws (this module's generator), float32."""
    shape = _size_args(size, kw.pop("size", None))
    data = (generator or _rng).standard_normal(shape)
    return _leaf(Tensor._make(_onp.asarray(data)), _float_dtype(dtype), requires_grad, device)


def rand(*size: Any, dtype: Any = None, requires_grad: Any = False, device: Any = None,
         generator: Any = None, **kw: Any) -> Tensor:
    """Uniform draws on [0, 1) (this module's generator), float32."""
    shape = _size_args(size, kw.pop("size", None))
    data = (generator or _rng).random(shape)
    return _leaf(Tensor._make(_onp.asarray(data)), _float_dtype(dtype), requires_grad, device)


def randint(low: int, high: int | None = None, size: Any = (), dtype: Any = None,
            requires_grad: Any = False, device: Any = None, generator: Any = None) -> Tensor:
    if high is None:
        low, high = 0, low
    data = (generator or _rng).integers(low, high, size=tuple(size))
    return _leaf(Tensor._make(_onp.asarray(data)), dtype or _onp.int64, requires_grad, device)


def randperm(n: int, dtype: Any = None, requires_grad: Any = False, device: Any = None,
             generator: Any = None) -> Tensor:
    return _leaf(Tensor._make((generator or _rng).permutation(n)), dtype or _onp.int64,
                 requires_grad, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, dtype: Any = None,
           requires_grad: Any = False, generator: Any = None) -> Tensor:
    m, s = (_onp.asarray(v._data if isinstance(v, Tensor) else v) for v in (mean, std))
    shape = tuple(size) if size is not None else _onp.broadcast_shapes(m.shape, s.shape)
    data = (generator or _rng).normal(m, s, size=shape)
    return _leaf(Tensor._make(_onp.asarray(data)), _float_dtype(dtype), requires_grad)


def randn_like(input: Any, dtype: Any = None, requires_grad: Any = False) -> Tensor:  # noqa: A002
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input: Any, dtype: Any = None, requires_grad: Any = False) -> Tensor:  # noqa: A002
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


# ---------------------------------------------------------------------------- maths
# Straight re-exports: the ops are arraygrad.numpy's.

matmul = _anp.matmul
mm = _anp.matmul
mv = _anp.matmul
bmm = _anp.matmul
dot = _anp.dot
inner = _anp.inner
outer = ger = _anp.outer
exp = _anp.exp
log = _anp.log
sin = _anp.sin
cos = _anp.cos
tan = _anp.tan
tanh = _anp.tanh
sinh = _anp.sinh
cosh = _anp.cosh
asin = arcsin = _anp.arcsin
acos = arccos = _anp.arccos
atan = arctan = _anp.arctan
log2 = _anp.log2
log10 = _anp.log10
log1p = _anp.log1p
expm1 = _anp.expm1
floor = _anp.floor
ceil = _anp.ceil
trunc = _anp.trunc
sqrt = _anp.sqrt
square = _anp.square
abs = absolute = _anp.abs  # noqa: A001
neg = negative = _anp.negative
sign = _anp.sign
reciprocal = _anp.reciprocal
pow = _anp.power  # noqa: A001
add = _anp.add
sub = subtract = _anp.subtract
mul = multiply = _anp.multiply
div = divide = true_divide = _anp.divide
maximum = _anp.maximum
minimum = _anp.minimum
where = _anp.where
eq = _anp.equal
ne = _anp.not_equal
gt = _anp.greater
ge = _anp.greater_equal
lt = _anp.less
le = _anp.less_equal
isnan = _anp.isnan
isfinite = _anp.isfinite
real = _anp.real
imag = _anp.imag
conj = _anp.conj
allclose = _anp.allclose


def _dim(dim: Any, axis: Any = None) -> Any:
    """PyTorch's ``dim`` (or NumPy's ``axis``); a list of axes as NumPy's tuple."""
    d = axis if dim is None else dim
    return tuple(d) if isinstance(d, list) else d


def sum(input: Any, dim: Any = None, keepdim: Any = False, dtype: Any = None,  # noqa: A001, A002
        axis: Any = None) -> Tensor:
    return _anp.sum(input, axis=_dim(dim, axis), dtype=dtype, keepdims=keepdim)


def mean(input: Any, dim: Any = None, keepdim: Any = False, dtype: Any = None,  # noqa: A002
         axis: Any = None) -> Tensor:
    return _anp.mean(input, axis=_dim(dim, axis), dtype=dtype, keepdims=keepdim)


def prod(input: Any, dim: Any = None, keepdim: Any = False, dtype: Any = None) -> Tensor:  # noqa: A002
    return _anp.prod(input, axis=_dim(dim), keepdims=keepdim)


class _ValuesIndices(NamedTuple):
    values: Any
    indices: Any

    def __repr__(self) -> str:  # PyTorch's torch.return_types.max(...) layout
        return (f"torch.return_types.{getattr(self, '_op', 'max')}(\nvalues={self.values!r},"
                f"\nindices={self.indices!r})")


def _return_type(op: str) -> type:
    return type(op, (_ValuesIndices,), {"__slots__": (), "_op": op})


def _extreme(pairwise: Any, reduce: Any, arg: Any, op: str) -> Any:
    result = _return_type(op)

    def fn(input: Any, dim: Any = None, keepdim: Any = False) -> Any:  # noqa: A002
        if isinstance(dim, Tensor):  # torch.max(x, y): elementwise
            return pairwise(input, dim)
        if dim is None:
            return reduce(input)
        return result(reduce(input, axis=dim, keepdims=keepdim),
                      arg(input, axis=dim, keepdims=keepdim))

    return fn


max = _extreme(_anp.maximum, _anp.max, _anp.argmax, "max")  # noqa: A001
max.__doc__ = """``torch.max(x)``: the maximum; ``torch.max(x, dim)``: (values, indices);
``torch.max(x, y)``: the elementwise maximum."""
min = _extreme(_anp.minimum, _anp.min, _anp.argmin, "min")  # noqa: A001
min.__doc__ = "``torch.min``: as ``torch.max``, for the minimum."


def argmax(input: Any, dim: Any = None, keepdim: Any = False) -> Tensor:  # noqa: A002
    return _anp.argmax(input, axis=dim, keepdims=keepdim)


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A001, A002
    return _anp.clip(input, min, max)


clip = clamp


def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: Any = False) -> Tensor:  # noqa: A002
    return input.norm(p=2 if p == "fro" else p, dim=dim, keepdim=keepdim)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    return _anp.concatenate(list(tensors), axis=dim)


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0) -> Tensor:
    return _anp.stack(list(tensors), axis=dim)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """PyTorch's default is matrix indexing ('ij'), NumPy's is 'xy'."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return tuple(_anp.meshgrid(*tensors, indexing=indexing))


def cumsum(input: Any, dim: int, dtype: Any = None) -> Tensor:  # noqa: A002
    return _anp.cumsum(input, axis=dim, dtype=dtype)


def reshape(input: Any, shape: Any) -> Tensor:  # noqa: A002
    return _anp.reshape(input, tuple(shape))


def flatten(input: Any) -> Tensor:  # noqa: A002
    return _anp.ravel(input)


def squeeze(input: Any, dim: Any = None) -> Tensor:  # noqa: A002
    return _anp.squeeze(input, dim)


def unsqueeze(input: Any, dim: int) -> Tensor:  # noqa: A002
    return _anp.expand_dims(input, dim)


def transpose(input: Any, dim0: int, dim1: int) -> Tensor:  # noqa: A002
    return _anp.swapaxes(input, dim0, dim1)


def t(input: Any) -> Tensor:  # noqa: A002
    return _t(input)


def numel(input: Any) -> int:  # noqa: A002
    return _onp.size(input._data if isinstance(input, Tensor) else input)


def detach(input: Any) -> Tensor:  # noqa: A002
    return input.detach()


def _functional() -> Any:
    from ...nn import functional as F

    return F


def sigmoid(input: Any) -> Tensor:  # noqa: A002
    return _functional().sigmoid(input)


def relu(input: Any) -> Tensor:  # noqa: A002
    return _functional().relu(input)


def softmax(input: Any, dim: Any = None, dtype: Any = None) -> Tensor:  # noqa: A002
    return _functional().softmax(input, dim)


def log_softmax(input: Any, dim: Any = None, dtype: Any = None) -> Tensor:  # noqa: A002
    return _functional().log_softmax(input, dim)


# ---------------------------------------------------------------------------- grad mode

no_grad = _ag.no_grad
enable_grad = _ag.enable_grad
set_grad_enabled = _ag.set_grad_enabled
is_grad_enabled = _ag.is_grad_enabled


def inference_mode(mode: Any = True) -> Any:
    return _ag.no_grad() if mode else _ag.enable_grad()


autograd = Namespace(
    "arraygrad.compat.torch.autograd",
    "``torch.autograd``: ``grad`` and ``backward`` are arraygrad's, with PyTorch's signatures.",
    _ag,
    grad=_ag.grad,
    backward=_ag.backward,
    no_grad=no_grad,
    enable_grad=enable_grad,
    set_grad_enabled=set_grad_enabled,
)


_SUBMODULES = ("nn", "optim", "utils", "distributions", "cuda")


def device(type: Any, index: int | None = None) -> _Device:  # noqa: A002
    """``torch.device('cpu')``, ``torch.device('cuda:1')``, ``torch.device('cuda', 1)``: a
    device name (a ``str`` with ``.type`` and ``.index``). Making one needs no GPU."""
    if isinstance(type, _Device) and index is None:
        return type
    name = str(type)
    kind = name.split(":", 1)[0]
    if kind not in ("cpu", "cuda") or (":" in name and not name.split(":", 1)[1].isdigit()):
        raise RuntimeError(f"Expected one of cpu, cuda device type at start of device "
                           f"string: {name}")
    if index is not None:
        if ":" in name:
            raise RuntimeError(f"type (string) must not include an index because index was "
                               f"passed explicitly: {name}")
        name = f"{name}:{_b.int(index)}"
    return _Device(name)


def __getattr__(name: str) -> Any:
    # The submodules (``torch.nn``, ``torch.optim``, ``torch.utils.data``,
    # ``torch.distributions``) are imported on first use: they pull in the heavier layers.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"arraygrad's torch front door has no {name!r}")


# ---------------------------------------------------------------------------- tensor methods


class SizeAttr(_b.int):
    """``Tensor.size`` once this module is imported: NumPy's element count (an ``int``; all
    arithmetic and comparisons are int's), which PyTorch code may also *call*:
    ``x.size()`` is the shape as a ``torch.Size``, ``x.size(d)`` the extent of axis ``d``.

    This keeps NumPy's ``x.size`` and PyTorch's ``x.size()`` both working on every tensor,
    including those ops return, without a Tensor subclass. It pickles as a plain int.
    """

    def __new__(cls, shape: tuple) -> SizeAttr:
        obj = super().__new__(cls, _math.prod(shape))
        obj._shape = shape
        return obj

    def __call__(self, dim: Any = None) -> Any:
        if dim is None:
            return Size(self._shape)
        return self._shape[dim]

    def __reduce__(self) -> tuple:
        return (_b.int, (_b.int(self),))


def _size(self: Tensor) -> SizeAttr:
    return SizeAttr(tuple(self._data.shape))


def _t(self: Tensor) -> Tensor:
    """``x.t()``: the transpose of a matrix (vectors and scalars unchanged)."""
    if self.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return _shape.transpose(self) if self.ndim == 2 else self


def _install_tensor_methods() -> None:
    Tensor.size = property(_size, doc=SizeAttr.__doc__)
    if not hasattr(Tensor, "t"):
        Tensor.t = _t


_install_tensor_methods()
_torch_methods.install()
_set_style("torch")


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: Any = None,  # noqa: A001
            backend: Any = "inductor", mode: Any = None, options: Any = None,
            disable: bool = False) -> Any:
    """``torch.compile(model_or_fn)``: staged by ``arraygrad.compile`` (a compiled Module
    keeps ``.parameters()`` and its other attributes). ``fullgraph=True`` raises where
    PyTorch would break the graph instead of running that function eagerly;
    ``dynamic=True`` traces once per rank instead of per shape; ``backend`` and ``mode``
    are accepted and have no effect (there is one back end)."""
    from ...compile import compile as _compile

    def stage(m: Any) -> Any:
        return m if disable else _compile(m, shapeless=bool(dynamic), fallback=not fullgraph)

    return stage if model is None else stage(model)
