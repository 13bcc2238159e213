"""One progress bar for long work: tqdm's when tqdm is installed, else nothing.

    from arraygrad._progress import progress

    for case in progress(cases, desc="fuzz", unit="case"):    # wraps an iterable
        ...
    with progress(total=n, desc="gradcheck", unit="eval") as bar:   # or counts by hand
        bar.update(1)

The bar is shown only on a terminal (tqdm's ``disable=None``), goes to stderr, and can be
turned off with ``enabled=False`` or for a whole process with ``ARRAYGRAD_PROGRESS=0``.
Without tqdm, ``progress`` returns the iterable unchanged or a bar that does nothing, so
callers never branch on it. This module imports nothing of arraygrad (the benchmark
driver loads it by path without importing the library).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["progress", "NoBar"]


class NoBar:
    """The stand-in when there is no bar: tqdm's methods, doing nothing."""

    def __init__(self, iterable: Iterable | None = None) -> None:
        self.iterable = iterable
        self.n = 0

    def __iter__(self):
        return iter(self.iterable if self.iterable is not None else ())

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        pass

    def set_description(self, text: str = "", refresh: bool = True) -> None:
        pass

    def write(self, text: str, file: TextIO | None = None) -> None:
        print(text, file=file or sys.stderr)

    def close(self) -> None:
        pass


def _wanted(enabled: bool | None) -> bool:
    if enabled is False:
        return False
    return os.environ.get("ARRAYGRAD_PROGRESS", "1").strip().lower() not in ("0", "false", "no",
                                                                             "off")


def progress(iterable: Iterable | None = None, *, total: int | None = None,
             desc: str | None = None, unit: str = "it", enabled: bool | None = None,
             file: TextIO | None = None, leave: bool = False, **tqdm_kwargs: Any) -> Any:
    """A tqdm bar over ``iterable`` (or counting to ``total``), or ``NoBar`` when tqdm is
    missing or the bar is turned off. ``enabled=None`` shows it on a terminal only;
    ``True`` shows it on any stream (tests); ``False`` never."""
    if _wanted(enabled):
        try:
            from tqdm.auto import tqdm
        except ImportError:
            pass
        else:
            return tqdm(iterable, total=total, desc=desc, unit=unit, file=file or sys.stderr,
                        leave=leave, dynamic_ncols=True, mininterval=0.25,
                        disable=None if enabled is None else False, **tqdm_kwargs)
    return NoBar(iterable)
