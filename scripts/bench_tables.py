"""Benchmark the table mappings: the CPU time (process_time) of `tables.table_quads` for every
table of the real project and of the test suite's copy (tests/conftest.py copy_project: every
document, five EuRepoC incidents, 143 of the Paris Call's supporters), beside a raw reference
measured in the same run: loading the table's rows (and lookups) as N-Triples into an empty
Oxigraph store (tables.scratch_store, the first step of table_quads), the floor any mapping pays.
Usage:

    python scripts/bench_tables.py [--repeat 5] [--save FILE]

Prints the median of the runs for each table. --save writes each table's sorted triples and report
lines to FILE, to compare the results of two versions of the code (diff or cmp). Figures go in
docs/performance.md, never into timed assertions in the test suite."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from cybernorms import registry
from cybernorms.layout import Project
from cybernorms.tables import scratch_store, table_quads

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_project  # noqa: E402  (the test suite's copy of the project)


def load_rows(entry: registry.Entry, table: registry.Table) -> None:
    """The raw reference: the rows of the table and its lookups loaded into a store, nothing else
    (the first step of table_quads)."""
    scratch_store(entry.project, table)


def cpu(
    step: Callable[[registry.Entry, registry.Table], object], entry: registry.Entry, table: registry.Table, repeat: int
) -> float:
    """The median CPU time of a step over a table."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        step(entry, table)
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    saved: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        projects = {"real": Project.at(ROOT, Path(tmp) / "build"), "copy": copy_project(Path(tmp))}
        totals = {name: [0.0, 0.0] for name in projects}
        for name, project in projects.items():
            for entry in registry.entries(project):
                for table in entry.tables:
                    label = f"{name} {entry.name}/{table.path.name} -> {table.graph.rsplit('/', 1)[-1]}"
                    spent = cpu(table_quads, entry, table, args.repeat)
                    raw = cpu(load_rows, entry, table, args.repeat)
                    totals[name][0] += spent
                    totals[name][1] += raw
                    print(f"{label:70} {spent:7.3f} s  (rows loaded: {raw:6.3f} s)", flush=True)
                    if args.save:
                        result = table_quads(entry, table)
                        saved.append(f"## {label}")
                        saved += sorted(str(t) for t in ox.parse(result.triples, ox.RdfFormat.N_TRIPLES))
                        saved += result.reports
        for name, (spent, raw) in totals.items():
            print(f"{name + ' project, all tables':70} {spent:7.3f} s  (rows loaded: {raw:6.3f} s)")
    if args.save:
        args.save.write_text("\n".join(saved) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
