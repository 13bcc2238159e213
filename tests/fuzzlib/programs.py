"""Programs: inputs, 1-4 steps drawn from the op table, and the generator that draws them.

A program is data, not code: each step names an op of ``ops.OPS``, its arguments
(``Ref`` to an input or an earlier result, ``Sub`` for ``value[i]``, ``ArrayLike`` for a
list/tuple holding those and Python scalars, or constants) and its static parameters. The
same program is run by both interpreters in ``check.py``.

While drawing, every step is evaluated at once by the PyTorch interpreter in float64, so
the generator knows each intermediate's shape and values: ops choose arguments in their
domain (``log`` of positive values, ``sort`` of distinct values, ``eigh`` with separated
eigenvalues), and steps whose values overflow are discarded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_SIZE = 48  # elements per value: keeps double backward cheap


DRAW_ERRORS: Counter = Counter()  # draws the oracle could not evaluate (fuzzer bugs)


class Skip(Exception):
    """A draw that cannot be made here (no suitable argument); the generator moves on."""


@dataclass(frozen=True)
class Ref:
    """An input or an earlier step's result, by slot."""

    k: int

    def __repr__(self) -> str:
        return f"v{self.k}"


@dataclass(frozen=True)
class Sub:
    """``value[index]`` (basic indexing) taken inside an array-like."""

    ref: Ref
    index: tuple

    def __repr__(self) -> str:
        return f"{self.ref!r}[{', '.join(map(str, self.index))}]"


@dataclass(frozen=True)
class ArrayLike:
    """A (nested) list or tuple of Refs, Subs, Python floats and NumPy constants, as a user
    passes to any NumPy function taking ``array_like``."""

    items: tuple
    container: type = list

    def __repr__(self) -> str:
        body = ", ".join(_fmt(i) for i in self.items)
        if self.container is list:
            return f"[{body}]"
        return f"({body}{',' if len(self.items) == 1 else ''})"


@dataclass(frozen=True)
class Seq:
    """A sequence of arrays (``concatenate``'s and ``stack``'s first argument): a list in
    both interpreters, never stacked into one array."""

    items: tuple
    container: type = list

    def __repr__(self) -> str:
        body = ", ".join(_fmt(i) for i in self.items)
        return f"[{body}]" if self.container is list else f"({body},)"


@dataclass(frozen=True)
class Const:
    """A NumPy constant (no gradient): masks, weights, index arrays, plain operands."""

    value: Any

    def __repr__(self) -> str:
        v = np.asarray(self.value)
        if v.dtype == bool or v.dtype.kind == "i" or v.size <= 4:
            return f"np.array({v.tolist()!r}, {v.dtype})"
        return f"<{v.dtype} {v.shape} constant>"


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return repr(x)
    return repr(x)


@dataclass
class Step:
    op: Any  # ops.Op
    args: tuple
    params: dict
    out: int  # the slot written (a new one, or the target of an in-place op)

    def __repr__(self) -> str:
        a = ", ".join([_fmt(x) for x in self.args]
                      + [f"{k}={_fmt(v)}" for k, v in self.params.items()])
        verb = "=" if not self.op.inplace else "<-"
        return f"v{self.out} {verb} {self.op.name}({a})"


@dataclass
class Program:
    seed: int
    dtype: str
    inputs: list[np.ndarray]  # in ``dtype``; every one requires grad
    kinds: list[str]
    steps: list[Step] = field(default_factory=list)

    @property
    def output(self) -> int:
        return self.steps[-1].out

    @property
    def families(self) -> list[str]:
        return sorted({s.op.family for s in self.steps})

    def prefix(self, n: int) -> Program:
        return Program(self.seed, self.dtype, self.inputs, self.kinds, self.steps[:n])

    def describe(self) -> str:
        lines = [f"# seed {self.seed}, {self.dtype}"]
        for i, (x, kind) in enumerate(zip(self.inputs, self.kinds)):
            text = np.array2string(x, precision=4, separator=", ")
            lines.append(f"v{i} = leaf {x.dtype} {x.shape} {kind}: {text}")
        lines += [repr(s) for s in self.steps]
        return "\n".join(lines)


# ---------------------------------------------------------------------------- sampling

