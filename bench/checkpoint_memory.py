"""Peak memory of forward + backward of a 20-layer MLP, with and without checkpointing.

Each layer is h = tanh(h @ W + b); the batch is large next to the width, so the
activations (what backward needs) dominate the parameters. Peak memory is measured with
tracemalloc (NumPy reports its buffers to it) from just before the forward pass to the end
of the backward pass, gradients included (the parameters existed before); times are
the median of --repeat runs made without tracemalloc.

    python bench/checkpoint_memory.py [--batch 1024] [--width 128] [--layers 20]

Results: bench/RESULTS-checkpoint.md.
"""

from __future__ import annotations

import os

# one BLAS thread: the timings then measure arraygrad, not thread scheduling on a busy box
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

import arraygrad as ag  # noqa: E402
from arraygrad import numpy as anp  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--layers", type=int, default=20)
    p.add_argument("--repeat", type=int, default=7)
    a = p.parse_args()

    rng = np.random.default_rng(0)
    L, d = a.layers, a.width
    Ws = [ag.tensor(rng.standard_normal((d, d)) / np.sqrt(d), requires_grad=True) for _ in range(L)]
    bs = [ag.tensor(np.zeros(d), requires_grad=True) for _ in range(L)]
    x = ag.tensor(rng.standard_normal((a.batch, d)))
    layers = [lambda h, W=W, b=b: anp.tanh(h @ W + b) for W, b in zip(Ws, bs)]

    def plain():
        h = x
        for f in layers:
            h = f(h)
        return h

    def every_layer():
        h = x
        for f in layers:
            h = ag.checkpoint(f, h)
        return h

    def segments(k):
        return lambda: ag.checkpoint_sequential(layers, k, x)

    sq = max(1, int(round(np.sqrt(L))))
    variants = [
        ("no checkpointing", plain),
        ("checkpoint every layer", every_layer),
        (f"checkpoint_sequential, {sq} segments", segments(sq)),
        ("checkpoint_sequential, 2 segments", segments(2)),
    ]

    def run(build):
        """(peak bytes under tracemalloc, seconds without it, a gradient to compare)."""
        for t in (*Ws, *bs):
            t.grad = None
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        build().sum().backward()
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        g = [w.grad.numpy().copy() for w in Ws[:1]]
        for t in (*Ws, *bs):
            t.grad = None
        gc.collect()
        t0 = time.perf_counter()
        build().sum().backward()
        return peak, time.perf_counter() - t0, g

    act = a.batch * d * 8 / 2**20
    params = L * (d * d + d) * 8 / 2**20
    print(
        f"{L}-layer MLP, batch {a.batch}, width {d}, float64: one activation "
        f"{act:.2f} MiB, parameters {params:.2f} MiB (+ the same again for gradients)\n"
    )
    print(f"{'variant':40} {'peak MiB':>9} {'saved':>7} {'time ms':>8}")
    ref = None
    rows = []
    for name, build in variants:
        peaks, times = [], []
        run(build)  # warm up
        for _ in range(a.repeat):
            pk, dt, g = run(build)
            peaks.append(pk)
            times.append(dt)
        if ref is None:
            ref = g
        else:
            assert np.allclose(g[0], ref[0], rtol=1e-12, atol=1e-14), "gradients differ"
        rows.append((name, max(peaks) / 2**20, float(np.median(times)) * 1e3))
    base_peak, base_time = rows[0][1], rows[0][2]
    for name, pk, ms in rows:
        print(
            f"{name:40} {pk:9.1f} {1 - pk / base_peak:7.0%} {ms:8.1f}"
            + ("" if name == rows[0][0] else f"  ({ms / base_time:.2f}x time)")
        )
    print("\nall variants give the same gradients (checked)")


if __name__ == "__main__":
    main()
