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


KNOWN: dict[str, Known] = {
    "det-singular": Known(
        "det's gradient is det(A) * inv(A).T: at a singular matrix (det is smooth there, "
        "its gradient the adjugate) inv raises LinAlgError, or where rounding hides the "
        "singularity the second derivative is wrong: x = [0.5, 0.96]; "
        "anp.linalg.det([[x[0], x[1]], [x[0], x[1]]]) has an HVP of 0.02 (exact: 0); "
        "anp.linalg.det(anp.stack([x, x])) raises",
        "trust", ops=("det (singular)",)),
    "empty-contraction": Known(
        "tensordot / inner / dot over a zero-length axis while recording: "
        "anp.tensordot(x (0,), y (0, 1), 1) raises 'cannot reshape array of size 0 into "
        "shape (0)' (ops/linalg tensordot reshapes to (-1, k) with k = 0)",
        "trust", ops=("tensordot", "inner", "dot", "x.dot", "vdot", "matmul", "x @ y",
                      "einsum", "outer", "kron"), empty_only=True),
}


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