DOMAINS = {
    # name: (predicate on float64 values, sampler for a new input)
    "any": (lambda v: True, lambda r, s: r.uniform(-1.5, 1.5, s)),
    "pos": (lambda v: np.all(v > 0.2), lambda r, s: r.uniform(0.4, 2.0, s)),
    "nz": (lambda v: np.all(np.abs(v) > 0.2),
           lambda r, s: r.uniform(0.4, 1.6, s) * r.choice([-1.0, 1.0], s)),
    "unit": (lambda v: np.all(np.abs(v) < 0.85), lambda r, s: r.uniform(-0.8, 0.8, s)),
    "gt1": (lambda v: np.all(v > 1.2), lambda r, s: r.uniform(1.3, 3.0, s)),
    "small": (lambda v: np.all(np.abs(v) < 3.0), lambda r, s: r.uniform(-1.5, 1.5, s)),
    "distinct": (lambda v: _distinct(v), lambda r, s: _distinct_sample(r, s)),
}


def _distinct(v: np.ndarray, gap: float = 0.05) -> bool:
    flat = np.sort(np.ravel(v))
    return flat.size < 2 or bool(np.min(np.diff(flat)) > gap)


def _distinct_sample(r: np.random.Generator, shape: tuple) -> np.ndarray:
    n = int(np.prod(shape, dtype=np.int64))
    vals = (r.permutation(n) - n / 2) * 0.25 + r.uniform(-0.05, 0.05, n)
    return vals.reshape(shape)


def structured(r: np.random.Generator, kind: str, shape: tuple) -> np.ndarray:
    """Matrices (batched over leading axes) with the structure linalg cases need."""
    n = shape[-1]
    b = r.uniform(-1, 1, shape)
    eye = np.eye(n)
    if kind == "spd":
        return b @ np.swapaxes(b, -1, -2) / n + eye
    if kind == "sym":
        return (b + np.swapaxes(b, -1, -2)) / 2 + 0.5 * eye
    if kind == "tril":
        return np.tril(b) + 2.0 * eye
    if kind == "spd-upper-noise":
        # SPD in the lower triangle, anything above it: NumPy's cholesky / eigh read the
        # lower triangle only, so the gradient must ignore the upper one.
        a = b @ np.swapaxes(b, -1, -2) / n + eye
        return np.tril(a) + np.triu(r.uniform(-1, 1, shape), 1)
    if kind == "wellcond":
        return 0.4 * b + 1.5 * eye
    raise ValueError(kind)


