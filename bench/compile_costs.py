"""What ag.compile costs before it pays: first call (trace + passes + emit) against one
eager step, the per-call overhead of a cache hit, and the W3 chain traced and replayed.

    python bench/compile_costs.py            # all, medians of repeats, threads pinned to 2
    python bench/compile_costs.py --quick

Targets (issue 13): the W2 step's first call <= 20x one eager step; a cache hit adds
<= 5 us per call; the 100,000-op W3 chain traces and compiles in <= 10 us per op and
replays in <= 1.5x hand-written NumPy per op.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spec import THREAD_ENV  # noqa: E402

os.environ.update(THREAD_ENV)
for _var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_var, None)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))

import gc  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from peers.arraygrad_impl import ArraygradPeer  # noqa: E402
from peers.numpy_impl import NumpyPeer  # noqa: E402

import arraygrad as ag  # noqa: E402
from peers import base  # noqa: E402


def per_call(fn, repeats: int = 7, min_time: float = 0.2) -> float:
    fn()
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    number = max(1, int(min_time / max(one, 1e-7)))
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def first_call(make, repeats: int = 5) -> float:
    """Median over fresh compiled functions of the first call (the trace)."""
    times = []
    for _ in range(repeats):
        fn = make()
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(quick: bool) -> None:
    rep = 3 if quick else 7
    print(f"# ag.compile costs ({'quick' if quick else 'full'}; medians of {rep} repeats)")
    for size in ("small", "large"):
        W1, W2, X, Y = base.w2_data(size)
        eager, _ = ArraygradPeer().w2_step(W1, W2, X, Y, base.W2_LR, base.W2_LAM)
        t_eager = per_call(eager, rep)

        def make(data=(W1, W2, X, Y)):
            step, _ = ArraygradPeer().w2_step(*data, base.W2_LR, base.W2_LAM)
            return ag.compile(step, fusion=None)

        t_first = first_call(make, 3 if quick else 5)
        print(f"W2 {size}: eager step {t_eager * 1e3:.3f} ms; first compiled call (trace + "
              f"passes + emit) {t_first * 1e3:.3f} ms = {t_first / t_eager:.1f}x "
              "(target <= 20x)")
    # cache hit: a one-op function on a 1-element tensor, called compiled and replayed bare
    x = ag.tensor(np.ones(1))
    f = ag.compile(lambda t: t * 2.0, fusion=None)
    f(x)
    f(x)
    v = f.variant(x)
    leaves = [x]
    t_call = per_call(lambda: f(x), rep)
    t_bare = per_call(lambda: v.replay(leaves), rep)
    print(f"cache hit: compiled call {t_call * 1e6:.2f} us, its program alone "
          f"{t_bare * 1e6:.2f} us: {(t_call - t_bare) * 1e6:.2f} us per call for the key, "
          "the lookup and the checks (target <= 5 us)")
    # W3: trace + compile per op, replay per op against hand NumPy
    for n in ((10_000,) if quick else (10_000, 100_000)):
        def make(n=n):
            return ag.compile(ArraygradPeer().w3(base.W3_X0, n), fusion=None)

        t_first = first_call(make, 1 if n > 10_000 else 3)
        c = make()
        c()
        t_replay = per_call(c, 3 if n > 10_000 else rep, min_time=0.1)
        t_numpy = per_call(NumpyPeer().w3(base.W3_X0, n), 3 if n > 10_000 else rep,
                           min_time=0.1)
        print(f"W3 {n:,}: trace + compile {t_first / n * 1e6:.2f} us/op (target <= 10); "
              f"replay {t_replay / n * 1e6:.3f} us/op, hand NumPy {t_numpy / n * 1e6:.3f} "
              f"us/op: {t_replay / t_numpy:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main("--quick" in sys.argv)
