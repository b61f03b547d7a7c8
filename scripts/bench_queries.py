"""Benchmark the query library through the Python API: median wall time of each library query
(default parameters) over several runs, on the built store. Usage:

    python scripts/bench_queries.py [--repeat 20]

Figures go in the closing notes and the README, never into timed assertions in the test suite."""

from __future__ import annotations

import argparse
import statistics
import time

import cybernorms
from cybernorms.layout import Project
from cybernorms.queries import library


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    names = [n for n, q in library(Project.at(), checks=False).items() if not n.startswith("federated-")]
    medians = {}
    for name in names:
        cybernorms.query(name)  # warm the store and the file cache
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            rows = cybernorms.query(name)
            times.append(time.perf_counter() - t)
        medians[name] = statistics.median(times)
        print(f"{name:40} {medians[name] * 1000:8.2f} ms  ({len(rows) if isinstance(rows, list) else rows} rows)")
    all_ms = sorted(v * 1000 for v in medians.values())
    print(f"{len(names)} queries: median of medians {statistics.median(all_ms):.2f} ms, slowest {all_ms[-1]:.2f} ms")


if __name__ == "__main__":
    main()
