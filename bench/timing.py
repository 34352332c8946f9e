"""Interleaved, repeated timing: the one way every script in `bench/` measures.

A single timed block on a shared machine measures the machine as much as the code (another job starts, the CPU
clocks down, a cache is cold). So `compare` runs the variants in turns — A, B, C, then C, B, A, and so on, for
`reps` rounds after `warmup` untimed calls each — and reports, for each variant against the baseline (the first):

- the **median of paired ratios**: in each round, baseline time / variant time, then the median over rounds. The two
  calls of a round ran seconds apart under the same load, so this is the figure to quote;
- the **ratio of best times**: the baseline's fastest round / the variant's fastest round (each at its least
  disturbed); when the two ratios disagree by more than a few percent, the machine was too noisy to tell;
- the spread of the paired ratios (min-max), and the median and best seconds per call.

Ratios are speeds: above 1 means faster than the baseline.

    from timing import compare
    res = compare({"torchvision": epoch_tv, "octgan": epoch_og}, reps=9, warmup=1, items=200)
    print(res.table("images/s"))
"""
from __future__ import annotations
import json, os, platform, statistics, time
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Timings", "compare", "add_timing_args", "reps_of", "machine", "write_json"]


@dataclass
class Timings:
    "Seconds per call of each variant, one entry per round (round r of every variant ran back to back)."
    times: dict[str, list[float]]
    items: float | None = None          # work per call (e.g. images), for rates
    baseline: str | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.baseline is None: self.baseline = next(iter(self.times))

    def ratios(self, name: str) -> list[float]:
        "Per round: baseline seconds / `name` seconds (above 1: `name` is faster)."
        return [b / t for b, t in zip(self.times[self.baseline], self.times[name])]

    def ratio(self, name: str) -> float: return statistics.median(self.ratios(name))
    def best_ratio(self, name: str) -> float: return min(self.times[self.baseline]) / min(self.times[name])
    def median(self, name: str) -> float: return statistics.median(self.times[name])
    def best(self, name: str) -> float: return min(self.times[name])
    def rate(self, name: str) -> float: return (self.items or 1) / self.median(name)

    def summary(self) -> dict:
        "Plain data for a JSON file."
        return {"baseline": self.baseline, "items": self.items, "rounds": len(self.times[self.baseline]), **self.meta,
                "variants": {n: {"median_s": self.median(n), "best_s": self.best(n), "rate": self.rate(n),
                                 "median_paired_ratio": self.ratio(n), "best_ratio": self.best_ratio(n),
                                 "times_s": ts} for n, ts in self.times.items()}}

    def table(self, unit: str = "calls/s", title: str | None = None) -> str:
        "A text table: rate (median), seconds per call (median, best), ratios against the baseline."
        w = max(12, *(len(n) for n in self.times))
        rounds = len(self.times[self.baseline])
        lines = [title] if title else []
        lines.append(f"  {'variant':<{w}} {unit:>12} {'median s':>10} {'best s':>10} {'x base':>17} "
                     f"{'x (best)':>9} {'ratio range':>13}")
        for n in self.times:
            rs = self.ratios(n)
            rng = "" if n == self.baseline else f"{min(rs):.2f}-{max(rs):.2f}"
            lines.append(f"  {n:<{w}} {self.rate(n):>12.1f} {self.median(n):>10.4f} {self.best(n):>10.4f} "
                         f"{self.ratio(n):>16.2f}x {self.best_ratio(n):>8.2f}x {rng:>13}")
        lines.append(f"  ({rounds} interleaved rounds; x = median of paired speed ratios against {self.baseline!r}, "
                     "x (best) = ratio of best times)")
        return "\n".join(lines)


def compare(fns: dict[str, Callable[[], object]], reps: int = 7, warmup: int = 1, items: float | None = None,
            baseline: str | None = None, sync: Callable[[], object] | None = None, number: int = 1) -> Timings:
    "Time each of `fns` (name -> no-argument callable) `number` calls a round, interleaved over `reps` rounds."
    if not fns: raise ValueError("compare needs at least one function: pass {name: callable}")
    if reps < 1 or number < 1: raise ValueError(f"reps and number must be >= 1, got reps={reps}, number={number}")
    sync = sync or (lambda: None)
    names = list(fns)
    for _ in range(warmup):
        for n in names: fns[n]()
    times = {n: [] for n in names}
    for r in range(reps):
        for n in (names if r % 2 == 0 else names[::-1]):   # alternate the order: no variant always runs first
            sync(); t0 = time.perf_counter()
            for _ in range(number): fns[n]()
            sync(); times[n].append((time.perf_counter() - t0) / number)
    return Timings(times, items, baseline)


def add_timing_args(parser, reps: int = 7, warmup: int = 1):
    "The options every bench script shares: --reps, --warmup, --quick, --json."
    parser.add_argument("--reps", type=int, default=None, help=f"interleaved rounds (default {reps}; 2 with --quick)")
    parser.add_argument("--warmup", type=int, default=warmup, help="untimed calls of each variant first")
    parser.add_argument("--quick", action="store_true", help="a few seconds: tiny sizes and 2 rounds, to check the script runs")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    parser.set_defaults(_default_reps=reps)
    return parser


def reps_of(args) -> int:
    return args.reps if args.reps is not None else (2 if args.quick else args._default_reps)


def machine() -> str:
    "One line on what ran the benchmark."
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"): cpu = line.split(":", 1)[1].strip(); break
    except OSError: pass
    load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    gpu = f", GPU {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ""
    return (f"torch {torch.__version__}, {cpu}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads{load}{gpu}")


def write_json(path, results: dict):
    "Write {name: Timings or plain data} to `path` (None: do nothing)."
    if not path: return
    with open(path, "w") as f:
        json.dump({k: (v.summary() if isinstance(v, Timings) else v) for k, v in results.items()}, f, indent=1)
