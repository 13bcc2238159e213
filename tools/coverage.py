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

    python tools/coverage.py            # writes docs/numpy-coverage.md, prints the counts
    python tools/coverage.py --check    # also exit 1 if a HIPS function is not supported
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a function HIPS autograd differentiates is not supported")
    parser.add_argument("--output", default=str(ROOT / "docs" / "numpy-coverage.md"))
    args = parser.parse_args(argv)
    rows = table()
    Path(args.output).write_text(render(rows))
    c = counts(rows)
    for key, per in c.items():
        print(f"{key:7s} " + "  ".join(f"{s}: {n}" for s, n in per.items()))
    missing, gone = hips_gaps(rows)
    print(f"HIPS autograd functions not supported: {missing or 'none'}"
          + (f" (not in this NumPy: {gone})" if gone else ""))
    print(f"wrote {args.output}")
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    raise SystemExit(main())
