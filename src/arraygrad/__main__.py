"""The command line: ``python -m arraygrad demo`` (also the ``arraygrad`` script).

    python -m arraygrad demo                      # train seed 004's MLP on the digits
    python -m arraygrad demo --epochs 5 --out /tmp/demo
    python -m arraygrad --version                 # or: python -m arraygrad version

A bad ``--out`` or a learning rate that makes the training diverge ends with a one-line
error and exit status 1; bad option values with argparse's usage and status 2.
"""

from __future__ import annotations

import argparse
import math
import sys


def _parser(prog: str) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    from . import __version__
    from .demo import DEFAULTS

    parser = argparse.ArgumentParser(
        prog=prog,
        description="arraygrad: NumPy with gradients. Subcommands: demo, version.",
    )
    parser.add_argument("--version", action="version", version=f"arraygrad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="train seed 004's one-hidden-layer MLP on the bundled handwritten digits",
        description=(
            "Train seed 004's network (z = W1 x, h = relu(z), o = W2 h; objective "
            "J = cross-entropy + lambda/2 (|W1|^2 + |W2|^2)) with minibatch SGD on the "
            "bundled UCI handwritten digits; print the loss and accuracy per epoch and write "
            "training.png, history.csv, graph.dot and graph.svg/graph.png to --out."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    demo.add_argument("--epochs", type=int, default=DEFAULTS["epochs"], help="passes over "
                      "the training set")
    demo.add_argument("--hidden", type=int, default=DEFAULTS["hidden"], help="hidden units h")
    demo.add_argument("--lr", type=float, default=DEFAULTS["lr"], help="SGD learning rate")
    demo.add_argument("--momentum", type=float, default=DEFAULTS["momentum"],
                      help="SGD momentum (0 for plain minibatch SGD)")
    demo.add_argument("--weight-decay", type=float, default=DEFAULTS["weight_decay"],
                      help="lambda of the l2 term s = lambda/2 (|W1|^2 + |W2|^2)")
    demo.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"],
                      help="minibatch size")
    demo.add_argument("--seed", type=int, default=DEFAULTS["seed"],
                      help="seed of the split, the initial weights and the shuffling")
    demo.add_argument("--out", default=DEFAULTS["out"], help="folder for the pictures")
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")
    demo.add_argument("--compile", action="store_true",
                      help="run the training step through ag.compile (same numbers, faster)")
    sub.add_parser("version", help="print the version")
    return parser, demo


def main(argv: list[str] | None = None, prog: str = "arraygrad") -> int:
    """Run the command line; ``prog`` is the name the usage lines show (``arraygrad`` for
    the console script, ``python -m arraygrad`` when run as a module)."""
    parser, demo_parser = _parser(prog)
    args = parser.parse_args(argv)
    if args.command == "demo":
        for name in ("epochs", "hidden", "batch_size"):
            if getattr(args, name) < 1:
                demo_parser.error(f"--{name.replace('_', '-')} must be at least 1")
        for name in ("lr", "momentum", "weight_decay"):
            value = getattr(args, name)
            if not (math.isfinite(value) and value >= 0):
                demo_parser.error(f"--{name.replace('_', '-')} must be a finite number >= 0, "
                             f"got {value}")
        from .demo import DivergedError, run_demo

        try:
            run_demo(epochs=args.epochs, hidden=args.hidden, lr=args.lr,
                     weight_decay=args.weight_decay, batch_size=args.batch_size,
                     seed=args.seed, out=args.out, momentum=args.momentum,
                     progress=not args.no_progress,
                     compile=args.compile)
        except (OSError, DivergedError, ValueError) as e:
            # the user's input was wrong, not the program: one line, no traceback
            print(f"{prog} demo: error: {e}", file=sys.stderr)
            return 1
        return 0
    if args.command == "version":
        from . import __version__

        print(f"arraygrad {__version__}")
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main(prog="python -m arraygrad"))
