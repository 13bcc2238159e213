"""``mxnet.name``: the automatic names of blocks (``dense0``, ``dense1``, ...).

A block made outside any ``name_scope`` takes its name from the current ``NameManager``:
its class name in lower case and a counter per name. ``with NameManager():`` starts a
fresh count (the names of a new Python session).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["NameManager", "Prefix", "current"]

_local = threading.local()


class NameManager:
    """Counts names per hint: ``get(None, 'dense')`` is ``'dense0'``, then ``'dense1'``."""

    def __init__(self) -> None:
        self._counter: dict[str, int] = {}
        self._old: NameManager | None = None

    def get(self, name: str | None, hint: str) -> str:
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    def __enter__(self) -> NameManager:
        self._old = current()
        _local.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        _local.value = self._old
        self._old = None


class Prefix(NameManager):
    """Names with a fixed prefix: ``Prefix('mynet_').get(None, 'dense')`` is
    ``'mynet_dense0'``."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._prefix = prefix

    def get(self, name: str | None, hint: str) -> str:
        return self._prefix + super().get(name, hint)


def current() -> NameManager:
    """The NameManager in effect (one per thread, made on first use)."""
    manager = getattr(_local, "value", None)
    if manager is None:
        manager = _local.value = NameManager()
    return manager
