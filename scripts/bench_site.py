"""Benchmark of the static site (issue 9, point 9: the whole site in <= 10 s on the 2-core machine).

Writes the whole site of the built store (`site.write`, what `cybernorms site` runs) into a temporary
dist directory, in a child process, and prints its wall time, CPU time (user + system, worker
processes included), peak RSS (the largest process), the number of pages and files, and the seconds
of each phase summed over the processes that write it; beside two raw references measured in the
same run: pyoxigraph writing the whole store as N-Quads, and writing as many empty files as the site
has, at the same paths.

    python scripts/bench_site.py
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cybernorms import site  # noqa: E402
from cybernorms.layout import Project  # noqa: E402


def child(dist: str) -> int:
    """Write the site into dist/site and print what was written, as JSON."""
    project = Project.at(ROOT)
    written = site.write(Project(project.root, project.build, Path(dist)))
    print(json.dumps({"pages": written.pages, "files": written.files, "phases": written.phases}))
    return 0


def measured(args: list[str]) -> tuple[float, float, float, str]:
    """Run a command; its wall seconds, CPU seconds (its waited-for children included), peak RSS
    in MiB of its largest process, and its output."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", metavar="DIST", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child)
    import pyoxigraph as ox

    project = Project.at(ROOT)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu_s, rss, out = measured([sys.executable, __file__, "--child", tmp])
        written = json.loads(out.strip().splitlines()[-1])
        files = sorted(p.relative_to(Path(tmp) / "site") for p in (Path(tmp) / "site").rglob("*") if p.is_file())
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    print(
        f"static site: {written['pages']} pages, {written['files']} files in {wall:.1f} s wall, "
        f"{cpu_s:.1f} s CPU, peak RSS {rss:.0f} MiB"
    )
    print("  phases (seconds, summed over the processes):")
    for name, seconds in sorted(written["phases"].items(), key=lambda kv: -kv[1]):
        print(f"    {name:<28} {seconds:8.2f}")

    store = ox.Store.read_only(str(project.built_store()))
    started, c = time.perf_counter(), cpu()
    nquads = store.dump(format=ox.RdfFormat.N_QUADS) or b""
    print(
        f"raw: pyoxigraph dumps the store ({len(store)} quads, {len(nquads) / 2**20:.0f} MiB of N-Quads) in "
        f"{time.perf_counter() - started:.2f} s wall, {cpu() - c:.2f} s CPU"
    )
    with tempfile.TemporaryDirectory() as tmp:
        started, c = time.perf_counter(), cpu()
        for folder in sorted({rel.parent for rel in files}):
            (Path(tmp) / folder).mkdir(parents=True, exist_ok=True)
        for rel in files:
            os.close(os.open(Path(tmp) / rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
        print(
            f"raw: {len(files)} empty files made at the site's paths (each folder made once) in "
            f"{time.perf_counter() - started:.2f} s wall, {cpu() - c:.2f} s CPU"
        )
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
