"""Bug classes the fuzzer has found that are not fixed yet (each owned elsewhere).

The CI run (``tests/test_fuzz.py``, ``tools/fuzz.py --skip-known``) leaves these ops out so
that it guards everything else; ``test_fuzz.py::test_known_bug_class`` runs each class
focused and is ``xfail(strict=True)``: when the fix lands the test passes, strict xfail
turns that into a failure, and the entry must be deleted here (the class then joins the CI
run). Each entry names the bug, a minimal repro and who fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Known:
    reason: str
    owner: str
    ops: tuple = ()  # op names in ops.OPS
    families: tuple = ()  # or whole families
    empty_only: bool = False  # only when an operand has a zero-length axis
    extra: dict = field(default_factory=dict)


KNOWN: dict[str, Known] = {}  # (none open: det-singular and empty-contraction are fixed)


def excluded(known: dict[str, Known] | None = None) -> tuple[list[str], list[str]]:
    """(op names to leave out, op names to keep away from empty operands)."""
    from . import ops

    known = KNOWN if known is None else known
    out: list[str] = []
    empty: list[str] = []
    for k in known.values():
        names = list(k.ops) + [o.name for o in ops.OPS if o.family in k.families]
        (empty if k.empty_only else out).extend(names)
    return out, empty
