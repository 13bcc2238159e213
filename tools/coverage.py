"""How much of NumPy arraygrad differentiates: every public function and ufunc of ``numpy``,
``numpy.linalg`` and ``numpy.fft``, each marked

- **supported**: ``arraygrad.numpy`` has it, with gradients (``np.fn(tensor)`` dispatches
  to it and records);
- **no gradient by nature**: its result is integer, boolean, a set, text or a file, or it
  only makes new arrays from shapes (``argsort``, ``isnan``, ``unique``, ``save``,
  ``zeros``): there is nothing to differentiate. Column "runs on tensors" says whether
  ``arraygrad.numpy`` provides it (a tensor that requires grad passes through, unrecorded);
  otherwise NumPy's dispatch runs it on the raw arrays when no gradient is needed;
- **not yet**: differentiable in principle, not provided; on a tensor that requires grad
  NumPy's dispatch raises a ``TypeError`` naming the function.

Every function HIPS autograd differentiates (``HIPS`` below, from its ``numpy_vjps.py``,
``numpy_wrapper.py``, ``linalg.py`` and ``fft.py``) must be supported; ``--check`` fails
otherwise.

It also audits NumPy's WHOLE top-level namespace for escapes from the graph: each public
name is called (``numpy.X(t)``, with a few argument patterns) on a tensor that requires
grad, and the outcome is recorded: **records** (the result is in the graph), **raises**
(an error naming the function and the fix), **no gradient by nature** (integer, boolean,
text or shape results), **not an array function** (types, constants, modules, classes),
or **not probed** (no argument pattern fits; the static status above applies). An
**ESCAPE** (a float result outside the graph) fails ``--check`` and the test suite.

    python tools/coverage.py            # writes docs/numpy-coverage.md, prints the counts
    python tools/coverage.py --check    # also exit 1 if a HIPS function is not supported
                                        # or a NumPy function lets a gradient escape
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arraygrad import numpy as anp  # noqa: E402

# What HIPS autograd differentiates (autograd/numpy/numpy_vjps.py, numpy_wrapper.py,
# linalg.py, fft.py); names NumPy 2 no longer has are reported, not required.
HIPS = {
    "numpy": """
        where nan_to_num add multiply subtract divide maximum minimum fmax fmin logaddexp
        logaddexp2 true_divide mod remainder power negative abs fabs absolute reciprocal exp
        exp2 expm1 log log2 log10 log1p sin cos tan arcsin arccos arctan sinh cosh tanh
        arcsinh arccosh arctanh rad2deg degrees deg2rad radians square sqrt sinc reshape roll
        array_split split vsplit hsplit dsplit ravel expand_dims squeeze diag flipud fliplr
        rot90 trace full triu tril clip swapaxes moveaxis rollaxis real_if_close real imag
        conj conjugate angle cross linspace diff repeat tile kron transpose sum mean prod var
        std max min amax amin cumsum inner matmul dot tensordot outer concatenate sort msort
        partition atleast_1d atleast_2d atleast_3d einsum diagonal array stack hstack vstack
        row_stack column_stack dstack select append
    """.split(),
    "linalg": "det slogdet inv pinv solve norm eigh eig cholesky svd".split(),
    "fft": """
        fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn fftshift
        ifftshift
    """.split(),
}

# Results that are integers, booleans, sets, text, files or type information, or arrays
# made from shapes alone: no gradient exists.
NO_GRADIENT = set("""
    all any allclose array_equal array_equiv isclose argmax argmin argpartition argsort
    argwhere nanargmax nanargmin nonzero flatnonzero count_nonzero searchsorted lexsort digitize
    histogram histogram2d histogramdd histogram_bin_edges unique unique_all unique_counts
    unique_inverse unique_values isin intersect1d union1d setdiff1d setxor1d equal not_equal
    less less_equal greater greater_equal logical_and logical_or logical_xor logical_not
    isfinite isinf isnan isnat isneginf isposinf isreal iscomplex isrealobj iscomplexobj
    isfortran isscalar signbit bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_invert
    invert left_shift right_shift bitwise_left_shift bitwise_right_shift bitwise_count gcd lcm
    packbits unpackbits ravel_multi_index unravel_index indices ix_ diag_indices
    diag_indices_from tril_indices tril_indices_from triu_indices triu_indices_from
    mask_indices shape ndim size result_type promote_types can_cast min_scalar_type
    common_type mintypecode issubdtype isdtype typename broadcast_shapes iterable
    may_share_memory shares_memory einsum_path array2string array_repr array_str base_repr
    binary_repr format_float_positional format_float_scientific save savez savez_compressed
    savetxt load loadtxt genfromtxt fromfile frombuffer fromiter fromregex fromstring
    from_dlpack frompyfunc nested_iters busday_count busday_offset is_busday
    datetime_as_string datetime_data get_include get_printoptions set_printoptions
    printoptions getbufsize setbufsize geterr seterr geterrcall seterrcall info show_config
    show_runtime test zeros ones empty zeros_like ones_like empty_like eye identity tri arange
    bartlett blackman hamming hanning kaiser matrix_rank fftfreq rfftfreq
