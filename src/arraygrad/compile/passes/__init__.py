"""Optimisation passes over a Program, each a small function ``pass(prog) -> prog``.

Order: constants folded, common subexpressions merged, dead code removed, guards hoisted
(so a failing guard re-traces before any write), then the memory plan and elementwise
fusion.
"""

from __future__ import annotations

import copy

from ..program import Program
from .constants import fold_constants
from .copies import elide_copies
from .cse import cse
from .dce import dce
from .fusion import fuse
from .guards import hoist_guards
from .memory import plan_memory
from .scalars import RAISES, lower_scalars

__all__ = ["optimize", "simplify", "lower", "fold_constants", "cse", "dce", "elide_copies",
           "hoist_guards", "plan_memory", "fuse", "lower_scalars", "RAISES"]


def optimize(prog: Program, fusion: str | None = None) -> Program:
    """All passes; ``fusion`` names the kernel backend (None: the NumPy program)."""
    prog = simplify(prog)
    return lower(prog, fusion)


def simplify(prog: Program) -> Program:
    """The passes every program gets at trace time."""
    prog = fold_constants(prog)
    prog = cse(prog)
    prog = dce(prog)
    prog = elide_copies(prog)
    return hoist_guards(prog)


def lower(prog: Program, fusion: str | None = None, scalars: bool = True,
          plan: bool = True) -> Program:
    """Fusion (when a backend is given) and the buffer plan, on a copy of ``prog``."""
    prog = copy.copy(prog)
    prog.instrs = list(prog.instrs)
    prog.plan = dict(prog.plan)
    prog.notes = list(prog.notes)
    if fusion:
        prog = fuse(prog, fusion)
        prog = dce(prog)
    if scalars:
        prog = lower_scalars(prog)
    return plan_memory(prog) if plan else prog
