"""The ontology: its header, and every term with French and English labels and an English
definition; alignments to the standard vocabularies; consistency is decided by every build."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import ROOT

CNO = rdflib.Namespace("https://w3id.org/cybernorms/ontology#")
ONTO = rdflib.URIRef("https://w3id.org/cybernorms/ontology")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")


def ontology():
    return rdflib.Graph().parse(ROOT / "ontology" / "cybernorms.ttl")


def test_header():
    g = ontology()
    assert (ONTO, RDF.type, OWL.Ontology) in g
    for p in (
        DCT.title,
        DCT.description,
        DCT.license,
        DCT.creator,
        VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri,
    ):
        assert g.value(ONTO, p) is not None, p
    assert str(g.value(ONTO, VANN.preferredNamespaceUri)) == str(CNO)


def test_the_version_is_written_in_one_place_and_reaches_the_built_ontology(sparql):
    import cybernorms

    # not by hand in the Turtle: the build adds it from cybernorms.__version__ and CHANGELOG.md
    g = ontology()
    assert g.value(ONTO, OWL.versionIRI) is None and g.value(ONTO, OWL.versionInfo) is None
    rows = sparql("""SELECT ?iri ?info ?prior WHERE { GRAPH <https://w3id.org/cybernorms/graph/ontology> {
        <https://w3id.org/cybernorms/ontology> owl:versionIRI ?iri ; owl:versionInfo ?info ; owl:priorVersion ?prior } }""")
    assert rows == [
        (
            f"https://w3id.org/cybernorms/ontology/{cybernorms.__version__}",
            cybernorms.__version__,
            "https://w3id.org/cybernorms/ontology/0.1.0",
        )
    ]


def test_every_term_has_both_labels_and_a_definition():
    g = ontology()
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(CNO))}
    assert len(terms) > 80
    for t in terms:
        langs = {lbl.language for lbl in g.objects(t, RDFS.label)}
        assert {"fr", "en"} <= langs, t
        assert any(d.language == "en" for d in g.objects(t, SKOS.definition)), t


def test_alignment_to_standard_vocabularies():
    g = ontology()
    supers = {str(o) for _, o in g.subject_objects(RDFS.subClassOf)} | {
        str(o) for _, o in g.subject_objects(RDFS.subPropertyOf)
    }
    for ns in (
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://xmlns.com/foaf/0.1/",
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/prov#",
        "https://schema.org/",
    ):
        assert any(s.startswith(ns) for s in supers), ns


def test_axioms_that_carry_meaning():
    g = ontology()
    assert (CNO.partOf, RDF.type, OWL.TransitiveProperty) in g
    assert (CNO.partOf, OWL.inverseOf, CNO.hasPart) in g
    assert (CNO.expresses, OWL.inverseOf, CNO.expressedBy) in g
    assert (CNO.cites, OWL.inverseOf, CNO.citedBy) in g
    assert (CNO.parent, RDF.type, OWL.FunctionalProperty) in g
    disjoint = set()
    for d in g.subjects(RDF.type, OWL.AllDisjointClasses):
        disjoint |= set(rdflib.collection.Collection(g, g.value(d, OWL.members)))
    assert {CNO.State, CNO.Organisation, CNO.Person, CNO.Document, CNO.Provision} <= disjoint
