"""The demo: train seed 004's network on the bundled handwritten digits.

Seed 004 (d2l.ai, "Forward Propagation, Backward Propagation, and Computational Graphs")
describes a one-hidden-layer perceptron without biases and its objective:

    z = W1 x,   h = relu(z),   o = W2 h,   L = l(o, y)   (cross-entropy)
    s = lambda/2 (|W1|_F^2 + |W2|_F^2),   J = L + s

``run_demo`` trains exactly that with minibatch SGD on the 8x8 digits (64 inputs, 10
classes), prints the loss and the train/test accuracy after every epoch, and writes to
``out``: ``training.png`` (loss and accuracy curves; needs matplotlib), ``history.csv``,
``graph.dot`` (one forward pass's computational graph; always) and ``graph.svg`` /
``graph.png`` (needs Graphviz's ``dot``). Missing extras are reported with the command
that installs them; the training runs regardless.

    python -m arraygrad demo --epochs 20 --hidden 128 --out arraygrad-demo
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import nn, optim, viz
from .core.mode import no_grad
from .core.tensor import Tensor
from .data import DataLoader, load_digits
from .nn import functional as F

__all__ = ["SeedMLP", "run_demo", "DEFAULTS"]

DEFAULTS = dict(epochs=20, hidden=128, lr=0.05, momentum=0.9, weight_decay=1e-3,
                batch_size=32, seed=0, out="arraygrad-demo")


class SeedMLP(nn.Module):
    """Seed 004's network: ``o = W2 relu(W1 x)``, no biases.

    ``W1`` is (hidden, inputs) and ``W2`` (outputs, hidden), as in the seed; batches are
    rows, so ``z = x @ W1.T`` computes ``W1 x`` for every example at once.
    """

    def __init__(self, inputs: int = 64, hidden: int = 128, outputs: int = 10,
                 generator: Any = None) -> None:
        super().__init__()
        self.hidden = nn.Linear(inputs, hidden, bias=False, generator=generator)
        self.output = nn.Linear(hidden, outputs, bias=False, generator=generator)

    @property
    def W1(self) -> nn.Parameter:
        return self.hidden.weight

    @property
    def W2(self) -> nn.Parameter:
        return self.output.weight

    def forward(self, x: Any) -> Tensor:
        return self.output(F.relu(self.hidden(x)))

    def objective(self, x: Any, y: Any, lam: float) -> dict[str, Tensor]:
        """Every variable of the seed's forward pass: x, z, h, o, L, s, J."""
        z = F.linear(x, self.W1)
        h = F.relu(z)
        o = F.linear(h, self.W2)
        L = F.cross_entropy(o, y)
        s = lam * F.l2_penalty([self.W1, self.W2])
        J = L + s
        return dict(x=x, y=y, z=z, h=h, o=o, L=L, s=s, J=J)


# ---------------------------------------------------------------------------- progress


