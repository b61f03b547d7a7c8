"""The build: named graphs, the 11 norms in the store, no-op rebuilds, and safety when a build is
killed at the worst moments (the previous store must keep answering, also through a server)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from cybernorms import serve
from cybernorms import store as store_stage
from cybernorms.build import build, summary
from cybernorms.cli import main
from cybernorms.layout import Project

from conftest import ROOT, built_copy, free_port

GRAPHS = Project.at(ROOT).graphs()  # the fixed graphs and one per registered document

NORMS = """
PREFIX cno: <https://w3id.org/cybernorms/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation ?text WHERE {
  ?norm a cno:Norm ; skos:notation ?notation ; cno:hasSource ?p . ?p cno:text ?text .
} ORDER BY ?notation
"""
EXTRA = (
    "@base <https://w3id.org/cybernorms/id/> .\n"
    '<norm/13a> <http://www.w3.org/2004/02/skos/core#scopeNote> "added by a test"@en .\n'
)


def norms_in(store_path):
    st = ox.Store.read_only(str(store_path))
    return [(r["notation"].value, r["text"].value) for r in st.query(NORMS, use_default_graph_as_union=True)]


def has_extra(store_path) -> bool:
    st = ox.Store.read_only(str(store_path))
    return bool(st.query('ASK { ?s ?p "added by a test"@en }', use_default_graph_as_union=True))


def test_every_named_graph_is_in_the_store(project, store):
    names = {g.value for g in store.named_graphs()}
    assert names >= {g.iri for g in GRAPHS if g.name != "links"}
    info = json.loads(project.store.resolve().with_suffix(".json").read_text())
    assert set(info["graphs"]) == {g.name for g in GRAPHS}
    assert info["triples"] == len(store)


def test_the_eleven_norms_with_their_french_text(store):
    rows = [(r["notation"].value, r["text"]) for r in store.query(NORMS, use_default_graph_as_union=True)]
    assert [n for n, _ in rows] == [f"13({c})" for c in "abcdefghijk"]
    assert all(t.language == "fr" for _, t in rows)
    texts = {n: t.value for n, t in rows}
    assert texts["13(f)"].startswith("Un État ne devrait pas mener ou soutenir sciemment une activité informatique")
    assert texts["13(k)"].endswith(
        "un État ne devrait pas se servir d'équipes d'intervention d'urgence agréées "
        "pour se livrer à des activités internationales malveillantes;"
    )


def test_inferred_graph_holds_entailments_only(store):
    g = "https://w3id.org/cybernorms/graph/inferred"
    # the inverse of cno:expresses is entailed, never asserted
    assert bool(
        store.query(f"""PREFIX cno: <https://w3id.org/cybernorms/ontology#>
        ASK {{ GRAPH <{g}> {{ <https://w3id.org/cybernorms/id/norm/13g> cno:expressedBy
               <https://w3id.org/cybernorms/id/document/A-70-174/para/13/g> }} }}""")
    )
    # transitive part-of: a subparagraph is part of its document
    assert bool(
        store.query(f"""PREFIX cno: <https://w3id.org/cybernorms/ontology#>
        ASK {{ GRAPH <{g}> {{ <https://w3id.org/cybernorms/id/document/A-70-174/para/16/d/iv> cno:partOf
               <https://w3id.org/cybernorms/id/document/A-70-174> }} }}""")
    )
    # no tautologies and nothing that is also asserted
    assert not bool(store.query(f"ASK {{ GRAPH <{g}> {{ ?s a <http://www.w3.org/2002/07/owl#Thing> }} }}"))
    assert not bool(
        store.query(f"""ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != <{g}>) }}""")
    )


@pytest.mark.slow
def test_unchanged_inputs_rebuild_does_nothing_and_says_so(tmp_path_factory, capsys):
    p = built_copy(tmp_path_factory, "rebuild")  # built: its store is current
    first = store_stage.current(p)
    target = p.store.resolve()
    assert first and first["fingerprint"] == store_stage.fingerprint(p)
    assert main(["--root", str(p.root), "build", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "build/store is up to date: inputs unchanged" in out and "nothing to do" in out
    assert p.store.resolve() == target
    (p.root / "data/curation/extra.ttl").write_text(EXTRA, encoding="utf-8")
    again = build(p, log=lambda m: None)
    assert not again.skipped and again.fingerprint != first["fingerprint"]
    assert has_extra(p.store)
    assert "built build/store" in summary(again, p)


KILLER = textwrap.dedent("""
    import os, signal, sys, types
    import pyoxigraph
    from cybernorms import store
    from cybernorms.build import build
    from cybernorms.layout import Project
    where = sys.argv[2]

    class KillingStore:
        def __init__(self, path):
            self._s = pyoxigraph.Store(path)
        def bulk_load(self, data, format):
            lines = data.splitlines(keepends=True)
            self._s.bulk_load(b"".join(lines[: len(lines) // 2]), format=format)
            self._s.flush()
            if where == "during-write":
                os.kill(os.getpid(), signal.SIGKILL)
            self._s.bulk_load(b"".join(lines[len(lines) // 2:]), format=format)
        def __len__(self):
            return len(self._s)
        def __getattr__(self, name):
            return getattr(self._s, name)

    def killing_replace(src, dst):
        os.kill(os.getpid(), signal.SIGKILL)

    shim = types.ModuleType("pyoxigraph_shim")
    shim.__dict__.update(pyoxigraph.__dict__)
    shim.Store = KillingStore
    store.ox = shim
    if where == "before-swap":
        real_os = store.os
        os_shim = types.ModuleType("os_shim")
        os_shim.__dict__.update(real_os.__dict__)
        os_shim.replace = killing_replace
        store.os = os_shim
    build(Project.at(sys.argv[1]), log=lambda m: None)
""")


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_store_answering(tmp_path_factory):
    """A build killed while it writes the new store, then one killed just before it swaps the new
    store in: each time the previous store keeps answering, in-process and through a server. The
    next build succeeds and removes what the killed ones left."""
    p = built_copy(tmp_path_factory, "killed")
    old_target = p.store.resolve()
    port = free_port()
    server = serve.start(p, "127.0.0.1", port)

    def leftovers() -> list[str]:
        return sorted(e.name for e in (p.build / "stores").iterdir() if e.name.startswith(".tmp-"))

    try:
        (p.root / "data/curation/extra.ttl").write_text(EXTRA, encoding="utf-8")
        left: list[str] = []
        for where in ("during-write", "before-swap"):
            killed = subprocess.run(
                [sys.executable, "-c", KILLER, str(p.root), where],
                cwd=p.root,
                capture_output=True,
                text=True,
                check=False,
            )
            assert killed.returncode == -9, (where, killed.stderr)
            # the link still points at the complete previous store, which answers in-process and over HTTP
            assert p.store.resolve() == old_target, where
            assert [n for n, _ in norms_in(p.store)] == [f"13({c})" for c in "abcdefghijk"], where
            assert not has_extra(p.store), where
            assert _http_norms(port) == [f"13({c})" for c in "abcdefghijk"], where
            # killed during the write, the build leaves its half-written store; just before the
            # swap, a complete one under its final name and nothing more
            if where == "during-write":
                left = leftovers()
                assert len(left) == 1, left
            else:
                assert leftovers() == left
    finally:
        serve.stop(server)
    # the next build succeeds, swaps in the new store and removes the leftovers
    result = build(p, log=lambda m: None)
    assert not result.skipped
    assert has_extra(p.store)
    assert not leftovers()


def _http_norms(port: int) -> list[str]:
    body = urllib.parse.urlencode({"query": NORMS}).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/query",
        data=body,
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        data = json.load(r)
    return [b["notation"]["value"] for b in data["results"]["bindings"]]
