"""Publishing: every named graph of the built store PUT to a SPARQL 1.1 Graph Store endpoint (a local
read-write Oxigraph server here), idempotently; a failure midway reported graph by graph; basic
authentication with the password from the environment only."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from cybernorms.layout import Project

from conftest import ROOT, cli, one_line_error
from oxiserver import free_port, http_server, oxigraph

GRAPHS = Project.at(ROOT).graphs()  # the fixed graphs and one per registered document

COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def remote_counts(base: str) -> dict[str, int]:
    url = f"{base}/query?{urllib.parse.urlencode({'query': COUNTS})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        rows = json.load(r)["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@functools.cache
def store_counts(store: ox.Store) -> dict[str, int]:
    """The triples of each named graph of the store (counted once: the store is read-only)."""
    return {
        spec.iri: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri))) for spec in GRAPHS
    }


@pytest.mark.slow
def test_publish_puts_every_graph_and_twice_changes_nothing(project, store):
    expected = {g: n for g, n in store_counts(store).items() if n}  # an empty graph does not show
    # the endpoint keeps its store in memory: on disk, the server spent 15 CPU seconds on the two runs
    with oxigraph() as base:
        code, out, err = cli(project, "publish", "--endpoint", base + "/store")
        assert code == 0, err
        first = remote_counts(base)
        code, _out2, err = cli(project, "publish", "--endpoint", base + "/store")
        assert code == 0, err
        second = remote_counts(base)
    assert first == expected
    assert second == first  # PUT replaces: the second run leaves the same triples
    lines = out.splitlines()
    assert lines[0] == (
        f"publishing {len(GRAPHS)} named graphs of {project.rel(project.store)} to {base}/store "
        "(PUT replaces each graph)"
    )
    for spec in GRAPHS:
        assert f"  pushed graph/{spec.name}: {store_counts(store)[spec.iri]:,} triples" in lines
    assert lines[-1] == f"published {len(GRAPHS)} graphs, {sum(store_counts(store).values()):,} triples"


def test_publish_replaces_what_the_endpoint_had_in_a_graph(project, store):
    links = next(g for g in GRAPHS if g.name == "links").iri
    with oxigraph() as base:
        stale = "<https://example.org/stale> <https://example.org/p> <https://example.org/o> ."
        request = urllib.request.Request(
            f"{base}/store?{urllib.parse.urlencode({'graph': links})}",
            data=stale.encode(),
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        urllib.request.urlopen(request, timeout=30).read()
        assert remote_counts(base) == {links: 1}
        assert cli(project, "publish", "--endpoint", base + "/store")[0] == 0
        assert remote_counts(base)[links] == store_counts(store)[links]


def test_a_failure_midway_reports_what_was_pushed_and_what_was_not(project):
    def respond(method, path, headers, body):
        return (204, "text/plain", b"") if len(received) == 1 else (500, "text/plain", b"disk full")

    with http_server(respond) as (base, received):
        code, out, err = cli(project, "publish", "--endpoint", base + "/data")
    assert code == 2
    names = [g.name for g in GRAPHS]
    assert one_line_error(err) == (
        f"{base}/data: publishing stopped at graph/{names[1]}: HTTP 500 Internal Server Error; "
        f"pushed: graph/{names[0]}; not pushed: {', '.join('graph/' + n for n in names[1:])}; "
        "fix the endpoint and run publish again (PUT replaces graphs, so repeating is safe)"
    )
    assert f"  pushed graph/{names[0]}:" in out and f"graph/{names[1]}:" not in out
    assert [(m, urllib.parse.unquote(p)) for m, p, _, _ in received] == [
        ("PUT", f"/data?graph={GRAPHS[0].iri}"),
        ("PUT", f"/data?graph={GRAPHS[1].iri}"),
    ]
    assert received[0][2]["Content-Type"] == "text/turtle; charset=utf-8"


def test_basic_auth_takes_the_password_from_the_environment_only(project, monkeypatch):
    monkeypatch.setenv("REMOTE_SECRET", "s3cret:with colon")
    with http_server(lambda *request: (204, "text/plain", b"")) as (base, received):
        code, _out, err = cli(
            project,
            "publish",
            "--endpoint",
            base + "/rdf-graphs/service",
            "--user",
            "editor",
            "--password-env",
            "REMOTE_SECRET",
        )
    assert code == 0, err
    token = base64.b64encode(b"editor:s3cret:with colon").decode()
    assert len(received) == len(GRAPHS)
    assert {headers["Authorization"] for _, _, headers, _ in received} == {f"Basic {token}"}
    # turtle bodies that parse, one per graph
    for _, _, _, body in received:
        list(ox.parse(body, format=ox.RdfFormat.TURTLE))


def test_digest_auth_answers_the_challenge(project, monkeypatch):
    """Virtuoso's /sparql-graph-crud-auth asks for HTTP Digest: every PUT is refused until it carries
    a valid digest response (RFC 7616, MD5, qop=auth) for user editor and the password from $VIRT_PW."""
    monkeypatch.setenv("VIRT_PW", "dba-secret")

    def md5(text):
        return hashlib.md5(text.encode()).hexdigest()

    challenge = {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="n0nce", qop="auth", algorithm=MD5'}

    def respond(method, path, headers, body):
        value = headers.get("Authorization") or ""
        fields = dict(re.findall(r'(\w+)="?([^",]+)"?', value.removeprefix("Digest ")))
        if not value.startswith("Digest ") or fields.get("username") != "editor":
            return 401, "text/plain", b"", challenge
        expected = md5(
            ":".join(
                [
                    md5("editor:SPARQL:dba-secret"),
                    "n0nce",
                    fields["nc"],
                    fields["cnonce"],
                    "auth",
                    md5(f"{method}:{fields['uri']}"),
                ]
            )
        )
        return (204, "text/plain", b"") if fields.get("response") == expected else (401, "text/plain", b"", challenge)

    with http_server(respond) as (base, received):
        code, out, err = cli(
            project,
            "publish",
            "--endpoint",
            base + "/sparql-graph-crud-auth",
            "--user",
            "editor",
            "--password-env",
            "VIRT_PW",
            "--auth",
            "digest",
        )
    assert code == 0, err
    assert out.splitlines()[-1].startswith(f"published {len(GRAPHS)} graphs")
    accepted = [r for r in received if r[2].get("Authorization", "").startswith("Digest ")]
    assert len(accepted) == len(GRAPHS)
    assert all(body for _, _, _, body in accepted)  # the graph itself went with the answer
    assert not any("dba-secret" in str(headers) for _, _, headers, _ in received)


def test_a_user_without_a_password_in_the_environment_is_one_line(project, monkeypatch):
    monkeypatch.delenv("CYBERNORMS_PASSWORD", raising=False)
    with http_server(lambda *request: (204, "text/plain", b"")) as (base, received):
        code, _out, err = cli(project, "publish", "--endpoint", base + "/store", "--user", "editor")
    assert (code, received) == (2, [])
    assert one_line_error(err) == (
        "$CYBERNORMS_PASSWORD: --user editor is given but the environment variable "
        "CYBERNORMS_PASSWORD that holds the password is not set; export "
        "CYBERNORMS_PASSWORD=... (the password is never taken from the command line)"
    )


def test_a_refused_password_says_what_to_check(project, monkeypatch):
    monkeypatch.setenv("CYBERNORMS_PASSWORD", "wrong")
    with http_server(lambda *request: (401, "text/plain", b"")) as (base, _received):
        code, _out, err = cli(project, "publish", "--endpoint", base + "/store", "--user", "editor")
    assert code == 2
    assert (
        "publishing stopped at graph/ontology: HTTP 401 Unauthorized (check --user and the password in "
        "$CYBERNORMS_PASSWORD); pushed: none; not pushed: graph/ontology"
    ) in one_line_error(err)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("localhost:3030/ds/data", "'localhost:3030/ds/data' is not an http(s) URL"),
        ("http://localhost:3030/ds/data?graph=x", "'http://localhost:3030/ds/data?graph=x' has a query or fragment"),
    ],
)
def test_a_bad_endpoint_url_is_one_line(project, url, problem):
    code, out, err = cli(project, "publish", "--endpoint", url)
    assert (code, out) == (2, "")
    assert one_line_error(err).startswith(f"--endpoint: {problem}; ")


def test_an_unreachable_endpoint_is_one_line(project):
    url = f"http://127.0.0.1:{free_port()}/store"
    code, _out, err = cli(project, "publish", "--endpoint", url)
    assert code == 2
    message = one_line_error(err)
    assert message.startswith(f"{url}: publishing stopped at graph/ontology: cannot reach the endpoint: ")
    assert message.endswith(
        "pushed: none; not pushed: "
        + ", ".join(f"graph/{g.name}" for g in GRAPHS)
        + "; fix the endpoint and run publish again (PUT replaces graphs, so repeating is safe)"
    )
