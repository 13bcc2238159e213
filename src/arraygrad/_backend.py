"""Which array module holds the data (NumPy, CuPy, Dask, an array-API library) and the few
helpers that need to know.

The data's own module runs every op. Op forwards call ``numpy`` functions on the raw
arrays; CuPy and Dask arrays implement NumPy's dispatch protocols (NEP 13
``__array_ufunc__``, NEP 18 ``__array_function__``), so ``np.exp(cupy_array)`` runs on the
GPU and ``np.exp(dask_array)`` adds a task to a lazy graph. What dispatch cannot do is
create arrays from nothing, move them between devices, or scatter-add: those go through
``array_module``, ``to_device`` and ``add_at`` here.

NumPy is the fast path of every helper: one ``isinstance`` test, then NumPy.

Array-API libraries
-------------------
``array_api_strict`` (the array API standard's reference, used in CI to catch code that only
works on NumPy) does not speak NEP 13/18: ``np.exp`` on such an array silently converts it
to NumPy. When one enters arraygrad (``ag.tensor``/``Tensor``), ``adopt_array_api_type``
teaches its array type NumPy's dispatch: each NumPy function an op forward calls is
translated to the array's own namespace (``np.sum(x, axis, dtype, keepdims)`` becomes
``xp.sum``, ``np.transpose`` becomes ``xp.permute_dims`` ...), and a NumPy function with no
standard equivalent raises a ``TypeError`` naming it, so NumPy-only code is caught rather
than silently run on the host. It also adds the few NumPy-isms the engine core still uses
on raw data (``dtype.kind``, ``.copy()``, ``.astype()``, ``.item()``); that list is the
to-do list for making the core namespace-generic (docs/backends.md).
Only libraries named in ``_ADOPTABLE`` are adopted; other arrays (JAX, ...) are converted
to NumPy, as before.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

__all__ = [
    "Device", "array_module", "asarray", "copy_array", "to_numpy", "item", "to_device",
    "device_of",
    "parse_device", "add_at", "is_dask", "is_cupy", "mixed_device_error", "check_same_device",
    "raise_if_mixed_devices",
    "adopt_array_api_type",
]

_ndarray = np.ndarray
_generic = np.generic
_ADOPTABLE = ("array_api_strict",)


def _root(data: Any) -> str:
    return type(data).__module__.split(".", 1)[0]


def is_cupy(data: Any) -> bool:
    return _root(data) == "cupy"


def is_dask(data: Any) -> bool:
    return _root(data) == "dask" and hasattr(data, "dask")


# ---------------------------------------------------------------------------- modules


def array_module(data: Any) -> Any:
    """The module (numpy, cupy, dask.array) that owns ``data``, with NumPy's signatures.

    For an adopted array-API array it is a small facade over the array's namespace that
    accepts NumPy's spellings of the creation functions (``zeros_like(a, dtype, shape)``).
    """
    if isinstance(data, (_ndarray, _generic)):
        return np
    mod = _root(data)
    if mod == "cupy":
        return sys.modules["cupy"]
    if mod == "dask":
        import dask.array as da

        return da
    if mod in _ADOPTABLE and hasattr(data, "__array_namespace__"):
        return _facade(data)
    return np


def asarray(data: Any, dtype: Any = None) -> Any:
    """Data as a backend array without copying when it already is one."""
    if isinstance(data, _ndarray) or _is_foreign_array(data):
        if dtype is not None and data.dtype != np.dtype(dtype):
            return data.astype(dtype)
        return data
    if _adoptable(data):
        xp = _facade(data)
        return xp.xp.asarray(data, dtype=_xp_dtype(xp.xp, dtype))
    return np.asarray(data, dtype=dtype)


def copy_array(data: Any, dtype: Any = None) -> Any:
    """A fresh backend array (``numpy.array`` semantics: always a copy)."""
    if _is_foreign_array(data):
        return data.astype(dtype if dtype is not None else data.dtype, copy=True)
    if _adoptable(data):
        xp = _facade(data).xp
        return xp.asarray(data, dtype=_xp_dtype(xp, dtype), copy=True)
    return np.array(data, dtype=dtype)


def to_numpy(data: Any) -> np.ndarray:
    """A NumPy array with ``data``'s values: copied off the GPU, computed by Dask."""
    if isinstance(data, _ndarray):
        return data
    mod = _root(data)
    if mod == "cupy":
        return data.get()
    if mod == "dask":
        out = data.compute()
        return out.get() if is_cupy(out) else np.asarray(out)
    if mod in _ADOPTABLE:
        try:
            return np.from_dlpack(data)
        except (TypeError, AttributeError, RuntimeError, BufferError):  # pragma: no cover
            pass
    return np.asarray(data)


