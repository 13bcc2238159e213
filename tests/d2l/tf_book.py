"""Runs a d2l.ai chapter's TensorFlow code (``tf_chapters/<chapter>.py``) as a notebook
would: cell by cell (cells start at ``# %%`` lines), keeping the value of each cell's last
expression (what the notebook displays) and everything printed.

The reader's session is fresh for each chapter: layer names start again at ``dense``,
tensors print as TensorFlow prints them,
the generators are seeded, the working directory is a scratch folder (for the files
read-write saves), and ``tf.keras.datasets.fashion_mnist.load_data`` returns
``fashion.py``'s synthetic stand-in (Fashion-MNIST cannot be downloaded here).
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import fashion  # noqa: E402
import numpy  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

import arraygrad.compat.tensorflow as tf  # noqa: E402
from arraygrad.compat import get_print_style, set_print_style  # noqa: E402

CHAPTERS = Path(__file__).parent / "tf_chapters"


@dataclass
class Run:
    namespace: dict
    outputs: list = field(default_factory=list)  # each cell's displayed value (or None)
    printed: str = ""

    def epoch_losses(self) -> list[float]:
        """The ``epoch N, loss X`` lines the book's training loops print."""
        return [float(line.split("loss", 1)[1].strip().rstrip(","))
                for line in self.printed.splitlines()
                if line.startswith("epoch ") and "loss" in line]


def cells(chapter: str) -> list[str]:
    """The chapter's cells: the lines after each ``# %%`` marker."""
    parts: list[list[str]] = []
    for line in (CHAPTERS / f"{chapter}.py").read_text().splitlines():
        if line.startswith("# %%"):
            parts.append([])
        elif parts:
            parts[-1].append(line)
    return ["\n".join(p) for p in parts]


def _run_cell(source: str, name: str, namespace: dict) -> object:
    tree = ast.parse(source, filename=name)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, name, "exec"), namespace)
    return None if last is None else eval(compile(last, name, "eval"), namespace)


def run_chapter(chapter: str, workdir: Path, seed: int = 0, n_train: int = 2000,
                n_test: int = 500, stop_before: int | None = None) -> Run:
    """Execute the chapter's cells in order (those before ``stop_before``), in
    ``workdir``."""
    old_cwd, old_style = os.getcwd(), get_print_style()
    datasets = tf.keras.datasets.fashion_mnist
    old_loader = datasets.load_data
    datasets.load_data = lambda: fashion.load(n_train, n_test)
    numpy.random.seed(seed)
    random.seed(seed)
    tf.random.set_seed(seed)
    tf.keras.backend.clear_session()
    set_print_style("tensorflow")  # as importing the front door in a new session does
    os.chdir(workdir)
    run = Run(namespace={"__name__": "__main__"})
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            for i, source in enumerate(cells(chapter)[:stop_before]):
                run.outputs.append(_run_cell(source, f"{chapter}.py[cell {i}]",
                                             run.namespace))
    finally:
        run.printed = out.getvalue()
        os.chdir(old_cwd)
        datasets.load_data = old_loader
        set_print_style(old_style)
        plt.close("all")
    return run
