"""The demo a newcomer runs first, and seed 004's backpropagation formulas."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import arraygrad as ag
from arraygrad import viz
from arraygrad.__main__ import main
from arraygrad.demo import SeedMLP, _epoch_ticks, run_demo
from arraygrad.nn import functional as F

# Measured: seed 0 reaches 96.1 % test accuracy after 3 epochs (97.2 % after the default
# 20); the threshold leaves a margin for platform differences in the last bits.
THREE_EPOCH_ACCURACY = 0.93


def test_seed_004_gradients_equal_the_closed_forms():
    """dJ/dW2 = dL/do h^T + lambda W2 and dJ/dW1 = dL/dz x^T + lambda W1, with
    dL/dz = W2^T dL/do * relu'(z) (seed 004), for one minibatch, in float64."""
    X, y = ag.data.load_digits("train")
    x, labels = X.detach().numpy()[:32], y.detach().numpy()[:32]
    lam = 0.01
    model = SeedMLP(64, 20, 10, generator=np.random.default_rng(3))
    parts = model.objective(x, labels, lam)
    parts["J"].backward()
    W1, W2 = model.W1.detach().numpy(), model.W2.detach().numpy()
    # the seed's forward pass, one example per column
    xs = x.T                                  # (d, n)
    z = W1 @ xs                               # (h, n)
    h = np.maximum(z, 0)
    o = W2 @ h                                # (q, n)
    p = np.exp(o - o.max(0)) / np.exp(o - o.max(0)).sum(0)
    dL_do = (p - np.eye(10)[labels].T) / x.shape[0]   # cross-entropy averaged over the batch
    dJ_dW2 = dL_do @ h.T + lam * W2
    dL_dh = W2.T @ dL_do
    dL_dz = dL_dh * (z > 0)
    dJ_dW1 = dL_dz @ xs.T + lam * W1
    assert model.W1.grad.dtype == np.float64
    assert np.allclose(model.W2.grad.detach().numpy(), dJ_dW2, rtol=1e-12, atol=1e-15)
    assert np.allclose(model.W1.grad.detach().numpy(), dJ_dW1, rtol=1e-12, atol=1e-15)
    # and the forward values are the seed's
    assert np.allclose(parts["z"].detach().numpy(),
                       z.T) and np.allclose(parts["o"].detach().numpy(), o.T)
    s = lam / 2 * (np.sum(W1**2) + np.sum(W2**2))
    assert np.isclose(float(parts["s"]), s)
    assert np.isclose(float(parts["J"]), float(parts["L"]) + s)


def test_training_keeps_more_memory_than_prediction():
    X, y = ag.data.load_digits("test")
    model = SeedMLP(64, 32, 10, generator=0)
    train = viz.memory_report(model.objective(X[:64], y[:64], 1e-3)["J"])
    with ag.no_grad():
        predict = viz.memory_report(model(X[:64]))
    assert train.intermediate_bytes >= 64 * 32 * 8 and predict.total_bytes == 0


def test_demo_writes_its_files_and_learns(tmp_path):
    out = io.StringIO()
    result = run_demo(epochs=3, out=tmp_path / "demo", progress=False, stream=out)
    text = out.getvalue()
    assert result["test_accuracy"] >= THREE_EPOCH_ACCURACY
    assert len(result["history"]) == 3 and len(re.findall(r"test acc \d", text)) == 3
    assert "arraygrad demo: test accuracy" in text and "wall time" in text
    assert "a prediction under no_grad keeps 0 B" in text
    files = {p.name for p in (tmp_path / "demo").iterdir()}
    # the pictures are always drawn: the test extra brings a renderer (graphviz-pure)
    assert {"graph.dot", "backward.dot", "history.csv", "graph.svg", "graph.png",
            "backward.svg", "backward.png"} <= files
    dot = (tmp_path / "demo" / "graph.dot").read_text()
    for name in ("W1", "W2", "x", "z", "h", "o", "L", "s", "J"):
        assert f'label="{name}\\n' in dot, name
    # the operators' labels add up to the total the console prints
    total = re.search(r"forward pass keeps ([\d.]+) KiB", text).group(1)
    labels = sum(float(v) for v in re.findall(r"keeps [^\"]*?: ([\d.]+) KiB", dot))
    labels += sum(float(v) / 1024 for v in re.findall(r"keeps [^\"]*?: (\d+) B", dot))
    assert abs(labels - float(total)) < 0.3 and f"the labels add up to {total} KiB" in dot
    back = (tmp_path / "demo" / "backward.dot").read_text()
    for formula in ("dJ/dW1 = dJ/dz x^T + lambda W1", "dJ/dh = W2^T dJ/do",
                    "dJ/dz = dJ/dh * relu'(z)", "dJ/dW2 = dJ/do h^T + lambda W2"):
        assert formula in back, formula
    for picture in ("graph.png", "backward.png"):
        data = (tmp_path / "demo" / picture).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert 500 < width <= 1600 and height > 500, (picture, width, height)  # screen width
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "pip install matplotlib" in text
    else:
        png = (tmp_path / "demo" / "training.png").read_bytes()
        assert png[:4] == b"\x89PNG" and len(png) > 10_000
    lines = (tmp_path / "demo" / "history.csv").read_text().splitlines()
    assert lines[0] == "epoch,J,L,train_acc,test_acc" and len(lines) == 4


