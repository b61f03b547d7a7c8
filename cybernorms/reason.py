"""Stage 4, reason: materialise the OWL 2 RL entailments of the asserted graphs into graph/inferred.

The reasoner is `reasonable` (a Rust OWL 2 RL engine). graph/inferred holds what it entails and
is not already asserted, minus the tautologies that every OWL 2 RL closure adds and that carry no
information: `x rdf:type owl:Thing`, `x owl:sameAs x`, reflexive subclass and subproperty axioms,
and triples about blank nodes (the anonymous parts of OWL axioms) or about built-in vocabulary.
"""

from __future__ import annotations

import pyoxigraph as ox

from .layout import INFERRED, PREFIXES
from .parse import Dataset
from .validate import asserted_quads, ntriples

RDF_TYPE = PREFIXES["rdf"] + "type"
OWL = PREFIXES["owl"]
BUILTIN = (PREFIXES["rdf"], PREFIXES["rdfs"], OWL, PREFIXES["xsd"])
REFLEXIVE = {
    PREFIXES["rdfs"] + "subClassOf",
    PREFIXES["rdfs"] + "subPropertyOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    OWL + "sameAs",
}


def _keep(s, p, o) -> bool:
    import rdflib

    if isinstance(s, rdflib.BNode) or isinstance(o, rdflib.BNode):
        return False
    if str(s).startswith(BUILTIN):
        return False
    if str(p) == RDF_TYPE and str(o) in (OWL + "Thing", PREFIXES["rdfs"] + "Resource"):
        return False
    return not (str(p) in REFLEXIVE and s == o)


def _to_ox(term):
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and str(term.datatype) != PREFIXES["xsd"] + "string":  # RDF 1.1: same literal
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(term)


def materialise(ds: Dataset) -> int:
    """Add the inferred triples to the dataset's inferred graph; returns how many."""
    import rdflib
    import reasonable

    graph = rdflib.Graph().parse(data=ntriples(asserted_quads(ds)), format="nt")
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    g = ox.NamedNode(INFERRED.iri)
    asserted = {(q.subject, q.predicate, q.object) for q in asserted_quads(ds)}
    inferred = set()
    for s, p, o in reasoner.reason():
        if not _keep(s, p, o):
            continue
        triple = (_to_ox(s), _to_ox(p), _to_ox(o))
        if triple not in asserted:
            inferred.add(triple)
    ds.store.extend([ox.Quad(s, p, o, g) for s, p, o in inferred])
    return len(inferred)
