"""Benchmark SPARQL throughput through the front door against raw `oxigraph serve-read-only` on the
same store, in the same run, at concurrency 1 and 8, for three library queries. Usage:

    python scripts/bench_serve.py [--seconds 5] [--queries norms,g7-practices-by-norm,entities-per-class]
                                  [--before DIR]

Each figure is the median of --rounds measurements, raw and front door alternated, since other
work on the machine shifts both. The load comes from an asyncio loop of aiohttp clients (one keep-alive connection per worker). To
show that the client is not the bottleneck, it first measures its own ceiling: `ASK {}` on raw
Oxigraph, the cheapest request there is. It reports too the CPU time of the front door's own Python
process per request (psutil), and with --before DIR measures a second front door run from another
version of the package in the same rounds, for an honest before/after. Figures go in the closing notes and docs/serving.md,
never into timed assertions in the test suite."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time
from pathlib import Path

import aiohttp
import psutil

from cybernorms import serve
from cybernorms.engine import free_port
from cybernorms.layout import Project
from cybernorms.queries import library

ACCEPT = "application/sparql-results+json"


async def load(url: str, query: str, concurrency: int, seconds: float) -> tuple[float, float, int]:
    """Requests per second, median latency (ms) and number of requests of `concurrency` workers
    for `seconds`."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < stop:
            t = time.perf_counter()
            async with session.post(url, data={"query": query}, headers={"Accept": ACCEPT}) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append(time.perf_counter() - t)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(3):  # warm up the connection and the caches
            async with session.post(url, data={"query": query}, headers={"Accept": ACCEPT}) as r:
                await r.read()
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, len(latencies)


def cpu_seconds(proc: subprocess.Popen[bytes], children: bool = True) -> float:
    """CPU seconds of a server process and, unless told otherwise, its children (the front door's
    backends)."""
    total = 0.0
    parent = psutil.Process(proc.pid)
    for p in [parent, *(parent.children(recursive=True) if children else [])]:
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each measurement")
    ap.add_argument("--rounds", type=int, default=3, help="measurements of each side, alternated; the median is kept")
    ap.add_argument("--queries", default="norms,g7-practices-by-norm,entities-per-class")
    ap.add_argument("--backends", type=int, default=3, help="oxigraph processes behind the front door")
    ap.add_argument(
        "--before",
        metavar="DIR",
        help="a folder holding another version of the cybernorms package (e.g. `git archive main cybernorms | "
        "tar -x -C DIR`): its front door is measured too, in the same rounds, for a before/after",
    )
    args = ap.parse_args()
    project = Project.at()
    queries = library(project)
    names = args.queries.split(",")

    raw_port = free_port()
    servers = {
        "raw": serve.launch(
            [*serve.store_command(project.store.resolve(), "127.0.0.1", raw_port), "--union-default-graph"],
            "127.0.0.1",
            raw_port,
            stderr=subprocess.DEVNULL,
        )
    }
    ports = {"raw": raw_port}
    doors = ["before", "door"] if args.before else ["door"]
    try:
        for side in doors:
            ports[side] = free_port()
            # `python -m` puts its working folder first on sys.path: each door runs in its own package's
            where = Path(args.before if side == "before" else Path(serve.__file__).parents[1]).resolve()
            servers[side] = serve.start(
                project,
                "127.0.0.1",
                ports[side],
                30,
                30.0,
                "--backends",
                str(args.backends),
                stderr=subprocess.DEVNULL,
                cwd=where,
                env={**os.environ, "PYTHONPATH": str(where)},
            )
        measure(servers, ports, doors, [(name, queries[name].text) for name in names], args.seconds, args.rounds)
    finally:
        for proc in servers.values():
            serve.stop(proc)


def measure(
    servers: dict[str, subprocess.Popen[bytes]],
    ports: dict[str, int],
    doors: list[str],
    texts: list[tuple[str, str]],
    seconds: float,
    rounds: int,
) -> None:
    """Print, for each query and concurrency, the requests per second and median latency of raw
    Oxigraph and of each front door, measured in alternation, and each front door's own CPU per request."""
    url = {side: f"http://127.0.0.1:{port}/query" for side, port in ports.items()}
    load_before = os.getloadavg()
    cpu = dict.fromkeys(servers, 0.0)
    ceiling, _, _ = asyncio.run(load(url["raw"], "ASK {}", 8, seconds))
    print(f"client ceiling (ASK {{}} on raw oxigraph, concurrency 8): {ceiling:,.0f} req/s\n")
    print(f"{'query':24} {'conc':>4} {'side':>6} {'req/s':>8} {'ratio':>6} {'p50':>8} {'Python CPU/req':>15}")
    ratios: dict[str, list[float]] = {side: [] for side in doors}
    for name, text in texts:
        for concurrency in (1, 8):
            runs: dict[str, list[tuple[float, float, int]]] = {side: [] for side in servers}
            own = dict.fromkeys(doors, 0.0)  # the front door's Python process alone
            for _ in range(rounds):  # alternated, so that a burst of load elsewhere hits every side
                for side, proc in servers.items():
                    before, before_own = cpu_seconds(proc), cpu_seconds(proc, children=False)
                    runs[side].append(asyncio.run(load(url[side], text, concurrency, seconds)))
                    cpu[side] += cpu_seconds(proc) - before
                    if side in own:
                        own[side] += cpu_seconds(proc, children=False) - before_own
            raw_rate = statistics.median(r[0] for r in runs["raw"])
            for side in servers:
                rate = statistics.median(r[0] for r in runs[side])
                p50 = statistics.median(r[1] for r in runs[side])
                per_request = f"{own[side] / sum(r[2] for r in runs[side]) * 1000:.2f}ms" if side in own else "-"
                if side in ratios:
                    ratios[side].append(rate / raw_rate)
                print(
                    f"{name:24} {concurrency:>4} {side:>6} {rate:>8,.0f} {rate / raw_rate:>6.2f} {p50:>6.1f}ms "
                    f"{per_request:>15}",
                    flush=True,
                )
    for side in doors:
        found = ratios[side]
        print(
            f"\n{side} / raw oxigraph: min {min(found):.2f}, median {statistics.median(found):.2f} (target >= 0.8)",
            end="",
        )
    after = os.getloadavg()
    spent = ", ".join(f"{side} {used:.1f}" for side, used in cpu.items())
    print(
        f"\nload average {load_before[0]:.2f} at start, {after[0]:.2f} at the end ({os.cpu_count()} cores); "
        f"CPU seconds while measured (front doors with their backends): {spent}"
    )


if __name__ == "__main__":
    main()