def item(data: Any, *args: Any) -> Any:
    """``numpy.ndarray.item`` on any backend: one element as a Python scalar. A Dask array
    computes only that element (the graph behind it); CuPy copies it off the GPU."""
    if isinstance(data, (_ndarray, _generic)):
        return data.item(*args)
    mod = _root(data)
    if mod == "cupy":
        return data.item(*args)
    if mod == "dask" and hasattr(data, "dask"):
        data = data[_item_index(data.shape, data.size, args)] if args else data
        if data.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return to_numpy(data).reshape(()).item()
    return to_numpy(data).item(*args)


def _item_index(shape: tuple, size: int, args: tuple) -> tuple:
    """``item``'s arguments (a flat index, or one index per axis) as a tuple of ints."""
    idx = args[0] if len(args) == 1 else args
    if isinstance(idx, tuple):
        return tuple(int(i) for i in idx)
    flat = int(idx)
    if not -size <= flat < size:
        raise IndexError(f"index {flat} is out of bounds for size {size}")
    return tuple(int(i) for i in np.unravel_index(flat % size, shape))


def _is_foreign_array(data: Any) -> bool:
    mod = _root(data)
    return mod in ("cupy", "dask") and hasattr(data, "dtype")


def _adoptable(data: Any) -> bool:
    return _root(data) in _ADOPTABLE and hasattr(data, "__array_namespace__")


# ---------------------------------------------------------------------------- devices


class Device(str):
    """A device name that compares equal to its string (``x.device == 'cpu'``) and, like
    ``torch.device``, has ``.type`` ('cpu' or 'cuda') and ``.index`` (None or an int).
    Array-API libraries with devices of their own keep them: see ``device_of``."""

    __slots__ = ()

    @property
    def type(self) -> str:
        return self.split(":", 1)[0]

    @property
    def index(self) -> int | None:
        parts = self.split(":", 1)
        return int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else None


CPU = Device("cpu")


def parse_device(device: Any) -> Any:
    """'cpu', 'cuda', 'cuda:1', 'gpu', an int (a GPU index), a ``Device`` or anything with
    ``.type``/``.index`` (a ``torch.device``) as a ``Device``. An array-API library's own
    device object (``array_api_strict.Device('device1')``) is returned unchanged."""
    if isinstance(device, Device):
        return device
    if isinstance(device, (int, np.integer)) and not isinstance(device, bool):
        return Device(f"cuda:{int(device)}")
    if not isinstance(device, str):
        typ = getattr(device, "type", None)
        if isinstance(typ, str) and typ in ("cpu", "cuda"):
            idx = getattr(device, "index", None)
            return Device(typ if idx is None or typ == "cpu" else f"{typ}:{idx}")
        return device  # a library's own device object
    name = device.strip().lower()
    if name == "cpu":
        return CPU
    if name in ("cuda", "gpu"):
        return Device("cuda:0")
    for prefix in ("cuda:", "gpu:"):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            return Device(f"cuda:{int(name[len(prefix):])}")
    raise ValueError(f"unknown device {device!r}; expected 'cpu', 'cuda' or 'cuda:N'")


