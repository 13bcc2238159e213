"""The Tensor: an array (``data``) plus what autograd needs to know about it.

Operators and methods are attached in ``_methods.py`` once the ops exist, so that this
module stays about state: the data, the node that produced it, the gradient buffer, the
version counter that in-place ops bump.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from .. import _backend
from .mode import STATE, SWITCHES
from .node import AccumulateGrad

__all__ = ["Tensor", "tensor", "is_tensor"]

_new = object.__new__
_ndarray = np.ndarray
_generic = np.generic
_MAKE_LOCK = threading.Lock()


class _LeafMeta:
    """Rarely used per-tensor state, kept out of the hot path: one slot on the Tensor."""

    __slots__ = ("grad", "grad_req", "acc", "retains_grad", "name", "lock", "view", "views")

    def __init__(self) -> None:
        self.lock = threading.Lock()  # accumulation into .grad is atomic per leaf
        self.grad: Tensor | None = None
        self.grad_req: str | None = None  # None: PyTorch accumulation; 'write'/'add': MXNet
        self.acc: AccumulateGrad | None = None
        self.retains_grad = False
        self.name: str | None = None
        self.view: Any = None  # a view made while recording: its base (core/views.py)
        self.views: Any = None  # weak references to the views made of it while recording


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    ``data`` is the backend array (NumPy, CuPy or Dask). A tensor that requires grad either
    is a leaf (``grad_fn is None``) whose gradient lands in ``.grad``, or was produced by a
    recorded op whose backward function is ``grad_fn``.
    """

    __slots__ = ("_data", "_node", "_out", "_rg", "_version", "_meta", "__weakref__")
    __array_priority__ = 1000.0  # NumPy defers binary operators to us
    _float_index_casts = False  # a subclass's float arrays may index as ints (MXNet's np)

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        if isinstance(data, Tensor):
            data = data._data
        self._data = _as_backend_array(data, dtype)
        self._node = None
        self._out = 0
        self._rg = 0
        self._version = 0
        self._meta = None
        if requires_grad:
            self.requires_grad_(True)

    # ---------------------------------------------------------------- the data
    @property
    def array(self) -> Any:
        """The backend array itself (NumPy, CuPy or Dask), shared, outside any graph."""
        return self._data

    @property
    def data(self) -> Tensor:
        """A detached tensor sharing this one's memory, as PyTorch's ``.data``.

        Writes through it (``p.data.normal_(0, 0.01)``, ``p.data[:] = 0``) change this
        tensor without being recorded; ``.array`` is the backend array itself.
        """
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        # PyTorch's ``p.data = t``: replace the storage, keep the identity and the graph role.
        self._data = value._data if isinstance(value, Tensor) else _as_backend_array(value, None)
        self._version += 1

    # ---------------------------------------------------------------- array facts
    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def itemsize(self) -> int:
        return self._data.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    # ---------------------------------------------------------------- autograd state
    @property
    def requires_grad(self) -> bool:
        return self._rg > 0

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """PyTorch style: ``.grad`` stays None until the first backward, then accumulates."""
        if not requires_grad:
            if self._node is not None:
                raise RuntimeError(
                    "requires_grad_(False) is only allowed on leaf tensors; "
                    "use .detach() to get a tensor outside the graph"
                )
            self._rg = 0
            return self
        _check_differentiable_dtype(self._data.dtype, "requires_grad_")
        if self._node is None:
            self._rg = 1
            if self._meta is not None:
                self._meta.grad_req = None
        return self

    def attach_grad(self, grad_req: str = "write", stype: Any = None) -> None:
        """MXNet style: allocate a zero gradient buffer once; every backward writes into it.

        ``grad_req='write'`` overwrites, ``'add'`` accumulates, ``'null'`` needs no gradient.
        Called on a computed tensor it first detaches it: it becomes a new leaf.
        """
        if grad_req not in ("write", "add", "null"):
            raise ValueError(
                f"attach_grad: grad_req must be 'write', 'add' or 'null', got {grad_req!r}"
            )
        self._node = None
        self._out = 0
        meta = self._leaf_meta()
        meta.acc = None  # a fresh leaf: old graphs no longer reach it
        if grad_req == "null":
            self._rg = 0
            meta.grad = None
            meta.grad_req = None
            return
        _check_differentiable_dtype(self._data.dtype, "attach_grad")
        self._rg = 2
        meta.grad_req = grad_req
        if not isinstance(self._data, _ndarray):
            self._data = _as_backend_array(self._data, None)
        meta.grad = Tensor._make(_zeros_like(self._data))

    @property
    def grad_req(self) -> str:
        if self._meta is not None and self._meta.grad_req is not None:
            return self._meta.grad_req
        return "write" if self._rg else "null"

    @property
    def grad(self) -> Tensor | None:
        meta = self._meta
        return meta.grad if meta is not None else None

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None:
            value = value if isinstance(value, Tensor) else Tensor(value)
            if value.shape != self.shape:
                raise ValueError(
                    f"assigned grad has shape {value.shape}, but the tensor has shape {self.shape}"
                )
        self._leaf_meta().grad = value

    @property
    def grad_fn(self):
        return self._node

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def output_nr(self) -> int:
        return self._out

    @property
    def retains_grad(self) -> bool:
        return self._meta is not None and self._meta.retains_grad

    @property
    def name(self) -> str | None:
        return self._meta.name if self._meta is not None else None

    @name.setter
    def name(self, value: str | None) -> None:
        self._leaf_meta().name = value

    def detach(self) -> Tensor:
        """A tensor sharing the data, outside any graph (no gradient flows through it)."""
        return Tensor._make(self._data)

    def detach_(self) -> Tensor:
        self._node = None
        self._out = 0
        self._rg = 0
        return self

    def retain_grad(self) -> None:
        """Keep the gradient of a non-leaf tensor in ``.grad`` after backward."""
        if self._node is None:
            return
        meta = self._leaf_meta()
        if meta.retains_grad:
            return
        meta.retains_grad = True
        from .engine import retain_grad_hook

        self._node._add_pre_hook(self._out, retain_grad_hook(self))

    def register_hook(self, hook) -> Any:
        """``hook(grad)`` runs when this tensor's gradient is computed; it may return a
        replacement gradient. Returns a handle with ``.remove()``."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require grad")
        if self._node is not None:
            return self._node._add_pre_hook(self._out, hook)
        return self._accumulator()._add_pre_hook(0, hook)

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Back-propagate from this tensor; without ``gradient``, from ``self.sum()``."""
        from .engine import backward

        backward([self], None if gradient is None else [gradient], retain_graph, create_graph,
                 inputs=inputs)

    # ---------------------------------------------------------------- conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as a NumPy array (copied to the host for other backends).

        As in PyTorch, a tensor that requires grad (or is being recorded) is refused: the
        array would silently leave the graph. ``force=True`` (or ``.detach().numpy()``)
        says that is meant."""
        if not force and _escapes(self):
            raise _escape_error(self, "numpy()")
        return _backend.to_numpy(self._data)

    def asnumpy(self) -> np.ndarray:
        """MXNet's explicit copy to NumPy: allowed on any tensor (MXNet's semantics)."""
        return _backend.to_numpy(self._data)

    # ---------------------------------------------------------------- devices
    @property
    def device(self) -> Any:
        """Where the data lives: ``'cpu'`` or ``'cuda:N'`` (a ``str`` with ``.type`` and
        ``.index``); a Dask array reports where its chunks will be computed."""
        return _backend.device_of(self._data)

    # MXNet's names: ``x.ctx == npx.cpu()``, ``x.as_in_context(npx.gpu(0))``
    ctx = context = device

    def as_in_context(self, ctx: Any) -> Tensor:
        return self.to(ctx)  # ``to`` is bound by _methods

    as_in_ctx = as_in_context

    def copyto(self, other: Any) -> Tensor:
        """MXNet's ``x.copyto(ctx)``: a copy on that device; ``x.copyto(y)``: the values
        written into ``y`` (outside any graph), which is returned."""
        if isinstance(other, Tensor):
            other._data[...] = _backend.to_device(self._data, other.device)
            other._version += 1
            return other
        return self.to(other, copy=True)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        # numpy.asarray / numpy.array and NumPy code without an arraygrad twin land here.
        # An integer or boolean array has no gradient by nature (``np.int64(x)``): allowed.
        if _escapes(self) and (dtype is None or np.dtype(dtype).kind in "fcOV") \
                and not _reads_structure_only():
            raise _escape_error(self, "__array__")
        arr = self.numpy(force=True)
        if dtype is not None and arr.dtype != dtype:
            arr = arr.astype(dtype)
        elif copy:
            arr = arr.copy()
        return arr

    def item(self, *args: Any) -> Any:
        """One element as a Python scalar (``numpy.ndarray.item``). On a Dask tensor this
        computes that element; on CuPy it copies it to the host."""
        data = self._data
        if not args and data.size != 1:
            raise ValueError(f"item(): only a tensor of one element can be converted to a "
                             f"Python scalar, got shape {tuple(data.shape)} ({data.size} "
                             "elements); index it first, e.g. x[0].item()")
        if isinstance(data, _ndarray):
            return data.item(*args)
        return _backend.item(data, *args)

    def tolist(self) -> Any:
        return self.numpy(force=True).tolist()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"The truth value of a tensor with {self._data.size} elements is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self._data)  # a Dask array computes here, a CuPy one syncs

    def __float__(self) -> float:
        return float(self._single("float"))

    def __int__(self) -> int:
        return int(self._single("int"))

    def __complex__(self) -> complex:
        return complex(self._single("complex"))

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of one element can be used as an index")
        return int(self._data.reshape(()))

    def _single(self, what: str) -> Any:
        if self._data.size != 1:
            raise TypeError(f"only tensors of one element can be converted to {what}, "
                            f"got shape {self.shape}")
        return self.item()  # any backend: Dask computes the value, CuPy copies it

    __hash__ = object.__hash__  # identity, as PyTorch: tensors are dict keys in tapes

    def __reduce__(self):
        return (_rebuild, (self.numpy(force=True), self._rg > 0))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self._node is not None:
            raise RuntimeError("only leaf tensors support deepcopy; detach() first")
        out = Tensor(self._data.copy())
        out._rg = self._rg
        if self._meta is not None:
            meta = out._leaf_meta()
            meta.grad_req = self._meta.grad_req
            if self._meta.grad is not None:
                meta.grad = Tensor(self._meta.grad._data.copy())
        memo[id(self)] = out
        return out

    # ---------------------------------------------------------------- internals
    @staticmethod
    def _make(data: Any, node: Any = None, out: int = 0, rg: int = 0) -> Tensor:
        """The fast constructor every op uses: no checks, no copies."""
        t = _new(Tensor)
        if type(data) is not _ndarray and isinstance(data, _generic):
            data = np.asarray(data)  # NumPy returns scalars for 0-d results; keep arrays
        t._data = data
        t._node = node
        t._out = out
        t._rg = rg
        t._version = 0
        t._meta = None
        return t

    def _leaf_meta(self) -> _LeafMeta:
        meta = self._meta
        if meta is None:
            with _MAKE_LOCK:  # two threads recording on one fresh leaf share one meta
                meta = self._meta
                if meta is None:
                    meta = self._meta = _LeafMeta()
        return meta

    def _accumulator(self) -> AccumulateGrad:
        """The node through which gradients reach this leaf (made once, then reused)."""
        meta = self._leaf_meta()
        acc = meta.acc
        if acc is None:
            with _MAKE_LOCK:
                acc = meta.acc
                if acc is None:
                    acc = meta.acc = AccumulateGrad(self)
        return acc


def _rebuild(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(arr, requires_grad=requires_grad)


def _zeros_like(data: Any) -> Any:
    return _backend.array_module(data).zeros_like(data)


def _as_backend_array(data: Any, dtype: Any) -> Any:
    return _backend.asarray(data, dtype)


def _check_differentiable_dtype(dtype: np.dtype, where: str) -> None:
    if dtype.kind not in "fc":
        raise TypeError(
            f"{where}: only floating point and complex tensors can require gradients, "
            f"but this tensor has dtype {dtype}; convert it first, e.g. x.astype('float64')"
        )


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Make a leaf tensor from array-like ``data`` (copies, like ``numpy.array``).

    Python floats become float64, as in NumPy. Nested lists that contain Tensors are
    assembled differentiably (``tensor([x, x**2])`` keeps the graph to ``x``).
    """
    if isinstance(data, (list, tuple)):
        from .primitive import stack_arraylike  # (primitive.py imports this module)

        data = stack_arraylike(data, dtype)
        out = data if isinstance(data, Tensor) else Tensor._make(
            _backend.copy_array(data, dtype))
    elif isinstance(data, Tensor):
        out = Tensor._make(_backend.copy_array(data._data, dtype))
    else:
        out = Tensor._make(_backend.copy_array(data, dtype))
    if device is not None:
        out = Tensor._make(_backend.to_device(out._data, device), out._node, out._out,
                           out._rg)
    if requires_grad:
        if out._node is not None:
            raise RuntimeError("tensor(..., requires_grad=True) needs data without a graph")
        out.requires_grad_(True)
    if SWITCHES.tracer is not None:  # ag.compile: made inside a traced step, a constant of it
        SWITCHES.tracer.fresh(out)
    return out


