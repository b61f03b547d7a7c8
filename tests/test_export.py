"""Exports: every format present and parseable, counts that match the store, and the same bytes
from the same store whatever the process (hash seed) that writes them."""

from __future__ import annotations

import hashlib
import os
import subprocess

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from cybernorms.layout import Project

from conftest import ROOT, cli_command

pytestmark = pytest.mark.slow  # a full export, the site included

GRAPHS = Project.at(ROOT).graphs()  # the fixed graphs and one per registered document

EXPECTED = {
    "SHA256SUMS",
    "cybernorms.nq",
    "cybernorms.trig",
    "dcat.ttl",
    "void.ttl",
    "ontology/cybernorms.ttl",
    "ontology/cybernorms.owl",
    "ontology/shapes.ttl",
    "ontology/context.jsonld",
} | {f"graphs/{g.name}.{ext}" for g in GRAPHS for ext in ("ttl", "jsonld")}


def test_all_formats_are_written(dist):
    # dist/site/ (the static site written at the end of the export) is checked by test_site.py
    written = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    assert {f for f in written if not f.startswith("site/")} == EXPECTED
    assert "site/index.html" in written


def test_checksums_cover_every_file(dist):
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(sums) == EXPECTED - {"SHA256SUMS"}
    for rel, digest in sums.items():
        assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest


def test_each_graph_turtle_has_the_store_triples(dist, store):
    """Each graph's Turtle read back holds the store's triples (by Oxigraph, whose writer made it:
    as a set where there are no blank nodes); rdflib, a second reader, finds as many in each graph
    of fewer than 20,000 triples (the two larger ones took rdflib nearly all of this test's 30 s;
    Oxigraph reads them in two)."""
    for spec in GRAPHS:
        path = dist / "graphs" / f"{spec.name}.ttl"
        expected = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri))]
        parsed = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        assert len(parsed) == len(expected), spec.name
        if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in expected):
            assert set(parsed) == set(expected), spec.name
        if len(expected) < 20_000:
            assert len(rdflib.Graph().parse(path, format="turtle")) == len(expected), spec.name


def test_dataset_dumps_have_every_quad(dist, store):
    nq = [line for line in (dist / "cybernorms.nq").read_text().splitlines() if line]
    assert len(nq) == len(store)
    assert nq == sorted(nq)
    trig = list(ox.parse(path=str(dist / "cybernorms.trig"), format=ox.RdfFormat.TRIG))
    assert len(trig) == len(store)


def test_ontology_opens_as_rdfxml_and_turtle(dist):
    xml = rdflib.Graph().parse(dist / "ontology" / "cybernorms.owl", format="xml")
    ttl = rdflib.Graph().parse(dist / "ontology" / "cybernorms.ttl", format="turtle")
    assert isomorphic(xml, ttl)
    onto = rdflib.URIRef("https://w3id.org/cybernorms/ontology")
    assert (onto, rdflib.OWL.versionIRI, rdflib.URIRef("https://w3id.org/cybernorms/ontology/0.2.0")) in ttl
    assert (onto, rdflib.OWL.priorVersion, rdflib.URIRef("https://w3id.org/cybernorms/ontology/0.1.0")) in ttl
    assert (rdflib.URIRef("https://w3id.org/cybernorms/ontology#Norm"), rdflib.RDF.type, rdflib.OWL.Class) in xml


def test_void_counts_equal_the_store(dist, store):
    void = rdflib.Graph().parse(dist / "void.ttl")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    for spec in GRAPHS:
        n = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri)))
        assert void.value(rdflib.URIRef(spec.iri), VOID.triples).toPython() == n
    assert void.value(rdflib.URIRef("https://w3id.org/cybernorms/dataset"), VOID.triples).toPython() == len(store)


def test_same_store_gives_the_same_bytes(project, dist, tmp_path):
    """Two exports in separate processes, with different hash seeds, are byte-identical (the files
    SHA256SUMS lists; the site's own test compares two sites): the session's export, made in this
    process, and one made by the command line with another seed."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    out = tmp_path / "dist-1"
    subprocess.run(
        cli_command(project, "export", "--no-site", "--dist-dir", str(out)),
        check=True,
        env=dict(os.environ, PYTHONHASHSEED=seed),
        capture_output=True,
    )
    assert (out / "SHA256SUMS").read_bytes() == (dist / "SHA256SUMS").read_bytes()  # the site aside
    assert not (tmp_path / "dist-1" / "site").exists()