def device_of(data: Any) -> Any:
    """Where ``data`` lives: ``Device('cpu')`` or ``Device('cuda:N')`` (a Dask array: where
    its chunks will live), or an array-API library's own device object."""
    if isinstance(data, (_ndarray, _generic)):
        return CPU
    mod = _root(data)
    if mod == "cupy":
        return Device(f"cuda:{data.device.id}")
    if mod == "dask":
        meta = getattr(data, "_meta", None)
        return Device("cuda:0") if meta is not None and is_cupy(meta) else CPU
    if mod in _ADOPTABLE:
        dev = getattr(data, "device", None)
        if dev is not None and "CPU_DEVICE" in repr(dev):
            return CPU
        return dev
    return CPU


def _same_device(a: Any, b: Any) -> bool:
    return a == b if isinstance(a, str) == isinstance(b, str) else False


def to_device(data: Any, device: Any) -> Any:
    """``data`` on ``device``; unchanged (not copied) when it is there already.

    NumPy <-> CuPy copies between host and GPU memory. A Dask array stays lazy: its
    chunks are moved when they are computed (``map_blocks``). An array-API array uses the
    standard's ``to_device``.
    """
    target = parse_device(device)
    source = device_of(data)
    if _same_device(source, target):
        return data
    mod = _root(data)
    if not isinstance(target, Device):  # an array-API library's own device
        if hasattr(data, "to_device"):
            return data.to_device(target)
        raise ValueError(f"cannot move a {type(data).__name__} to device {target!r}")
    if mod in _ADOPTABLE:
        if target.type == "cpu":
            return data.to_device(_strict_cpu(data))
        raise ValueError(
            f"cannot move a {type(data).__module__} array to {target}: that library has no "
            "CUDA device; convert it to NumPy first (.numpy()) and move the result")
    if target.type == "cuda":
        cupy = _cupy()
        if mod == "dask":
            return data.map_blocks(_to_cupy_block, target.index or 0, dtype=data.dtype,
                                   meta=cupy.empty((0,) * data.ndim, dtype=data.dtype))
        with cupy.cuda.Device(target.index or 0):
            return cupy.array(data, copy=True) if mod == "cupy" else cupy.asarray(data)
    # target is the CPU
    if mod == "dask":
        return data.map_blocks(_to_numpy_block, dtype=data.dtype,
                               meta=np.empty((0,) * data.ndim, dtype=data.dtype))
    return to_numpy(data)


def _to_cupy_block(block: Any, index: int) -> Any:
    cupy = _cupy()
    with cupy.cuda.Device(index):
        return cupy.asarray(block)


def _to_numpy_block(block: Any) -> Any:
    return block.get() if is_cupy(block) else np.asarray(block)


def _strict_cpu(data: Any) -> Any:
    xp = data.__array_namespace__()
    info = xp.__array_namespace_info__()
    return info.default_device()


def _cupy() -> Any:
    try:
        import cupy
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise RuntimeError(
            "device='cuda' needs CuPy: pip install 'arraygrad[gpu]' (and a CUDA GPU)"
        ) from exc
    return cupy


def check_same_device(op_name: str, *arrays: Any) -> None:
    """Raise ``mixed_device_error`` when ``arrays`` (raw data; scalars are ignored) live on
    different devices. Costs one ``device_of`` per array: call it off the fast path, e.g.
    only after the backend raised (see docs/backends.md)."""
    seen = None
    for a in arrays:
        if not hasattr(a, "shape") or isinstance(a, _generic):
            continue
        d = device_of(a)
        if seen is None:
            seen = d
        elif not _same_device(seen, d) and not (is_dask(a) or _any_dask(arrays)):
            raise mixed_device_error(op_name, seen, d)


def _any_dask(arrays: tuple) -> bool:
    # NumPy arrays mix with Dask arrays by design: Dask wraps them into its graph.
    return any(is_dask(a) for a in arrays)


def raise_if_mixed_devices(op_name: str, args: Any, exc: BaseException) -> None:
    """Called with the ``TypeError``/``ValueError`` a backend raised inside an op: when the
    op's arguments live on different devices, raise ``mixed_device_error`` instead (from
    ``exc``); otherwise return, and the caller re-raises ``exc``. Nothing runs unless the
    backend already failed, so the NumPy fast path pays nothing (a ``try`` is free)."""
    try:
        check_same_device(op_name, *args)
    except RuntimeError as err:
        raise err from exc


