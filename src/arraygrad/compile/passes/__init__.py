"""Optimisation passes over a Program, each a small function ``pass(prog) -> prog``.

Order: constants folded, common subexpressions merged, dead code removed, guards hoisted
(so a failing guard re-traces before any write), then the memory plan and elementwise
fusion.
"""

from __future__ import annotations

from ..program import Program
from .constants import fold_constants
from .cse import cse
from .dce import dce
from .fusion import fuse
from .guards import hoist_guards
from .memory import plan_memory

__all__ = ["optimize", "fold_constants", "cse", "dce", "hoist_guards", "plan_memory", "fuse"]


def optimize(prog: Program, fusion: str | None = None) -> Program:
    prog = fold_constants(prog)
    prog = cse(prog)
    prog = dce(prog)
    prog = hoist_guards(prog)
    if fusion:
        prog = fuse(prog, fusion)
    prog = plan_memory(prog)
    return prog