class Gen:
    """The state of one draw: the slots' current float64 values (from the PyTorch
    interpreter), the inputs made so far, and the random source."""

    def __init__(self, rng: np.random.Generator, dtype: str, mixed: bool = False) -> None:
        self.r = rng
        self.dtype = dtype
        self.mixed = mixed  # some inputs in the other float dtype (promotion)
        self.single = False  # has a step rounded to float32 (tolerances then are float32's)
        self.inputs: list[np.ndarray] = []
        self.kinds: list[str] = []
        self.values: list[np.ndarray] = []  # float64, per slot
        self.is_input: list[bool] = []
        self.used: set[int] = set()
        self.last: int | None = None

    # -- values
    def shape(self, ref: Ref) -> tuple:
        return tuple(self.values[ref.k].shape)

    def value(self, ref: Ref) -> np.ndarray:
        return self.values[ref.k]

    def new_input(self, shape: tuple, kind: str = "any") -> Ref:
        if kind in DOMAINS:
            v = DOMAINS[kind][1](self.r, shape)
        else:
            v = structured(self.r, kind, shape)
        dtype = self.dtype
        if self.mixed and self.r.random() < 0.25:
            dtype = "float64" if dtype == "float32" else "float32"
        v = np.asarray(v, dtype=np.float64).astype(dtype)
        self.inputs.append(v)
        self.kinds.append(kind)
        self.values.append(v.astype(np.float64))
        self.is_input.append(True)
        return Ref(len(self.values) - 1)

    def shape_any(self, max_ndim: int = 3, min_ndim: int = 0) -> tuple:
        nd = int(self.r.integers(min_ndim, max_ndim + 1))
        shape = [int(d) for d in self.r.integers(1, 5, nd)]
        if shape and self.r.random() < 0.05:  # now and then an empty axis
            shape[int(self.r.integers(nd))] = 0
        return tuple(shape)

    def pick(self, domain: str = "any", *, shape: tuple | None = None,
             ok: Any = None, new_shape: tuple | None = None, min_ndim: int = 0,
             max_ndim: int = 3, intermediate: bool = False) -> Ref:
        """An argument: usually the last result (chaining), else any slot that fits, else
        a new input (of ``new_shape`` or a random one)."""
        pred = DOMAINS[domain][0]

        def fits(k: int) -> bool:
            v = self.values[k]
            if intermediate and self.is_input[k]:
                return False
            if shape is not None and v.shape != shape:
                return False
            if not (min_ndim <= v.ndim <= max_ndim):
                return False
            if ok is not None and not ok(v):
                return False
            return bool(pred(v))

        if self.last is not None and fits(self.last) and self.r.random() < 0.75:
            return Ref(self.last)
        cands = [k for k in range(len(self.values)) if fits(k)]
        if cands and self.r.random() < 0.5:
            return Ref(int(self.r.choice(cands)))
        if intermediate:
            raise Skip
        if new_shape is None:
            new_shape = shape if shape is not None else self.shape_any(max_ndim, min_ndim)
        return self.new_input(new_shape, domain)

    def broadcastable(self, shape: tuple, domain: str = "any", into: bool = False) -> Ref:
        """A second operand broadcasting against ``shape`` (``into``: to exactly ``shape``,
        as an in-place operand must)."""
        def ok(v: np.ndarray) -> bool:
            try:
                out = np.broadcast_shapes(v.shape, shape)
            except ValueError:
                return False
            return out == shape if into else np.prod(out) <= MAX_SIZE
        cands = [k for k in range(len(self.values)) if ok(self.values[k])
                 and DOMAINS[domain][0](self.values[k])]
        if cands and self.r.random() < 0.5:
            return Ref(int(self.r.choice(cands)))
        return self.new_input(self.broadcast_shape(shape, into), domain)

    def broadcast_shape(self, shape: tuple, into: bool = False) -> tuple:
        s = list(shape)
        if s and self.r.random() < 0.5:  # drop leading axes
            s = s[int(self.r.integers(0, len(s) + 1)):]
        elif not into and len(s) < 3 and self.r.random() < 0.25:  # or add one
            s = [int(self.r.integers(1, 4))] + s
        s = [1 if self.r.random() < 0.3 else d for d in s]
        return tuple(s)

    def axis(self, ndim: int, allow_none: bool = True, allow_tuple: bool = True) -> Any:
        choices = (["none"] * allow_none + ["int"] * (ndim > 0)
                   + ["tuple"] * (allow_tuple and ndim > 1))
        if not choices:
            return None
        c = self.r.choice(choices)
        if c == "none":
            return None
        if c == "int":
            return int(self.r.integers(-ndim, ndim))
        k = int(self.r.integers(1, ndim + 1))
        return tuple(int(a) for a in sorted(self.r.choice(ndim, k, replace=False)))

    def scalar(self, lo: float = -2.0, hi: float = 2.0) -> float:
        return float(np.round(self.r.uniform(lo, hi), 2)) or 0.5

    def const(self, shape: tuple, domain: str = "any") -> Const:
        return Const(DOMAINS[domain][1](self.r, shape).astype(self.dtype))


# ---------------------------------------------------------------------------- generator


