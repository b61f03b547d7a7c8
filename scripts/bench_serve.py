"""Benchmark SPARQL throughput through the front door against raw `oxigraph serve-read-only` on the
same store, in the same run, at concurrency 1 and 8, for three library queries. Usage:

    python scripts/bench_serve.py [--seconds 5] [--queries norms,g7-practices-by-norm,entities-per-class]

Each figure is the median of --rounds measurements, raw and front door alternated, since other
work on the machine shifts both. The load comes from an asyncio loop of aiohttp clients (one keep-alive connection per worker). To
show that the client is not the bottleneck, it first measures its own ceiling: `ASK {}` on raw
Oxigraph, the cheapest request there is. Figures go in the closing notes and docs/serving.md,
never into timed assertions in the test suite."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time

import aiohttp
import psutil

from cybernorms import serve
from cybernorms.engine import free_port
from cybernorms.layout import Project
from cybernorms.queries import library

ACCEPT = "application/sparql-results+json"


async def load(url: str, query: str, concurrency: int, seconds: float) -> tuple[float, float]:
    """Requests per second and median latency (ms) of `concurrency` workers for `seconds`."""
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
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


def cpu_seconds(proc: subprocess.Popen[bytes]) -> float:
    """CPU seconds of a server process and its children (the front door's backends)."""
    total = 0.0
    parent = psutil.Process(proc.pid)
    for p in [parent, *parent.children(recursive=True)]:
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
    args = ap.parse_args()
    project = Project.at()
    queries = library(project)
    names = args.queries.split(",")

    raw_port, door_port = free_port(), free_port()
    raw = serve.launch(
        [*serve.store_command(project.store.resolve(), "127.0.0.1", raw_port), "--union-default-graph"],
        "127.0.0.1",
        raw_port,
        stderr=subprocess.DEVNULL,
    )
    door = serve.start(
        project, "127.0.0.1", door_port, 30, 30.0, "--backends", str(args.backends), stderr=subprocess.DEVNULL
    )
    raw_url = f"http://127.0.0.1:{raw_port}/query"
    door_url = f"http://127.0.0.1:{door_port}/query"
    load_before = os.getloadavg()
    cpu = {"raw": 0.0, "door": 0.0}
    try:
        ceiling, _ = asyncio.run(load(raw_url, "ASK {}", 8, args.seconds))
        print(f"client ceiling (ASK {{}} on raw oxigraph, concurrency 8): {ceiling:,.0f} req/s\n")
        print(
            f"{'query':24} {'conc':>4} {'raw req/s':>10} {'door req/s':>11} {'ratio':>6} {'raw p50':>8} {'door p50':>9}"
        )
        ratios = []
        for name in names:
            text = queries[name].text
            for concurrency in (1, 8):
                raw_runs, door_runs = [], []
                for _ in range(args.rounds):  # alternated, so that a burst of load elsewhere hits both sides
                    before = cpu_seconds(raw)
                    raw_runs.append(asyncio.run(load(raw_url, text, concurrency, args.seconds)))
                    cpu["raw"] += cpu_seconds(raw) - before
                    before = cpu_seconds(door)
                    door_runs.append(asyncio.run(load(door_url, text, concurrency, args.seconds)))
                    cpu["door"] += cpu_seconds(door) - before
                raw_rate, raw_p50 = (statistics.median(x) for x in zip(*raw_runs, strict=True))
                door_rate, door_p50 = (statistics.median(x) for x in zip(*door_runs, strict=True))
                ratios.append(door_rate / raw_rate)
                print(
                    f"{name:24} {concurrency:>4} {raw_rate:>10,.0f} {door_rate:>11,.0f} {door_rate / raw_rate:>6.2f} "
                    f"{raw_p50:>6.1f}ms {door_p50:>7.1f}ms",
                    flush=True,
                )
        print(
            f"\nfront door / raw oxigraph: min {min(ratios):.2f}, median {statistics.median(ratios):.2f} (target >= 0.8)"
        )
        after = os.getloadavg()
        print(
            f"load average {load_before[0]:.2f} at start, {after[0]:.2f} at the end ({os.cpu_count()} cores); CPU "
            f"seconds while measured: raw oxigraph {cpu['raw']:.1f}, front door {cpu['door']:.1f} (with its backends)"
        )
    finally:
        serve.stop(door)
        serve.stop(raw)


if __name__ == "__main__":
    main()
