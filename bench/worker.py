"""One benchmark task for one library, in a fresh process; run by ``run.py``.

    python bench/worker.py LIB TASK [--quick]

TASK is ``meta`` (versions and thread settings), ``check`` (gradients against the hand
NumPy closed forms), ``W1``..``W4``, ``W5peak`` or ``W5long``. Every result is printed as
one JSON line starting with ``@@`` as soon as it exists, so a crash or timeout later in
the task loses only the rows not yet printed.
"""

from __future__ import annotations

import os
import sys

# Thread pinning has to happen before NumPy, torch or XLA create their thread pools.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spec import THREAD_ENV, THREADS, Config, config  # noqa: E402

os.environ.update(THREAD_ENV)
if "OPENBLAS_CORETYPE" in os.environ:  # a forced core type would skew BLAS timings
    os.environ.pop("OPENBLAS_CORETYPE")
    os.environ.pop("OPENBLAS_L2_SIZE", None)
if hasattr(os, "sched_setaffinity"):
    _cpus = sorted(os.sched_getaffinity(0))[:THREADS]
    os.sched_setaffinity(0, _cpus)

import gc  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def emit(record: dict[str, Any]) -> None:
    print("@@" + json.dumps(record, default=str), flush=True)


# ----------------------------------------------------------------------------- timing
def measure(
    fn: Callable[[], Any], cfg: Config, warmup: int = 1, check_finite: bool = True
) -> dict[str, Any]:
    """Median seconds per call over ``cfg.repeats`` repeats.

    The first call and ``warmup`` more are not timed (``warmup=0``: the first call is a
    sample). A repeat loops the call until it lasts ``cfg.min_time`` (so fast calls are not
    lost in timer noise). GC stays enabled, as autodiff graphs make cyclic garbage in real use,
    but a collection runs before each repeat so repeats start alike. A case that would
    exceed ``cfg.max_case_time`` stops early; the record says how many repeats ran.
    """
    t0 = time.perf_counter()
    out = fn()  # first call: caches, lazy compilation, jit tracing; never a sample if warm-up
    first = time.perf_counter() - t0
    if check_finite:
        arr = np.asarray(out, dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            raise FloatingPointError("result is not finite")
    times: list[float] = []
    if warmup == 0:
        times.append(first)  # caller says caches are warm: the first call is a fair sample
        per_call = first
    else:
        for _ in range(warmup):  # the last warm-up call also calibrates the loop count
            t0 = time.perf_counter()
            fn()
            per_call = time.perf_counter() - t0
    number = max(1, int(cfg.min_time / max(per_call, 1e-7)))
    start = time.perf_counter()
    while len(times) < cfg.repeats:
        projected = time.perf_counter() - start + per_call * number
        # stay within the case budget, stretched to 2x to get the 3 samples a median needs
        budget = cfg.max_case_time * (2 if len(times) < 3 else 1)
        if times and projected > budget:
            break
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        per_call = (time.perf_counter() - t0) / number
        times.append(per_call)
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "repeats": len(times),
        "number": number,
        "first_s": first,
    }


def run_case(
    key: str,
    build: Callable[[], Callable[[], Any]],
    cfg: Config,
    scale: float,
    unit: str,
    **kw: Any,
) -> dict[str, Any] | None:
    """Build the thunk, time it, print the record (or the reason it could not run)."""
    from peers import Unsupported

    rec: dict[str, Any] = {"key": key, "unit": unit}
    try:
        fn = build()
        rec.update(measure(fn, cfg, **kw))
        rec["value"] = rec["median_s"] * scale
    except Unsupported as e:
        rec["na"] = str(e)
    except RecursionError:
        rec["error"] = "RecursionError"
    except MemoryError:
        rec["error"] = "MemoryError"
    except Exception as e:  # a peer failing is a result, not a reason to stop
        rec["error"] = f"{type(e).__name__}: {str(e)[:160]}"
        rec["traceback"] = traceback.format_exc(limit=4)[-1500:]
    emit(rec)
    return rec


