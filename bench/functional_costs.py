"""What the functional transforms cost, relative to a plain gradient.

f(w) = sum(tanh(A w)), A 512 x 512 float64 (bench/peers' W4 problem). Each number is the
median of 7 samples; a sample loops the call until it has run for --min-time seconds
and reports the time per call.

    python bench/functional_costs.py [--n 512] [--samples 7] [--min-time 0.05]

Results: bench/RESULTS-functional.md.
"""

from __future__ import annotations

import os

# one BLAS thread: the timings then measure arraygrad, not thread scheduling on a busy box
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import arraygrad as ag  # noqa: E402
from arraygrad import numpy as anp  # noqa: E402


def per_call(fn, samples: int, min_time: float) -> float:
    fn()
    out = []
    for _ in range(samples):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt >= min_time:
                break
        out.append(dt / n)
    return float(np.median(out))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=512)
    p.add_argument("--samples", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.05)
    a = p.parse_args()

    rng = np.random.default_rng(1)
    n = a.n
    A = ag.tensor(rng.standard_normal((n, n)) / np.sqrt(n))
    w = rng.standard_normal(n)
    v = rng.standard_normal(n)

    def f(w):
        return anp.tanh(A @ w).sum()

    def vec(w):
        return anp.tanh(A @ w)

    wt = ag.tensor(w, requires_grad=True)
    _, f_jvp = ag.linearize(f, w)

    def hvp_engine():  # reverse over reverse by hand, as bench/peers does
        (g,) = ag.autograd.grad(f(wt), [wt], create_graph=True)
        return ag.autograd.grad((g * ag.tensor(v)).sum(), [wt])[0]

    cases = [
        ("forward only (no_grad)", lambda: ag.no_grad()(f)(w)),
        ("grad (ag.grad)", lambda: ag.grad(f)(w)),
        ("grad (autograd.grad, engine)", lambda: ag.autograd.grad(f(wt), [wt])[0]),
        ("vjp (vector output)", lambda: ag.vjp(vec, w)[1](v)),
        ("jvp (scalar output)", lambda: ag.jvp(f, (w,), (v,))),
        ("jvp (vector output)", lambda: ag.jvp(vec, (w,), (v,))),
        ("linearize: one more J v", lambda: f_jvp(v)),
        ("hvp (ag.hvp)", lambda: ag.hvp(f, (w,), (v,))),
        ("hvp (engine by hand)", hvp_engine),
        ("hvp (jvp of grad, fwd-over-rev)", lambda: ag.jvp(ag.grad(f), (w,), (v,))),
    ]
    times = {}
    print(f"f(w) = sum(tanh(A w)), A {n}x{n} float64; median of {a.samples} samples")
    print(f"numpy {np.__version__}, python {platform.python_version()}, {platform.machine()}\n")
    print(f"{'case':36} {'ms':>9} {'x grad':>8}")
    for name, fn in cases:
        times[name] = per_call(fn, a.samples, a.min_time) * 1e3
    g = times["grad (ag.grad)"]
    for name, _ in cases:
        print(f"{name:36} {times[name]:9.3f} {times[name] / g:8.2f}")
    print(
        f"\nHVP/grad ratio: {times['hvp (ag.hvp)'] / g:.2f}   "
        f"JVP/grad ratio: {times['jvp (scalar output)'] / g:.2f}"
    )


if __name__ == "__main__":
    main()