def _is_device_like(obj: Any) -> bool:
    """Is ``obj`` a device for ``Tensor.to`` rather than a dtype?"""
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
        return True
    if isinstance(obj, str):
        name = obj.split(":", 1)[0].strip().lower()
        return name in ("cpu", "cuda", "gpu")
    if isinstance(obj, (type, np.dtype)):
        return False
    return type(obj).__name__ == "Device" or hasattr(obj, "index") and hasattr(obj, "type")


# ---------------------------------------------------------------------------- leaving the graph


def _escapes(t: Tensor) -> bool:
    """Would a plain array made from ``t`` silently drop a gradient? Yes when it requires
    grad in PyTorch's sense (``_rg == 1``, whatever the grad mode, as PyTorch) or when it
    is being recorded (an MXNet-style tensor inside ``autograd.record()``). Not inside a
    ``GradientTape``: TensorFlow's ``.numpy()`` there is an explicit constant, and the
    book's TensorFlow code relies on it."""
    rg = t._rg
    if not (rg == 1 or (rg != 0 and rg <= STATE.level)):
        return False
    return not _under_tape(t)


def _under_tape(t: Tensor) -> bool:
    """A tape is open (its span has no end yet), or a recent tape recorded ``t``."""
    seq = t._node.seq if t._node is not None else None
    return any(end is None or (seq is not None and start <= seq <= end)
               for start, end in STATE.tape_spans)


