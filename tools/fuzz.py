"""The long differential search: random programs over arraygrad's NumPy surface, each
compared with PyTorch (values, gradients, Hessian-vector products). See tests/fuzzlib.

    python tools/fuzz.py --programs 20000 [--seed S]      # arraygrad against PyTorch
    python tools/fuzz.py --programs 2000 --calibrate      # the oracle against itself
    python tools/fuzz.py --replay 12345 [--seed S --skip-known]  # one program of that run
    python tools/fuzz.py --families linalg,index          # only some op families

Prints a summary per op family (programs, ok, mismatch, error, refused, skipped), the
failures grouped by the op whose shortest failing prefix ends there, and one example
program per culprit. Exit status 1 if anything mismatched or errored.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

# One BLAS thread: tiny matrices, and a shared machine where idle BLAS threads spin
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
if (ROOT / "src").is_dir() and str(ROOT / "src") not in sys.path:
    sys.path.insert(1, str(ROOT / "src"))

from fuzzlib import check, run_many, run_program  # noqa: E402


def _bar(total: int):
    try:
        from tqdm import tqdm
    except ImportError:
        return None, None
    bar = tqdm(total=total, unit="prog", smoothing=0.05)
    bad = [0]

    def step(o):
        if o.status in ("mismatch", "error"):
            bad[0] += 1
            bar.set_postfix(failures=bad[0])
        bar.update()
    return bar, step


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--programs", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0, help="the first program's seed")
    p.add_argument("--families", default=None, help="comma-separated op families")
    p.add_argument("--dtype", choices=["float32", "float64"], default=None)
    p.add_argument("--calibrate", action="store_true",
                   help="run the comparison on oracle vs oracle: PyTorch vs PyTorch, "
                        "arraygrad vs arraygrad, PyTorch float32 vs float64 (all must be 0)")
    p.add_argument("--skip-known", action="store_true",
                   help="leave out the bug classes listed in tests/fuzzlib/known.py (CI)")
    p.add_argument("--replay", type=int, default=None, help="show one program and its outcome")
    p.add_argument("--examples", type=int, default=5, help="example programs to print")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    families = args.families.split(",") if args.families else None

    if args.replay is not None:  # (drawn as the run from --seed with the same flags drew it)
        draw = check.Drawer(families, None, (), args.skip_known, True, args.dtype)
        prog = draw(args.replay - args.seed, args.replay)
        o = check.shrink(run_program(prog))
        print(o)
        return 0 if o.status not in ("mismatch", "error") else 1

    pairs = [("arraygrad", "torch")]
    if args.calibrate:
        pairs = [("torch", "torch"), ("arraygrad", "arraygrad"), ("torch", "torch64")]
    failed = 0
    seeds = range(args.seed, args.seed + args.programs)
    for test, oracle in pairs:
        bar, step = _bar(args.programs)
        report = run_many(seeds, test, oracle, families=families, dtype=args.dtype,
                          progress=step, skip_known=args.skip_known, every_op=True)
        if bar is not None:
            bar.close()
        print(f"== {test} against {oracle}, seeds {args.seed}..{args.seed + args.programs - 1}")
        print(report.summary(examples=args.examples))
        failed += report.mismatches
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