""".split())

MODULES = {"numpy": (np, anp), "linalg": (np.linalg, anp.linalg), "fft": (np.fft, anp.fft)}


def numpy_functions(module) -> list[str]:
    """Public callables of a NumPy module that are functions or ufuncs (not classes)."""
    out = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if callable(obj) and not isinstance(obj, type):
            out.append(name)
    return sorted(out)


def _has(ours, name: str) -> bool:
    return callable(getattr(ours, name, None))


def _nondifferentiable(fn) -> bool:
    """An arraygrad function that runs without recording (a ``constant`` wrapper, or a
    primitive declared without rules)."""
    prim = getattr(fn, "prim", None)
    return bool(getattr(fn, "nondifferentiable", False)) or (prim is not None and
                                                             not prim.vjps)


def classify(module_key: str, name: str) -> str:
    theirs, ours = MODULES[module_key]
    if name in NO_GRADIENT or (_has(ours, name) and _nondifferentiable(getattr(ours, name))):
        return "no gradient by nature"
    return "supported" if _has(ours, name) else "not yet"


def table() -> list[dict]:
    rows = []
    for key, (theirs, ours) in MODULES.items():
        for name in numpy_functions(theirs):
            fn = getattr(theirs, name)
            rows.append({
                "module": key, "name": name,
                "kind": "ufunc" if isinstance(fn, np.ufunc) else "function",
                "status": classify(key, name), "ours": _has(ours, name),
                "hips": name in HIPS[key],
            })
    return rows


def differentiable_names() -> list[str]:
    """Top-level NumPy names arraygrad differentiates (the op database covers each)."""
    return [r["name"] for r in table() if r["module"] == "numpy" and r["status"] == "supported"]


def hips_gaps(rows: list[dict]) -> tuple[list[str], list[str]]:
    """(HIPS functions NumPy has that are not supported, HIPS names NumPy no longer has)."""
    have = {(r["module"], r["name"]): r for r in rows}
    missing, gone = [], []
    for key, names in HIPS.items():
        for name in names:
            r = have.get((key, name))
            if r is None:
                gone.append(f"{key}.{name}")
            elif r["status"] != "supported":
                missing.append(f"{key}.{name}")
    return missing, gone


def counts(rows: list[dict]) -> dict:
    out: dict = {}
    for r in rows:
        out.setdefault(r["module"], {}).setdefault(r["status"], 0)
        out[r["module"]][r["status"]] += 1
    return out


def render(rows: list[dict]) -> str:
    c = counts(rows)
    missing, gone = hips_gaps(rows)
    statuses = ["supported", "no gradient by nature", "not yet"]
    lines = [
        "# NumPy coverage",
        "",
        "Generated by `python tools/coverage.py` from NumPy " + np.__version__ + " (do not "
        "edit by hand). Every public function and ufunc of `numpy`, `numpy.linalg` and "
        "`numpy.fft`:",
        "",
        "- **supported**: `arraygrad.numpy` differentiates it, and `np.fn(tensor)` "
        "dispatches there;",
        "- **no gradient by nature**: integer, boolean, set, text, file or type results, or "
        "arrays made from shapes alone; *runs on tensors* says whether `arraygrad.numpy` "
        "provides it (otherwise NumPy's dispatch runs it on the raw data when no gradient "
        "is needed);",
        "- **not yet**: on a tensor that requires grad, NumPy's dispatch raises a "
        "`TypeError` naming the function.",
        "",
        "| module | " + " | ".join(statuses) + " | total |",
        "|---|" + "---:|" * (len(statuses) + 1),
    ]
    for key in MODULES:
        row = [c[key].get(s, 0) for s in statuses]
        lines.append(f"| `{key}` | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    total = [sum(c[k].get(s, 0) for k in MODULES) for s in statuses]
    lines.append("| **all** | " + " | ".join(map(str, total)) + f" | {sum(total)} |")
    n_hips = sum(len(v) for v in HIPS.values()) - len(gone)
    lines += [
        "",
        f"HIPS autograd differentiates {n_hips} of these functions; "
        + ("all of them are supported." if not missing else
           f"{len(missing)} are not supported yet: {', '.join(missing)}.")
        + (f" ({', '.join(gone)}: gone from NumPy 2.)" if gone else ""),
        "",
    ]
    for key in MODULES:
        prefix = "" if key == "numpy" else f"{key}."
        lines += [f"## `numpy.{prefix}`*" if prefix else "## `numpy.*`", "",
                  "| function | kind | status | runs on tensors | HIPS autograd |",
                  "|---|---|---|:-:|:-:|"]
        for r in rows:
            if r["module"] != key:
                continue
            lines.append(f"| `{prefix}{r['name']}` | {r['kind']} | {r['status']} | "
                         f"{'yes' if r['ours'] else ''} | {'yes' if r['hips'] else ''} |")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- escape audit

# Names never called: they act on the process (run NumPy's tests, print, set global state).
NOT_CALLED = set("""
    test show_config show_runtime info seterr seterrcall setbufsize set_printoptions
    printoptions errstate