# NumPy functions that convert an array-like only to read its structure: no value leaves
# the graph, so a tensor that requires grad may pass through them (``np.ndim([x, y])``).
_STRUCTURE_ONLY = frozenset(f"numpy.{n}" for n in (
    "ndim", "shape", "size", "result_type", "iscomplexobj", "isrealobj", "min_scalar_type"))


def _reads_structure_only() -> bool:
    import sys

    caller, _ = _foreign_caller(sys._getframe(2))
    return caller in _STRUCTURE_ONLY


def _escape_error(t: Tensor, how: str) -> RuntimeError:
    """PyTorch's message, plus who asked for the array (a SciPy or NumPy function that has
    no arraygrad twin on this path) and where the differentiable twin is, if any."""
    import sys

    caller, twin = _foreign_caller(sys._getframe(2))
    what = f"{tuple(t.shape)} {t.dtype}"
    if caller is None and how == "numpy()":
        return RuntimeError(
            f"Can't call numpy() on a tensor that requires grad ({what}); use "
            "tensor.detach().numpy() (or .numpy(force=True)) if no gradient should flow."
        )
    head = (f"{caller} converted a tensor that requires grad ({what}) to a NumPy array"
            if caller else f"Can't convert a tensor that requires grad ({what}) to a NumPy "
            "array (numpy.asarray, numpy.array or code that calls them)")
    fix = (f"use {twin}, which records, or " if twin else "") + (
        "call it on tensor.detach() if no gradient should flow through it")
    return RuntimeError(f"{head}: the result would silently get no gradient. To go on, {fix}.")


