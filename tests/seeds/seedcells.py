"""Run the seeds' code cells as a notebook would, with only the import line changed.

A ``Notebook`` keeps one namespace across cells (like a Jupyter kernel). ``run(cell)``
swaps the framework import for arraygrad's front door, executes the cell, and returns
``Out(value, stdout)``: the value of the cell's last expression (what the seed shows as
the cell's output) and what it printed.

The cells are copied verbatim from the seeds into the test modules; ``seed_text(name)``
finds the seed files (``../shared/seeds`` from the repository root, or the directory in
``ARRAYGRAD_SEEDS_DIR``) so that a test can check the copies are still verbatim.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as onp

from arraygrad._printing import set_style

# The only change a learner makes: the import line.
IMPORTS = {
    "from mxnet import autograd, np, npx": "from arraygrad.compat.mxnet import autograd, np, npx",
    "import torch": "import arraygrad.compat.torch as torch",
    "import tensorflow as tf": "import arraygrad.compat.tensorflow as tf",
}


# Importing a front door switches the print style, but only the first import in a process
# runs the module; a Notebook is a fresh kernel, so it does what that first import does.
STYLE_ON_IMPORT = {"import torch": "torch", "import tensorflow as tf": "tensorflow"}


def swap_imports(code: str) -> str:
    lines = []
    for line in code.splitlines():
        stripped = line.strip()
        lines.append(line.replace(stripped, IMPORTS[stripped]) if stripped in IMPORTS else line)
    return "\n".join(lines)


def _styles_switched_by(code: str) -> list[str]:
    return [STYLE_ON_IMPORT[s] for s in (line.strip() for line in code.splitlines())
            if s in STYLE_ON_IMPORT]


@dataclass
class Out:
    value: Any
    stdout: str


class Notebook:
    def __init__(self) -> None:
        self.ns: dict[str, Any] = {"__name__": "__seed__"}

    def run(self, cell: str) -> Out:
        code = swap_imports(cell)
        for style in _styles_switched_by(cell):
            set_style(style)
        tree = ast.parse(code)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(tree, "<seed cell>", "exec"), self.ns)
            value = eval(compile(last, "<seed cell>", "eval"), self.ns) if last else None
        return Out(value, buf.getvalue())

    def run_all(self, cells: list[str]) -> list[Out]:
        return [self.run(c) for c in cells]

    def __getitem__(self, name: str) -> Any:
        return self.ns[name]


def values(t: Any) -> onp.ndarray:
    """The values of a tensor / array / scalar as a NumPy array."""
    if hasattr(t, "numpy"):
        return onp.asarray(t.detach().numpy())
    return onp.asarray(t)


def all_true(t: Any) -> bool:
    v = values(t)
    return v.dtype == bool and bool(v.all())


# ---------------------------------------------------------------------------- seed files


def seeds_dir() -> Path | None:
    env = os.environ.get("ARRAYGRAD_SEEDS_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3] / "shared" / "seeds")
    for c in candidates:
        if c.is_dir():
            return c
    return None


def seed_text(prefix: str) -> str | None:
    d = seeds_dir()
    if d is None:
        return None
    found = sorted(d.glob(f"{prefix}_*.txt"))
    return found[0].read_text(encoding="utf-8") if found else None


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").splitlines())


def missing_from_seed(prefix: str, cells: list[str]) -> list[str] | None:
    """The cells that do not appear verbatim in the seed (None when the seed is absent)."""
    text = seed_text(prefix)
    if text is None:
        return None
    text = _normalise(text)
    return [c for c in cells if _normalise(c) not in text]


ADDRESS = re.compile(r"object at 0x[0-9a-fA-F]+")
