"""Anomaly detection: find the op whose backward produced a NaN or an Inf.

::

    with ag.autograd.detect_anomaly():
        y = anp.sqrt(x)            # x == 0: the gradient of sqrt is inf there
        y.sum().backward()
    # RuntimeError: Function 'SqrtBackward0' returned inf values in its 0th output.
    # The op was created in the forward pass at (most recent call last):
    #   File "model.py", line 12, in forward
    #     y = anp.sqrt(x)

While anomaly mode is on, every recorded op keeps the stack of its creation in
``grad_fn.metadata['traceback']``, and each backward rule's result is checked for
non-finite values. An exception raised inside a rule gets the same forward stack as a
note. It costs time (a stack capture per op); it is for debugging.

Off, it costs one check of a global flag per recorded op and one per backward call.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from ..core.mode import SWITCHES

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "AnomalyError"]


class AnomalyError(RuntimeError, FloatingPointError):
    """A backward rule produced NaN or Inf while anomaly mode was on."""

_CHECK_NAN = [True]
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_anomaly_enabled() -> bool:
    return SWITCHES.detect_anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return SWITCHES.detect_anomaly and _CHECK_NAN[0]


def _set(mode: bool, check_nan: bool) -> None:
    from .graph import _lock, _update_flag

    with _lock:
        SWITCHES.detect_anomaly = bool(mode)
        SWITCHES.anomaly = sys.modules[__name__]  # check_results and annotate, for the engine
        _CHECK_NAN[0] = bool(check_nan)
        _update_flag()


class set_detect_anomaly:
    """Turn anomaly mode on or off: at once as a call (``set_detect_anomaly(True)``), or
    for a block as a context manager (the previous mode comes back on exit)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (SWITCHES.detect_anomaly, _CHECK_NAN[0])
        _set(mode, check_nan)

    def __enter__(self) -> set_detect_anomaly:
        return self

    def __exit__(self, *exc: object) -> None:
        _set(*self.prev)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly mode on inside the block."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev: list = []

    def __enter__(self) -> detect_anomaly:
        self.prev.append((SWITCHES.detect_anomaly, _CHECK_NAN[0]))
        _set(True, self.check_nan)
        return self

    def __exit__(self, *exc: object) -> None:
        _set(*self.prev.pop())

    def __call__(self, fn: Any) -> Any:
        import functools

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


# ---------------------------------------------------------------------------- internals


def _user_frames(stack: list) -> list:
    """Drop arraygrad's own frames (and the interpreter's) from a creation stack."""
    keep = [f for f in stack if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)]
    return keep or stack


def remember(node: Any) -> None:
    """Keep where ``node`` was created (called for each recorded op in anomaly mode)."""
    node.metadata["traceback"] = _user_frames(traceback.extract_stack()[:-1])


def forward_trace(node: Any) -> str:
    meta = node.meta
    stack = meta.get("traceback") if meta is not None else None
    if not stack:
        return ("No forward stack is known for this op: it was recorded while anomaly "
                "mode was off (turn it on before the forward pass).")
    lines = "".join(traceback.format_list(stack))
    return ("The op was created in the forward pass at (most recent call last):\n"
            + lines.rstrip("\n"))


def check_results(node: Any, results: list) -> None:
    if not _CHECK_NAN[0]:
        return
    from .._backend import array_module

    for i, r in enumerate(results):
        if r is None:
            continue
        data = r._data
        if data.dtype.kind not in "fc":
            continue
        xp = array_module(data)
        if bool(xp.all(xp.isfinite(data))):
            continue
        what = "nan" if bool(xp.any(xp.isnan(data))) else "inf"
        raise AnomalyError(
            f"Function '{node.name()}' returned {what} values in its {i}th output.\n"
            + forward_trace(node)
        )


def annotate(node: Any, exc: BaseException) -> None:
    """Add the failing op's forward stack to an exception raised inside its rule."""
    if isinstance(exc, AnomalyError) or getattr(exc, "_ag_annotated", False):
        return
    try:
        exc._ag_annotated = True  # type: ignore[attr-defined]
        note = f"Error in the backward of '{node.name()}'. " + forward_trace(node)
        if hasattr(exc, "add_note"):
            exc.add_note(note)
    except Exception:  # noqa: BLE001 - never mask the original error
        pass
