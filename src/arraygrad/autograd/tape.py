"""TensorFlow's idiom: ``GradientTape`` and ``Variable``.

::

    x = ag.tensor(3.0)
    with ag.GradientTape() as tape:
        tape.watch(x)                     # constants are not watched unless asked
        y = x * x
    tape.gradient(y, x)                   # tensor(6.)

    w = ag.Variable([[1.0, 2.0]])         # trainable Variables are watched when read
    with ag.GradientTape(persistent=True) as tape:
        loss = anp.sum(w @ w.T)
    tape.gradient(loss, {"w": w})         # {'w': tensor([[2., 4.]])}

How it maps onto the engine: while a tape records, a watched tensor records like a
``requires_grad`` tensor (``tape.watch`` turns that on and the tape turns it off again
when it stops recording); a ``Variable`` reports ``requires_grad`` only while a tape
that watches it records, and marks itself watched when an op reads it. ``gradient`` runs
the engine on the recorded graph and returns the gradients, never touching ``.grad``.

A gradient computed while another tape records (nested tapes) is itself recorded, so
the outer tape can differentiate it again (second derivatives).

Differences from TensorFlow: ``stop_recording()`` pauses all recording in the thread
(like ``no_grad``), not only this tape's.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import numpy as np

from ..core import engine as _engine
from ..core.mode import STATE
from ..core.node import _sequence
from ..core.tensor import Tensor

__all__ = ["GradientTape", "Variable"]

_local = threading.local()


def _tapes() -> list:
    st = getattr(_local, "tapes", None)
    if st is None:
        st = _local.tapes = []
    return st


_NON_PERSISTENT = (
    "A non-persistent GradientTape can only be used to compute one set of gradients (or "
    "jacobians); create it with GradientTape(persistent=True) to call gradient() or "
    "jacobian() more than once"
)


class GradientTape:
    """Record operations for automatic differentiation (TensorFlow's ``tf.GradientTape``).

    ``persistent=True`` allows several ``gradient``/``jacobian`` calls (the graph is
    kept); ``watch_accessed_variables=False`` watches only what ``watch`` names.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True
                 ) -> None:
        self._persistent = bool(persistent)
        self._auto = bool(watch_accessed_variables)
        self._watched: dict[int, Tensor] = {}
        self._variables: dict[int, Variable] = {}
        self._modified: list[Tensor] = []
        self._recording = False
        self._used = False
        self._start: int | None = None
        self._saved_state: tuple | None = None
        self._span: list = [0, 0]  # the node sequence numbers this tape recorded

    # ------------------------------------------------------------------ recording
    def __enter__(self) -> GradientTape:
        if self._recording:
            raise RuntimeError("this GradientTape is already recording")
        if self._start is None:
            self._start = next(_sequence)
        s = STATE
        self._saved_state = s.save()
        s.grad_enabled = True
        s.refresh()
        _tapes().append(self)
        self._span = [next(_sequence), None]
        s.tape_spans.append(self._span)
        self._recording = True
        for t in self._watched.values():  # re-entering: watched tensors record again
            self._turn_on(t)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()
        s = STATE
        s.restore(self._saved_state)

    def _stop(self) -> None:
        st = _tapes()
        if self in st:
            st.remove(self)
            self._span[1] = next(_sequence)
        self._recording = False
        self._release()

    def _turn_on(self, t: Tensor) -> None:
        if not t._rg and not isinstance(t, Variable):
            t._rg = 1
            self._modified.append(t)

    def _release(self) -> None:
        """Watched tensors stop recording, unless another recording tape watches them."""
        modified, self._modified = self._modified, []
        for t in modified:
            other = next((tp for tp in _tapes() if tp is not self and tp._recording
                          and id(t) in tp._watched), None)
            if other is not None:
                other._modified.append(t)
            elif t._node is None:
                t._rg = 0

    def watch(self, tensor: Any) -> None:
        """Record operations on ``tensor`` (a Tensor, a Variable, or a list/tuple/dict of
        them) from now on, so ``gradient`` can differentiate with respect to it."""
        from .functional import tree_flatten

        for t in tree_flatten(tensor)[0]:
            if not isinstance(t, Tensor):
                raise TypeError(
                    "GradientTape.watch: only Tensors and Variables can be watched, got "
                    f"{type(t).__name__}; make it a tensor first, e.g. ag.tensor(x)"
                )
            if t.dtype.kind not in "fc":
                warnings.warn(
                    f"GradientTape.watch: the watched tensor must be floating point or "
                    f"complex, got dtype {t.dtype}; it is ignored", stacklevel=2)
                continue
            if isinstance(t, Variable):
                self._variables[id(t)] = t
            self._watched[id(t)] = t
            if self._recording:
                self._turn_on(t)

    def stop_recording(self) -> _StopRecording:
        """Context manager: operations inside it are not recorded."""
        if not self._recording:
            raise RuntimeError(
                "GradientTape.stop_recording() called while the tape is not recording; "
                "use it inside the tape's `with` block"
            )
        return _StopRecording(self)

    def reset(self) -> None:
        """Forget everything recorded and watched (as if this were a new tape)."""
        was = self._recording
        self._release()
        self._watched.clear()
        self._variables.clear()
        self._used = False
        self._start = next(_sequence)
        self._recording = was

    def watched_variables(self) -> tuple:
        """The Variables this tape watches (named by ``watch`` or read while recording)."""
        return tuple(self._variables.values())

    # ------------------------------------------------------------------ differentiation
    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        """d(target)/d(sources), in the structure of ``sources`` (a Tensor, a list, a dict).

        A list of targets means their sum; ``output_gradients`` weights the targets
        (a vector-Jacobian product). A source that was not watched, or that the target
        does not depend on, gets None (zeros with ``unconnected_gradients='zero'``).
        """
        from .functional import tree_flatten, tree_unflatten

        zero = _unconnected(unconnected_gradients)
        self._check_use()
        t_leaves, t_def = tree_flatten(target)
        if output_gradients is None:
            ogs = [None] * len(t_leaves)
        else:
            ogs, _ = tree_flatten(output_gradients)
            if len(ogs) != len(t_leaves):
                raise ValueError(
                    f"GradientTape.gradient: got {len(ogs)} output_gradients for "
                    f"{len(t_leaves)} targets"
                )
        s_leaves, s_def = tree_flatten(sources)
        for s in s_leaves:
            if not isinstance(s, Tensor):
                raise TypeError(
                    "GradientTape.gradient: sources must be Tensors or Variables (or "
                    f"lists/dicts of them), got {type(s).__name__}"
                )
        cap = [s for s in s_leaves if self._is_watched(s)]
        targets, gos = [], []
        for t, g in zip(t_leaves, ogs):
            if isinstance(t, Tensor) and t._rg and t.dtype.kind in "fc":
                targets.append(t)
                gos.append(None if g is None else (g if isinstance(g, Tensor) else Tensor(g)))
        create = self._create_graph()
        got: dict[int, Tensor] = {}
        if targets and cap:
            res = _capture(targets, gos, cap, self._persistent or create, create)
            got = {id(s): g for s, g in zip(cap, res) if g is not None}
        if not self._persistent:
            self._used = True
        out = []
        for s in s_leaves:
            g = got.get(id(s))
            if g is None and zero:
                g = _zeros(s)
            out.append(g)
        return tree_unflatten(s_def, out)

    def jacobian(self, target: Tensor, sources: Any, unconnected_gradients: str = "none",
                 parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Any:
        """The Jacobian of ``target`` with respect to each source: shape
        ``target.shape + source.shape``, in the structure of ``sources``."""
        from .functional import tree_flatten, tree_unflatten

        zero = _unconnected(unconnected_gradients)
        self._check_use()
        if not isinstance(target, Tensor):
            target = Tensor(target)
        s_leaves, s_def = tree_flatten(sources)
        cap = [s for s in s_leaves if isinstance(s, Tensor) and self._is_watched(s)]
        create = self._create_graph()
        rows: list[list] = [[] for _ in cap]
        if target._rg and cap and target.dtype.kind in "fc":
            for k in range(target.size):
                e = np.zeros(target.size, dtype=target.dtype)
                e[k] = 1
                res = _capture([target], [Tensor._make(e.reshape(target.shape))], cap,
                               True, create)
                for j, g in enumerate(res):
                    rows[j].append(g)
        if not self._persistent:
            self._used = True
        by_id = {}
        for s, r in zip(cap, rows):
            if any(g is not None for g in r):
                by_id[id(s)] = _stack_rows(r, target.shape, s, create)
        out = []
        for s in s_leaves:
            j = by_id.get(id(s))
            if j is None and zero:
                j = Tensor._make(np.zeros(tuple(target.shape) + tuple(s.shape),
                                          dtype=s.dtype))
            out.append(j)
        return tree_unflatten(s_def, out)

    def batch_jacobian(self, target: Tensor, source: Tensor,
                       unconnected_gradients: str = "none", parallel_iterations: Any = None,
                       experimental_use_pfor: bool = True) -> Tensor | None:
        """Per-example Jacobians: for ``target`` of shape ``(B,) + T`` and ``source`` of
        shape ``(B,) + S``, a tensor of shape ``(B,) + T + S`` whose entry ``b`` is
        d target[b] / d source[b] (examples are assumed independent)."""
        zero = _unconnected(unconnected_gradients)
        self._check_use()
        if target.ndim < 1 or source.ndim < 1 or target.shape[0] != source.shape[0]:
            raise ValueError(
                "GradientTape.batch_jacobian: target and source need the same first "
                f"(batch) dimension, got shapes {tuple(target.shape)} and "
                f"{tuple(source.shape)}"
            )
        B = target.shape[0]
        inner = tuple(target.shape[1:])
        n = int(np.prod(inner, dtype=np.int64))
        create = self._create_graph()
        cols: list = []
        if target._rg and self._is_watched(source) and target.dtype.kind in "fc":
            for j in range(n):
                e = np.zeros((B, n), dtype=target.dtype)
                e[:, j] = 1
                res = _capture([target], [Tensor._make(e.reshape(target.shape))], [source],
                               True, create)
                cols.append(res[0])
        if not self._persistent:
            self._used = True
        if not cols or all(c is None for c in cols):
            if not zero:
                return None
            return Tensor._make(np.zeros((B,) + inner + tuple(source.shape[1:]),
                                         dtype=source.dtype))
        from ..ops.creation import zeros_like
        from ..ops.shape import reshape, stack

        ref = next(c for c in cols if c is not None)
        filled = [zeros_like(ref.detach()) if c is None else c for c in cols]
        st = stack(filled, axis=1)  # (B, n) + S[1:]
        return reshape(st, (B,) + inner + tuple(source.shape[1:]))

    # ------------------------------------------------------------------ internals
    def _check_use(self) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(_NON_PERSISTENT)

    def _create_graph(self) -> bool:
        """Record the gradient computation itself while some tape is recording (or a
        functional transform runs), so that it can be differentiated again."""
        if any(tp._recording for tp in _tapes()):
            return True
        from .functional import in_transform

        return STATE.level > 0 and in_transform()

    def _is_watched(self, s: Tensor) -> bool:
        if id(s) in self._watched or id(s) in self._variables:
            return True
        n = s._node
        return n is not None and self._start is not None and n.seq >= self._start

    def _note_variable(self, v: Variable) -> None:
        if id(v) not in self._variables:
            self._variables[id(v)] = v


class _StopRecording:
    def __init__(self, tape: GradientTape) -> None:
        self.tape = tape
        self.saved: tuple | None = None

    def __enter__(self) -> None:
        s = STATE
        self.saved = s.save()
        s.grad_enabled = False
        s.level = 0
        self.tape._recording = False

    def __exit__(self, *exc: object) -> None:
        s = STATE
        s.restore(self.saved)
        self.tape._recording = True


def _unconnected(value: Any) -> bool:
    v = str(getattr(value, "value", value)).lower()
    if v not in ("none", "zero"):
        raise ValueError(
            f"unconnected_gradients must be 'none' or 'zero', got {value!r}"
        )
    return v == "zero"


def _zeros(s: Tensor) -> Tensor:
    from ..ops.creation import zeros_like

    return zeros_like(Tensor._make(s._data))


def _capture(targets: list, gos: list, cap: list, retain: bool, create: bool) -> list:
    """The engine's backward from ``targets`` collecting what reaches ``cap``."""
    roots = _engine._roots(targets, None if all(g is None for g in gos) else
                           [g if g is not None else _ones(t) for t, g in zip(targets, gos)],
                           "GradientTape.gradient")
    return _engine._run(roots, retain, create, capture=cap)


def _ones(t: Tensor) -> Tensor:
    from ..ops.creation import ones_like

    return ones_like(t.detach())


def _stack_rows(rows: list, lead: tuple, s: Tensor, create: bool) -> Tensor:
    shape = tuple(lead) + tuple(s.shape)
    if create and any(r is not None and r._rg for r in rows):
        from ..ops.creation import zeros_like
        from ..ops.shape import reshape, stack

        filled = [zeros_like(Tensor._make(s._data)) if r is None else r for r in rows]
        return reshape(stack(filled, axis=0), shape)
    filled = [np.zeros(s.shape, dtype=s.dtype) if r is None else r._data for r in rows]
    return Tensor._make(np.stack(filled).reshape(shape))


# ---------------------------------------------------------------------------- Variable

_RG_SLOT = Tensor.__dict__["_rg"]


class Variable(Tensor):
    """A mutable tensor that tapes watch automatically (TensorFlow's ``tf.Variable``).

    Trainable Variables (the default) are watched by a recording tape as soon as an op
    reads them (unless the tape was made with ``watch_accessed_variables=False``);
    outside tapes they are plain constants. Change the value with ``assign``,
    ``assign_add`` and ``assign_sub`` (in place: a graph that saved the old value will
    refuse to backward, rather than use the new one).
    """

    __slots__ = ("trainable", "_own_rg")

    def __init__(self, initial_value: Any = None, trainable: bool = True,
                 name: str | None = None, dtype: Any = None, shape: Any = None) -> None:
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given")
        if callable(initial_value):
            initial_value = initial_value()
        if isinstance(initial_value, Tensor):
            initial_value = initial_value._data
        data = np.array(initial_value, dtype=dtype, copy=True) \
            if isinstance(initial_value, (list, tuple, int, float, complex, np.ndarray,
                                          np.generic)) else initial_value
        self._own_rg = 0
        self.trainable = bool(trainable)
        super().__init__(data, dtype=dtype)
        if name is not None:
            self.name = name

    # ``_rg`` decides whether ops record: for a Variable it depends on the tapes.
    @property
    def _rg(self) -> int:  # type: ignore[override]
        r = self._own_rg
        if r:
            return r
        tapes = getattr(_local, "tapes", None)
        if not tapes or self._data.dtype.kind not in "fc":
            return 0
        rg = 0
        for tp in tapes:
            if tp._recording and ((tp._auto and self.trainable) or id(self) in tp._watched):
                tp._note_variable(self)
                rg = 1
        return rg

    @_rg.setter
    def _rg(self, value: int) -> None:
        self._own_rg = value

    # ------------------------------------------------------------------ TF methods
    def assign(self, value: Any, use_locking: Any = None, name: Any = None,
               read_value: bool = True) -> Variable:
        """Write ``value`` into the variable (same shape), in place."""
        self._write(value, None, "assign")
        return self

    def assign_add(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: bool = True) -> Variable:
        self._write(delta, "add", "assign_add")
        return self

    def assign_sub(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: bool = True) -> Variable:
        self._write(delta, "sub", "assign_sub")
        return self

    def _write(self, value: Any, how: str | None, where: str) -> None:
        v = value._data if isinstance(value, Tensor) else np.asarray(value)
        data = self._data
        if tuple(np.shape(v)) != tuple(data.shape) and how is None:
            raise ValueError(
                f"Variable.{where}: the value has shape {tuple(np.shape(v))} but the "
                f"variable has shape {tuple(data.shape)}"
            )
        if how is None:
            data[...] = v
        elif how == "add":
            data += v
        else:
            data -= v
        self._version += 1

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """TensorFlow's ``Variable.numpy()``: the value, allowed inside a tape too."""
        return super().numpy(force=True)

    def read_value(self) -> Tensor:
        """The current value as a new tensor (recorded while a tape watches the variable)."""
        from ..ops.elementwise import positive

        return positive(self)

    value = read_value

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def __repr__(self) -> str:
        name = self.name if self.name is not None else "Variable"
        return (f"<ag.Variable '{name}' shape={tuple(self.shape)} dtype={self.dtype}, "
                f"numpy={np.array_repr(np.asarray(self.numpy(force=True)))}>")

    def __reduce__(self):
        return (_rebuild_variable, (np.array(self.numpy(force=True)), self.trainable, self.name))

    def __deepcopy__(self, memo: dict) -> Variable:
        out = Variable(np.array(self.numpy(force=True)), trainable=self.trainable, name=self.name)
        memo[id(self)] = out
        return out


def _rebuild_variable(arr: np.ndarray, trainable: bool, name: str | None) -> Variable:
    return Variable(arr, trainable=trainable, name=name)


del _RG_SLOT
