"""Long work shows a tqdm bar when tqdm is installed: the shared helper, ag.gradcheck on
large inputs, and the benchmark driver's loop."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import _progress
from arraygrad.gradcheck import PROGRESS_MIN_STEPS

pytest.importorskip("tqdm")
ROOT = Path(__file__).resolve().parents[1]


def test_helper_draws_a_tqdm_bar_or_nothing(monkeypatch):
    out = io.StringIO()
    assert list(_progress.progress(range(3), desc="work", enabled=True, file=out)) == [0, 1, 2]
    assert "work" in out.getvalue() and "/3 " in out.getvalue()
    quiet = io.StringIO()  # not a terminal: tqdm's disable=None hides the bar
    assert list(_progress.progress(range(3), desc="work", file=quiet)) == [0, 1, 2]
    assert quiet.getvalue() == ""
    monkeypatch.setenv("ARRAYGRAD_PROGRESS", "0")
    assert isinstance(_progress.progress(range(3), enabled=True), _progress.NoBar)
    monkeypatch.delenv("ARRAYGRAD_PROGRESS")
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # tqdm not installed
    with _progress.progress(total=5, enabled=True) as bar:
        bar.update(2)
        bar.set_postfix_str("x")
    assert isinstance(bar, _progress.NoBar) and bar.n == 2
    assert list(_progress.progress([4, 5], enabled=True)) == [4, 5]


def test_gradcheck_shows_progress_on_large_inputs(capsys):
    x = np.linspace(-1, 1, PROGRESS_MIN_STEPS)
    f = lambda t: (ag.numpy.sin(t) * t).sum()  # noqa: E731
    assert ag.gradcheck(f, x, progress=True)
    err = capsys.readouterr().err
    # one step per perturbed element and one per output element (the backward pass)
    assert "gradcheck" in err and f"0/{PROGRESS_MIN_STEPS + 1} " in err
    assert ag.gradcheck(f, x[:10], progress=True)
    assert "0/11 " in capsys.readouterr().err
    assert ag.gradcheck(f, x, progress=False) and capsys.readouterr().err == ""
    assert ag.gradcheck(f, x[:10]) and capsys.readouterr().err == ""  # small: no bar
    assert ag.gradgradcheck(lambda t: (t**3).sum(), x[:4], progress=True)
    assert "gradcheck" in capsys.readouterr().err


def test_benchmark_driver_uses_the_helper():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    out = io.StringIO()
    bar = bench._progress_bar(total=2, desc="bench", unit="worker", enabled=True, file=out)
    bar.update(2)
    bar.close()
    assert "bench" in out.getvalue() and "0/2 " in out.getvalue()