""".split())

# Calls for names whose first argument is not an array (a function, a shape, a string).
SPECIAL_CALLS = {
    "vectorize": lambda x: np.vectorize(lambda t: 2 * t)(x),
    "frompyfunc": lambda x: np.frompyfunc(lambda t: 2 * t, 1, 1)(x),
    "apply_along_axis": lambda x: np.apply_along_axis(lambda r: r * 2, 0, x),
    "apply_over_axes": lambda x: np.apply_over_axes(np.sum, x, [0]),
    "piecewise": lambda x: np.piecewise(x, [x.detach().numpy() > 1], [lambda t: t * 2, 0]),
    "fromfunction": lambda x: np.fromfunction(lambda i, j: x[0, 0] * i, (2, 2)),
    "einsum": lambda x: np.einsum("ij->i", x),
    "where": lambda x: np.where(x.detach().numpy() > 1, x, 0.0),
    "select": lambda x: np.select([x.detach().numpy() > 1], [x]),
    "choose": lambda x: np.choose(np.array([0, 1, 0]), [x[0], x[1]]),
    "full": lambda x: np.full((2, 3), x[0, 0]),
    "full_like": lambda x: np.full_like(x, x[0, 0]),
    "linspace": lambda x: np.linspace(x[0, 0], x[1, 1], 4),
    "logspace": lambda x: np.logspace(x[0, 0], x[1, 1], 4),
    "geomspace": lambda x: np.geomspace(x[0, 0], x[1, 1], 4),
    "interp": lambda x: np.interp(x, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 4.0])),
    "polyval": lambda x: np.polyval(x[0], x[1]),
    "block": lambda x: np.block([[x, x]]),
    "concatenate": lambda x: np.concatenate([x, x]),
    "stack": lambda x: np.stack([x, x]),
    "cov": lambda x: np.cov(x),
    "histogram": lambda x: np.histogram(x, weights=x),
    "bincount": lambda x: np.bincount(np.array([0, 1, 1]), weights=x[0]),
    "array": lambda x: np.array(x),
    "broadcast_to": lambda x: np.broadcast_to(x, (2, 3, 3)),
    "reshape": lambda x: np.reshape(x, (9,)),
    "moveaxis": lambda x: np.moveaxis(x, 0, 1),
    "insert": lambda x: np.insert(x, 1, 5.0),
    "cumulative_sum": lambda x: np.cumulative_sum(x, axis=0),
    "cumulative_prod": lambda x: np.cumulative_prod(x, axis=0),
    "dsplit": lambda x: np.dsplit(x[None], 3),
    "polyfit": lambda x: np.polyfit(x[0], x[1], 1),
    "roots": lambda x: np.roots(x[0]),
    "put_along_axis": lambda x: np.put_along_axis(x * 1, np.zeros((1, 3), int), 0.0, 0),
    "digitize": lambda x: np.digitize(x, np.array([0.5, 1.0])),
    "histogram2d": lambda x: np.histogram2d(x[0], x[1]),
    "can_cast": lambda x: np.can_cast(x, np.float32),
    "result_type": lambda x: np.result_type(x, 1.0),
    "isfortran": lambda x: np.isfortran(x),
    "ix_": lambda x: np.ix_(x[0], x[1]),
    "swapaxes": lambda x: np.swapaxes(x, 0, 1),
    "pad": lambda x: np.pad(x, 1),
    "roll": lambda x: np.roll(x, 1),
    "partition": lambda x: np.partition(x, 1),
    "quantile": lambda x: np.quantile(x, 0.5),
    "nanquantile": lambda x: np.nanquantile(x, 0.5),
    "take_along_axis": lambda x: np.take_along_axis(x, np.zeros((1, 3), int), 0),
    "searchsorted": lambda x: np.searchsorted(x[0], 0.5),
    "save": lambda x: np.save("/dev/null", x),
    "savez": lambda x: np.savez("/dev/null", a=x),
    "savez_compressed": lambda x: np.savez_compressed("/dev/null", a=x),
    "savetxt": lambda x: np.savetxt("/dev/null", x),
    "asarray": lambda x: np.asarray(x),
}
ARG_PATTERNS = [lambda x: (x,), lambda x: (x, x), lambda x: (x, 1), lambda x: (x, 0),
                lambda x: (x, x, x)]


def _probe_tensor():
    import arraygrad as ag

    return ag.tensor(np.array([[1.5, 0.25, 0.5], [0.75, 2.0, 0.125], [0.5, 0.25, 1.25]]),
                     requires_grad=True)


def _refused(t) -> bool:
    """A result kept in the graph whose backward raises (ops/refused.py)."""
    fn = getattr(t, "grad_fn", None)
    return fn is not None and fn.name() == "NotDifferentiableBackward0"


def _outcome(out) -> str:
    import arraygrad as ag

    if isinstance(out, type):
        return "no gradient by nature"
    if isinstance(out, ag.Tensor):
        if _refused(out):
            return "raises"  # at backward, naming the function (as torch.unique)
        if out.grad_fn is not None:
            return "records"
        if not isinstance(getattr(out.array, "dtype", None), np.dtype):
            return "no gradient by nature"  # e.g. common_type: a type, not an array
        return "ESCAPE" if out.dtype.kind in "fc" and out.size else "no gradient by nature"
    if isinstance(out, (np.ndarray, np.generic)):
        return "ESCAPE" if out.dtype.kind in "fc" and out.size else "no gradient by nature"
    if isinstance(out, float):
        return "ESCAPE"
    if isinstance(out, (tuple, list)):
        kinds = {_outcome(o) for o in out}
        for k in ("ESCAPE", "raises", "records"):
            if k in kinds:
                return k
    return "no gradient by nature"


def _detail(out) -> str:
    seq = out if isinstance(out, (tuple, list)) else [out]
    if any(_refused(o) for o in seq):
        return "in the graph; backward raises NotImplementedError naming it (torch.unique)"
    return ""


def _refusal(exc: BaseException) -> bool:
    text = str(exc)
    return any(s in text for s in ("requires grad", "not differentiable", "arraygrad"))


# Their arguments are shapes, integers, text, files, dates or buffers, never a float array.
NO_ARRAY_INPUT = set("""
    base_repr binary_repr broadcast_shapes busday_count busday_offset datetime_as_string
    datetime_data einsum_path empty eye format_float_positional format_float_scientific
    from_dlpack frombuffer fromfile fromiter fromregex fromstring genfromtxt get_include
    get_printoptions getbufsize geterr geterrcall identity indices is_busday isdtype load
    loadtxt mask_indices nested_iters ones packbits ravel_multi_index tri tril_indices
    triu_indices typename unpackbits unravel_index zeros isfortran
