"""Benchmark of the pages (issue 9, point 9: an entity page p50 <= 20 ms and p99 <= 100 ms): every
entity page asked of the front door (`cybernorms serve`, started here on a free port) over HTTP, one
request at a time on a kept-alive connection, p50 and p99 over every entity; beside a raw reference
measured in the same run with the same client: the describe query of the same entity asked of raw
`oxigraph serve-read-only` on the same store. Prints the load average and the CPU time of the front
door (the machine is shared). The static site has its own benchmark, scripts/bench_site.py.

    python scripts/bench_pages.py [--repeat N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cybernorms import serve  # noqa: E402
from cybernorms.engine import free_port  # noqa: E402
from cybernorms.layout import BASE, Project  # noqa: E402
from cybernorms.store import open_current  # noqa: E402
from cybernorms.views import Catalogue, all_pages  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(conn: http.client.HTTPConnection, method: str, path: str, body: str | None, headers: dict[str, str]) -> float:
    """Milliseconds to send a request and read its whole answer (which must be 200)."""
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 200, (path, answer.status)
    return (time.perf_counter() - started) * 1000


def cpu_seconds(proc: subprocess.Popen[bytes]) -> float:
    times = psutil.Process(proc.pid).cpu_times()
    return times.user + times.system


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=2, help="passes over every entity page (default 2)")
    args = ap.parse_args()
    project = Project.at(ROOT)
    cat = Catalogue(open_current(project), project.root)
    iris = list(all_pages(cat))
    describe = cat.describe_query
    load = os.getloadavg()

    door_port, raw_port = free_port(), free_port()
    door = serve.start(project, "127.0.0.1", door_port, 30, 60.0, stderr=subprocess.DEVNULL)
    raw = serve.launch(
        [*serve.store_command(project.store.resolve(), "127.0.0.1", raw_port), "--union-default-graph"],
        "127.0.0.1",
        raw_port,
        stderr=subprocess.DEVNULL,
    )
    try:
        pages = http.client.HTTPConnection("127.0.0.1", door_port, timeout=60)
        queries = http.client.HTTPConnection("127.0.0.1", raw_port, timeout=60)
        startup = timed(pages, "GET", "/", None, {"Accept": "text/html"})  # the index is built once per store
        before = cpu_seconds(door)
        page_ms: list[float] = []
        raw_ms: list[float] = []
        slowest: list[tuple[float, str]] = []
        for _ in range(args.repeat):
            for iri in iris:
                path = "/" + quote(iri.removeprefix(BASE))
                page_ms.append(timed(pages, "GET", path, None, {"Accept": "text/html"}))
                slowest.append((page_ms[-1], path))
                query = describe + f"\nVALUES ?entity {{ <{iri}> }}"
                raw_ms.append(
                    timed(
                        queries,
                        "POST",
                        "/query",
                        urlencode({"query": query}),
                        {
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Accept": "application/sparql-results+json",
                        },
                    )
                )
        door_cpu = cpu_seconds(door) - before
    finally:
        serve.stop(door)
        serve.stop(raw)
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    print(
        f"entity pages: {len(iris)} entities x {args.repeat} passes through the front door; first request "
        f"(the index of the store built) {startup / 1000:.1f} s"
    )
    print(
        f"  page over HTTP:                       p50 {statistics.median(page_ms):.1f} ms, "
        f"p99 {percentile(page_ms, 99):.1f} ms, max {max(page_ms):.1f} ms; "
        f"front door CPU {door_cpu / len(page_ms) * 1000:.1f} ms a page"
    )
    print(
        f"  raw: describe query over HTTP (oxigraph): p50 {statistics.median(raw_ms):.1f} ms, "
        f"p99 {percentile(raw_ms, 99):.1f} ms, max {max(raw_ms):.1f} ms"
    )
    print("  slowest pages: " + ", ".join(f"{path} {ms:.0f} ms" for ms, path in sorted(slowest, reverse=True)[:5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
