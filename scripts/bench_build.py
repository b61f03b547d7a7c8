"""Benchmark the build: wall time and peak memory of a cold build (empty build directory) and of a
rebuild with unchanged inputs, each run in a fresh process. Usage:

    python scripts/bench_build.py [--repeat 3]

Prints one line per run and the medians. Figures go in the closing notes and the README, never
into timed assertions in the test suite."""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(build_dir: Path) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cybernorms.cli",
            "--root",
            str(ROOT),
            "--build-dir",
            str(build_dir),
            "build",
            "--quiet",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, out.splitlines()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cold, warm = [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="cybernorms-bench-") as tmp:
            wall, mem, line = run(Path(tmp))
            cold.append(wall)
            print(f"cold build {i + 1}: {wall:.2f} s, peak RSS of build processes so far {mem:.0f} MiB  [{line}]")
            wall, _, line = run(Path(tmp))
            warm.append(wall)
            print(f"unchanged rebuild {i + 1}: {wall:.2f} s  [{line}]")
    print(
        f"median cold build: {statistics.median(cold):.2f} s; median unchanged rebuild: "
        f"{statistics.median(warm):.2f} s (each includes Python start-up)"
    )


if __name__ == "__main__":
    main()
