"""Quick side-by-side timings for development: one process, peers interleaved.

Uses the same peer implementations as ``bench/run.py`` (bench/peers/*), but runs every
library's thunk in turn, round after round, so that machine noise hits them alike and the
ratios are comparable. Not the reported benchmark (that is ``bench/run.py``).

    python bench/w_quick.py            # W1, W3, W4, W2 with numpy, torch, arraygrad
    python bench/w_quick.py W1 W3      # some workloads only
    python bench/w_quick.py --cpu W1   # CPU time of this process instead of wall time
    python bench/w_quick.py --cpu parts  # per-op forward/backward split, W3 with GC on/off

``--cpu`` (``time.process_time``) is steadier on a shared machine: time the scheduler gives
to other processes is not counted. Cache and memory-bandwidth contention still is.
"""

from __future__ import annotations

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "2"
for _var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_var, None)

import gc  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench.peers import base  # noqa: E402

PEERS = {}
for _name, _mod, _cls in (("numpy", "numpy_impl", "NumpyPeer"),
                          ("torch", "torch_impl", "TorchPeer"),
                          ("arraygrad", "arraygrad_impl", "ArraygradPeer"),
                          ("arraygrad-compile", "arraygrad_compile_impl",
                           "ArraygradCompilePeer"),
                          ("arraygrad-fast", "arraygrad_compile_impl", "ArraygradFastPeer")):
    try:
        module = __import__(f"bench.peers.{_mod}", fromlist=[_cls])
        PEERS[_name] = getattr(module, _cls)()
    except ImportError as exc:  # noqa: PERF203
        print(f"skipping {_name}: {exc}")


CLOCK = time.perf_counter


def _per_call(fn, min_time: float = 0.1) -> float:
    n = 1
    while True:
        t0 = CLOCK()
        for _ in range(n):
            fn()
        dt = CLOCK() - t0
        if dt >= min_time:
            return dt / n
        n *= 2 if dt < min_time / 4 else 1 + int(min_time / max(dt, 1e-9))


def side_by_side(label: str, thunks: dict, scale: float, unit: str, rounds: int = 11) -> dict:
    for fn in thunks.values():
        fn()
    times = {k: [] for k in thunks}
    for _ in range(rounds):
        for k, fn in thunks.items():
            gc.collect()
            times[k].append(_per_call(fn) * scale)
    # the minimum: on a shared machine, noise only ever adds time
    best = {k: min(v) for k, v in times.items()}
    cells = "  ".join(f"{k} {v:8.3f}" for k, v in best.items())
    print(f"{label:28s} {cells}  ({unit}, min of {rounds})", flush=True)
    return best


def _thunks(make) -> dict:
    """``{peer: make(peer)}`` for the peers that support the workload."""
    out = {}
    for k, p in PEERS.items():
        try:
            out[k] = make(p)
        except base.Unsupported:
            pass
    return out


def _compiled_ratios(r: dict, ref: str = "numpy") -> None:
    if ref not in r:
        return
    cells = [f"{k}/{ref} {r[k] / r[ref]:.2f}" for k in ("arraygrad", "arraygrad-compile",
                                                          "arraygrad-fast") if k in r]
    print("   " + "; ".join(cells))