def mixed_device_error(op_name: str, first: Any, second: Any) -> RuntimeError:
    return RuntimeError(
        f"{op_name}: expected all tensors to be on the same device, but found at least two "
        f"devices, {first} and {second}. Move one of them first, e.g. x.to('{second}') or "
        f"y.to('{first}')."
    )


# ---------------------------------------------------------------------------- scatter


def add_at(out: Any, idx: Any, values: Any) -> Any:
    """``out[idx] += values`` with repeated indices accumulating (``np.add.at``), on
    ``out``'s backend; returns the result (Dask arrays are immutable: a new lazy array)."""
    if isinstance(out, _ndarray):
        np.add.at(out, idx, values)
        return out
    mod = _root(out)
    if mod == "cupy":
        cupy = sys.modules["cupy"]
        idx = _index_to(idx, cupy.asarray)
        values = cupy.asarray(values)
        if hasattr(cupy.add, "at"):  # CuPy >= 13
            cupy.add.at(out, idx, values)
        else:  # pragma: no cover - older CuPy
            import cupyx

            cupyx.scatter_add(out, idx, values)
        return out
    if mod == "dask":
        import dask
        import dask.array as da

        # One task that scatters on the host; its inputs (Dask arrays among them) are
        # computed by the scheduler when the result is.
        done = dask.delayed(_np_add_at, pure=True)(out, idx, values)
        res = da.from_delayed(done, shape=out.shape, dtype=out.dtype,
                              meta=getattr(out, "_meta", None))
        return res.rechunk(out.chunks)
    if mod in _ADOPTABLE:
        xp = out.__array_namespace__()
        host = _np_add_at(to_numpy(out), _index_to(idx, to_numpy), to_numpy(values))
        return xp.asarray(host, device=out.device)
    np.add.at(out, idx, values)
    return out


def _np_add_at(out: Any, idx: Any, values: Any) -> np.ndarray:
    out = np.array(out)
    np.add.at(out, idx, np.asarray(values))
    return out


def _index_to(idx: Any, convert: Any) -> Any:
    def one(i: Any) -> Any:
        if isinstance(i, (list, _ndarray)) or hasattr(i, "__array_function__") or \
                _root(i) in _ADOPTABLE:
            return convert(i)
        return i

    return tuple(one(i) for i in idx) if isinstance(idx, tuple) else one(idx)


# ---------------------------------------------------------------------------- array API


_FACADES: dict[type, Any] = {}


def _facade(data: Any) -> _ArrayAPINumPy:
    f = _FACADES.get(type(data))
    if f is None:
        adopt_array_api_type(type(data), data.__array_namespace__())
        f = _FACADES[type(data)]
    return f


def _xp_dtype(xp: Any, dtype: Any) -> Any:
    """A NumPy dtype (or ``float``, ``bool``, a name) as ``xp``'s dtype object."""
    if dtype is None:
        return None
    if type(dtype).__module__.split(".", 1)[0] in _ADOPTABLE:
        return dtype
    name = np.dtype(dtype).name
    try:
        return getattr(xp, name)
    except AttributeError:
        raise TypeError(f"dtype {name} has no equivalent in {xp.__name__}") from None