# ----------------------------------------------------------------------------- memory
def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_mb() -> float:
    kb = _status_kb("VmRSS")
    if kb is None:  # no /proc: fall back to the peak, the best portable number
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0, writing 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    hwm, rss = _status_kb("VmHWM"), _status_kb("VmRSS")
    return hwm is not None and rss is not None and hwm <= rss + 1024


def peak_mb(method: str) -> float:
    if method == "VmHWM":
        return _status_kb("VmHWM") / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- tasks
def task_meta(peer: Any, name: str) -> None:
    info: dict[str, Any] = {
        "kind": "meta",
        "lib": name,
        "versions": peer.version(),
        "threads": peer.threads(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "env": {k: os.environ.get(k) for k in THREAD_ENV},
    }
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = [
            {
                k: p.get(k)
                for k in (
                    "user_api",
                    "internal_api",
                    "prefix",
                    "version",
                    "num_threads",
                    "architecture",
                    "threading_layer",
                )
            }
            for p in threadpool_info()
        ]
    except ImportError:
        info["threadpools"] = None
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["numpy_blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older NumPy: no dict mode
        info["numpy_blas"] = None
    emit(info)


def task_w1(peer: Any, cfg: Config) -> None:
    from peers.base import w1_x0

    x0, n = w1_x0(), cfg.w1_ops
    run_case("W1.fwd_bwd", lambda: peer.w1_fwd_bwd(x0, n), cfg, 1e6 / n, "µs/op")
    run_case("W1.fwd", lambda: peer.w1_fwd(x0, n), cfg, 1e6 / n, "µs/op")


def task_w2(peer: Any, cfg: Config) -> None:
    from peers.base import W2_LAM, W2_LR, w2_data

    for size in ("small", "large"):
        data = w2_data(size)
        run_case(
            f"W2.{size}",
            lambda d=data: peer.w2_step(*d, W2_LR, W2_LAM)[0],
            cfg,
            1e3,
            "ms",
            check_finite=False,
        )


def task_w3(peer: Any, cfg: Config) -> None:
    from peers.base import W3_X0

    for n in cfg.w3_sizes:
        # the smaller chain runs first and warms every cache, so long chains skip warm-up
        run_case(
            f"W3.{n}",
            lambda n=n: peer.w3(W3_X0, n),
            cfg,
            1e6 / n,
            "µs/op",
            warmup=1 if n <= 10_000 else 0,
        )


def task_w4(peer: Any, cfg: Config) -> None:
    from peers.base import w4_data

    A, w, v = w4_data()
    g = run_case("W4.grad", lambda: peer.w4_grad(A, w), cfg, 1e6, "µs")
    h = run_case("W4.hvp", lambda: peer.w4_hvp(A, w, v), cfg, 1e6, "µs")
    rec: dict[str, Any] = {"key": "W4.ratio", "unit": "×"}
    if g and h and "value" in g and "value" in h:
        rec["value"] = h["value"] / g["value"]
    else:
        rec["na"] = "needs both"
    emit(rec)


def task_w5peak(peer: Any, cfg: Config) -> None:
    from peers.base import W2_LAM, W2_LR, w2_data

    W1, W2, X, Y = w2_data("large")
    step, _ = peer.w2_step(W1, W2, X, Y, W2_LR, W2_LAM)
    gc.collect()
    base = rss_mb()
    method = "VmHWM" if reset_peak() else "ru_maxrss"
    for _ in range(cfg.w5_peak_steps):
        step()
    peak = peak_mb(method)
    gc.collect()
    after = rss_mb()
    emit({"key": "W5.baseline", "unit": "MB", "value": base})
    emit({"key": "W5.peak", "unit": "MB", "value": peak - base, "method": method})
    emit({"key": "W5.retained", "unit": "MB", "value": after - base})


def task_w5long(peer: Any, cfg: Config) -> None:
    from peers.base import W2_LAM, W2_LR, w2_data

    W1, W2, X, Y = w2_data("small")
    step, _ = peer.w2_step(W1, W2, X, Y, W2_LR, W2_LAM)
    for _ in range(cfg.w5_short_steps):
        step()
    gc.collect()
    short = rss_mb()
    emit({"key": "W5.rss_short", "unit": "MB", "value": short})
    t0 = time.perf_counter()
    done = cfg.w5_short_steps
    while done < cfg.w5_long_steps and time.perf_counter() - t0 < cfg.w5_long_budget:
        for _ in range(min(100, cfg.w5_long_steps - done)):
            step()
        done += min(100, cfg.w5_long_steps - done)
    elapsed = time.perf_counter() - t0
    gc.collect()
    long = rss_mb()
    emit(
        {
            "key": "W5.rss_long",
            "unit": "MB",
            "value": long,
            "steps": done,
            "target": cfg.w5_long_steps,
            "ms_per_step": 1e3 * elapsed / max(1, done - cfg.w5_short_steps),
        }
    )
    emit(
        {
            "key": "W5.growth",
            "unit": "MB",
            "value": long - short,
            "steps": done,
            "target": cfg.w5_long_steps,
        }
    )


def task_check(peer: Any, cfg: Config) -> None:
    """Compare the peer's gradients with the hand NumPy closed forms."""
    from peers import Unsupported
    from peers import numpy_impl as ref
    from peers.base import W2_LAM, W2_LR, W3_X0, w1_x0, w2_data, w4_data

    def compare(key: str, get: Callable[[], Any], want: Any, rtol: float, atol: float) -> None:
        rec: dict[str, Any] = {"key": key}
        try:
            got = get()
            ok, worst = True, 0.0
            for g, w in zip(got, want):
                g = np.asarray(g, dtype=np.float64)
                w = np.asarray(w, dtype=np.float64)
                if g.shape != w.shape or not np.all(np.isfinite(g)):
                    ok, worst = False, float("inf")
                    break
                ok &= bool(np.allclose(g, w, rtol=rtol, atol=atol))
                worst = max(worst, float(np.max(np.abs(g - w) / (atol + rtol * np.abs(w)))))
            rec.update(ok=ok, worst=worst)  # worst: error as a fraction of the tolerance
        except Unsupported as e:
            rec["na"] = str(e)
        except Exception as e:
            rec.update(
                ok=False,
                error=f"{type(e).__name__}: {str(e)[:160]}",
                traceback=traceback.format_exc(limit=4)[-1500:],
            )
        emit(rec)

    x0 = w1_x0()
    n = cfg.w1_ops
    compare("W1.grad", lambda: [peer.w1_fwd_bwd(x0, n)()], [ref.w1_grad(x0, n)], 1e-9, 1e-12)
    from peers.base import w1_chain

    w1_val = w1_chain(x0, n, np.sin, np.tanh, np.exp).sum()
    compare("W1.fwd", lambda: [peer.w1_fwd(x0, n)()], [w1_val], 1e-9, 1e-12)

    W1, W2, X, Y = w2_data("small")
    up = [a.astype(np.float64) for a in (W1, W2, X, Y)]
    J, g1, g2 = ref.w2_loss_and_grads(*up, W2_LAM)  # float64 reference
    compare("W2.grads", lambda: peer.w2_grads(W1, W2, X, Y, W2_LAM), [J, g1, g2], 1e-4, 1e-6)

    steps = 3
    P1, P2 = up[0].copy(), up[1].copy()
    for _ in range(steps):
        _, d1, d2 = ref.w2_loss_and_grads(P1, P2, up[2], up[3], W2_LAM)
        P1 -= W2_LR * d1
        P2 -= W2_LR * d2

    def run_steps() -> list[np.ndarray]:
        step, params = peer.w2_step(W1, W2, X, Y, W2_LR, W2_LAM)
        for _ in range(steps):
            step()
        return params()

    compare("W2.sgd_steps", run_steps, [P1, P2], 1e-5, 1e-7)

    m = cfg.check_w3_n
    compare("W3.grad", lambda: [peer.w3(W3_X0, m)()], [ref.w3_grad(W3_X0, m)], 1e-9, 1e-12)

    A, w, v = w4_data()
    g, hv = ref.w4_closed(A, w, v)
    compare("W4.grad", lambda: [peer.w4_grad(A, w)()], [g], 1e-9, 1e-12)
    compare("W4.hvp", lambda: [peer.w4_hvp(A, w, v)()], [hv], 1e-9, 1e-12)

    if peer.name == "numpy":
        _check_reference_by_finite_differences()


def _check_reference_by_finite_differences() -> None:
    """Validate the closed forms themselves (central differences, float64)."""
    from peers import numpy_impl as ref
    from peers.base import W2_LAM, W3_X0, w1_chain, w1_x0, w2_data, w3_chain, w4_data

    h = 1e-6

    def fd(f: Callable[[np.ndarray], float], x: np.ndarray, idx: list[Any]) -> np.ndarray:
        out = []
        for i in idx:
            xp, xm = x.copy(), x.copy()
            xp[i] += h
            xm[i] -= h
            out.append((f(xp) - f(xm)) / (2 * h))
        return np.array(out)

    def report(key: str, got: np.ndarray, want: np.ndarray) -> None:
        ok = bool(np.allclose(got, want, rtol=1e-5, atol=1e-8))
        emit({"key": key, "ok": ok, "worst": float(np.max(np.abs(got - want)))})

    x0 = w1_x0()
    idx = list(range(x0.size))
    report(
        "ref.W1.fd",
        ref.w1_grad(x0, 200)[idx],
        fd(lambda x: w1_chain(x, 200, np.sin, np.tanh, np.exp).sum(), x0, idx),
    )
    report(
        "ref.W3.fd",
        np.array([ref.w3_grad(W3_X0, 1000)]),
        fd(lambda x: float(w3_chain(x[0], 1000, np.sin)), np.array([W3_X0]), [0]),
    )

    W1, W2, X, Y = (a.astype(np.float64) for a in w2_data("small"))
    _, g1, g2 = ref.w2_loss_and_grads(W1, W2, X, Y, W2_LAM)
    rng = np.random.default_rng(3)
    i1 = [tuple(rng.integers(0, s) for s in W1.shape) for _ in range(10)]
    i2 = [tuple(rng.integers(0, s) for s in W2.shape) for _ in range(10)]
    report(
        "ref.W2.fd.W1",
        np.array([g1[i] for i in i1]),
        fd(lambda w: ref.w2_loss_and_grads(w, W2, X, Y, W2_LAM)[0], W1, i1),
    )
    report(
        "ref.W2.fd.W2",
        np.array([g2[i] for i in i2]),
        fd(lambda w: ref.w2_loss_and_grads(W1, w, X, Y, W2_LAM)[0], W2, i2),
    )

    A, w, v = w4_data()
    g, hv = ref.w4_closed(A, w, v)
    report("ref.W4.fd.grad", g[:10], fd(lambda w: np.tanh(A @ w).sum(), w, list(range(10))))
    # H v as the directional derivative of the gradient along v
    hv_fd = (ref.w4_closed(A, w + h * v, v)[0] - ref.w4_closed(A, w - h * v, v)[0]) / (2 * h)
    report("ref.W4.fd.hvp", hv, hv_fd)


TASKS = {
    "W1": task_w1,
    "W2": task_w2,
    "W3": task_w3,
    "W4": task_w4,
    "W5peak": task_w5peak,
    "W5long": task_w5long,
    "check": task_check,
}


def main(argv: list[str]) -> int:
    lib, task = argv[0], argv[1]
    cfg = config("--quick" in argv)
    from peers import load

    try:
        peer = load(lib)
    except Exception as e:
        if lib == "arraygrad" and os.path.join(REPO, "src") not in sys.path:
            # not installed: try the source tree next to the benchmark
            sys.path.insert(0, os.path.join(REPO, "src"))
            for mod in [m for m in sys.modules if m.startswith(("arraygrad", "peers.arraygrad"))]:
                del sys.modules[mod]
            try:
                peer = load(lib)
            except Exception as e2:
                emit({"kind": "skip", "lib": lib, "reason": f"{type(e2).__name__}: {e2}"[:300]})
                return 0
        else:
            emit({"kind": "skip", "lib": lib, "reason": f"{type(e).__name__}: {e}"[:300]})
            return 0
    task_meta(peer, lib)  # every worker reports its environment first (cheap)
    if task != "meta":
        TASKS[task](peer, cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
