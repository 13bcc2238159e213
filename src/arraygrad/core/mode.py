"""Thread-local recording state: PyTorch's grad mode and MXNet's record scopes in one place.

The engine reads one integer, ``level``, on every op, so the state is folded into it:

- level 0: nothing records (``no_grad``, ``pause``, or inside a backward without create_graph);
- level 1: PyTorch-style tensors (``requires_grad``) record; the default;
- level 2: MXNet-style tensors (``attach_grad``) record too, inside ``autograd.record()``.

A tensor that asks for gradients carries ``_rg`` = 1 (PyTorch style) or 2 (MXNet style),
and an op records when some input has ``0 < _rg <= level``.
"""

from __future__ import annotations

import collections
import threading

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "record",
    "pause",
    "train_mode",
    "predict_mode",
    "is_recording",
    "is_training",
    "set_training",
    "set_recording",
]


class _State(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.recording = False
        self.training = False
        self.level = 1
        # TensorFlow-style tapes: ``t.numpy()`` / ``np.asarray(t)`` of a tensor recorded by
        # one is allowed, as TensorFlow allows it (the array is a constant, by TF's design).
        # The node-sequence spans [start, end] the recent tapes recorded, end None while
        # open (bounded: an older tape's tensor is refused, loudly, never silently wrong).
        self.tape_spans: collections.deque = collections.deque(maxlen=64)

    def refresh(self) -> None:
        self.level = 0 if not self.grad_enabled else (2 if self.recording else 1)

    def save(self) -> tuple[bool, bool, int]:
        """The grad state, for ``restore`` (every scope that sets flags by hand uses the pair)."""
        return (self.grad_enabled, self.recording, self.level)

    def restore(self, saved: tuple[bool, bool, int]) -> None:
        self.grad_enabled, self.recording, self.level = saved


STATE = _State()


class _Switches:
    """Process-wide switches (not thread-local) that take an op off the fast path.

    The layers above the kernel register callables here instead of the kernel importing
    them: ``autograd.graph`` (saved-tensor hooks) and ``autograd.anomaly`` set
    ``on_record``; anomaly mode sets ``detect_anomaly`` and ``anomaly`` (an object with
    ``check_results(node, results)`` and ``annotate(node, exc)``); a compiler sets
    ``tracer`` (see ``core.primitive.call``). ``extras`` is true while ``on_record`` or
    ``tracer`` is set: the record path reads that one flag per op.
    """

    __slots__ = ("on_record", "detect_anomaly", "anomaly", "tracer", "extras")

    def __init__(self) -> None:
        self.on_record = None
        self.detect_anomaly = False
        self.anomaly = None
        self.tracer = None
        self.extras = False

    def update(self) -> None:
        self.extras = self.on_record is not None or self.tracer is not None


SWITCHES = _Switches()


class _Scope:
    """A context manager (and decorator) that sets grad/record/training flags and restores them."""

    __slots__ = ("_grad", "_record", "_train", "_saved")

    def __init__(
        self,
        grad: bool | None = None,
        record: bool | None = None,
        train: bool | None = None,
    ) -> None:
        self._grad, self._record, self._train = grad, record, train
        self._saved: list[tuple[bool, bool, bool]] = []

    def __enter__(self) -> _Scope:
        s = STATE
        self._saved.append((s.grad_enabled, s.recording, s.training))
        if self._grad is not None:
            s.grad_enabled = self._grad
        if self._record is not None:
            s.recording = self._record
        if self._train is not None:
            s.training = self._train
        s.refresh()
        return self

    def __exit__(self, *exc: object) -> None:
        s = STATE
        s.grad_enabled, s.recording, s.training = self._saved.pop()
        s.refresh()

    def __call__(self, fn):  # used as a decorator
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _Scope(self._grad, self._record, self._train):
                return fn(*args, **kwargs)

        return wrapper


def no_grad() -> _Scope:
    """Disable recording (both idioms) inside the block."""
    return _Scope(grad=False)


def enable_grad() -> _Scope:
    """Re-enable PyTorch-style recording inside a ``no_grad`` block."""
    return _Scope(grad=True)


class set_grad_enabled(_Scope):
    """``set_grad_enabled(False)`` works as a function call and as a context manager."""

    __slots__ = ()

    def __init__(self, mode: bool) -> None:
        super().__init__(grad=bool(mode))
        # Like PyTorch, the plain call takes effect at once; the context form restores on exit.
        self._saved.append((STATE.grad_enabled, STATE.recording, STATE.training))
        STATE.grad_enabled = bool(mode)
        STATE.refresh()

    def __enter__(self) -> set_grad_enabled:
        return self


def is_grad_enabled() -> bool:
    return STATE.grad_enabled


def record(train_mode: bool = True) -> _Scope:
    """MXNet's ``autograd.record()``: record ops on attached arrays, and set the training mode."""
    return _Scope(grad=True, record=True, train=train_mode)


def pause(train_mode: bool = False) -> _Scope:
    """MXNet's ``autograd.pause()``: stop recording (both idioms) inside the block."""
    return _Scope(grad=False, record=False, train=train_mode)


def train_mode() -> _Scope:
    return _Scope(train=True)


def predict_mode() -> _Scope:
    return _Scope(train=False)


def is_recording() -> bool:
    """True inside ``autograd.record()`` (and not paused)."""
    return STATE.recording and STATE.grad_enabled


def is_training() -> bool:
    return STATE.training


def set_training(flag: bool) -> bool:
    """Set the training mode; return the previous one (MXNet's ``set_training``)."""
    prev, STATE.training = STATE.training, bool(flag)
    return prev


def set_recording(flag: bool) -> bool:
    prev, STATE.recording = STATE.recording, bool(flag)
    STATE.refresh()
    return prev