class _ArrayAPINumPy:
    """NumPy-signature creation functions over an array-API namespace ``xp``; anything
    else is ``xp``'s own (``array_module(x).float32`` is the library's dtype)."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp
        self.__name__ = getattr(xp, "__name__", "array_api")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.xp, name)

    def _dt(self, dtype: Any, default: Any = None) -> Any:
        return _xp_dtype(self.xp, dtype) if dtype is not None else default

    def zeros(self, shape: Any, dtype: Any = None, **_: Any) -> Any:
        return self.xp.zeros(_shape(shape), dtype=self._dt(dtype, self.xp.float64))

    def ones(self, shape: Any, dtype: Any = None, **_: Any) -> Any:
        return self.xp.ones(_shape(shape), dtype=self._dt(dtype, self.xp.float64))

    def empty(self, shape: Any, dtype: Any = None, **_: Any) -> Any:
        return self.xp.empty(_shape(shape), dtype=self._dt(dtype, self.xp.float64))

    def full(self, shape: Any, fill_value: Any, dtype: Any = None, **_: Any) -> Any:
        return self.xp.full(_shape(shape), fill_value, dtype=self._dt(dtype))

    def _like(self, fn: str, a: Any, dtype: Any, shape: Any, *fill: Any) -> Any:
        shape = a.shape if shape is None else _shape(shape)
        return getattr(self.xp, fn)(shape, *fill, dtype=self._dt(dtype, a.dtype),
                                    device=a.device)

    def zeros_like(self, a: Any, dtype: Any = None, shape: Any = None, **_: Any) -> Any:
        return self._like("zeros", a, dtype, shape)

    def ones_like(self, a: Any, dtype: Any = None, shape: Any = None, **_: Any) -> Any:
        return self._like("ones", a, dtype, shape)

    def empty_like(self, a: Any, dtype: Any = None, shape: Any = None, **_: Any) -> Any:
        return self._like("empty", a, dtype, shape)

    def full_like(self, a: Any, fill_value: Any, dtype: Any = None, shape: Any = None,
                  **_: Any) -> Any:
        return self._like("full", a, dtype, shape, fill_value)


def _shape(shape: Any) -> tuple:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


# NumPy ufunc names that the standard spells differently.
_UFUNC_NAMES = {
    "power": "pow", "absolute": "abs", "conjugate": "conj", "invert": "bitwise_invert",
    "true_divide": "divide", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
    "arctan2": "atan2", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
    "left_shift": "bitwise_left_shift", "right_shift": "bitwise_right_shift",
}


def _not_standard(name: str, xp: Any) -> TypeError:
    return TypeError(
        f"numpy.{name} has no array API equivalent, so arraygrad cannot run it on "
        f"{getattr(xp, '__name__', 'array API')} arrays: the op that calls it is NumPy-only "
        "(see docs/backends.md)"
    )


def _operand(x: Any, name: str, xp: Any) -> Any:
    if isinstance(x, _generic):
        return x.item()  # a NumPy scalar: its Python value (the standard's scalar rules)
    if isinstance(x, _ndarray):
        raise TypeError(
            f"numpy.{name}: cannot mix a NumPy array with {getattr(xp, '__name__', '')} "
            "arrays; convert it with the array's own namespace (xp.asarray)")
    return x


def _array_ufunc(self: Any, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    xp = self.__array_namespace__()
    name = ufunc.__name__
    out_or_where = kwargs.get("out") is not None or kwargs.get("where", True) is not True
    if method != "__call__" or out_or_where:
        raise _not_standard(f"{name}.{method}" if method != "__call__" else
                            f"{name}(out=/where=)", xp)
    fn = getattr(xp, _UFUNC_NAMES.get(name, name), None)
    if fn is None:
        raise _not_standard(name, xp)
    args = [_operand(x, name, xp) for x in inputs]
    out = fn(*args)
    dtype = kwargs.get("dtype")
    return out if dtype is None else xp.astype(out, _xp_dtype(xp, dtype))


def _axes(axis: Any) -> Any:
    if axis is None or isinstance(axis, int):
        return axis
    if isinstance(axis, np.integer):
        return int(axis)
    return tuple(int(a) for a in axis)


def _no_out(name: str, xp: Any, out: Any) -> None:
    if out is not None:
        raise _not_standard(f"{name}(out=...)", xp)


def _reduction(std_name: str, with_dtype: bool) -> Any:
    def fn(xp, a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        _no_out(std_name, xp, out)
        kwargs = {"axis": _axes(axis), "keepdims": bool(keepdims)}
        if with_dtype and dtype is not None:
            kwargs["dtype"] = _xp_dtype(xp, dtype)
        return getattr(xp, std_name)(a, **kwargs)

    return fn


def _extremum(std_name: str) -> Any:
    def fn(xp, a, axis=None, out=None, keepdims=False, **kw):
        _no_out(std_name, xp, out)
        return getattr(xp, std_name)(a, axis=_axes(axis), keepdims=bool(keepdims))

    return fn


def _reshape(xp, a, shape=None, order="C", **kw):
    if order != "C":
        raise _not_standard(f"reshape(order={order!r})", xp)
    return xp.reshape(a, (int(shape),) if isinstance(shape, (int, np.integer)) else
                      tuple(int(s) for s in shape))


def _transpose(xp, a, axes=None):
    axes = tuple(reversed(range(a.ndim))) if axes is None else tuple(int(i) for i in axes)
    return xp.permute_dims(a, axes)


def _swapaxes(xp, a, axis1, axis2):
    perm = list(range(a.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return xp.permute_dims(a, tuple(perm))


def _expand_dims(xp, a, axis):
    if isinstance(axis, (int, np.integer)):
        return xp.expand_dims(a, axis=int(axis))
    nd = a.ndim + len(axis)
    for ax in sorted(int(x) % nd for x in axis):
        a = xp.expand_dims(a, axis=ax)
    return a


def _squeeze(xp, a, axis=None):
    if axis is None:
        axis = tuple(i for i, n in enumerate(a.shape) if n == 1)
    return xp.squeeze(a, axis=_axes(axis))


def _like_fn(fn: str) -> Any:
    def like(xp, a, *fill, dtype=None, order="K", subok=True, shape=None, **kw):
        return getattr(_facade(a), fn)(a, *fill, dtype=dtype, shape=shape)

    return like


def _dot(xp, a, b, out=None):
    _no_out("dot", xp, out)
    if a.ndim == 1 and b.ndim == 1:
        return xp.vecdot(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return xp.matmul(a, b)
    raise _not_standard("dot (N-d)", xp)


def _norm(xp, x, ord=None, axis=None, keepdims=False):
    if ord not in (None, 2) or isinstance(axis, tuple):
        raise _not_standard(f"linalg.norm(ord={ord!r}, axis={axis!r})", xp)
    return xp.linalg.vector_norm(x, axis=_axes(axis), keepdims=keepdims)


def _scalar_operand_where(xp, condition, x=None, y=None):
    if x is None and y is None:
        return xp.nonzero(condition)
    return xp.where(condition, _operand(x, "where", xp), _operand(y, "where", xp))


# NumPy function name -> handler(xp, *args, **kwargs). Only what the standard can express.
_FUNCTIONS = {
    "sum": _reduction("sum", True),
    "prod": _reduction("prod", True),
    "mean": _reduction("mean", False),
    "max": _extremum("max"),
    "amax": _extremum("max"),
    "min": _extremum("min"),
    "amin": _extremum("min"),
    "argmax": lambda xp, a, axis=None, out=None, keepdims=False: xp.argmax(
        a, axis=_axes(axis), keepdims=bool(keepdims)),
    "argmin": lambda xp, a, axis=None, out=None, keepdims=False: xp.argmin(
        a, axis=_axes(axis), keepdims=bool(keepdims)),
    "all": _extremum("all"),
    "any": _extremum("any"),
    "count_nonzero": lambda xp, a, axis=None, keepdims=False: xp.count_nonzero(
        a, axis=_axes(axis), keepdims=bool(keepdims)),
    "reshape": _reshape,
    "transpose": _transpose,
    "swapaxes": _swapaxes,
    "moveaxis": lambda xp, a, source, destination: xp.moveaxis(a, source, destination),
    "expand_dims": _expand_dims,
    "squeeze": _squeeze,
    "broadcast_to": lambda xp, a, shape, subok=False: xp.broadcast_to(a, tuple(shape)),
    "concatenate": lambda xp, arrays, axis=0, out=None, **kw: xp.concat(list(arrays), axis=axis),
    "stack": lambda xp, arrays, axis=0, out=None, **kw: xp.stack(list(arrays), axis=axis),
    "where": _scalar_operand_where,
    "clip": lambda xp, a, a_min=None, a_max=None, out=None, **kw: xp.clip(
        a, _operand(a_min, "clip", xp), _operand(a_max, "clip", xp)),
    "dot": _dot,
    "real": lambda xp, val: xp.real(val) if xp.isdtype(val.dtype, "complex floating") else val,
    "imag": lambda xp, val: xp.imag(val) if xp.isdtype(val.dtype, "complex floating")
    else xp.zeros_like(val),
    "take": lambda xp, a, indices, axis=None, out=None, mode="raise": xp.take(
        a if axis is not None else xp.reshape(a, (-1,)), indices,
        axis=axis if axis is not None else 0),
    "nonzero": lambda xp, a: xp.nonzero(a),
    "zeros_like": _like_fn("zeros_like"),
    "ones_like": _like_fn("ones_like"),
    "empty_like": _like_fn("empty_like"),
    "full_like": _like_fn("full_like"),
    "iscomplexobj": lambda xp, x: xp.isdtype(x.dtype, "complex floating"),
    "ndim": lambda xp, a: a.ndim,
    "shape": lambda xp, a: a.shape,
    "size": lambda xp, a, axis=None: (int(np.prod(a.shape)) if axis is None else a.shape[axis]),
    "copy": lambda xp, a, order="K", subok=False: xp.asarray(a, copy=True),
    "norm": _norm,
    "cumsum": lambda xp, a, axis=None, dtype=None, out=None: xp.cumulative_sum(
        a, axis=axis, dtype=_xp_dtype(xp, dtype)),
    "flip": lambda xp, m, axis=None: xp.flip(m, axis=_axes(axis)),
    "sort": lambda xp, a, axis=-1, kind=None, order=None, stable=None: xp.sort(a, axis=axis),
}


def _array_function(self: Any, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    xp = self.__array_namespace__()
    name = func.__name__
    handler = _FUNCTIONS.get(name)
    module = getattr(func, "__module__", "numpy") or "numpy"
    if name == "norm" and not module.endswith("linalg"):
        handler = None
    if handler is None:
        raise _not_standard(name if module == "numpy" else f"{module[6:]}.{name}", xp)
    return handler(xp, *args, **kwargs)


def _dtype_kind(self: Any) -> str:
    """NumPy's one-letter kind of an array-API dtype ('b', 'i', 'u', 'f', 'c')."""
    import array_api_strict as xp  # the only adoptable library so far

    for kind, letter in (("bool", "b"), ("signed integer", "i"), ("unsigned integer", "u"),
                         ("real floating", "f"), ("complex floating", "c")):
        if xp.isdtype(self, kind):
            return letter
    return "V"  # pragma: no cover


