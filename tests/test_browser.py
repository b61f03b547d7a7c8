"""A person's walk through the site in a real browser: Debian's chromium driven by Playwright
(no browser is downloaded). The pages are served by uvicorn on a free loopback port, with a /query
route that runs SPARQL on the store (a stand-in for the front door's proxy). Every request the
browser makes is recorded: none may leave the machine. Screenshots go to build/screenshots/."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cybernorms.pages import routes

from conftest import ROOT, free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def query_route(store: ox.Store) -> Route:
    async def query(request: Request) -> Response:
        if request.method == "POST":
            text = parse_qs((await request.body()).decode("utf-8")).get("query", [""])[0]
        else:
            text = request.query_params.get("query", "")
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return Response(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), media_type="application/n-triples")
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")

    return Route("/query", query, methods=["GET", "POST"])


@pytest.fixture(scope="module")
def server(project, store):
    app = Starlette(routes=[query_route(store), *routes(project, lambda: store)])
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_a_walk_from_the_home_page_to_a_query(server):
    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install chromium (.ci/run does it)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requested.append(r.url))
        page.goto(server + "/")
        expect(page.locator("h1")).to_contain_text("Norms of responsible state behaviour")
        page.screenshot(path=str(SHOTS / "1-home.png"), full_page=False)

        page.fill("#q-home", "infrastructure critique")
        page.press("#q-home", "Enter")
        page.wait_for_url("**/search?q=infrastructure+critique")
        first = page.locator("ol.results > li").first
        expect(first).to_contain_text("critical infrastructure")
        page.screenshot(path=str(SHOTS / "2-search.png"))

        page.locator("ol.results a[href='/id/norm/13f']").first.click()
        page.wait_for_url("**/id/norm/13f")
        wordings = page.locator("section.wordings")
        expect(wordings).to_contain_text("Un État ne devrait pas mener ou soutenir sciemment")
        expect(wordings).to_contain_text("Un État ne doit pas mener ni soutenir sciemment")
        assert wordings.locator("blockquote[lang=fr]").count() == 2
        page.screenshot(path=str(SHOTS / "3-norm-13f.png"), full_page=True)

        page.goto(server + "/id/state/KEN")
        expect(page.locator("h1")).to_contain_text("Kenya")
        expect(page.locator("table.people")).to_contain_text("Katherine Getao")
        page.screenshot(path=str(SHOTS / "4-state-KEN.png"), full_page=True)

        page.goto(server + "/editor")
        page.select_option("#example", "experts-by-state")
        page.locator(".yasqe .CodeMirror").wait_for()
        page.locator("button.yasqe_queryButton").click()
        link = page.locator(".yasr a[href='/id/state/FRA']").first
        link.wait_for(timeout=30_000)
        page.screenshot(path=str(SHOTS / "5-query.png"))
        link.click()
        page.wait_for_url("**/id/state/FRA")
        expect(page.locator("h1")).to_contain_text("France")
        page.screenshot(path=str(SHOTS / "6-state-FRA.png"))
        browser.close()
    assert requested, "the browser made no request"
    elsewhere = [u for u in requested if not u.startswith(server) and not u.startswith("data:")]
    assert elsewhere == [], elsewhere
