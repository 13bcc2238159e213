"""What the benchmark runs: sizes, repeat counts and the result rows, for full and --quick.

Shared by ``run.py`` (which needs the row list to report a crashed worker's missing rows)
and ``worker.py`` (which runs them).
"""

from __future__ import annotations

from dataclasses import dataclass

THREADS = 2  # the benchmark machine has 2 cores; every library is pinned to this

# environment every worker runs under (set before NumPy / BLAS / XLA start their pools)
THREAD_ENV = {
    "OMP_NUM_THREADS": str(THREADS),
    "OPENBLAS_NUM_THREADS": str(THREADS),
    "MKL_NUM_THREADS": str(THREADS),
    "VECLIB_MAXIMUM_THREADS": str(THREADS),
    "NUMEXPR_NUM_THREADS": str(THREADS),
    # XLA's CPU client sizes its pool from the CPU affinity mask, which the worker pins;
    # this flag only makes sure Eigen's intra-op pool is the one in use
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=true",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


@dataclass(frozen=True)
class Config:
    quick: bool
    repeats: int  # timed repeats per case; the report shows their median
    min_time: float  # seconds per repeat: fast calls are looped until a repeat lasts this long
    max_case_time: float  # seconds per case; slow cases stop early (but keep >= 1 repeat)
    w1_ops: int
    w3_sizes: tuple[int, ...]
    w5_peak_steps: int  # W2-large steps for the peak-memory measurement
    w5_short_steps: int  # W2-small steps before the first RSS reading
    w5_long_steps: int  # ... and the total before the second
    w5_long_budget: float  # seconds; a slow library stops early and the row says when
    check_w3_n: int = 1000

    def rows(self, workload: str) -> list[str]:
        """The result keys a workload produces, in report order."""
        return {
            "W1": ["W1.fwd_bwd", "W1.fwd"],
            "W2": ["W2.small", "W2.large"],
            "W3": [f"W3.{n}" for n in self.w3_sizes],
            "W4": ["W4.grad", "W4.hvp", "W4.ratio"],
            "W5": [
                "W5.baseline",
                "W5.peak",
                "W5.retained",
                "W5.rss_short",
                "W5.rss_long",
                "W5.growth",
            ],
        }[workload]

    def label(self, key: str) -> str:
        """Human-readable row label with its unit."""
        w3 = {f"W3.{n}": f"W3 chain {n:,} ops, fwd+bwd (µs/op)" for n in self.w3_sizes}
        return {
            "W1.fwd_bwd": f"W1 {self.w1_ops} ops on len-16, fwd+bwd (µs/op)",
            "W1.fwd": f"W1 {self.w1_ops} ops on len-16, fwd only, not recording (µs/op)",
            "W2.small": "W2 MLP SGD step, small 64×784-256-10 (ms)",
            "W2.large": "W2 MLP SGD step, large 1024×784-2048-10 (ms)",
            **w3,
            "W4.grad": "W4 grad of sum(tanh(A w)), 512² (µs)",
            "W4.hvp": "W4 Hessian-vector product (µs)",
            "W4.ratio": "W4 HVP / grad (×)",
            "W5.baseline": "W5 baseline RSS after imports and W2-large data (MB)",
            "W5.peak": f"W5 peak RSS over baseline, {self.w5_peak_steps} W2-large steps (MB)",
            "W5.retained": f"W5 RSS over baseline after those {self.w5_peak_steps} steps (MB)",
            "W5.rss_short": f"W5 RSS after {self.w5_short_steps} W2-small steps (MB)",
            "W5.rss_long": f"W5 RSS after {self.w5_long_steps:,} W2-small steps (MB)",
            "W5.growth": f"W5 RSS growth {self.w5_short_steps}→{self.w5_long_steps:,} steps (MB)",
        }[key]


WORKLOADS = ("W1", "W2", "W3", "W4", "W5")

FULL = Config(
    quick=False,
    repeats=7,
    min_time=0.2,
    max_case_time=20.0,
    w1_ops=200,
    w3_sizes=(10_000, 100_000),
    w5_peak_steps=20,
    w5_short_steps=100,
    w5_long_steps=10_000,
    w5_long_budget=60.0,
)

QUICK = Config(
    quick=True,
    repeats=5,
    min_time=0.05,
    max_case_time=3.0,
    w1_ops=200,
    w3_sizes=(5_000,),
    w5_peak_steps=5,
    w5_short_steps=100,
    w5_long_steps=500,
    w5_long_budget=10.0,
)


def config(quick: bool) -> Config:
    return QUICK if quick else FULL
