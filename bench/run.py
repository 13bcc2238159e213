"""Run the arraygrad performance benchmark against its peers, side by side.

    python bench/run.py                      # everything, ~10 minutes on 2 cores
    python bench/run.py --quick              # smaller counts, ~2 minutes
    python bench/run.py --only W1,W2 --libs numpy,torch,arraygrad
    python bench/run.py --check              # gradients of every peer vs closed forms
    python bench/run.py --write              # also append the report to bench/RESULTS.md

Every (library, workload) pair runs in its own subprocess (``worker.py``), so thread pools,
imports and memory never leak from one measurement into the next, and a crash, a
recursion limit or a timeout becomes a table cell instead of ending the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from spec import THREAD_ENV, WORKLOADS, Config, config  # noqa: E402

from peers import PEERS  # noqa: E402  (only the name table: imports no library)


def _progress_bar(**kwargs):
    """arraygrad's shared tqdm helper (src/arraygrad/_progress.py), loaded by path so that
    this driver still imports no library; nothing at all when that file is absent."""
    import importlib.util

    path = os.path.join(HERE, os.pardir, "src", "arraygrad", "_progress.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("_arraygrad_progress", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.progress(**kwargs)

RESULTS_MD = os.path.join(HERE, "RESULTS.md")

# seconds one worker may take before it is killed (full run; --quick uses a third)
TIMEOUTS = {"check": 300, "W1": 180, "W2": 180, "W3": 420, "W4": 180, "W5peak": 240, "W5long": 420}

# peers whose first calls compile for minutes (torch.compile's inductor on this CPU)
SLOW_FIRST_CALL = {"torch-compile": 5}

NOISY = 0.10  # others' share of the machine above which a cell is marked as suspect

# rows whose ratios to NumPy / PyTorch mean something (absolute RSS readings do not);
# W3 rows (one per chain length) are added by prefix
RATIO_ROWS = {
    "W1.fwd_bwd",
    "W1.fwd",
    "W2.small",
    "W2.large",
    "W4.grad",
    "W4.hvp",
    "W5.peak",
    "W5.retained",
}


# ----------------------------------------------------------------------------- workers
def child_env() -> dict[str, str]:
    """The environment of every worker: threads pinned, forced OpenBLAS core type dropped."""
    env = dict(os.environ)
    env.update(THREAD_ENV)
    if "OPENBLAS_CORETYPE" in env:
        env.pop("OPENBLAS_CORETYPE")
        env.pop("OPENBLAS_L2_SIZE", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class CpuMeter:
    """How much of the machine *other* processes used while we ran.

    The box is shared (tests, other benchmarks); system-wide busy time from /proc/stat
    minus the CPU time of this runner and its reaped workers is somebody else's load,
    and a timing taken under it is suspect.
    """

    def __init__(self) -> None:
        self.t0, self.busy0, self.ours0 = time.perf_counter(), _busy_s(), _ours_s()

    def others(self) -> float | None:
        """Fraction of all CPUs that other processes kept busy since construction."""
        busy = _busy_s()
        wall = time.perf_counter() - self.t0
        if busy is None or self.busy0 is None or wall <= 0:
            return None
        other = (busy - self.busy0) - (_ours_s() - self.ours0)
        return max(0.0, other / (wall * (os.cpu_count() or 1)))


def _busy_s() -> float | None:
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # guest time is already counted in user
    return busy / os.sysconf("SC_CLK_TCK")


def _ours_s() -> float:
    import resource

    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def wait_quiet(max_wait: float, threshold: float = 0.1) -> None:
    """Wait (at most max_wait seconds) for a second in which others use < threshold."""
    deadline = time.perf_counter() + max_wait
    while time.perf_counter() < deadline:
        meter = CpuMeter()
        time.sleep(1.0)
        busy = meter.others()
        if busy is None or busy < threshold:
            return


def run_worker(lib: str, task: str, quick: bool, verbose: bool) -> tuple[list[dict], str]:
    """Run one worker; returns its records and 'ok', 'timeout' or a crash description.

    Each record gets ``others``: the share of the machine other processes used meanwhile.
    """
    cmd = [sys.executable, os.path.join(HERE, "worker.py"), lib, task]
    if quick:
        cmd.append("--quick")
    timeout = TIMEOUTS[task] / (3 if quick else 1) * SLOW_FIRST_CALL.get(lib, 1)
    meter = CpuMeter()
    # own session: on timeout the whole process group (and any helper it forked) is killed
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=HERE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        status = "ok" if proc.returncode == 0 else _describe_exit(proc.returncode)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        status = f"timeout > {timeout:.0f} s"
    except BaseException:  # Ctrl-C or SIGTERM: leave no worker running behind us
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    others = meter.others()
    records = [json.loads(line[2:]) for line in out.splitlines() if line.startswith("@@")]
    for rec in records:
        rec["others"] = others  # meta too: it tells about rows a dead worker never printed
    if status != "ok" or verbose:
        tail = "\n".join(err.strip().splitlines()[-8:])
        if tail:
            print(f"    [{lib} {task}] stderr: {tail}", file=sys.stderr)
    return records, status


def _describe_exit(rc: int) -> str:
    if rc < 0:
        try:
            return f"crashed ({signal.Signals(-rc).name})"
        except ValueError:
            return f"crashed (signal {-rc})"
    return f"exited {rc}"


def worker_tasks(workload: str) -> list[str]:
    return ["W5peak", "W5long"] if workload == "W5" else [workload]


def task_of(key: str) -> str:
    """The worker task that produces a result row."""
    workload = key.split(".")[0]
    if workload != "W5":
        return workload
    return "W5peak" if key in ("W5.baseline", "W5.peak", "W5.retained") else "W5long"


# ----------------------------------------------------------------------------- formatting
def fmt(v: float) -> str:
    """About three significant digits, never in exponent notation."""
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a >= 0.01:
        return f"{v:.3f}"
    return f"{v:.2g}" if v else "0"


def cell(rec: dict | None) -> str:
    if rec is None:
        return "—"
    if "value" in rec:
        s = fmt(rec["value"])
        if rec.get("repeats", 3) < 3:
            s += f" (n={rec['repeats']})"  # fewer samples than a median wants
        if rec.get("steps", 0) < rec.get("target", 0):
            s += f" ({rec['steps']:,} steps)"  # stopped early: out of its time budget
        if (rec.get("others") or 0) > NOISY and rec.get("unit") != "MB":
            s += " †"  # (memory readings do not suffer from a busy CPU)
        return s
    if "na" in rec:
        return "n/a"
    return rec.get("error", "error").split(":")[0]


def ratio_cell(rec: dict | None, refs: list[dict | None]) -> str:
    parts = []
    for ref in refs:
        if rec and ref and "value" in rec and "value" in ref and ref["value"] > 0:
            parts.append(fmt(rec["value"] / ref["value"]))
        else:
            parts.append("—")
    return " / ".join(parts)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def environment_lines(
    metas: dict[str, dict],
    skipped: dict[str, str],
    load: tuple[list[float], list[float], float | None],
) -> list[str]:
    any_meta = next(iter(metas.values()), {})
    versions: dict[str, str] = {}
    for m in metas.values():
        versions.update(m.get("versions", {}))
    lines = [
        f"- Machine: {cpu_model()}, {os.cpu_count()} logical CPUs, {platform.platform()}",
        f"- Load average (1/5/15 min) at start {_load(load[0])}, at end {_load(load[1])}; "
        f"other processes used {_pct(load[2])} of the machine during the run",
        f"- Python {any_meta.get('python', platform.python_version())}, "
        f"NumPy {any_meta.get('numpy', '?')} (BLAS: {any_meta.get('numpy_blas') or '?'})",
        "- Peers: " + ", ".join(f"{k} {v}" for k, v in versions.items() if k != "numpy"),
        f"- Threads: {', '.join(f'{k}={v}' for k, v in THREAD_ENV.items() if k != 'XLA_FLAGS')}; "
        f"XLA_FLAGS='{THREAD_ENV['XLA_FLAGS']}'; every worker pinned to CPUs "
        f"{any_meta.get('affinity')}",
    ]
    for lib, m in metas.items():
        pools = m.get("threadpools")
        extra = m.get("threads", {})
        if pools is None and not extra:
            continue
        desc = ", ".join(
            f"{p['internal_api']} {p.get('version') or ''} "
            f"({p['prefix']}, {p['num_threads']} threads)".replace("  ", " ")
            for p in pools or []
        )
        desc += "".join(f"; {k}={v}" for k, v in extra.items() if k != "XLA_FLAGS")
        lines.append(f"  - {lib}: {desc or 'threadpoolctl not installed'}")
    for lib, why in skipped.items():
        lines.append(f"- Skipped {lib}: {why}")
    return lines


def _pct(v: float | None) -> str:
    return "?" if v is None else f"{100 * v:.0f} %"


def _load(v: list[float]) -> str:
    return "/".join(f"{x:.2f}" for x in v)


def report(
    cfg: Config,
    libs: list[str],
    workloads: list[str],
    results: dict[str, dict[str, dict]],
    metas: dict[str, dict],
    skipped: dict[str, str],
    load: tuple[list[float], list[float], float | None],
    elapsed: float,
    resumed: bool = False,
) -> str:
    """The Markdown report; ``resumed``: a saved run whose disturbed cells were re-run."""
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    ran = [lib for lib in libs if lib in metas]
    keys = [k for w in workloads for k in cfg.rows(w)]
    kind = "quick" if cfg.quick else "full"
    how = f"{elapsed / 60:.1f} min" if not resumed else f"+ {elapsed / 60:.1f} min of re-runs"
    out = [f"## {now} — {kind} run ({how})", ""]
    out += environment_lines(metas, skipped, load)
    out += [
        "",
        "Median of up to "
        f"{cfg.repeats} repeats (each ≥ {cfg.min_time * 1e3:.0f} ms of calls); lower is "
        "better. `(n=k)`: only k repeats fitted the time budget. `†`: other processes used "
        f"more than {100 * NOISY:.0f} % of the machine while this cell was measured.",
        "",
    ]
    rows = [[cfg.label(k)] + [cell(results.get(lib, {}).get(k)) for lib in ran] for k in keys]
    out.append(table(["workload"] + ran, rows))

    refs = [r for r in ("numpy", "torch") if r in ran]
    ratio_keys = [k for k in keys if k in RATIO_ROWS or k.startswith("W3.")]
    if refs and ratio_keys:
        out += [
            "",
            f"Ratios: × {' / × '.join(refs)} (time or memory divided by theirs; "
            "1 = as fast / as small).",
            "",
        ]
        rows = [
            [cfg.label(k)]
            + [
                ratio_cell(results.get(lib, {}).get(k), [results.get(r, {}).get(k) for r in refs])
                for lib in ran
            ]
            for k in ratio_keys
        ]
        out.append(table(["workload"] + ran, rows))

    notes = []
    for lib in ran:
        for k in keys:
            rec = results.get(lib, {}).get(k)
            if rec is None:
                continue
            if "na" in rec and k != "W4.ratio":  # the ratio's reason is the HVP's
                notes.append(f"{lib} {k}: n/a — {rec['na']}")
            elif "error" in rec:
                notes.append(f"{lib} {k}: {rec['error']}")
            elif rec.get("first_s", 0) > max(1.0, 5 * rec.get("median_s", 0)):
                notes.append(
                    f"{lib} {k}: first call took {rec['first_s']:.1f} s "
                    "(tracing / compilation), not included"
                )
            if k == "W5.peak" and rec.get("method") == "ru_maxrss":
                notes.append(f"{lib} {k}: VmHWM could not be reset; ru_maxrss delta (upper bound)")
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- modes
def run_check(libs: list[str], verbose: bool) -> int:
    """Every peer's W1-W4 gradients against the hand NumPy closed forms."""
    results: dict[str, dict[str, dict]] = {}
    failed = False
    for lib in libs:
        t0 = time.perf_counter()
        records, status = run_worker(lib, "check", False, verbose)
        skip = next((r for r in records if r.get("kind") == "skip"), None)
        if skip:
            print(f"- {lib}: skipped ({skip['reason']})", file=sys.stderr)
            continue
        results[lib] = {r["key"]: r for r in records if "key" in r}
        bad = [r for r in results[lib].values() if r.get("ok") is False]
        failed |= bool(bad) or status != "ok"
        print(
            f"- {lib}: {status}, {len(bad)} failing, {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
        for r in bad:
            print(
                f"    {r['key']}: {r.get('error') or 'mismatch'} (worst {r.get('worst')})",
                file=sys.stderr,
            )
            if verbose and r.get("traceback"):
                print(r["traceback"], file=sys.stderr)
    keys = list(dict.fromkeys(k for res in results.values() for k in res))
    ran = list(results)

    def mark(r: dict | None) -> str:
        if r is None:
            return "—"
        if "na" in r:
            return "n/a"
        return "ok" if r.get("ok") else "FAIL"

    print(table(["check"] + ran, [[k] + [mark(results[lib].get(k)) for lib in ran] for k in keys]))
    return 1 if failed else 0


def _run_task(
    lib: str, task: str, cfg: Config, args: argparse.Namespace
) -> tuple[dict[str, dict], dict | None, str | None]:
    """One worker: its records by key (every row of the task present), meta, skip reason."""
    if args.wait_quiet > 0:
        wait_quiet(args.wait_quiet)
    t0 = time.perf_counter()
    records, status = run_worker(lib, task, args.quick, args.verbose)
    skip = next((r for r in records if r.get("kind") == "skip"), None)
    meta = next((r for r in records if r.get("kind") == "meta"), None)
    if skip or meta is None:  # the import failed (or the worker died in it)
        return {}, None, skip["reason"] if skip else f"worker {status} on import"
    res = {r["key"]: r for r in records if "key" in r}
    for k in cfg.rows(task[:2]):  # rows a dead worker never printed
        if task_of(k) == task:
            res.setdefault(k, {"key": k, "error": status, "others": meta.get("others")})
    print(
        f"[{lib}] {task}: {status}, {time.perf_counter() - t0:.1f} s, "
        f"others used {_pct(meta.get('others'))} of the CPUs",
        file=sys.stderr,
    )
    return res, meta, None


def _noisy_tasks(results: dict[str, dict[str, dict]]) -> list[tuple[str, str, float]]:
    seen: dict[tuple[str, str], float] = {}
    for lib, res in results.items():
        for rec in res.values():
            if (rec.get("others") or 0) > NOISY and (
                rec.get("unit") != "MB" or rec.get("steps", 0) < rec.get("target", 0)
            ):
                seen[(lib, task_of(rec["key"]))] = rec["others"]
    return [(lib, task, others) for (lib, task), others in seen.items()]


def run_bench(args: argparse.Namespace) -> int:
    cfg = config(args.quick)
    libs, workloads = args.libs, args.only
    results: dict[str, dict[str, dict]] = {}
    metas: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    start = time.perf_counter()
    load_start = list(os.getloadavg())
    meter = CpuMeter()
    if args.load:  # a saved run: only its disturbed workers run again (--retry-noisy)
        with open(args.load) as f:
            saved = json.load(f)
        cfg = config(saved["config"]["quick"])
        results, metas, skipped = saved["results"], saved["metas"], saved["skipped"]
        libs = [lib for lib in libs if lib in results or lib in skipped]
        workloads = [
            w for w in workloads if any(k in res for res in results.values() for k in cfg.rows(w))
        ]
    tasks = [t for w in workloads for t in worker_tasks(w)]
    bar = _progress_bar(total=0 if args.load else len(libs) * len(tasks), desc="bench",
                        unit="worker")
    for lib in libs if not args.load else []:
        res: dict[str, dict] = {}
        for task in tasks:
            got, meta, skip = _run_task(lib, task, cfg, args)
            if bar is not None:
                bar.update(1)
            if skip is not None:
                skipped[lib] = skip
                print(f"[{lib}] skipped: {skip}", file=sys.stderr)
                break
            metas.setdefault(lib, meta)
            res.update(got)
        if lib not in skipped:
            results[lib] = res
    if bar is not None:
        bar.close()
    for attempt in range(args.retry_noisy):
        todo = _noisy_tasks(results)
        if not todo:
            break
        print(f"retry {attempt + 1}: {len(todo)} tasks measured on a busy machine", file=sys.stderr)
        for lib, task, others in todo:
            got, _, _ = _run_task(lib, task, cfg, args)
            if got and max(r.get("others") or 0 for r in got.values()) < others:
                results[lib].update(got)  # keep the quieter of the two measurements
    elapsed = time.perf_counter() - start
    text = report(
        cfg,
        libs,
        workloads,
        results,
        metas,
        skipped,
        (load_start, list(os.getloadavg()), meter.others()),
        elapsed,
        resumed=bool(args.load),
    )
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {"config": cfg.__dict__, "metas": metas, "skipped": skipped, "results": results},
                f,
                indent=1,
                default=str,
            )
    if args.write:
        new = not os.path.exists(RESULTS_MD)
        with open(RESULTS_MD, "a") as f:
            if new:
                f.write(
                    "# arraygrad benchmark results\n\nAppended by `python bench/run.py "
                    "--write`; newest last. See bench/README.md for the workloads.\n\n"
                )
            f.write(text + "\n")
        print(f"appended to {RESULTS_MD}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    # SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so the running worker is killed too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller counts (~2 min)")
    p.add_argument(
        "--only",
        default=",".join(WORKLOADS),
        help="comma-separated workloads (default: all of W1..W5)",
    )
    p.add_argument(
        "--libs",
        default=",".join(PEERS),
        help=f"comma-separated libraries (default: {','.join(PEERS)})",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="check every peer's gradients against the closed forms instead",
    )
    p.add_argument("--write", action="store_true", help=f"append the report to {RESULTS_MD}")
    p.add_argument("--json", metavar="PATH", help="also dump the raw records as JSON")
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="S",
        help="before each worker, wait up to S seconds for other processes to go idle",
    )
    p.add_argument(
        "--retry-noisy",
        type=int,
        default=0,
        metavar="K",
        help="re-run up to K times the workers that other processes disturbed (keeps the "
        "quieter result)",
    )
    p.add_argument(
        "--load",
        metavar="PATH",
        help="start from a run saved with --json instead of measuring everything again",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="show workers' stderr")
    args = p.parse_args(argv)
    args.libs = [s.strip() for s in args.libs.split(",") if s.strip()]
    args.only = [s.strip().upper() for s in args.only.split(",") if s.strip()]
    for lib in args.libs:
        if lib not in PEERS:
            p.error(f"unknown library {lib!r}; known: {', '.join(PEERS)}")
    for w in args.only:
        if w not in WORKLOADS:
            p.error(f"unknown workload {w!r}; known: {', '.join(WORKLOADS)}")
    if args.check:
        return run_check(args.libs, args.verbose)
    return run_bench(args)


if __name__ == "__main__":
    sys.exit(main())
