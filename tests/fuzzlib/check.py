"""Run a program through two interpreters and compare what a user would see.

Interpreters:
- ``arraygrad``: the library under test; leaves are ``ag.tensor(x, requires_grad=True)``;
  in-place steps really write in place (``y += b``, ``y[i] = v``).
- ``torch``: the oracle, PyTorch 2.x written to NumPy's semantics op by op (``ops.py``);
  array-likes are stacked with NumPy's dtype rule; in-place steps are computed out of
  place (the value NumPy's in-place operation has), so the oracle is always the
  mathematically right answer.
- ``torch64``: the oracle with every input upcast to float64 (tolerance calibration).

Compared, per program: the output's shape, dtype and value; the gradient of
``L = sum(out * W)`` (W fixed random) for every input; the Hessian-vector product
``d/dx <dL/dx, V>`` (double backward, V fixed random) for every input.

Tolerances (``TOLERANCES``), elementwise ``|a - b| <= atol * max(1, max|b|) + rtol * |b|``:
float64 rtol 1e-6, atol 1e-8 (two correct float64 implementations of these small,
well-conditioned programs agree to ~1e-12; the margin covers linalg gradients);
float32 rtol 3e-3, atol 3e-3 (what PyTorch in float32 against PyTorch in float64 needs on
the same programs: ``tools/fuzz.py --calibrate`` checks it, and ``test_fuzz.py`` too).
The atol is relative to the largest magnitude so that cancellation in a sum of large terms
is not mistaken for a wrong gradient.

Outcomes: ``ok``; ``mismatch`` (a number differs: the bug class this hunts); ``error``
(arraygrad raised where the oracle computed); ``refused`` (arraygrad raised its in-place
version error: a value a backward needs was overwritten, which is allowed, never silently
wrong); ``skipped`` (the oracle itself could not run the program).
"""

from __future__ import annotations

import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

import arraygrad as ag

from .programs import ArrayLike, Const, Program, Ref, Seq, Step, Sub, generate

torch.set_num_threads(1)

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float


TOLERANCES = {"float64": Tolerance(1e-6, 1e-8), "float32": Tolerance(3e-3, 3e-3)}


# ---------------------------------------------------------------------------- interpreters


def _ag_arg(x: Any, slots: list) -> Any:
    if isinstance(x, Ref):
        return slots[x.k]
    if isinstance(x, Sub):
        return slots[x.ref.k][x.index]
    if isinstance(x, (ArrayLike, Seq)):
        return x.container(_ag_arg(i, slots) for i in x.items)
    if isinstance(x, Const):
        return x.value
    return x


def _np_dtype_of(x: Any, slots: list) -> np.dtype:
    """The dtype NumPy gives ``np.asarray(x)`` for an array-like (NumPy is the spec)."""
    def dummy(i: Any) -> Any:
        if isinstance(i, Ref):
            t = slots[i.k]
            return np.zeros(tuple(t.shape), str(t.dtype).replace("torch.", ""))
        if isinstance(i, Sub):
            t = slots[i.ref.k][i.index]
            return np.zeros(tuple(t.shape), str(t.dtype).replace("torch.", ""))
        if isinstance(i, ArrayLike):
            return [dummy(j) for j in i.items]
        if isinstance(i, Const):
            return i.value
        return i
    return np.asarray(dummy(x)).dtype


def _th_stack(x: Any, slots: list, dt: torch.dtype) -> torch.Tensor:
    if isinstance(x, ArrayLike):
        return torch.stack([_th_stack(i, slots, dt) for i in x.items])
    if isinstance(x, (Ref, Sub)):
        return _th_arg(x, slots).to(dt)
    if isinstance(x, Const):
        return torch.as_tensor(np.asarray(x.value)).to(dt)
    return torch.tensor(x, dtype=dt)


def _th_arg(x: Any, slots: list) -> Any:
    if isinstance(x, Ref):
        return slots[x.k]
    if isinstance(x, Sub):
        return slots[x.ref.k][x.index]
    if isinstance(x, ArrayLike):
        dt = getattr(torch, str(_np_dtype_of(x, slots)))
        return _th_stack(x, slots, dt)
    if isinstance(x, Seq):
        return [_th_arg(i, slots) for i in x.items]
    if isinstance(x, Const):
        return torch.as_tensor(np.asarray(x.value))
    return x


