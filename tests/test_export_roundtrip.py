"""Published files that other tools read: every named graph's JSON-LD (compacted with the project's
context, inline) parses back to exactly the graph in the store; DCAT describes each distribution
with its format, licence, size and checksum and the dataset with its version; VoID's counts, and
its linksets', are the store's."""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import namespace as ns
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from cybernorms import jsonld
from cybernorms.export import DATASET, LICENSE, rdflib_graph, version
from cybernorms.layout import CONTEXT, Project
from cybernorms.release import release_date

from conftest import ROOT, canonical

pytestmark = pytest.mark.slow  # a full export, every graph read back by rdflib

GRAPHS = Project.at(ROOT).graphs()  # the fixed graphs and one per registered document

MEDIA = "https://www.iana.org/assignments/media-types/"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def store_graph(store: ox.Store, iri: str) -> rdflib.Graph:
    return rdflib_graph(
        [(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
    )


def explain(expected: rdflib.Graph, got: rdflib.Graph) -> str:
    _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    return (
        f"{len(only_expected)} triples lost, e.g. {sorted(only_expected)[:3]}; "
        f"{len(only_got)} triples gained, e.g. {sorted(only_got)[:3]}"
    )


@pytest.mark.parametrize("name", [g.name for g in GRAPHS])
def test_jsonld_of_each_graph_round_trips_to_the_store(dist, store, name):
    """Read back by Oxigraph's JSON-LD parser (the file was written by the project's own writer,
    cybernorms/jsonld.py), the triples are the store's; a graph with blank nodes is compared by
    isomorphism, and then also read by rdflib's parser, a second consumer (the larger graphs have
    none, and rdflib took ten times Oxigraph's time on them)."""
    spec = next(g for g in GRAPHS if g.name == name)
    path = dist / "graphs" / f"{name}.jsonld"
    document = json.loads(path.read_text(encoding="utf-8"))
    context = json.loads((ROOT / CONTEXT).read_text(encoding="utf-8"))["@context"]
    expected = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri))]
    if expected:
        assert document["@context"] == context  # compacted with the project's context, inline
    parsed = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD)]
    assert len(parsed) == len(expected)
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in expected):
        assert set(parsed) == set(expected)
        return
    want = canonical(expected)
    assert canonical(parsed) == want, explain(
        store_graph(store, spec.iri), rdflib_graph((t.subject, t.predicate, t.object) for t in parsed)
    )
    by_rdflib = rdflib.Graph().parse(path, format="json-ld").serialize(format="nt", encoding="utf-8")
    assert canonical(ox.parse(by_rdflib, format=ox.RdfFormat.N_TRIPLES)) == want


def test_jsonld_round_trips_the_awkward_cases_of_the_context():
    """Terms of the context with a fixed datatype or a language container meet values that do not
    fit them (a gYear where startDate says date, an untagged label, an xsd:int order, a literal where
    parent says IRI) and blank nodes: the compaction must keep every triple as it is."""
    data = """
    @prefix cno: <https://w3id.org/cybernorms/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix dcterms: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix void: <http://rdfs.org/ns/void#> .
    <https://w3id.org/cybernorms/id/event/e> cno:startDate "2015-07-22"^^xsd:date ; cno:endDate "2015"^^xsd:gYear ;
        rdfs:label "untagged" , "fr"@fr , "en"@en ; cno:order 3 , "4"^^xsd:int ; skos:notation "13(a)" , "x"@en ;
        dcterms:identifier "A/70/174" ; cno:text "texte"@fr , "untagged" ;
        cno:parent <https://w3id.org/cybernorms/id/x> , "a literal" ; dcterms:title "T"@en , "no language" ;
        schema:sameAs <http://www.wikidata.org/entity/Q142> .
    [ a owl:Axiom ; void:inDataset <https://w3id.org/cybernorms/dataset/linkset/x> ;
      owl:annotatedSource <https://w3id.org/cybernorms/id/event/e> ; owl:annotatedProperty schema:sameAs ;
      owl:annotatedTarget <http://www.wikidata.org/entity/Q142> ] .
    """
    graph = rdflib.Graph().parse(data=data, format="turtle")
    context = json.loads((ROOT / CONTEXT).read_text(encoding="utf-8"))["@context"]
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    parsed = rdflib.Graph().parse(data=jsonld.text(triples, jsonld.Context(context)), format="json-ld")
    assert isomorphic(parsed, graph), explain(graph, parsed)


