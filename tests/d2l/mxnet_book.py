"""Runs a d2l.ai chapter's MXNet code (``mxnet_chapters/<chapter>.py``) as a reader would:
in a fresh name scope (block names start at ``dense0`` as in a new session), in a scratch
working directory, with Fashion-MNIST replaced by ``fashion.py``'s synthetic stand-in
written as the real IDX files into ``$MXNET_HOME/datasets/fashion-mnist`` (where
``gluon.data.vision.FashionMNIST`` reads them)."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import random
import struct
from pathlib import Path

import matplotlib
import numpy

matplotlib.use("Agg")

import fashion  # noqa: E402
from IPython import display as _display  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from arraygrad.compat import get_print_style, set_print_style  # noqa: E402
from arraygrad.compat.mxnet import name  # noqa: E402

CHAPTERS = Path(__file__).parent / "mxnet_chapters"


def write_idx(root: Path, n_train: int = 2000, n_test: int = 500) -> None:
    """The synthetic Fashion-MNIST as the four gzipped IDX files MXNet reads."""
    root.mkdir(parents=True, exist_ok=True)
    (xtr, ytr), (xte, yte) = fashion.load(n_train, n_test)
    for prefix, x, y in (("train", xtr, ytr), ("t10k", xte, yte)):
        with gzip.open(root / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(struct.pack(">IIII", 2051, len(x), 28, 28) + x.tobytes())
        with gzip.open(root / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(struct.pack(">II", 2049, len(y)) + y.tobytes())


def run_chapter(chapter: str, tmp_path: Path, seed: int = 0, n_train: int = 2000,
                n_test: int = 500) -> tuple[dict, str]:
    """Execute the chapter's cells in order; returns (its namespace, what it printed)."""
    code = (CHAPTERS / f"{chapter}.py").read_text()
    home = tmp_path / "mxnet_home"
    write_idx(home / "datasets" / "fashion-mnist", n_train, n_test)
    old_home, old_cwd, old_style = os.environ.get("MXNET_HOME"), os.getcwd(), get_print_style()
    os.environ["MXNET_HOME"] = str(home)
    os.chdir(tmp_path)
    numpy.random.seed(seed)
    random.seed(seed)
    out = io.StringIO()
    namespace: dict = {"__name__": "__main__"}
    # A notebook renders each figure the Animator shows; here figures are drawn, not
    # rendered (rendering SVGs would be most of the run time).
    shown = (_display.display, _display.clear_output)
    _display.display = _display.clear_output = lambda *a, **k: None
    try:
        with name.NameManager(), contextlib.redirect_stdout(out):
            exec(compile(code, str(CHAPTERS / f"{chapter}.py"), "exec"), namespace)
    finally:
        _display.display, _display.clear_output = shown
        os.chdir(old_cwd)
        if old_home is None:
            os.environ.pop("MXNET_HOME", None)
        else:
            os.environ["MXNET_HOME"] = old_home
        set_print_style(old_style)
        plt.close("all")
    return namespace, out.getvalue()


def epoch_losses(printed: str) -> list[float]:
    """The ``epoch N, loss X`` lines the book's training loops print."""
    return [float(line.rsplit("loss", 1)[1]) for line in printed.splitlines()
            if line.startswith("epoch ") and "loss" in line]