def torch_step_value(step: Step, values: list[np.ndarray]) -> tuple[np.ndarray, bool]:
    """One step on float64 values, no gradient (the generator's evaluator): the value in
    float64, and whether the step itself rounds to float32 (``x.astype('float32')``)."""
    slots = [torch.from_numpy(np.asarray(v, dtype=np.float64)) for v in values]
    with torch.no_grad():
        out = step.op.th(*[_th_arg(a, slots) for a in step.args], **step.params)
    return out.detach().numpy().astype(np.float64), out.dtype == torch.float32


@dataclass
class Result:
    out: np.ndarray
    grads: list[np.ndarray]
    hvps: list[np.ndarray]


def _directions(prog: Program, out_shape: tuple) -> tuple[np.ndarray, list[np.ndarray]]:
    r = np.random.default_rng(prog.seed + 7919)
    w = r.uniform(-1, 1, out_shape)
    vs = [r.uniform(-1, 1, x.shape) for x in prog.inputs]
    return w, vs


@dataclass(frozen=True)
class Backend:
    """What differs between the interpreters: making a leaf and a constant, calling a
    step, taking gradients, and reading a gradient back as a NumPy array."""

    leaf: Any
    const: Any
    call: Any
    grad: Any
    to_numpy: Any


def _th_numpy(g: Any, x: np.ndarray) -> np.ndarray:
    # (double backward may return PyTorch's lazy ZeroTensor, which has no NumPy view)
    if g is None or g._is_zerotensor():
        return np.zeros_like(x, dtype=_np_dt(g, x))
    return g.detach().numpy().copy()


ARRAYGRAD = Backend(
    leaf=lambda x: ag.tensor(x.copy(), requires_grad=True),
    const=lambda v, dtype: ag.tensor(v.astype(dtype)),
    call=lambda step, slots: step.op.ag(*[_ag_arg(a, slots) for a in step.args],
                                        **step.params),
    grad=lambda outs, ins, create_graph: ag.autograd.grad(
        outs, ins, create_graph=create_graph, allow_unused=True),
    to_numpy=lambda g, x: np.zeros_like(x) if g is None else g.detach().numpy().copy())

TORCH = Backend(
    leaf=lambda x: torch.tensor(x.copy(), requires_grad=True),
    const=lambda v, dtype: torch.as_tensor(v, dtype=dtype),
    call=lambda step, slots: step.op.th(*[_th_arg(a, slots) for a in step.args],
                                        **step.params),
    grad=lambda outs, ins, create_graph: torch.autograd.grad(
        outs, ins, create_graph=create_graph, allow_unused=True),
    to_numpy=_th_numpy)


def run(prog: Program, be: Backend, inputs: list[np.ndarray] | None = None) -> Result:
    """The program's output, its gradient and its Hessian-vector product on ``be``."""
    leaves = [be.leaf(x) for x in (prog.inputs if inputs is None else inputs)]
    slots: list = list(leaves)
    for step in prog.steps:
        v = be.call(step, slots)
        if step.out == len(slots):
            slots.append(v)
        else:
            slots[step.out] = v  # an in-place step: the slot now holds the written value
    out = slots[prog.output]
    w, vs = _directions(prog, tuple(out.shape))
    value = out.detach().numpy().copy()
    if not out.requires_grad:
        zeros = [np.zeros_like(x) for x in prog.inputs]
        return Result(value, zeros, zeros)
    grads = be.grad((out * be.const(w, out.dtype)).sum(), leaves, True)
    dot = None
    for g, v in zip(grads, vs):
        if g is not None and g.requires_grad:
            term = (g * be.const(v, g.dtype)).sum()
            dot = term if dot is None else dot + term
    hvps = [None] * len(leaves) if dot is None else be.grad(dot, leaves, False)
    return Result(value, [be.to_numpy(g, x) for g, x in zip(grads, prog.inputs)],
                  [be.to_numpy(g, x) for g, x in zip(hvps, prog.inputs)])


def run_arraygrad(prog: Program) -> Result:
    return run(prog, ARRAYGRAD)


def run_torch(prog: Program, upcast: bool = False) -> Result:
    return run(prog, TORCH, [x.astype(np.float64) for x in prog.inputs] if upcast else None)


