"""W2-large on a GPU: one SGD step of the 1024 x 784-2048-10 float32 MLP, arraygrad on
CuPy against PyTorch on CUDA (and, for scale, arraygrad on NumPy).

    pip install -e '.[gpu]' torch     # CuPy for CUDA 12: pip install cupy-cuda12x
    python bench/gpu_mlp.py                    # prints a table, median ms per step
    python bench/gpu_mlp.py --json out.json    # and writes the numbers
    python bench/gpu_mlp.py --cpu              # add the arraygrad-on-NumPy row

The model, data and loss are the benchmark's W2 (bench/peers/base.py ``w2_data``, the
objective of bench/peers/arraygrad_impl.py and torch_impl.py). Each step is timed from
launch to ``synchronize()``; before timing, the parameters after a few steps are compared
between the implementations, so a fast wrong answer cannot win.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers.base import W2_LAM, W2_LR, w2_data  # noqa: E402

# ---------------------------------------------------------------------------- arraygrad


def _ag_objective(W1: Any, W2: Any, X: Any, Y: Any, lam: float) -> Any:
    from arraygrad import numpy as anp

    o = anp.maximum(X @ W1.T, 0.0) @ W2.T
    m = o.max(axis=1, keepdims=True).detach()
    lse = anp.log(anp.exp(o - m).sum(axis=1, keepdims=True)) + m
    L = -(Y * (o - lse)).sum() / X.shape[0]
    return L + lam / 2 * ((W1 * W1).sum() + (W2 * W2).sum())


def arraygrad_step(device: str, data: tuple, lr: float, lam: float):
    import arraygrad as ag

    W1, W2, X, Y = data
    params = [
        ag.tensor(W1, device=device, requires_grad=True),
        ag.tensor(W2, device=device, requires_grad=True),
    ]
    Xt, Yt = ag.tensor(X, device=device), ag.tensor(Y, device=device)

    def step() -> None:
        _ag_objective(*params, Xt, Yt, lam).backward()
        with ag.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None

    return step, lambda: [p.numpy() for p in params]


# ---------------------------------------------------------------------------- PyTorch


def torch_step(data: tuple, lr: float, lam: float):
    import torch

    dev = torch.device("cuda")
    W1, W2, X, Y = data
    params = [
        torch.tensor(W1, device=dev, requires_grad=True),
        torch.tensor(W2, device=dev, requires_grad=True),
    ]
    Xt, Yt = torch.tensor(X, device=dev), torch.tensor(Y, device=dev)

    def step() -> None:
        P1, P2 = params
        o = torch.relu(Xt @ P1.T) @ P2.T
        L = -(Yt * torch.log_softmax(o, dim=1)).sum() / Xt.shape[0]
        J = L + lam / 2 * (P1.square().sum() + P2.square().sum())
        J.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None

    return step, lambda: [p.detach().cpu().numpy() for p in params]


# ---------------------------------------------------------------------------- timing


def _sync_cupy() -> None:
    import cupy

    cupy.cuda.Device().synchronize()


def _sync_torch() -> None:
    import torch

    torch.cuda.synchronize()


def time_steps(step, sync, warmup: int, repeats: int) -> list[float]:
    for _ in range(warmup):
        step()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        sync()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="W2-large MLP SGD step on a GPU")
    ap.add_argument("--size", default="large", choices=("small", "large"))
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--check-steps", type=int, default=3)
    ap.add_argument("--cpu", action="store_true", help="also time arraygrad on NumPy")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args(argv)

    data = w2_data(args.size)
    runs: dict[str, tuple] = {}
    try:
        import cupy

        runs["arraygrad+cupy"] = (arraygrad_step("cuda", data, W2_LR, W2_LAM), _sync_cupy)
        info = {
            "cupy": cupy.__version__,
            "gpu": cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(),
        }
    except ImportError:
        print("CuPy is not installed: no arraygrad GPU row", file=sys.stderr)
        info = {}
    if not args.no_torch:
        try:
            import torch

            if torch.cuda.is_available():
                runs["torch+cuda"] = (torch_step(data, W2_LR, W2_LAM), _sync_torch)
                info["torch"] = torch.__version__
            else:
                print("PyTorch has no CUDA here: no torch row", file=sys.stderr)
        except ImportError:
            print("PyTorch is not installed: no torch row", file=sys.stderr)
    if args.cpu:
        runs["arraygrad+numpy"] = (arraygrad_step("cpu", data, W2_LR, W2_LAM), lambda: None)
    if not runs:
        raise SystemExit("nothing to run: needs CuPy or PyTorch with CUDA (or --cpu)")

    # Correctness first: the same parameters after a few steps, on fresh copies.
    finals = {}
    for name in runs:
        make = {
            "arraygrad+cupy": lambda: arraygrad_step("cuda", data, W2_LR, W2_LAM),
            "torch+cuda": lambda: torch_step(data, W2_LR, W2_LAM),
            "arraygrad+numpy": lambda: arraygrad_step("cpu", data, W2_LR, W2_LAM),
        }[name]
        step, params = make()
        for _ in range(args.check_steps):
            step()
        finals[name] = params()
    ref_name = next(iter(finals))
    for name, ps in finals.items():
        for a, b in zip(finals[ref_name], ps):
            err = float(np.max(np.abs(a - b)))
            if not np.allclose(a, b, rtol=1e-3, atol=1e-4):
                raise SystemExit(
                    f"{name} disagrees with {ref_name} after "
                    f"{args.check_steps} steps (max abs diff {err:.3g})"
                )

    results = {"size": args.size, "info": info, "ms": {}}
    print(f"W2-{args.size} SGD step, median of {args.repeats} (ms)  {info}")
    for name, ((step, _), sync) in runs.items():
        reps = args.repeats if name != "arraygrad+numpy" else max(3, args.repeats // 10)
        times = time_steps(step, sync, args.warmup if name != "arraygrad+numpy" else 1, reps)
        med = statistics.median(times)
        results["ms"][name] = {"median": med, "min": min(times), "repeats": reps}
        print(f"  {name:18s} {med:9.3f}   (min {min(times):.3f})")
    if "arraygrad+cupy" in results["ms"] and "torch+cuda" in results["ms"]:
        ratio = results["ms"]["arraygrad+cupy"]["median"] / results["ms"]["torch+cuda"]["median"]
        results["ratio_arraygrad_over_torch"] = ratio
        print(f"  arraygrad+cupy / torch+cuda: {ratio:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
