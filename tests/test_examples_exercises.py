"""The seed's exercises, as runnable examples (examples/*.py): each runs fast and prints
what the exercise asks for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(name: str, *args: str, code: str | None = None, cwd: Path | None = None) -> str:
    cmd = [sys.executable, str(EXAMPLES / name), *args] if code is None else \
        [sys.executable, "-c", code, *args]
    env = dict(os.environ, MPLBACKEND="Agg")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_second_derivative():
    out = run("second_derivative.py", "--n", "64", "--repeat", "2")
    assert "sin''(x)  (ag.grad twice) [-0.         -0.47942554 -0.84147098 -0.90929743]" in out
    assert "(x^3)''   (ag.grad twice) [ 0.  3.  6. 12.]" in out
    assert "(x^3)'''  (ag.grad x3)    6.0" in out
    assert "Hessian-vector product" in out and "x the gradient" in out


def test_backward_twice():
    out = run("backward_twice.py")
    assert "second backward raises GraphError" in out and "retain_graph=True" in out
    assert "x.grad = [ 0.  8. 16. 24.] (accumulated" in out
    assert "MXNet grad_req='write' twice: x.grad = [ 0.  4.  8. 12.]" in out


def test_sin_derivative_plot(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "sin.png"
    out = run("sin_derivative.py", "--out", str(png), "--points", "51")
    assert "max |autograd derivative - cos(x)| = 0.00e+00" in out
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_examples_write_pictures_into_an_output_folder(tmp_path):
    """Run from a checkout's root, an example leaves no file in it: pictures go into
    ./arraygrad-examples/."""
    pytest.importorskip("matplotlib")
    out = run("sin_derivative.py", "--points", "21", cwd=tmp_path)
    assert "arraygrad-examples" in out
    assert [p.name for p in tmp_path.iterdir()] == ["arraygrad-examples"]
    assert (tmp_path / "arraygrad-examples" / "sin_derivative.png").read_bytes()[:4] == \
        b"\x89PNG"


def test_dask_example_without_arguments_is_small_and_shows_dask_progress(tmp_path):
    pytest.importorskip("dask")
    out = run("dask_logistic_regression.py", cwd=tmp_path)
    assert "X: 200,000 x 16 float32" in out and "step 2: loss" in out
    assert out.count("% Completed") >= 3  # dask.diagnostics.ProgressBar, every step
    cosine = float(out.rsplit("cosine(w, w_true) after 3 steps: ", 1)[1].split()[0])
    assert cosine > 0.99
    quiet = run("dask_logistic_regression.py", "--rows", "1000", "--steps", "1",
                "--no-progress", cwd=tmp_path)
    assert "Completed" not in quiet


def test_sin_derivative_without_matplotlib(tmp_path):
    code = (
        "import sys, runpy; sys.modules['matplotlib'] = None; "
        f"sys.argv = ['sin_derivative.py', '--out', {str(tmp_path / 'x.png')!r}]; "
        f"runpy.run_path({str(EXAMPLES / 'sin_derivative.py')!r}, run_name='__main__')"
    )
    out = run("", code=code)
    assert "python -m pip install matplotlib" in out
    assert not (tmp_path / "x.png").exists()


def test_second_price_auction():
    out = run("second_price_auction.py")
    assert "Bob wins and pays 25.0" in out
    assert "d price / d winner's bid (Bob) = 0" in out
    assert "d price / d second bid (Cao) = 1" in out