def _foreign_caller(frame: Any) -> tuple[str | None, str | None]:
    """The outermost public NumPy/SciPy function on the stack (``scipy.special.logsumexp``)
    and its arraygrad twin, if one exists."""
    import sys

    found = None
    while frame is not None:
        mod = frame.f_globals.get("__name__", "")
        if mod.split(".")[0] in ("numpy", "scipy"):
            names = getattr(frame.f_code, "co_qualname", frame.f_code.co_name).split(".")
            found = (_public_name(mod, (names[0], names[-1]), sys.modules)
                     or _wrapped_name(frame, sys.modules) or found)
        frame = frame.f_back
    if found is None:
        return None, None
    return found, _twin(found)


def _public_name(mod: str, names: tuple, modules: dict) -> str | None:
    # numpy.lib._function_base_impl.vectorize -> numpy.vectorize: the longest public
    # package that exports the name.
    parts = [p for p in mod.split(".") if not p.startswith("_")]
    for n in range(len(parts), 0, -1):
        pkg = modules.get(".".join(parts[:n]))
        for name in names:
            if pkg is not None and not name.startswith("_") and hasattr(pkg, name):
                return f"{pkg.__name__}.{name}"
    return None


def _wrapped_name(frame: Any, modules: dict) -> str | None:
    # A decorator's wrapper frame (SciPy's batching, nan-policy wrappers): the function
    # it wraps is among its locals.
    for value in frame.f_locals.values():
        mod, name = getattr(value, "__module__", None), getattr(value, "__name__", None)
        if callable(value) and isinstance(mod, str) and isinstance(name, str) and \
                mod.split(".")[0] in ("numpy", "scipy"):
            hit = _public_name(mod, (name,), modules)
            if hit is not None:
                return hit
    return None


def _twin(qualified: str) -> str | None:
    """``arraygrad.<qualified>`` when it exists. The one lookup above the kernel, made at
    run time and only on this error path (the kernel imports nothing above itself)."""
    import importlib

    module, _, name = qualified.rpartition(".")
    try:
        ours = importlib.import_module("arraygrad." + module)
    except ImportError:
        return None
    return f"arraygrad.{qualified}" if hasattr(ours, name) else None
