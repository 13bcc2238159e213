"""Staging: trace a step through the kernel's record path into a flat program, optimise
it (dead code, common subexpressions, constants, a buffer plan, elementwise fusion), emit
it as Python source and cache it per signature. ``ag.compile`` is the entry point."""

from .api import Compiled, CompileError, CompileWarning, compile

__all__ = ["compile", "Compiled", "CompileError", "CompileWarning"]
