"""The command line: ``python -m arraygrad demo`` (also the ``arraygrad`` script).

    python -m arraygrad demo                      # train seed 004's MLP on the digits
    python -m arraygrad demo --epochs 5 --out /tmp/demo
    python -m arraygrad version
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    from .demo import DEFAULTS

    parser = argparse.ArgumentParser(
        prog="python -m arraygrad",
        description="arraygrad: NumPy with gradients. Subcommands: demo, version.",
    )
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        for name in ("epochs", "hidden", "batch_size"):
            if getattr(args, name) < 1:
                parser.error(f"--{name.replace('_', '-')} must be at least 1")
        from .demo import run_demo

        run_demo(epochs=args.epochs, hidden=args.hidden, lr=args.lr,
                 weight_decay=args.weight_decay, batch_size=args.batch_size, seed=args.seed,
                 out=args.out, momentum=args.momentum, progress=not args.no_progress,
                 compile=args.compile)
        return 0
    if args.command == "version":
        from . import __version__

        print(f"arraygrad {__version__}")
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