def _item(self: Any, *args: Any) -> Any:
    if args:
        raise TypeError("item() with arguments is NumPy-only")
    xp = self.__array_namespace__()
    v = xp.reshape(self, ())
    kind = self.dtype.kind
    return bool(v) if kind == "b" else int(v) if kind in "iu" else complex(v) if kind == "c" \
        else float(v)


def _reshape_method(self: Any, *shape: Any, order: str = "C") -> Any:
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = shape[0]
    return _reshape(self.__array_namespace__(), self, shape, order)


def _std_items(a: Any, key: Any) -> list:
    """NumPy's index forms as the standard's: NumPy scalars as Python ints, lists and NumPy
    arrays as arrays of ``a``'s library on ``a``'s device."""
    xp = a.__array_namespace__()
    out = []
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, _generic):
            k = k.item()
        elif isinstance(k, list):
            k = np.asarray(k)
        if isinstance(k, _ndarray):
            k = k.item() if k.ndim == 0 and k.dtype.kind in "iu" else \
                xp.asarray(k, device=a.device)
        out.append(k)
    return out


def _is_int_array(k: Any) -> bool:
    return hasattr(k, "__array_namespace__") and k.dtype.kind in "iu"


def _is_bool_array(k: Any) -> bool:
    return hasattr(k, "__array_namespace__") and k.dtype.kind == "b"


