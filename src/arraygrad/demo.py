"""The demo: train seed 004's network on the bundled handwritten digits.

"Seed 004" is the fifth of the lessons this project was built from: d2l.ai's chapter
"Forward Propagation, Backward Propagation, and Computational Graphs". It describes a
one-hidden-layer perceptron without biases and its objective:

    z = W1 x,   h = relu(z),   o = W2 h,   L = l(o, y)   (cross-entropy)
    s = lambda/2 (|W1|_F^2 + |W2|_F^2),   J = L + s

``run_demo`` trains exactly that with minibatch SGD on the 8x8 digits (64 inputs, 10
classes), prints the loss and the train/test accuracy after every epoch, and writes to
``out``: ``training.png`` (loss and accuracy curves; needs matplotlib), ``history.csv``,
``graph.dot`` / ``backward.dot`` (one minibatch's computational graph, forward and
backward; always) and their ``.svg`` / ``.png`` pictures (need a renderer: Graphviz's
``dot``, or the ``graphviz-pure`` wheel that ``pip install 'arraygrad[demo]'`` brings).
Missing extras are reported with the command that installs them; the training runs
regardless. A learning rate so large that the objective stops being finite stops the
training with ``DivergedError`` naming the epoch.

    python -m arraygrad demo --epochs 20 --hidden 128 --out arraygrad-demo
"""

from __future__ import annotations

import math
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

__all__ = ["SeedMLP", "run_demo", "DEFAULTS", "DivergedError", "prepare_out"]

DEFAULTS = dict(epochs=20, hidden=128, lr=0.05, momentum=0.9, weight_decay=1e-3,
                batch_size=32, seed=0, out="arraygrad-demo")


class DivergedError(FloatingPointError):
    """The objective became NaN or infinite: the learning rate is too large."""


