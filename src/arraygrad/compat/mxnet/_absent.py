"""Modules of MXNet that this front door does not provide, importable so that code which
imports them (d2l.ai's ``d2l/mxnet.py`` imports ``mxnet.image`` and ``gluon.rnn``) loads:
any name looked up in them raises an AttributeError saying so."""

from __future__ import annotations

import types
from typing import Any


class AbsentModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{self.__name__}.{name}: arraygrad's MXNet front door does not "
                             f"provide {self.__name__} (see docs/idioms.md)")