def _axes_named(items: list) -> int:
    return sum(0 if k is None or k is Ellipsis else k.ndim if _is_bool_array(k) else 1
               for k in items)


def _pad(a: Any, items: list) -> tuple:
    # The standard wants every axis named unless there is an Ellipsis: x[i] is x[i, ...]
    # (a boolean mask is the one index that may name fewer, and must stand alone).
    if not any(k is Ellipsis or _is_bool_array(k) for k in items) and \
            _axes_named(items) < a.ndim:
        items = items + [Ellipsis]
    return tuple(items)


def _take_key(a: Any, items: list, getitem: Any) -> Any:
    """``a[items]`` for one integer array among slices (NumPy's ``x[idx]``, ``x[:, idx]``,
    ``x[..., idx]``, ``x[idx, 1:]``) as the standard's ``take`` and a basic index; None for
    other forms (ints or ``None`` beside the array, several arrays)."""
    if sum(_is_int_array(k) for k in items) != 1 or \
            any(k is None or isinstance(k, int) for k in items):
        return None
    named = _axes_named(items)
    expanded: list = []
    for k in items:  # the Ellipsis as the full slices it stands for
        expanded += [slice(None)] * (a.ndim - named) if k is Ellipsis else [k]
    ax = next(i for i, k in enumerate(expanded) if _is_int_array(k))
    xp = a.__array_namespace__()
    idx = expanded[ax]
    flat = xp.reshape(xp.where(idx < 0, idx + a.shape[ax], idx), (-1,))
    out = xp.reshape(xp.take(a, flat, axis=ax), a.shape[:ax] + idx.shape + a.shape[ax + 1:])
    rest = expanded[:ax] + [slice(None)] * idx.ndim + expanded[ax + 1:]
    full = slice(None)
    if all(k == full for k in rest):
        return out
    return getitem(out, _pad(out, rest))