def test_dcat_describes_each_distribution_with_format_licence_size_and_checksum(dist):
    dcat = rdflib.Graph().parse(dist / "dcat.ttl")
    dataset = rdflib.URIRef(DATASET)
    assert dcat.value(dataset, ns.DCTERMS.license) == rdflib.URIRef(LICENSE)
    assert str(dcat.value(dataset, rdflib.URIRef(str(ns.DCAT) + "version"))) == version()
    assert str(dcat.value(dataset, ns.OWL.versionInfo)) == version()
    # the release: where it stands among the others, its date from CHANGELOG.md, who publishes it
    assert dcat.value(dataset, ns.OWL.versionIRI) == rdflib.URIRef(f"{DATASET}/{version()}")
    assert dcat.value(dataset, rdflib.URIRef(str(ns.DCAT) + "previousVersion")) == rdflib.URIRef(f"{DATASET}/0.1.0")
    assert str(dcat.value(dataset, ns.DCTERMS.issued)) == release_date(Project.at(ROOT))
    assert str(dcat.value(dataset, ns.DCTERMS.identifier)) == DATASET  # not a hash of where it was built
    assert dcat.value(dcat.value(dataset, ns.DCTERMS.publisher), ns.FOAF.name) is not None
    assert dcat.value(dataset, ns.DCAT.contactPoint) is not None
    assert len(set(dcat.objects(dataset, ns.DCAT.keyword))) >= 5
    distributions = set(dcat.objects(dataset, ns.DCAT.distribution))
    # every file is a distribution but the checksums and the descriptions themselves (VoID, ns.DCAT)
    files = {
        p.relative_to(dist).as_posix()
        for p in dist.rglob("*")
        if p.is_file() and p.relative_to(dist).parts[0] != "site"
    } - {
        "SHA256SUMS",
        "dcat.ttl",
        "void.ttl",
    }
    described = {}
    for d in distributions:
        assert (d, ns.RDF.type, ns.DCAT.Distribution) in dcat
        assert dcat.value(d, ns.DCTERMS.license) == rdflib.URIRef(LICENSE), d
        url = str(dcat.value(d, ns.DCAT.downloadURL))
        rel = url.removeprefix("https://w3id.org/cybernorms/dist/")
        data = (dist / rel).read_bytes()
        assert int(dcat.value(d, ns.DCAT.byteSize)) == len(data)
        assert dcat.value(d, ns.DCAT.byteSize).datatype == ns.XSD.nonNegativeInteger
        checksum = dcat.value(d, SPDX["checksum"])
        assert (checksum, ns.RDF.type, SPDX["Checksum"]) in dcat
        assert dcat.value(checksum, SPDX["algorithm"]) == SPDX["checksumAlgorithm_sha256"]
        assert str(dcat.value(checksum, SPDX["checksumValue"])) == hashlib.sha256(data).hexdigest()
        described[rel] = str(dcat.value(d, ns.DCAT.mediaType)).removeprefix(MEDIA)
    assert set(described) == files  # every distribution, nothing else
    by_format = {}
    for rel, media in described.items():
        by_format.setdefault(media, set()).add(rel)
    assert by_format["application/ld+json"] == {f"graphs/{g.name}.jsonld" for g in GRAPHS} | {"ontology/context.jsonld"}
    assert by_format["text/turtle"] == (
        {f"graphs/{g.name}.ttl" for g in GRAPHS} | {"ontology/cybernorms.ttl", "ontology/shapes.ttl"}
    )
    assert by_format["application/rdf+xml"] == {"ontology/cybernorms.owl"}
    assert by_format["application/trig"] == {"cybernorms.trig"}
    assert by_format["application/n-quads"] == {"cybernorms.nq"}


def test_void_counts_and_linksets_are_the_stores(dist, store):
    void = rdflib.Graph().parse(dist / "void.ttl")
    total = 0
    for spec in GRAPHS:
        n = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri)))
        assert int(void.value(rdflib.URIRef(spec.iri), ns.VOID.triples)) == n, spec.name
        total += n
    assert int(void.value(rdflib.URIRef(DATASET), ns.VOID.triples)) == total
    links = rdflib.URIRef(next(g for g in GRAPHS if g.name == "links").iri)
    linksets = set(void.objects(links, ns.VOID.subset))
    actual = {}
    query = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?ls (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH <{links}> {{
          ?ls a void:Linkset . ?a void:inDataset ?ls ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ;
          owl:annotatedTarget ?o . ?s ?p ?o }} }} GROUP BY ?ls"""
    for row in store.query(query):
        actual[row["ls"].value] = int(row["n"].value)
    assert {str(ls) for ls in linksets} == set(actual) and actual
    for ls in linksets:
        assert (ls, ns.RDF.type, ns.VOID.Linkset) in void
        assert int(void.value(ls, ns.VOID.triples)) == actual[str(ls)]
        assert void.value(ls, ns.VOID.linkPredicate) is not None and void.value(ls, ns.DCTERMS.source) is not None