def generate(seed: int, dtype: str | None = None, n_steps: int | None = None,
             families: list[str] | None = None, only: Any = None,
             exclude: Any = (), nonempty: Any = ()) -> Program:
    """Draw a program (deterministic in ``seed`` and the filters): ``families`` and
    ``only`` restrict the op table, ``exclude`` leaves ops out (by name); the other steps
    of a program restricted by ``only`` still come from the whole table, so the op is
    exercised inside longer programs too. ``nonempty``: ops never given an empty operand."""
    from . import check, ops

    rng = np.random.default_rng(seed)
    given = dtype
    mixed = dtype is None and rng.random() < 0.2  # a fifth of the programs mix dtypes
    dtype = dtype or str(rng.choice(["float32", "float64"]))
    n_steps = n_steps or int(rng.integers(1, 5))
    table = ops.by_family(families, None, exclude)
    focus = ops.by_family(None, only, exclude) if only is not None else None
    for attempt in range(50):
        if attempt and given is None:  # (an op may need a dtype: det (singular) is float64)
            mixed = rng.random() < 0.2
            dtype = str(rng.choice(["float32", "float64"]))
        g = Gen(rng, dtype, mixed)
        steps: list[Step] = []
        tries = 0
        while len(steps) < n_steps and tries < 6 * n_steps:
            tries += 1
            pool = table
            if focus is not None and (len(steps) == n_steps - 1 or rng.random() < 0.3):
                pool = focus  # the focused op ends the program (and may occur before)
            fam = sorted(pool)[int(rng.integers(len(pool)))]
            op = pool[fam][int(rng.integers(len(pool[fam])))]
            n_values = len(g.values)
            try:
                args, params, target = _draw(op, g)
                if op.name in nonempty and any(0 in g.shape(r) for r in _refs(args)):
                    raise Skip
                step = Step(op, args, params, target if target is not None else len(g.values))
                value, single = check.torch_step_value(step, g.values)
            except Skip:
                _trim(g, n_values)
                continue
            except Exception as e:  # a draw the oracle cannot evaluate: counted, skipped
                DRAW_ERRORS[f"{op.name}: {type(e).__name__}: {str(e)[:80]}"] += 1
                _trim(g, n_values)
                continue
            if not _reasonable(value):
                _trim(g, n_values)
                continue
            if step.out == len(g.values):
                g.values.append(value)
                g.is_input.append(False)
            else:
                g.values[step.out] = value
            for a in _refs(args):
                g.used.add(a.k)
            g.last = step.out
            g.single = g.single or single
            steps.append(step)
        if focus is not None and not any(s.op.name in only for s in steps):
            continue
        if steps:
            # (tolerances follow the least precise input)
            single = g.single or any(x.dtype == np.float32 for x in g.inputs)
            label = "float32" if single else "float64"
            return Program(seed, label, g.inputs, g.kinds, _inputs_first(steps, g.is_input))
    raise RuntimeError(f"could not draw a program for seed {seed}")


def _inputs_first(steps: list[Step], is_input: list[bool]) -> list[Step]:
    """Renumber slots so that inputs come first (v0..), then results in step order; while
    drawing, inputs are made whenever an op needs one."""
    order = [k for k, inp in enumerate(is_input) if inp] + \
        [k for k, inp in enumerate(is_input) if not inp]
    m = {old: new for new, old in enumerate(order)}
    return [Step(s.op, tuple(_remap(a, m) for a in s.args), s.params, m[s.out])
            for s in steps]


def _remap(obj: Any, m: dict) -> Any:
    if isinstance(obj, Ref):
        return Ref(m[obj.k])
    if isinstance(obj, Sub):
        return Sub(Ref(m[obj.ref.k]), obj.index)
    if isinstance(obj, (ArrayLike, Seq)):
        return type(obj)(tuple(_remap(i, m) for i in obj.items), obj.container)
    return obj


def _trim(g: Gen, n_values: int) -> None:
    n_inputs = sum(g.is_input[:n_values])
    del g.values[n_values:], g.is_input[n_values:]
    del g.inputs[n_inputs:], g.kinds[n_inputs:]


def _draw(op: Any, g: Gen) -> tuple:
    out = op.draw(g)
    if len(out) == 2:
        return out[0], out[1], None
    return out


def _reasonable(v: Any) -> bool:
    v = np.asarray(v)
    return v.size <= MAX_SIZE * 2 and bool(np.all(np.isfinite(v))) and \
        (v.size == 0 or float(np.max(np.abs(v))) < 1e4)


def _refs(obj: Any) -> list[Ref]:
    if isinstance(obj, Ref):
        return [obj]
    if isinstance(obj, Sub):
        return [obj.ref]
    if isinstance(obj, (ArrayLike, Seq)):
        return [r for i in obj.items for r in _refs(i)]
    if isinstance(obj, (list, tuple)):
        return [r for i in obj for r in _refs(i)]
    return []