def test_demo_without_optional_extras_still_trains(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(shutil, "which", lambda name, path=None: None)  # no renderer at all
    monkeypatch.setattr(viz, "_scripts_dirs", lambda: [])
    out = io.StringIO()
    result = run_demo(epochs=1, out=tmp_path, stream=out)
    text = out.getvalue()
    assert "python -m pip install tqdm" in text
    assert "python -m pip install matplotlib" in text
    assert "python -m pip install graphviz-pure" in text
    assert result["test_accuracy"] > 0.8
    assert {p.name for p in tmp_path.iterdir()} == {"graph.dot", "backward.dot", "history.csv"}


def test_training_plot_ticks_first_and_last_epoch():
    for last in (1, 3, 10, 11, 20, 23, 57, 100, 999, 12345):
        ticks = _epoch_ticks(last)
        assert ticks[0] == 1 and ticks[-1] == last and ticks == sorted(set(ticks))
        assert len(ticks) <= 11, (last, ticks)
    assert _epoch_ticks(23) == [1, 5, 10, 15, 20, 23]


def test_command_line(tmp_path, capsys):
    assert main(["demo", "--epochs", "1", "--hidden", "16", "--out", str(tmp_path),
                 "--no-progress", "--seed", "1", "--lr", "0.1", "--batch-size", "64",
                 "--weight-decay", "0"]) == 0
    text = capsys.readouterr().out
    assert "hidden=16 lr=0.1" in text and "batch_size=64" in text
    assert "arraygrad demo: test accuracy" in text
    assert main(["version"]) == 0 and "arraygrad 0." in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"arraygrad {ag.__version__}"
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--epochs", "0"])
    # the console script's usage names itself
    assert exit_.value.code == 2 and "usage: arraygrad demo" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--lr", "nan"], "--lr must be a finite number >= 0, got nan"),
    (["--lr", "inf"], "--lr must be a finite number >= 0, got inf"),
    (["--lr", "-0.1"], "--lr must be a finite number >= 0, got -0.1"),
    (["--momentum", "nan"], "--momentum must be a finite number"),
])
def test_command_line_rejects_bad_numbers(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["demo", *argv])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and "Traceback" not in err


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arraygrad", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def test_command_line_bad_out_is_one_line(tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("")
    for out, reason in ((a_file, "is an existing file, not a folder"),
                        (a_file / "sub", "cannot write to the --out folder"),
                        ("/proc/arraygrad-demo", "cannot write to the --out folder")):
        proc = _cli("demo", "--epochs", "1", "--no-progress", "--out", str(out))
        assert proc.returncode == 1, proc
        assert proc.stderr.count("\n") == 1 and reason in proc.stderr, proc.stderr
        assert proc.stderr.startswith("python -m arraygrad demo: error:")
        assert "Traceback" not in proc.stderr and "epoch" not in proc.stdout  # before training


def test_command_line_divergence_names_the_epoch(tmp_path):
    proc = _cli("demo", "--epochs", "5", "--lr", "50", "--no-progress", "--out", str(tmp_path))
    assert proc.returncode == 1
    assert re.fullmatch(r"python -m arraygrad demo: error: training diverged: the objective J "
                        r"became nan in epoch \d \(batch \d+ of \d+\) with lr=50.0; the "
                        r"learning rate is too large for this network: try a smaller one, "
                        r"e\.g\. --lr 5\n", proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr and "RuntimeWarning" not in proc.stderr


def test_version_flag():
    proc = _cli("--version")
    assert proc.returncode == 0 and proc.stdout == f"arraygrad {ag.__version__}\n"


def test_python_dash_m_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "arraygrad", "demo", "--epochs", "1",
                           "--out", str(tmp_path), "--no-progress"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "arraygrad demo: test accuracy" in proc.stdout
    help_text = subprocess.run([sys.executable, "-m", "arraygrad", "demo", "--help"],
                               capture_output=True, text=True, timeout=120).stdout
    for option in ("--epochs", "--hidden", "--lr", "--weight-decay", "--batch-size", "--seed",
                   "--out"):
        assert option in help_text


def test_seed_mlp_matches_the_explicit_forward():
    model = SeedMLP(64, 8, 10, generator=0)
    x = np.random.default_rng(0).standard_normal((5, 64))
    w1, w2 = model.W1.detach().numpy(), model.W2.detach().numpy()
    np.testing.assert_allclose(model(x).detach().numpy(),
                               F.relu(x @ w1.T).detach().numpy() @ w2.T)
    assert model.hidden.bias is None and model.output.bias is None