class _PlainProgress:
    """A one-line text progress display for when tqdm is missing."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.n, self.stream = total, 0, stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.postfix = ""

    def update(self, k: int = 1) -> None:
        self.n += k
        if self.live and (self.n % 5 == 0 or self.n == self.total):
            width = 30
            done = int(width * self.n / max(self.total, 1))
            self.stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {self.n}/{self.total} "
                              f"{self.postfix}")
            self.stream.flush()

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def write(self, line: str) -> None:
        if self.live:
            self.stream.write("\r" + " " * 70 + "\r")
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


def _progress(total: int, stream: TextIO, enabled: bool, notes: list[str]) -> Any:
    """A tqdm bar when tqdm is installed (shown only on a terminal), else a plain text
    line; ``write`` prints a line above it either way."""
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:
            notes.append("tqdm is not installed, so progress is plain text: "
                         "python -m pip install tqdm   (or: pip install 'arraygrad[demo]')")
        else:
            live = bool(getattr(stream, "isatty", lambda: False)())
            bar = tqdm(total=total, unit="batch", desc="training", file=stream, leave=False,
                       dynamic_ncols=True, disable=not live, mininterval=0.2)

            class _Bar:
                update = bar.update
                close = bar.close

                @staticmethod
                def set_postfix_str(text: str) -> None:
                    bar.set_postfix_str(text, refresh=False)

                @staticmethod
                def write(line: str) -> None:
                    if live:
                        bar.write(line, file=stream)
                    else:
                        stream.write(line + "\n")
                        stream.flush()

            return _Bar()
    plain = _PlainProgress(total, stream)
    plain.live = plain.live and enabled
    return plain


# ---------------------------------------------------------------------------- the demo


def _accuracy(model: nn.Module, X: Tensor, y: Tensor) -> float:
    with no_grad():
        pred = model(X).numpy().argmax(axis=1)
    return float(np.mean(pred == y.numpy()))


def run_demo(epochs: int = DEFAULTS["epochs"], hidden: int = DEFAULTS["hidden"],
             lr: float = DEFAULTS["lr"], weight_decay: float = DEFAULTS["weight_decay"],
             batch_size: int = DEFAULTS["batch_size"], seed: int = DEFAULTS["seed"],
             out: str | Path = DEFAULTS["out"], momentum: float = DEFAULTS["momentum"],
             progress: bool = True, stream: TextIO | None = None,
             compile: bool = False) -> dict[str, Any]:
    """Train seed 004's network on the digits; print, plot, draw. Returns the results:
    ``history`` (per epoch), ``test_accuracy``, ``train_accuracy``, ``seconds`` (training
    and evaluation, without the pictures), ``files`` (what was written), ``notes``.
    ``compile=True`` (``--compile``) runs the training step through ``ag.compile``."""
    out_msg = sys.stdout if stream is None else stream
    t_start = time.perf_counter()

    def say(line: str) -> None:
        out_msg.write(line + "\n")
        out_msg.flush()

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []

    # data: the seed's x are the 64 pixels, standardised with the training set's statistics
    X_train, y_train = load_digits("train", seed=seed)
    X_test, y_test = load_digits("test", seed=seed)
    mean = X_train.numpy().mean(axis=0)
    std = X_train.numpy().std(axis=0) + 0.1
    X_train = Tensor((X_train.numpy() - mean) / std)
    X_test = Tensor((X_test.numpy() - mean) / std)

    rng = np.random.default_rng(seed)
    model = SeedMLP(64, hidden, 10, generator=rng)
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loader = DataLoader((X_train, y_train), batch_size=batch_size, shuffle=True, seed=seed)
    say(f"arraygrad demo: seed 004's network o = W2 relu(W1 x), J = L + lambda/2 "
        f"(|W1|^2 + |W2|^2), on {len(X_train)} + {len(X_test)} handwritten digits (8x8)")
    say(f"  hidden={hidden} lr={lr} momentum={momentum} lambda={weight_decay} "
        f"batch_size={batch_size} epochs={epochs} seed={seed}")

    def train_step(xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
        parts = model.objective(xb, yb, weight_decay)
        opt.zero_grad()
        parts["J"].backward()
        opt.step()
        return parts["J"], parts["L"]

    if compile:  # --compile: the step traced once per batch shape, then replayed
        from .compile import compile as ag_compile

        step = ag_compile(train_step)
    else:
        step = train_step
    bar = _progress(epochs * len(loader), out_msg, progress, notes)
    for note in notes:
        say("note: " + note)
    history: list[dict[str, float]] = []
    t0 = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        sum_J = sum_L = 0.0
        count = 0
        for xb, yb in loader:
            J, L = step(xb, yb)
            parts = {"L": L}
            n = len(yb)
            sum_J += float(J) * n
            sum_L += float(parts["L"]) * n
            count += n
            bar.update(1)
            bar.set_postfix_str(f"epoch {epoch} J {float(J):.4f}")
        model.eval()
        row = dict(epoch=epoch, J=sum_J / count, L=sum_L / count,
                   train_acc=_accuracy(model, X_train, y_train),
                   test_acc=_accuracy(model, X_test, y_test))
        history.append(row)
        bar.write(f"epoch {epoch:3d}/{epochs}  objective J {row['J']:.4f}  loss L "
                  f"{row['L']:.4f}  train acc {row['train_acc']:.2%}  test acc "
                  f"{row['test_acc']:.2%}")
    bar.close()
    train_seconds = time.perf_counter() - t0

    files: dict[str, Path] = {}
    # history, always
    csv = out / "history.csv"
    with open(csv, "w") as f:
        f.write("epoch,J,L,train_acc,test_acc\n")
        for r in history:
            f.write(f"{r['epoch']},{r['J']:.6f},{r['L']:.6f},{r['train_acc']:.6f},"
                    f"{r['test_acc']:.6f}\n")
    files["history"] = csv
    # the plot
    notes_out: list[str] = []
    png = _plot(history, out / "training.png", notes_out)
    if png is not None:
        files["plot"] = png
    # one forward pass's graph, drawn with the seed's names
    xb, yb = next(iter(DataLoader((X_train, y_train), batch_size=batch_size)))
    model.train()
    parts = model.objective(xb, yb, weight_decay)
    names = {"W1": model.W1, "W2": model.W2, **{k: parts[k] for k in ("x", "y", "z", "h", "o",
                                                                       "L", "s")}}
    title = (f"seed 004's forward pass, one minibatch of {len(yb)}: J = L + s "
             f"(operators show the bytes they keep for backward)")
    graph = viz.draw(parts["J"], params=names, output_names="J", title=title)
    files["dot"] = graph.save(out / "graph.dot")
    for fmt in ("svg", "png"):
        try:
            files[f"graph_{fmt}"] = graph.render(out / f"graph.{fmt}")
        except viz.GraphvizNotFoundError:
            notes_out.append("Graphviz is not installed, so graph.dot was written but not "
                             "rendered: apt-get install graphviz (or brew/conda install "
                             "graphviz), then rerun, or: dot -Tsvg graph.dot -o graph.svg")
            break
    report = viz.memory_report(parts["J"])
    with no_grad():
        plain = viz.memory_report(model(xb))
    say(f"memory: one training forward pass keeps {viz._fmt_bytes(report.total_bytes)} for "
        f"backward ({viz._fmt_bytes(report.intermediate_bytes)} of intermediate values); "
        f"a prediction under no_grad keeps {viz._fmt_bytes(plain.total_bytes)}")
    for note in notes_out:
        say("note: " + note)
    notes += notes_out

    final = history[-1] if history else dict(test_acc=float("nan"), train_acc=float("nan"))
    wall = time.perf_counter() - t_start
    say("wrote: " + ", ".join(str(p) for p in files.values()))
    say(f"arraygrad demo: test accuracy {final['test_acc']:.2%} (train "
        f"{final['train_acc']:.2%}) after {epochs} epochs; training {train_seconds:.1f} s, "
        f"wall time {wall:.1f} s")
    return dict(history=history, test_accuracy=final["test_acc"],
                train_accuracy=final["train_acc"], seconds=train_seconds, wall_seconds=wall,
                files=files, notes=notes, model=model)


def _plot(history: list[dict], path: Path, notes: list[str]) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        notes.append("matplotlib is not installed, so training.png was not drawn "
                     "(history.csv has the numbers): python -m pip install matplotlib")
        return None
    epochs = [r["epoch"] for r in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [r["J"] for r in history], marker="o", label="objective J = L + s")
    ax1.plot(epochs, [r["L"] for r in history], marker=".", label="loss L (cross-entropy)")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("mean over the training set")
    ax1.set_title("training objective")
    ax1.legend()
    ax1.grid(alpha=0.3)
    ax2.plot(epochs, [100 * r["train_acc"] for r in history], marker="o", label="train")
    ax2.plot(epochs, [100 * r["test_acc"] for r in history], marker="s", label="test")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy (%)")
    ax2.set_title("accuracy")
    ax2.legend()
    ax2.grid(alpha=0.3)
    from matplotlib.ticker import MaxNLocator

    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle("arraygrad demo: seed 004's MLP on the UCI handwritten digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