def _adopted_getitem(original: Any) -> Any:
    def __getitem__(self: Any, key: Any) -> Any:
        items = _std_items(self, key)
        if any(_is_int_array(k) for k in items):
            out = _take_key(self, items, original)
            if out is not None:
                return out
            return original(self, tuple(items))  # the library's own rules (or its error)
        return original(self, _pad(self, items))

    return __getitem__


def _adopted_setitem(original: Any) -> Any:
    def __setitem__(self: Any, key: Any, value: Any) -> None:
        items = _std_items(self, key)
        if not any(_is_int_array(k) for k in items):
            key = _pad(self, items)
        original(self, key, value)

    return __setitem__


def adopt_array_api_type(array_type: type, xp: Any) -> None:
    """Teach ``array_type`` (from an array-API library in ``_ADOPTABLE``) NumPy's dispatch
    and the few NumPy methods the engine core uses; idempotent."""
    if array_type in _FACADES:
        return
    if array_type.__module__.split(".", 1)[0] not in _ADOPTABLE:
        raise TypeError(f"arraygrad does not adopt {array_type.__module__} arrays")
    if "__array_ufunc__" not in vars(array_type):
        array_type.__array_ufunc__ = _array_ufunc
    if "__array_function__" not in vars(array_type):
        array_type.__array_function__ = _array_function
    if not hasattr(array_type, "copy"):
        array_type.copy = lambda self: self.__array_namespace__().asarray(self, copy=True)
    if not hasattr(array_type, "astype"):
        array_type.astype = lambda self, dtype, copy=True: self.__array_namespace__().astype(
            self, _xp_dtype(self.__array_namespace__(), dtype), copy=copy)
    if not hasattr(array_type, "item"):
        array_type.item = _item
    if not hasattr(array_type, "reshape"):
        array_type.reshape = _reshape_method
    # NumPy's index forms (x[i] on N-d, NumPy index arrays): translated, then the library's
    # own __getitem__/__setitem__ checks the result.
    array_type.__getitem__ = _adopted_getitem(array_type.__getitem__)
    array_type.__setitem__ = _adopted_setitem(array_type.__setitem__)
    dtype_type = type(xp.float64)
    if not hasattr(dtype_type, "kind"):
        dtype_type.kind = property(_dtype_kind)
    _FACADES[array_type] = _ArrayAPINumPy(xp)
