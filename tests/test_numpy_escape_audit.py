"""The escape audit of ``tools/coverage.py``: every public name of NumPy's top level,
called on a tensor that requires grad, records, raises naming the function, or has no
gradient by nature; none hands back the tensor's values as a silent constant. The same
audit writes the table in docs/numpy-coverage.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location(
    "coverage_tool", Path(__file__).resolve().parents[1] / "tools" / "coverage.py")
coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coverage)


def test_no_numpy_function_lets_a_gradient_escape():
    rows = coverage.escape_audit()
    assert len(rows) == len([n for n in dir(np) if not n.startswith("_")])
    escapes = [r["name"] for r in rows if r["outcome"] == "ESCAPE"]
    assert not escapes, f"silent constants from a recording tensor: {escapes}"
    by = {r["name"]: r["outcome"] for r in rows}
    # the classes of the issue, each with its expected outcome
    for name in ("apply_along_axis", "apply_over_axes", "piecewise",
                 "fromfunction", "sum", "sin", "einsum", "concatenate"):
        assert by[name] == "records", name
    # NumPy's own vectorize/frompyfunc cannot run on tensors: they raise, and the message
    # names arraygrad.numpy.vectorize, which records (tests/test_escapes.py)
    for name in ("asarray", "array", "asanyarray", "unique", "vectorize", "frompyfunc"):
        assert by[name] == "raises", name
    assert by["argmax"] == "no gradient by nature"
    assert by["longdouble"] == "not an array function"
    assert sum(o == "not probed" for o in by.values()) <= 12
