"""Benchmark the query library through the Python API against raw pyoxigraph on the same store:
for each library query (default parameters), the median wall time of `cybernorms.query(name)` and
of the same query text run by pyoxigraph directly (rows read, values not converted), and their
ratio; then the start-up of the command line for a SELECT (`cybernorms query`, a fresh process) beside
a bare `python -c pass`. Usage:

    python scripts/bench_queries.py [--repeat 20] [--root DIR --build-dir DIR]

(--root and --build-dir measure another project, e.g. a dataset of scripts/bench_scale.py once
built.) Figures go in the closing notes and the README, never into timed assertions in the test
suite."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import pyoxigraph as ox

import cybernorms
from cybernorms.layout import Project
from cybernorms.queries import bind, library, shared_store


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--root", help="project directory (default: this checkout)")
    ap.add_argument("--build-dir", help="its build directory (default: ROOT/build)")
    args = ap.parse_args()
    project = Project.at(args.root, args.build_dir)
    store = shared_store(project)
    queries = {n: q for n, q in library(project, checks=False).items() if not n.startswith("federated-")}
    ratios = {}
    print(f"{'query':32} {'API ms':>9} {'raw ms':>9} {'ratio':>6}  rows")
    for name, query in queries.items():
        text, substitutions = query.text, bind(query, {}, store)

        def raw(text=text, substitutions=substitutions):
            result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
            if isinstance(result, ox.QuerySolutions):
                variables = result.variables
                return [[s[v] for v in variables] for s in result]
            return result if isinstance(result, ox.QueryBoolean) else list(result)

        def api(name=name):
            return cybernorms.query(name, root=args.root, build=args.build_dir)

        rows = api()  # warm the store, the library cache and the file cache
        raw()
        a, r = median_time(api, args.repeat), median_time(raw, args.repeat)
        ratios[name] = a / r
        count = len(rows) if isinstance(rows, list) else rows
        print(f"{name:32} {a * 1000:9.2f} {r * 1000:9.2f} {a / r:6.2f}  {count}")
    worst = max(ratios, key=ratios.__getitem__)
    print(
        f"{len(queries)} queries: median ratio API/raw {statistics.median(ratios.values()):.2f}, "
        f"highest {ratios[worst]:.2f} ({worst})"
    )
    where = [
        *(["--root", args.root] if args.root else []),
        *(["--build-dir", args.build_dir] if args.build_dir else []),
    ]
    cli = [sys.executable, "-m", "cybernorms", *where, "query", "linksets", "--format", "tsv"]
    bare = [sys.executable, "-c", "pass"]
    runs = max(5, args.repeat // 2)
    c = median_time(lambda: subprocess.run(cli, check=True, capture_output=True), runs)
    b = median_time(lambda: subprocess.run(bare, check=True, capture_output=True), runs)
    print(
        f"CLI start-up, `cybernorms query linksets`: {c * 1000:.0f} ms; `python -c pass`: {b * 1000:.0f} ms; ratio {c / b:.1f}"
    )


if __name__ == "__main__":
    main()
