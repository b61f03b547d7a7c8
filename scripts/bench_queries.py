"""Benchmark the query library through the Python API against raw pyoxigraph on the same store:
for each library query (default parameters), the median wall time of `cybernorms.query(name)` and
of the same query text run by pyoxigraph directly (rows read, values not converted), and their
ratio, then the same for the CPU time of this process (steadier than the wall time on a machine
whose cores are busy with other work); then the start-up of the command line for a SELECT beside
a bare `python -c pass`. Usage:

    python scripts/bench_queries.py [--repeat 20] [--root DIR --build-dir DIR]

The API and the raw reference are timed in turns (one call of each, then again), so that a change
of load on the machine weighs on both alike.

Start-up of the command line, as measured here: the wall time of `python -m cybernorms query
linksets --format tsv` (a fresh process), minus the time the same work takes inside one warm
process with raw pyoxigraph (open the store read-only, run the query, write its TSV), compared
with the wall time of `python -c pass`. The total time of the command is printed too, beside a
fresh process that does the same work with raw pyoxigraph alone (the floor of any command line
built on it), all three run in turns. The package's
modules are compiled to bytecode first (as `pip install` does), since this machine's environment
may set PYTHONDONTWRITEBYTECODE, and a start-up that compiles every module from source each time
is not what a user sees.

(--root and --build-dir measure another project, e.g. a dataset of scripts/bench_scale.py once
built.) Figures go in docs/performance.md and the README, never into timed assertions in the test
suite."""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

import cybernorms
from cybernorms.layout import Project
from cybernorms.queries import bind, library, shared_store

CLI_QUERY = "linksets"
# the same work as the command, in a fresh process, with raw pyoxigraph: the floor of any command line on it
FRESH_RAW = """import sys
import pyoxigraph as ox
result = ox.Store.read_only(sys.argv[1]).query(sys.argv[2], use_default_graph_as_union=True)
sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.TSV))
"""


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def in_turns(fns: list[Callable[[], object]], repeat: int) -> tuple[list[list[float]], list[list[float]]]:
    """Each function run `repeat` times, in turns (a, b, a, b...): the wall time of every run, and
    the CPU time of this process over it (all its threads: the API runs a query in one of its own)."""
    times: list[list[float]] = [[] for _ in fns]
    cpus: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, t, c in zip(fns, times, cpus, strict=True):
            cpu, start = time.process_time(), time.perf_counter()
            fn()
            t.append(time.perf_counter() - start)
            c.append(time.process_time() - cpu)
    return times, cpus


def child_run(command: list[str]) -> tuple[float, float]:
    """Run a command; its wall time and the CPU time (user + system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def api_vs_raw(args: argparse.Namespace, project: Project) -> None:
    store = shared_store(project)
    queries = {n: q for n, q in library(project, checks=False).items() if not n.startswith("federated-")}
    ratios, cpu_ratios = {}, {}
    print(f"{'query':32} {'API ms':>9} {'raw ms':>9} {'ratio':>6} {'API CPU':>9} {'raw CPU':>9} {'ratio':>6}  rows")
    for name, query in queries.items():
        text, substitutions = query.text, bind(query, {}, store)

        def raw(text=text, substitutions=substitutions):
            result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
            if isinstance(result, ox.QuerySolutions):
                variables = result.variables
                return [[s[v] for v in variables] for s in result]
            return result if isinstance(result, ox.QueryBoolean) else list(result)

        def api(name: str = name) -> object:
            return cybernorms.query(name, root=args.root, build=args.build_dir)

        rows = api()  # warm the store, the library cache and the file cache
        raw()
        (api_times, raw_times), (api_cpus, raw_cpus) = in_turns([api, raw], args.repeat)
        a, r = statistics.median(api_times), statistics.median(raw_times)
        ac, rc = statistics.median(api_cpus), statistics.median(raw_cpus)
        ratios[name], cpu_ratios[name] = a / r, ac / rc
        count = len(rows) if isinstance(rows, list) else rows
        print(
            f"{name:32} {a * 1000:9.2f} {r * 1000:9.2f} {a / r:6.2f} {ac * 1000:9.2f} {rc * 1000:9.2f} "
            f"{ac / rc:6.2f}  {count}"
        )
    for what, of in (("wall", ratios), ("CPU", cpu_ratios)):
        worst = max(of, key=of.__getitem__)
        above = sorted(n for n, v in of.items() if v > 1.2)
        print(
            f"{len(queries)} queries, {what}: median ratio API/raw {statistics.median(of.values()):.2f}, "
            f"highest {of[worst]:.2f} ({worst}); above 1.2: {', '.join(above) or 'none'}"
        )


def cli_start_up(args: argparse.Namespace, project: Project) -> None:
    compileall.compile_dir(str(Path(cybernorms.__file__).parent), quiet=1)
    where = [
        *(["--root", args.root] if args.root else []),
        *(["--build-dir", args.build_dir] if args.build_dir else []),
    ]
    cli = [sys.executable, "-m", "cybernorms", *where, "query", CLI_QUERY, "--format", "tsv"]
    bare = [sys.executable, "-c", "pass"]
    text = library(project)[CLI_QUERY].text
    store_path = str(project.built_store().resolve())
    fresh = [sys.executable, "-c", FRESH_RAW, store_path, text]

    def same_work() -> None:  # what the command does, done by raw pyoxigraph in this warm process
        store = ox.Store.read_only(store_path)
        result = store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        with open(os.devnull, "wb") as out:
            result.serialize(out, format=ox.QueryResultsFormat.TSV)
        del store

    child_run(cli)  # warm the file cache
    runs = max(10, args.repeat)
    runs_of: dict[str, tuple[list[float], list[float]]] = {"cli": ([], []), "bare": ([], []), "fresh": ([], [])}
    for _ in range(runs):  # in turns, so that all see the same load
        for name, command in (("cli", cli), ("bare", bare), ("fresh", fresh)):
            w, c = child_run(command)
            runs_of[name][0].append(w)
            runs_of[name][1].append(c)
    work = median_time(same_work, runs)
    wall = {name: statistics.median(w) for name, (w, _) in runs_of.items()}
    cpu = {name: statistics.median(c) for name, (_, c) in runs_of.items()}
    total, b = wall["cli"], wall["bare"]
    start_up = total - work
    print(
        f"CLI `cybernorms query {CLI_QUERY} --format tsv`: {total * 1000:.1f} ms wall, "
        f"{cpu['cli'] * 1000:.1f} ms CPU; the same work in a warm process with raw "
        f"pyoxigraph: {work * 1000:.1f} ms; in a fresh process with raw pyoxigraph: "
        f"{wall['fresh'] * 1000:.1f} ms wall, {cpu['fresh'] * 1000:.1f} ms CPU"
    )
    print(
        f"CLI start-up {start_up * 1000:.1f} ms; `python -c pass` {b * 1000:.1f} ms wall, "
        f"{cpu['bare'] * 1000:.1f} ms CPU; ratio {start_up / b:.2f} (target 2)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--root", help="project directory (default: this checkout)")
    ap.add_argument("--build-dir", help="its build directory (default: ROOT/build)")
    ap.add_argument("--only", choices=["api", "cli"], help="measure only the API or only the command line")
    args = ap.parse_args()
    project = Project.at(args.root, args.build_dir)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.only != "cli":
        api_vs_raw(args, project)
    if args.only != "api":
        cli_start_up(args, project)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
