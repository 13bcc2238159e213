"""Logistic regression on a design matrix larger than memory: arraygrad over Dask.

The data is a Dask array generated chunk by chunk (``da.random``), never held whole:
the forward pass, the backward pass and the loss are one lazy Dask graph, and each
training step computes the loss and both gradients in a single pass of Dask's scheduler
over the chunks (``dask.compute`` of the three results together), showing Dask's own
progress bar while it computes. The parameters are small NumPy arrays; their gradients
come back as NumPy arrays, and the update runs on the host.

    python examples/dask_logistic_regression.py                        # 2*10^5 rows, seconds
    python examples/dask_logistic_regression.py --rows 500000000       # 32 GB, bounded memory
    python examples/dask_logistic_regression.py --scheduler distributed --workers 2

The large run (5*10^8 x 16 float32, 32 GB) is larger than the 24 GiB of memory of the
machines this project is developed on: it runs in bounded memory because each chunk
(10^6 rows, 64 MB) is generated, used forward and backward, and dropped. The same code
runs on a ``dask.distributed`` cluster: with a ``Client`` connected, ``dask.compute``
sends the graph there (``--scheduler distributed`` starts a local one), and the progress
bar is ``distributed.progress``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import dask
import dask.array as da
import numpy as np

import arraygrad as ag
from arraygrad import numpy as anp

TRUE_SEED = 42


def make_data(rows: int, features: int = 16, chunk_rows: int = 1_000_000, seed: int = 0,
              dtype: Any = np.float32) -> tuple[da.Array, da.Array]:
    """A lazily generated design matrix ``X`` (rows x features) and 0/1 labels ``y``
    drawn from a logistic model with fixed true weights."""
    chunk_rows = max(1, min(chunk_rows, rows))
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, features), chunks=(chunk_rows, features), dtype=dtype)
    w_true = np.random.default_rng(TRUE_SEED).standard_normal(features).astype(dtype)
    u = rng.random((rows,), chunks=(chunk_rows,), dtype=dtype)
    p = 1 / (1 + da.exp(-(X @ w_true)))
    y = (u < p).astype(dtype)
    return X, y


def loss_fn(w: ag.Tensor, b: ag.Tensor, X: Any, y: Any) -> ag.Tensor:
    """Mean binary cross-entropy of ``sigmoid(X w + b)`` against ``y``, written with the
    log-sum-exp guard: ``max(z, 0) - z y + log(1 + exp(-|z|))``."""
    z = X @ w + b
    per_row = anp.maximum(z, 0.0) - z * y + anp.log(1.0 + anp.exp(-anp.abs(z)))
    return per_row.mean()


def compute(*arrays: Any, progress: bool = False) -> tuple:
    """``dask.compute(*arrays)``, one pass; with ``progress``, Dask's own progress bar:
    ``distributed.progress`` when a ``Client`` is connected, else
    ``dask.diagnostics.ProgressBar`` for the local schedulers."""
    if not progress:
        return dask.compute(*arrays)
    try:
        from distributed import get_client
        from distributed import progress as distributed_progress

        client = get_client()
    except (ImportError, ValueError):  # no distributed, or no Client connected
        client = None
    if client is not None:
        futures = client.compute(list(arrays))
        distributed_progress(futures)
        print()
        return tuple(client.gather(futures))
    from dask.diagnostics import ProgressBar

    with ProgressBar():
        return dask.compute(*arrays)


def loss_and_grads(w: np.ndarray, b: np.ndarray, X: Any, y: Any,
                   progress: bool = False) -> tuple[float, np.ndarray, np.ndarray]:
    """The loss and its gradients in one pass over the data (one ``dask.compute``)."""
    wt = ag.tensor(w, requires_grad=True)
    bt = ag.tensor(b, requires_grad=True)
    loss = loss_fn(wt, bt, ag.Tensor(X), ag.Tensor(y))
    loss.backward()  # builds the backward graph; nothing is computed yet
    if not isinstance(loss.array, da.Array):  # NumPy inputs: already computed
        return float(loss.detach().numpy()), wt.grad.numpy(), bt.grad.numpy()
    value, gw, gb = compute(loss.array, wt.grad.array, bt.grad.array, progress=progress)
    return float(value), np.asarray(gw), np.asarray(gb)


def train(X: Any, y: Any, steps: int = 3, lr: float = 0.5, log: Any = print,
          progress: bool = False) -> dict:
    features = X.shape[1]
    w = np.zeros(features, dtype=X.dtype)
    b = np.zeros((), dtype=X.dtype)
    history = []
    for step in range(steps):
        t0 = time.perf_counter()
        loss, gw, gb = loss_and_grads(w, b, X, y, progress=progress)
        w = w - lr * gw
        b = b - lr * gb
        dt = time.perf_counter() - t0
        history.append({"step": step, "loss": loss, "seconds": dt})
        if log is not None:
            log(f"step {step}: loss {loss:.6f}  |grad| {np.linalg.norm(gw):.3e}  {dt:.2f} s")
    return {"w": w, "b": b, "history": history}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000,
                    help="rows of the design matrix (the default runs in seconds; 500000000 "
                         "is the 32 GB run)")
    ap.add_argument("--features", type=int, default=16)
    ap.add_argument("--chunk-rows", type=int, default=None,
                    help="rows per chunk (default: rows/8, at most 10^6)")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scheduler", choices=("threads", "processes", "synchronous",
                                            "distributed"), default="threads")
    ap.add_argument("--workers", type=int, default=2, help="with --scheduler distributed")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    if args.rows < 1 or args.features < 1 or args.steps < 1:
        ap.error("--rows, --features and --steps must be at least 1")
    chunk_rows = args.chunk_rows or min(1_000_000, max(1, args.rows // 8))

    X, y = make_data(args.rows, args.features, chunk_rows, args.seed)
    gb = X.nbytes / 1e9
    print(f"X: {args.rows:,} x {args.features} {X.dtype} ({gb:.3g} GB) in "
          f"{X.numblocks[0]} chunks of {X.chunks[0][0]:,} rows; scheduler {args.scheduler}")
    if args.scheduler == "distributed":
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster):
            result = train(X, y, args.steps, args.lr, progress=not args.no_progress)
    else:
        with dask.config.set(scheduler=args.scheduler):
            result = train(X, y, args.steps, args.lr, progress=not args.no_progress)
    w_true = np.random.default_rng(TRUE_SEED).standard_normal(args.features)
    cos = float(result["w"] @ w_true / (np.linalg.norm(result["w"]) * np.linalg.norm(w_true)
                                        + 1e-30))
    print(f"cosine(w, w_true) after {args.steps} steps: {cos:.4f}")
    result["cosine"] = cos
    return result


if __name__ == "__main__":
    main()
