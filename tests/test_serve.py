"""The SPARQL endpoint: oxigraph serve-read-only on the built store, union default graph,
updates refused, URLs printed by the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from cybernorms import serve
from cybernorms.cli import parser

from conftest import free_port

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


def test_yasgui_page_is_served(endpoint):
    with urllib.request.urlopen(endpoint + "/", timeout=10) as r:
        assert r.status == 200
        assert "yasgui" in r.read().decode("utf-8", "replace").lower()


def test_defaults_are_localhost_7878_with_a_timeout():
    args = parser().parse_args(["serve"])
    assert (args.host, args.port, args.timeout) == ("127.0.0.1", 7878, 30)


def test_cli_serve_prints_urls_and_serves(project):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cybernorms.cli",
            "--root",
            str(project.root),
            "--build-dir",
            str(project.build),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(4)]
        assert lines[1].strip() == f"YASGUI query page: http://127.0.0.1:{port}/"
        assert lines[2].strip() == f"SPARQL endpoint:   http://127.0.0.1:{port}/query"
        import time

        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.1)
        cmd = serve.command(project, "127.0.0.1", port, 30)
        assert cmd[1:3] == ["serve-read-only", "--location"]
        assert "--union-default-graph" in cmd and cmd[cmd.index("--timeout-s") + 1] == "30"
    finally:
        serve.stop(proc)
