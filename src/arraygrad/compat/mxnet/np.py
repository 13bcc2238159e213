"""``np`` of the MXNet front door: ``mxnet.np`` on arraygrad.

MXNet's NumPy mode differs from NumPy in two ways that show in the book:

- arrays made from Python data default to float32 (``np.arange(4)`` is
  ``array([0., 1., 2., 3.])``, ``np.random.normal()`` a float32 scalar array);
- a float array indexes as integers: ``features[np.array(indices)]`` works although
  ``np.array(indices)`` is float32.

The creation functions here apply both: they return ``np.ndarray``, a Tensor subclass
whose float arrays index as integers (every Tensor is an instance of it:
``isinstance(x, np.ndarray)`` holds for all arrays). Every other name is
``arraygrad.numpy``'s, unchanged; computed results are plain Tensors (operations keep their
inputs' dtype, so float32 stays float32).
"""

from __future__ import annotations

from typing import Any

import numpy as _onp

from ... import numpy as _anp
from ...core.tensor import Tensor
from .._util import Namespace, cast_leaf

float32 = _onp.float32
_DEFAULT = _onp.float32


class _AnyTensor(type):
    # ``isinstance(x, mxnet.np.ndarray)`` is true for every Tensor, computed ones too.
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)


class ndarray(Tensor, metaclass=_AnyTensor):
    """``mxnet.np.ndarray``: the arrays the creation functions return. A Tensor whose float
    arrays index as integers, as MXNet's do."""

    __slots__ = ()
    _float_index_casts = True


def _mx(t: Any, ctx: Any = None) -> Any:
    """A freshly created leaf as ``mxnet.np.ndarray`` (same object, same data), moved to
    the device ``ctx`` (``npx.gpu(0)``) when one is given."""
    if ctx is not None and str(ctx) != str(t.device):
        t = t.to(ctx)
    if type(t) is Tensor:
        t.__class__ = ndarray
    return t


def _dt(dtype: Any) -> Any:
    return _DEFAULT if dtype is None else dtype


def array(object: Any, dtype: Any = None, ctx: Any = None, copy: bool = True) -> Tensor:  # noqa: A002
    """``mxnet.np.array``: Python data becomes float32 (bools stay bool); NumPy arrays and
    tensors keep their dtype."""
    if dtype is None and not isinstance(object, (Tensor, _onp.ndarray, _onp.generic)):
        if _onp.asarray(object).dtype.kind != "b":
            dtype = _DEFAULT
    return _mx(_anp.array(object, dtype=dtype, copy=copy), ctx)


def asarray(obj: Any, dtype: Any = None, ctx: Any = None) -> Tensor:
    if isinstance(obj, Tensor):
        return _mx(_anp.asarray(obj, dtype=dtype), ctx) if ctx is not None else \
            _anp.asarray(obj, dtype=dtype)
    return array(obj, dtype=dtype, ctx=ctx)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None,
           ctx: Any = None) -> Tensor:
    args = (start,) if stop is None else (start, stop, step)
    return _mx(_anp.arange(*args, dtype=_dt(dtype)), ctx)


def zeros(shape: Any, dtype: Any = None, order: str = "C", ctx: Any = None) -> Tensor:
    return _mx(_anp.zeros(shape, dtype=_dt(dtype)), ctx)


def ones(shape: Any, dtype: Any = None, order: str = "C", ctx: Any = None) -> Tensor:
    return _mx(_anp.ones(shape, dtype=_dt(dtype)), ctx)


def empty(shape: Any, dtype: Any = None, order: str = "C", ctx: Any = None) -> Tensor:
    return _mx(_anp.empty(shape, dtype=_dt(dtype)), ctx)


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C",
         ctx: Any = None) -> Tensor:
    if dtype is None and not isinstance(fill_value, (Tensor, _onp.ndarray, bool, _onp.bool_)):
        dtype = _DEFAULT
    return _mx(_anp.full(shape, fill_value, dtype=dtype), ctx)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, ctx: Any = None) -> Tensor:
    return _mx(_anp.eye(N, M, k, dtype=_dt(dtype)), ctx)


def identity(n: int, dtype: Any = None, ctx: Any = None) -> Tensor:
    return _mx(_anp.identity(n, dtype=_dt(dtype)), ctx)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, ctx: Any = None) -> Any:
    out = _anp.linspace(start, stop, num, endpoint, retstep, dtype=_dt(dtype), axis=axis)
    return (_mx(out[0], ctx), out[1]) if retstep else _mx(out, ctx)


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10.0,
             dtype: Any = None, axis: int = 0, ctx: Any = None) -> Tensor:
    return _mx(_anp.logspace(start, stop, num, endpoint, base, dtype=_dt(dtype), axis=axis),
               ctx)


# ---------------------------------------------------------------------------- np.random


def _f32(fn: Any) -> Any:
    def draw(*args: Any, dtype: Any = None, ctx: Any = None, out: Any = None, **kwargs: Any):
        return _mx(cast_leaf(fn(*args, **kwargs), _dt(dtype)), ctx)

    draw.__name__ = fn.__name__
    draw.__doc__ = f"``mxnet.np.random.{fn.__name__}``: NumPy's draw, as a float32 array."
    return draw


def _randint(low: Any, high: Any = None, size: Any = None, dtype: Any = None, ctx: Any = None,
             out: Any = None) -> Tensor:
    return _mx(_anp.random.randint(low, high, size, dtype=dtype or _onp.int64), ctx)


def _multinomial(n: int, pvals: Any, size: Any = None) -> Tensor:
    """``mxnet.np.random.multinomial``: counts drawn from NumPy's generator (int64)."""
    p = pvals._data if isinstance(pvals, Tensor) else pvals
    return _mx(Tensor._make(_onp.asarray(_onp.random.multinomial(n, p, size))))


random = Namespace(
    "arraygrad.compat.mxnet.np.random",
    "``mxnet.np.random``: NumPy's generators (seeded by ``np.random.seed``), float32 draws.",
    _anp.random,
    normal=_f32(_anp.random.normal),
    uniform=_f32(_anp.random.uniform),
    randn=_f32(_anp.random.randn),
    rand=_f32(_anp.random.rand),
    random=_f32(_anp.random.random),
    random_sample=_f32(_anp.random.random_sample),
    standard_normal=_f32(_anp.random.standard_normal),
    exponential=_f32(_anp.random.exponential),
    gamma=_f32(_anp.random.gamma),
    beta=_f32(_anp.random.beta),
    randint=_randint,
    multinomial=_multinomial,
    seed=_anp.random.seed,
    shuffle=_anp.random.shuffle,
    choice=_anp.random.choice,
)

linalg = Namespace("arraygrad.compat.mxnet.np.linalg", "``mxnet.np.linalg``", _anp.linalg,
                   norm=_anp.linalg.norm)


def __getattr__(name: str) -> Any:
    try:
        return getattr(_anp, name)
    except AttributeError:
        raise AttributeError(
            f"arraygrad's mxnet.np has no {name!r} (nor has arraygrad.numpy)"
        ) from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(_anp)))
