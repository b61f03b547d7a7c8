"""Benchmark of the pages (issue 9, point 9): entity pages over HTTP through the routes the front
door mounts (Starlette's TestClient, in process), p50 and p99 over every entity, beside a raw
reference measured in the same run (the describe query alone on the same store). The static site
has its own benchmark, scripts/bench_site.py.

    python scripts/bench_pages.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cybernorms.layout import BASE, Project  # noqa: E402
from cybernorms.pages import routes  # noqa: E402
from cybernorms.views import Catalogue, all_pages  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="passes over every entity page (default 3)")
    args = ap.parse_args()
    project = Project.at(ROOT)
    store = ox.Store.read_only(str(project.built_store()))
    started = time.perf_counter()
    cat = Catalogue(store, project.root)
    client = TestClient(Starlette(routes=routes(project, lambda: store)))
    client.get("/")  # builds the index of the store (search, names): once per store
    startup = time.perf_counter() - started
    iris = list(all_pages(cat))
    page_ms: list[float] = []
    raw_ms: list[float] = []
    for _ in range(args.repeat):
        for iri in iris:
            t = time.perf_counter()
            answer = client.get("/" + iri.removeprefix(BASE), headers={"Accept": "text/html"})
            page_ms.append((time.perf_counter() - t) * 1000)
            assert answer.status_code == 200, iri
            t = time.perf_counter()
            list(
                store.query(
                    cat.describe_query,
                    use_default_graph_as_union=True,
                    substitutions={ox.Variable("entity"): ox.NamedNode(iri)},
                )
            )
            raw_ms.append((time.perf_counter() - t) * 1000)
    print(f"entity pages: {len(iris)} entities x {args.repeat} passes, index built in {startup:.2f}s")
    print(
        f"  page over HTTP (TestClient): p50 {statistics.median(page_ms):.1f} ms, p99 {percentile(page_ms, 99):.1f} ms, max {max(page_ms):.1f} ms"
    )
    print(f"  raw describe query alone:    p50 {statistics.median(raw_ms):.1f} ms, p99 {percentile(raw_ms, 99):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
