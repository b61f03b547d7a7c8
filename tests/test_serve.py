"""The front door: the SPARQL endpoint on the built store (union default graph, updates refused)
through the supervised Oxigraph backends, the pages mounted beside it, the URLs printed by the
CLI, its options checked, its life cycle (Ctrl-C, a crash and a restart, a rebuild)."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import subprocess
import sys
import time
import types
import urllib.error
import urllib.parse
import urllib.request

import psutil
import pyoxigraph as ox
import pytest
import rdflib

from cybernorms import serve
from cybernorms.build import build
from cybernorms.cli import parser

from conftest import built_copy, cli, free_port, one_line_error

QUERY = """PREFIX cno: <https://w3id.org/cybernorms/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation ?text WHERE { ?n a cno:Norm ; skos:notation ?notation ; cno:hasSource/cno:text ?text }
ORDER BY ?notation"""


@pytest.fixture(scope="module")
def endpoint(project):
    port = free_port()
    proc = serve.start(project, "127.0.0.1", port)
    yield f"http://127.0.0.1:{port}"
    serve.stop(proc)


def test_curl_select_returns_the_eleven_norms_in_french(endpoint):
    assert shutil.which("curl"), "curl is needed for this test (the README's example uses it)"
    out = subprocess.run(
        [
            "curl",
            "-s",
            "-H",
            "Accept: application/sparql-results+json",
            "--data-urlencode",
            f"query={QUERY}",
            f"{endpoint}/query",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bindings = json.loads(out)["results"]["bindings"]
    assert [b["notation"]["value"] for b in bindings] == [f"13({c})" for c in "abcdefghijk"]
    assert {b["text"]["xml:lang"] for b in bindings} == {"fr"}
    assert bindings[2]["text"]["value"] == (
        "Les États ne devraient pas permettre sciemment que leur territoire soit utilisé pour commettre des faits "
        "internationalement illicites à l'aide des technologies de l'information et des communications;"
    )


def test_named_graphs_can_be_asked_one_by_one(endpoint):
    q = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/cybernorms/graph/A-70-174> "
        "{ ?s a <https://w3id.org/cybernorms/ontology#Norm> } }"
    )
    req = urllib.request.Request(
        f"{endpoint}/query",
        data=q.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert json.load(r)["results"]["bindings"][0]["n"]["value"] == "11"


def test_updates_are_refused(endpoint):
    req = urllib.request.Request(
        f"{endpoint}/update", data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
    )
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 403


def test_the_pages_are_served_beside_the_endpoint(endpoint):
    """The site's routes (cybernorms.pages) answer through the front door: the home page, the query
    editor, and an entity in HTML and in Turtle."""
    for path in ("/", "/editor"):
        with urllib.request.urlopen(endpoint + path, timeout=30) as r:
            assert (r.status, r.headers.get_content_type()) == (200, "text/html")
    request = urllib.request.Request(endpoint + "/id/norm/13f", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as r:
        graph = rdflib.Graph().parse(data=r.read(), format="turtle")
    assert len(set(graph.triples((rdflib.URIRef("https://w3id.org/cybernorms/id/norm/13f"), None, None)))) >= 10


def test_the_front_door_mounts_the_routes_of_the_pages_module(project, monkeypatch):
    """serve.pages() imports cybernorms.pages and mounts what its routes() returns, giving it the
    project and a callable that returns the current store."""
    from starlette.routing import Route

    seen = {}

    def routes(p, store):
        seen["project"], seen["store"] = p, store
        return [Route("/id/{path:path}", lambda request: None)]

    stub = types.ModuleType("cybernorms.pages")
    stub.routes = routes
    monkeypatch.setitem(sys.modules, "cybernorms.pages", stub)
    mounted = serve.pages(project, serve.CurrentStore(project))
    assert [r.path for r in mounted] == ["/id/{path:path}"]
    assert seen["project"] == project
    assert len(seen["store"]()) == len(ox.Store.read_only(str(project.store)))


def test_defaults_are_localhost_7878_with_a_timeout():
    args = parser().parse_args(["serve"])
    assert (args.host, args.port, args.timeout) == ("127.0.0.1", 7878, 30)
    assert (args.allow_service, args.allow_host, args.allow_origin) == (None, None, None)


def test_cli_serve_prints_urls_and_serves_through_oxigraph_backends(project):
    port = free_port()
    proc = subprocess.Popen(
        serve.command(project, "127.0.0.1", port, 30),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("serving ") and "store read-only (union of the named graphs" in lines[0]
        assert lines[1].strip() == f"home page:         http://127.0.0.1:{port}/"
        assert lines[2].strip() == f"query editor:      http://127.0.0.1:{port}/editor"
        assert lines[3].strip() == f"SPARQL endpoint:   http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.1)
        backends = [c.cmdline() for c in psutil.Process(proc.pid).children()]
        assert len(backends) == 3
        for cmd in backends:
            assert cmd[1:3] == ["serve-read-only", "--location"]
            assert cmd[3] == str(project.store.resolve())
            assert cmd[cmd.index("--bind") + 1].startswith("127.0.0.1:")
            assert "--union-default-graph" in cmd
    finally:
        serve.stop(proc)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--port", "99999"], "--port 99999: not a TCP port; give a number from 1 to 65535"),
        (["--port", "-1"], "--port -1: not a TCP port; give a number from 1 to 65535"),
        (["--port", "0"], "--port 0: not a TCP port; give a number from 1 to 65535"),
        (["--timeout", "0"], "--timeout 0: the query timeout must be more than 0 seconds; and at most 3600"),
        (["--timeout", "-5"], "--timeout -5: the query timeout must be more than 0 seconds; and at most 3600"),
        (["--timeout", "100000"], "--timeout 100000: the query timeout must be more than 0 seconds; and at most 3600"),
        (
            ["--host", "no such host.invalid"],
            "--host no such host.invalid: not a host name or address of this machine; give e.g. 127.0.0.1",
        ),
        (
            ["--allow-service", "file:///etc/passwd"],
            "--allow-service file:///etc/passwd: not an http(s) URL; give e.g. https://query.wikidata.org/sparql",
        ),
    ],
)
def test_bad_serve_options_are_one_line_before_anything_starts(project, args, message):
    code, out, err = cli(project, "serve", *args)
    assert (code, out) == (2, "")
    assert one_line_error(err) == message


@pytest.mark.slow
def test_ctrl_c_stops_the_front_door_and_every_backend(project):
    port = free_port()
    proc = serve.start(project, "127.0.0.1", port)
    children = psutil.Process(proc.pid).children()
    assert len(children) == 3
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=15) == 130  # the CLI's status for Ctrl-C
    _, alive = psutil.wait_procs(children, timeout=5)
    assert alive == []


@pytest.mark.slow
def test_a_crashed_front_door_restarts_at_once_on_the_same_port(project):
    """kill -9 with a client connected leaves the port in TIME_WAIT; with SO_REUSEADDR the next start
    binds at once (the old port check refused for about a minute), and no backend is left behind."""
    port = free_port()
    proc = serve.start(project, "127.0.0.1", port)
    children = psutil.Process(proc.pid).children()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/query?query=ASK%7B%7D")
    assert conn.getresponse().read()
    proc.kill()
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=5)
    assert alive == []  # the backends die with the front door (PR_SET_PDEATHSIG)
    conn.close()
    again = serve.start(project, "127.0.0.1", port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=10) as r:
            assert json.load(r)["boolean"] is True
    finally:
        serve.stop(again)


@pytest.mark.slow
def test_a_rebuild_is_served_without_a_restart(tmp_path_factory):
    p = built_copy(tmp_path_factory, "rebuilt")
    port = free_port()
    proc = serve.start(p, "127.0.0.1", port)
    pages_store = serve.CurrentStore(p)
    ask = "ASK { <https://w3id.org/cybernorms/id/org/un> <http://xmlns.com/foaf/0.1/page> <https://www.un.org/extra> }"
    try:
        assert _ask(port, ask) is False
        assert pages_store().query(ask, use_default_graph_as_union=True).__bool__() is False
        curated = p.root / "data/links/curated.ttl"
        curated.write_text(
            curated.read_text(encoding="utf-8")
            + "\n<https://w3id.org/cybernorms/id/org/un> <http://xmlns.com/foaf/0.1/page> <https://www.un.org/extra> .\n",
            encoding="utf-8",
        )
        (p.root / "data/links/curated.ttl").touch()
        assert cli(p, "link", "--offline", "--write")[0] == 0
        result = build(p, log=lambda m: None)
        assert not result.skipped
        deadline = time.monotonic() + 15
        while not _ask(port, ask):
            assert time.monotonic() < deadline, "the server still serves the old store"
            time.sleep(0.2)
        assert bool(pages_store().query(ask, use_default_graph_as_union=True)) is True
        backends = [c.cmdline() for c in psutil.Process(proc.pid).children()]
        assert {c[3] for c in backends} == {str(p.store.resolve())}
    finally:
        serve.stop(proc)


def _ask(port: int, query: str) -> bool:
    url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}), timeout=10
    ) as r:
        return bool(json.load(r)["boolean"])


def test_a_store_the_engine_cannot_open_is_one_line(project, tmp_path):
    (tmp_path / "stores" / "broken").mkdir(parents=True)
    (tmp_path / "store").symlink_to("stores/broken")
    cmd = serve.command(project, "127.0.0.1", free_port(), 30)
    cmd[cmd.index("--build-dir") + 1] = str(tmp_path)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert (out.returncode, out.stdout) == (2, "")
    assert one_line_error(out.stderr).startswith(
        f"{tmp_path}/store: the query engine did not start: oxigraph did not start on {tmp_path}/stores/broken: "
        "Error: IO error: No such file or directory"
    )
    assert one_line_error(out.stderr).endswith("; check the store with `cybernorms build --force`")