def main(which: list[str]) -> None:
    if "W1" in which:
        x0, n = base.w1_x0(), 200
        fb = side_by_side("W1 fwd+bwd", _thunks(lambda p: p.w1_fwd_bwd(x0, n)),
                          1e6 / n, "us/op")
        _compiled_ratios(fb)
        f = side_by_side("W1 fwd no-grad", _thunks(lambda p: p.w1_fwd(x0, n)),
                         1e6 / n, "us/op")
        _compiled_ratios(f)
        print(f"   ratio fwd+bwd ours/torch {fb['arraygrad'] / fb['torch']:.2f} (target 0.75); "
              f"no-grad ours/numpy {f['arraygrad'] / f['numpy']:.2f} (target 1.3)")
    if "W3" in which:
        for n in (10_000, 100_000):
            r = side_by_side(f"W3 chain {n}", _thunks(lambda p, n=n: p.w3(base.W3_X0, n)),
                             1e6 / n, "us/op", rounds=3 if n > 10_000 else 5)
            _compiled_ratios(r)
            print(f"   ratio ours/torch {r['arraygrad'] / r['torch']:.2f} (target 0.5)")
    if "W4" in which:
        A, w, v = base.w4_data()
        g = side_by_side("W4 grad", {k: p.w4_grad(A, w) for k, p in PEERS.items()}, 1e6, "us")
        h = side_by_side("W4 hvp", {k: p.w4_hvp(A, w, v) for k, p in PEERS.items()
                                    if k != "numpy" or hasattr(p, "w4_hvp")}, 1e6, "us")
        print(f"   ours hvp/grad {h['arraygrad'] / g['arraygrad']:.2f} (target 2); "
              f"ours/torch hvp {h['arraygrad'] / h['torch']:.2f} (target 1)")
    if "W2" in which:
        for size in ("small", "large"):
            W1, W2, X, Y = base.w2_data(size)
            data = (W1, W2, X, Y)
            steps = _thunks(lambda p, d=data: p.w2_step(*d, base.W2_LR, base.W2_LAM)[0])
            r = side_by_side(f"W2 {size}", steps, 1e3, "ms", rounds=5)
            _compiled_ratios(r)
            print(f"   ratio ours/numpy {r['arraygrad'] / r['numpy']:.2f} (target 1.05)")


def parts() -> None:
    """Where per-op time goes: forward (recording) and backward per node of 400-op chains
    whose rules call no op (``v + c``) or one (``v * 0.5``), arraygrad and PyTorch; and the
    W3 forward with the garbage collector on and off."""
    import numpy as np

    import arraygrad as ag

    n = 400

    def split(x, c, body, reps=60):
        fw, bw = [], []
        for _ in range(reps):
            t0 = CLOCK()
            v = x
            for _ in range(n):
                v = body(v, c)
            loss = v.sum()
            t1 = CLOCK()
            loss.backward()
            fw.append(t1 - t0)
            bw.append(CLOCK() - t1)
        return min(fw) / n * 1e6, min(bw) / n * 1e6

    libs = {"arraygrad": (ag.tensor(np.ones(16), requires_grad=True), ag.tensor(np.ones(16)))}
    if "torch" in PEERS:
        import torch

        libs["torch"] = (torch.ones(16, dtype=torch.float64, requires_grad=True),
                         torch.ones(16, dtype=torch.float64))
    for name, (x, c) in libs.items():
        for label, body in (("v + c", lambda v, c: v + c), ("v * 0.5", lambda v, c: v * 0.5)):
            f, b = split(x, c, body)
            print(f"{name:10s} {label:8s} forward {f:6.3f} us/op  backward {b:6.3f} us/node")
    from arraygrad import numpy as anp

    x = ag.tensor(np.float64(base.W3_X0), requires_grad=True)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        for n3 in (10_000, 100_000):
            gc.collect()
            t0 = CLOCK()
            v = base.w3_chain(x, n3, anp.sin)
            t1 = CLOCK()
            v.backward()
            t2 = CLOCK()
            del v
            print(f"W3 {n3:7d} gc {'on ' if enabled else 'off'} forward {(t1 - t0) / n3 * 1e6:6.3f}"
                  f" us/op  backward {(t2 - t1) / n3 * 1e6:6.3f} us/op")
    gc.enable()


if __name__ == "__main__":
    _args = sys.argv[1:]
    if "--cpu" in _args:
        _args.remove("--cpu")
        CLOCK = time.process_time
    if _args == ["parts"]:
        parts()
    else:
        main(_args or ["W1", "W3", "W4", "W2"])