def _np_dt(g: Any, x: np.ndarray) -> Any:
    return x.dtype if g is None else str(g.dtype).replace("torch.", "")


RUNNERS = {"arraygrad": run_arraygrad, "torch": run_torch,
           "torch64": lambda p: run_torch(p, upcast=True)}


# ---------------------------------------------------------------------------- comparison


def differs(a: np.ndarray, b: np.ndarray, tol: Tolerance,
            oracle_nan_unknown: bool = False) -> str | None:
    """Why ``a`` (under test) is not ``b`` (the reference) within ``tol``, or None.

    ``oracle_nan_unknown``: where the oracle's derivative is NaN it does not know (PyTorch's
    ``std`` of one element has a NaN gradient though the function is constant 0); those
    entries are not compared. A NaN from arraygrad against a finite oracle still fails."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return f"shape {a.shape} != {b.shape}"
    if a.size == 0:
        return None
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    if oracle_nan_unknown and np.isnan(b64).any():
        known = ~np.isnan(b64)
        a64, b64 = a64[known], b64[known]
    if not np.array_equal(np.isfinite(a64), np.isfinite(b64)):
        return f"non-finite pattern differs: {a64.ravel()[:6]} vs {b64.ravel()[:6]}"
    fin = np.isfinite(b64)
    scale = max(1.0, float(np.max(np.abs(b64[fin])))) if fin.any() else 1.0
    err = np.abs(a64 - b64)
    bound = tol.atol * scale + tol.rtol * np.abs(b64)
    bad = fin & (err > bound)
    if bad.any():
        i = int(np.argmax(np.where(bad, err - bound, -np.inf)))
        return (f"max error {float(err[bad].max()):.3g} at flat index {i}: "
                f"{a64.ravel()[i]!r} vs {b64.ravel()[i]!r}")
    return None


def compare(a: Result, b: Result, dtype: str, check_dtype: bool = True) -> str | None:
    tol = TOLERANCES[dtype]
    if check_dtype and a.out.dtype != b.out.dtype:
        return f"value: dtype {a.out.dtype} != {b.out.dtype}"
    why = differs(a.out, b.out, tol)
    if why:
        return f"value: {why}"
    for what, xs, ys in (("grad", a.grads, b.grads), ("hvp", a.hvps, b.hvps)):
        for i, (x, y) in enumerate(zip(xs, ys)):
            if check_dtype and x.dtype != y.dtype:
                return f"{what} of v{i}: dtype {x.dtype} != {y.dtype}"
            why = differs(x, y, tol, oracle_nan_unknown=True)
            if why:
                return f"{what} of v{i}: {why}"
    return None


@dataclass
class Outcome:
    program: Program
    status: str  # ok | mismatch | error | refused | skipped
    detail: str = ""
    culprit: str = ""  # family/op of the shortest failing prefix's last step

    def __str__(self) -> str:
        return (f"[{self.status}] {self.culprit}: {self.detail}\n"
                + self.program.describe())


def run_program(prog: Program, test: str = "arraygrad", oracle: str = "torch") -> Outcome:
    check_dtype = "torch64" not in (test, oracle)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = RUNNERS[oracle](prog)
        except Exception as e:  # the oracle cannot run it: not a finding
            return Outcome(prog, "skipped", f"oracle: {type(e).__name__}: {_line(e)}")
        try:
            got = RUNNERS[test](prog)
        except Exception as e:
            status = "refused" if _refusal(e) else "error"
            return Outcome(prog, status, f"{type(e).__name__}: {_line(e)}")
    why = compare(got, want, prog.dtype, check_dtype)
    return Outcome(prog, "mismatch" if why else "ok", why or "")


def _refusal(e: BaseException) -> bool:
    """arraygrad's in-place rules: a saved value was overwritten, or the target is a leaf
    that requires grad (``matrix_power(x, 1)`` and ``asarray(x)`` are ``x`` itself, as in
    NumPy, so ``y += 1`` on them writes into the leaf), or the target is a view that cannot
    be written back (a broadcast that repeats elements). Allowed: loud, never wrong."""
    msg = str(e)
    return "modified by an inplace operation" in msg or "cannot write it back into" in msg or (
        "leaf tensor that requires grad" in msg and "in-place" in msg)


def _line(e: BaseException) -> str:
    s = str(e).strip().splitlines()
    return s[0][:300] if s else ""


def shrink(out: Outcome, test: str = "arraygrad", oracle: str = "torch") -> Outcome:
    """The shortest failing prefix of the program (its last step is the culprit)."""
    prog = out.program
    for n in range(1, len(prog.steps) + 1):
        o = run_program(prog.prefix(n), test, oracle) if n < len(prog.steps) else out
        if o.status in ("mismatch", "error"):
            last = o.program.steps[-1].op
            o.culprit = f"{last.family}/{last.name}"
            return o
    return out


# ---------------------------------------------------------------------------- many


@dataclass
class Report:
    programs: int = 0
    seconds: float = 0.0
    by_family: dict = field(default_factory=lambda: defaultdict(Counter))
    failures: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    ops_run: Counter = field(default_factory=Counter)  # steps per op name

    @property
    def mismatches(self) -> int:
        return self.statuses["mismatch"] + self.statuses["error"]

    def add(self, o: Outcome) -> None:
        self.programs += 1
        self.statuses[o.status] += 1
        for s in o.program.steps:
            self.ops_run[s.op.name] += 1
        for fam in o.program.families:
            self.by_family[fam]["programs"] += 1
            self.by_family[fam][o.status] += 1
        if o.status in ("mismatch", "error"):
            self.failures.append(o)

    def summary(self, examples: int = 3) -> str:
        cols = ["programs", "ok", "mismatch", "error", "refused", "skipped"]
        lines = [f"{self.programs} programs in {self.seconds:.1f} s: "
                 + ", ".join(f"{self.statuses[c]} {c}" for c in cols[1:]),
                 f"{'family':<12}" + "".join(f"{c:>10}" for c in cols)]
        for fam in sorted(self.by_family):
            c = self.by_family[fam]
            lines.append(f"{fam:<12}" + "".join(f"{c[k]:>10}" for k in cols))
        culprits = Counter(o.culprit for o in self.failures)
        if culprits:
            lines.append("failures by culprit (shortest failing prefix): "
                         + ", ".join(f"{k} x{v}" for k, v in culprits.most_common()))
        seen = set()
        for o in self.failures:
            if o.culprit in seen or len(seen) >= examples:
                continue
            seen.add(o.culprit)
            lines.append(str(o))
        return "\n".join(lines)


class Drawer:
    """The programs of a run: ``draw(i, seed)`` is the run's i-th program (``--replay``
    uses the same rule, so a printed seed can be drawn again)."""

    def __init__(self, families: Any = None, only: Any = None, exclude: Any = (),
                 skip_known: bool = False, every_op: bool = False,
                 dtype: str | None = None) -> None:
        from .ops import by_family

        self.nonempty: Any = ()
        if skip_known:
            from .known import excluded

            out, self.nonempty = excluded()
            exclude = tuple(exclude) + tuple(out)
        self.families, self.only, self.exclude, self.dtype = families, only, exclude, dtype
        table = by_family(families, only, exclude)
        self.turns = [o.name for ops_ in table.values() for o in ops_] if every_op else []

    def __call__(self, i: int, seed: int) -> Program:
        only = [self.turns[i]] if 0 <= i < len(self.turns) else self.only
        return generate(seed, dtype=self.dtype, families=self.families, only=only,
                        exclude=self.exclude, nonempty=self.nonempty)


def run_many(seeds: Any, test: str = "arraygrad", oracle: str = "torch",
             families: list[str] | None = None, dtype: str | None = None,
             progress: Any = None, only: Any = None, exclude: Any = (),
             skip_known: bool = False, every_op: bool = False) -> Report:
    """Run the programs of ``seeds``; ``skip_known``: leave out the bug classes of
    ``known.KNOWN`` (not fixed yet), as CI does; ``every_op``: the first programs end in
    each op of the table in turn (so a short run still exercises every op), the rest are
    drawn freely."""
    draw = Drawer(families, only, exclude, skip_known, every_op, dtype)
    report = Report()
    t0 = time.perf_counter()
    for i, seed in enumerate(seeds):
        prog = draw(i, int(seed))
        o = run_program(prog, test, oracle)
        if o.status in ("mismatch", "error"):
            o = shrink(o, test, oracle)
        report.add(o)
        if progress is not None:
            progress(o)
    report.seconds = time.perf_counter() - t0
    return report