def prepare_out(out: str | Path) -> Path:
    """The output folder, created if needed and checked writable before any training, so
    that a bad ``--out`` fails at once with an ``OSError`` that names it."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out} is an existing file, not a folder: give a "
                              f"folder name (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".arraygrad-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OSError(f"cannot write to the --out folder {out}: "
                      f"{e.strerror or e}") from e
    return out


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

    if not (math.isfinite(lr) and lr >= 0):
        raise ValueError(f"the learning rate must be a finite number >= 0, got lr={lr}; "
                         f"the default is {DEFAULTS['lr']}")
    out = prepare_out(out)
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
    say(f"arraygrad demo: seed 004's network (d2l.ai's backpropagation chapter) "
        f"o = W2 relu(W1 x), J = L + lambda/2 (|W1|^2 + |W2|^2), on {len(X_train)} + "
        f"{len(X_test)} handwritten digits (8x8)")
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
        for batch, (xb, yb) in enumerate(loader, 1):
            # a diverging run is caught just below, by its non-finite objective, with the
            # epoch; NumPy's overflow warnings on the way there would only bury that message
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                J, L = step(xb, yb)
            parts = {"L": L}
            # checked after the step: a float() inside a compiled step would re-trace it
            if not math.isfinite(float(J)):
                bar.close()
                raise DivergedError(
                    f"training diverged: the objective J became {float(J)} in epoch "
                    f"{epoch} (batch {batch} of {len(loader)}) with lr={lr}; the learning "
                    f"rate is too large for this network: try a smaller one, e.g. "
                    f"--lr {lr / 10:g}")
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
    # one minibatch's graph, forward and backward, drawn with the seed's names
    xb, yb = next(iter(DataLoader((X_train, y_train), batch_size=batch_size)))
    model.train()
    parts = model.objective(xb, yb, weight_decay)
    report = viz.memory_report(parts["J"])
    files.update(_draw_graphs(model, parts, len(yb), report, out, notes_out))
    with no_grad():
        plain = viz.memory_report(model(xb))
    say(f"memory: one training forward pass keeps {viz._fmt_bytes(report.total_bytes)} for "
        f"backward ({viz._fmt_bytes(report.intermediate_bytes)} of intermediate values, "
        f"{viz._fmt_bytes(report.leaf_bytes)} of inputs and parameters); "
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


# The gradients seed 004 derives, in its notation (one example per column).
SEED_GRADIENTS = {
    "L": "dJ/dL = 1",
    "s": "dJ/ds = 1",
    "o": "dJ/do = dJ/dL dL/do = (softmax(o) - onehot(y)) / n",
    "h": "dJ/dh = W2^T dJ/do",
    "z": "dJ/dz = dJ/dh * relu'(z)",
    "W2": "dJ/dW2 = dJ/do h^T + lambda W2",
    "W1": "dJ/dW1 = dJ/dz x^T + lambda W1",
}


def _draw_graphs(model: SeedMLP, parts: dict, n: int, report: viz.MemoryReport, out: Path,
                 notes: list[str]) -> dict[str, Path]:
    """graph.* (the forward pass) and backward.* (the backward pass) of one minibatch."""
    names = {"W1": model.W1, "W2": model.W2, **{k: parts[k] for k in ("x", "y", "z", "h", "o",
                                                                       "L", "s")}}
    total = viz._fmt_bytes(report.total_bytes)
    forward = viz.draw(parts["J"], params=names, output_names="J", title=(
        f"seed 004's forward pass on one minibatch of {n} digits: z = W1 x, h = relu(z), "
        f"o = W2 h, L = cross-entropy(o, y), s = lambda/2 (|W1|^2 + |W2|^2), J = L + s\n"
        f"Each operator shows what it keeps for the backward pass, each array counted once: "
        f"the labels add up to {total}, the total the console prints."))
    backward = viz.draw(parts["J"], params=names, output_names="J", backward=True,
                        notes=SEED_GRADIENTS, title=(
        "seed 004's backward pass: the gradient of J flows from J down to W1 and W2; "
        "each edge carries the gradient named on it\n(formulas in the seed's notation, "
        "one example per column; the engine computes the same with one example per row)"))
    files: dict[str, Path] = {"dot": forward.save(out / "graph.dot"),
                              "backward_dot": backward.save(out / "backward.dot")}
    try:
        for fmt in ("svg", "png"):
            files[f"graph_{fmt}"] = forward.render(out / f"graph.{fmt}")
            files[f"backward_{fmt}"] = backward.render(out / f"backward.{fmt}")
    except viz.GraphvizNotFoundError:
        notes.append("no graph renderer is installed, so graph.dot and backward.dot were "
                     "written but not drawn: python -m pip install graphviz-pure (or "
                     "pip install 'arraygrad[demo]', or apt-get install graphviz), then rerun")
    except (RuntimeError, OSError) as e:
        notes.append(f"the graph pictures could not be drawn ({e}); graph.dot and "
                     f"backward.dot have the graphs")
    return files


def _epoch_ticks(last: int) -> list[int]:
    """Epoch ticks that always include the first and the last epoch."""
    if last <= 10:
        return list(range(1, last + 1))
    step = next(s for s in (2, 5, 10, 20, 50, 100, 200, 500, 1000) if last / s <= 8) \
        if last <= 8000 else math.ceil(last / 8)
    inner = [t for t in range(step, last, step) if last - t >= step / 2]
    return [1, *inner, last]


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
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    ax1.plot(epochs, [r["J"] for r in history], marker="o", label="objective J = L + s")
    ax1.plot(epochs, [r["L"] for r in history], marker=".", label="loss L (cross-entropy)")
    ax1.set_yscale("log")
    # plain numbers (0.05, 0.1, 0.2, ...) rather than 5x10^-2 on the log axis
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax1.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax1.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax1.yaxis.set_minor_formatter(NullFormatter())
    ax1.set_xlabel("epoch (one pass over the training digits)")
    ax1.set_ylabel("mean over the training set (log scale)")
    ax1.set_title("the error it minimises falls (lower is better)")
    ax1.legend()
    ax1.grid(alpha=0.3, which="both")
    ax2.plot(epochs, [100 * r["train_acc"] for r in history], marker="o", label="training digits")
    ax2.plot(epochs, [100 * r["test_acc"] for r in history], marker="s",
             label="test digits (never trained on)")
    ax2.set_xlabel("epoch (one pass over the training digits)")
    ax2.set_ylabel("digits read correctly (%)")
    ax2.set_title(f"accuracy rises: {100 * history[-1]['test_acc']:.1f} % of the test digits "
                  f"at the end")
    ax2.legend(loc="lower right")
    ax2.grid(alpha=0.3)
    for ax in (ax1, ax2):
        ax.set_xticks(_epoch_ticks(epochs[-1]))
        ax.set_xlim(0.5, epochs[-1] + 0.5)
    fig.suptitle(f"arraygrad demo: a one-hidden-layer network (seed 004) learning to read "
                 f"8x8 handwritten digits, {epochs[-1]} epochs")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