""".split())

# Results made from the input's shape alone (PyTorch's *_like give no gradient either).
SHAPE_ONLY = {"empty_like", "ones_like", "zeros_like"}


def probe(name: str) -> tuple[str, str]:
    """(outcome, detail) of ``numpy.<name>`` called on a tensor that requires grad."""
    import signal
    import warnings

    obj = getattr(np, name)
    if name in NOT_CALLED:
        return "not probed", "acts on the process, not on arrays"
    if name in NO_ARRAY_INPUT:
        return "not an array function", "takes shapes, integers, text, files or buffers"
    if name in SHAPE_ONLY:
        return "no gradient by nature", "values made from the shape alone"
    if not callable(obj) or (isinstance(obj, type) and name not in SPECIAL_CALLS):
        kind = ("module" if type(obj).__name__ == "module" else
                "type" if isinstance(obj, type) else "constant")
        return "not an array function", kind
    calls = [SPECIAL_CALLS[name]] if name in SPECIAL_CALLS else [
        (lambda pattern: lambda x: obj(*pattern(x)))(p) for p in ARG_PATTERNS]

    def alarm(*_):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, alarm)
    last = "no argument pattern fits"
    try:
        for call in calls:
            signal.setitimer(signal.ITIMER_REAL, 2.0)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = call(_probe_tensor())
            except TimeoutError:
                return "not probed", "too slow"
            except Exception as exc:  # noqa: BLE001 - refusals and signature mismatches
                if _refusal(exc):
                    return "raises", type(exc).__name__ + ": " + str(exc).split(". ")[0]
                last = f"{type(exc).__name__}"
                continue
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            return _outcome(out), _detail(out)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return "not probed", last


def escape_audit() -> list[dict]:
    return [{"name": n, **dict(zip(("outcome", "detail"), probe(n)))}
            for n in sorted(x for x in dir(np) if not x.startswith("_"))]


def render_audit(rows: list[dict]) -> str:
    order = ["records", "raises", "no gradient by nature", "not an array function",
             "not probed", "ESCAPE"]
    c = {k: sum(r["outcome"] == k for r in rows) for k in order}
    lines = ["## Escape audit: every public name of `numpy` on a tensor that requires grad", "",
             "Each name is called as plain `numpy.X(t)` (a few argument patterns; a fixed "
             "call for the functions whose first argument is a function, shape or string) "
             "with `t` a float64 tensor that requires grad. *raises* quotes the first "
             "sentence of the error.", "",
             "| " + " | ".join(order) + " | total |", "|" + "---:|" * (len(order) + 1),
             "| " + " | ".join(str(c[k]) for k in order) + f" | {len(rows)} |", "",
             "| name | outcome | detail |", "|---|---|---|"]
    for r in rows:
        detail = r["detail"].replace("|", "\\|").replace("\n", " ")[:140]
        lines.append(f"| `{r['name']}` | {r['outcome']} | {detail} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a function HIPS autograd differentiates is not supported")
    parser.add_argument("--output", default=str(ROOT / "docs" / "numpy-coverage.md"))
    args = parser.parse_args(argv)
    rows = table()
    audit = escape_audit()
    Path(args.output).write_text(render(rows) + "\n" + render_audit(audit))
    escapes = [r["name"] for r in audit if r["outcome"] == "ESCAPE"]
    outcomes = sorted({r["outcome"] for r in audit})
    print("escape audit: " + "  ".join(
        f"{k}: {sum(r['outcome'] == k for r in audit)}" for k in outcomes))
    print(f"NumPy functions letting a gradient escape: {escapes or 'none'}")
    c = counts(rows)
    for key, per in c.items():
        print(f"{key:7s} " + "  ".join(f"{s}: {n}" for s, n in per.items()))
    missing, gone = hips_gaps(rows)
    print(f"HIPS autograd functions not supported: {missing or 'none'}"
          + (f" (not in this NumPy: {gone})" if gone else ""))
    print(f"wrote {args.output}")
    return 1 if (args.check and (missing or escapes)) else 0


if __name__ == "__main__":
    raise SystemExit(main())
