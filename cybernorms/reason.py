"""Stage 4, reason: materialise the OWL 2 RL entailments of the asserted graphs into graph/inferred.

The entailments are computed inside Oxigraph, where the data already is: each OWL 2 RL rule
(https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules) that the
constructs of this ontology call for is one SPARQL update, and the updates run in rounds until a
round adds nothing (the fixpoint). The rules are those `reasonable` (the Rust OWL 2 RL engine the
build used before) applies to these constructs, so the inferred graph is the same: a test proves
it on the real data. They cover only the constructs the project uses; `covered` refuses, with one
line naming the construct and the file, an ontology that uses an OWL construct no rule handles
(it would otherwise be silently left unreasoned).

graph/inferred holds what the rules entail and is not already asserted, minus the tautologies that
every OWL 2 RL closure adds and that carry no information: `x rdf:type owl:Thing`, `x owl:sameAs x`,
reflexive subclass and subproperty axioms, and triples about blank nodes (the anonymous parts of
OWL axioms) or about built-in vocabulary.
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import InputError
from .layout import INFERRED, PREFIXES
from .parse import Dataset, ask, select

OWL = PREFIXES["owl"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
G = f"<{INFERRED.iri}>"
HEAD = f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}>\n"

# The OWL vocabulary the rules below handle, or that entails nothing in OWL 2 RL beyond what
# another check decides (declarations, annotations, and disjointness, which only HermiT's
# consistency check can violate). Any other owl: term in the data stops the build.
COVERED = {
    # declarations, ontology header, annotations: no entailment
    "Ontology", "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Thing",
    "versionIRI", "versionInfo", "priorVersion", "backwardCompatibleWith", "incompatibleWith", "deprecated",
    "Axiom", "annotatedSource", "annotatedProperty", "annotatedTarget",
    # disjointness: no new triple, an inconsistency (validate.consistency decides it)
    "disjointWith", "AllDisjointClasses", "members",
    # the rules below
    "inverseOf", "TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "unionOf", "sameAs",
}  # fmt: skip

# A statement that something is of an anonymous class (a union) is removed at the end, and only
# worth making when a rule can use it: when the class has a superclass or is in a union itself.
USED = "isIRI(?c) || EXISTS { ?c rdfs:subClassOf ?super } || EXISTS { ?list rdf:first ?c }"

# The rules, as "body => head": the body's triple patterns (separated by " . ", the first one the
# schema premise) and a filter, the head what they entail. They run in this order, round after
# round, until a round adds nothing (on this data, two rounds add and a third confirms; prp-spo1
# runs twice a round, to generalise what the inverse and transitive rules add). The bodies read
# all graphs, asserted and inferred so far; the heads go to graph/inferred.
RULES: list[tuple[str, str]] = [
    # scm-sco: subclass is transitive
    ("scm-sco", "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3 => ?c1 rdfs:subClassOf ?c3"),
    # prp-spo1: a statement with a subproperty holds with its superproperty
    ("prp-spo1", "?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y => ?x ?p2 ?y"),
    # prp-inv1, prp-inv2: inverse properties
    ("prp-inv1", "?p1 owl:inverseOf ?p2 . ?x ?p1 ?y => ?y ?p2 ?x"),
    ("prp-inv2", "?p1 owl:inverseOf ?p2 . ?x ?p2 ?y => ?y ?p1 ?x"),
    # prp-trp: transitive properties (one update for each, with a path: the closure at once; not
    # again while the property has no new statement)
    ("prp-trp", "?p a owl:TransitiveProperty => ?x ?p+ ?z => ?x ?p ?z"),
    ("prp-spo1", "?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y => ?x ?p2 ?y"),
    # prp-symp: symmetric properties
    ("prp-symp", "?p a owl:SymmetricProperty . ?x ?p ?y => ?y ?p ?x"),
    # prp-dom, prp-rng: domain and range
    ("prp-dom", f"?p rdfs:domain ?c . ?x ?p ?y FILTER({USED}) => ?x a ?c"),
    ("prp-rng", f"?p rdfs:range ?c . ?x ?p ?y FILTER(!isLiteral(?y) && {USED}) => ?y a ?c"),
    # cls-uni: a member of a union is in the union
    ("cls-uni", f"?c owl:unionOf ?l . ?l rdf:rest*/rdf:first ?ci . ?x a ?ci FILTER({USED}) => ?x a ?c"),
    # cax-sco: an instance of a subclass is an instance of its superclass
    ("cax-sco", "?c1 rdfs:subClassOf ?c2 . ?x a ?c1 => ?x a ?c2"),
    # prp-fp: two values of a functional property are the same
    (
        "prp-fp",
        "?p a owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 FILTER(?y1 != ?y2 && !isLiteral(?y2)) => ?y1 owl:sameAs ?y2",
    ),
    # eq-sym, eq-trans, eq-rep-s, eq-rep-p, eq-rep-o: equality
    ("eq-sym", "?x owl:sameAs ?y => ?y owl:sameAs ?x"),
    ("eq-trans", "?x owl:sameAs ?y . ?y owl:sameAs ?z => ?x owl:sameAs ?z"),
    ("eq-rep-s", "?s owl:sameAs ?s2 . ?s ?p ?o => ?s2 ?p ?o"),
    ("eq-rep-p", "?p owl:sameAs ?p2 . ?s ?p ?o => ?s ?p2 ?o"),
    ("eq-rep-o", "?o owl:sameAs ?o2 . ?s ?p ?o => ?s ?p ?o2"),
]


def _updates(store: ox.Store, rule: str, seen: dict[str, int], graphs: list[str]) -> list[str]:
    """The rule as SPARQL updates whose WHERE reads the union of all graphs (USING each). A rule
    "schema => body => head" is one update for each value of ?p that the schema query finds, written
    in (a transitive property's path, which SPARQL cannot take from a variable)."""
    parts = rule.split(" => ")
    using = " ".join(f"USING <{g}>" for g in graphs)
    if len(parts) == 2:
        body, head = parts
        return [f"{HEAD}INSERT {{ GRAPH {G} {{ {head} }} }} {using} WHERE {{ {body} }}"]
    schema, body, head = parts
    updates = []
    for row in select(store, f"{HEAD}SELECT DISTINCT ?p WHERE {{ {schema} }}", union=True):
        p = row["p"]
        if not isinstance(p, ox.NamedNode):
            continue
        # statements of p now; none new since the last time: the closure is still closed
        count = int(
            next(iter(select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?x {p} ?y }} }}")))["n"].value
        )
        if seen.get(p.value) == count:
            continue
        seen[p.value] = count
        updates.append(
            f"{HEAD}INSERT {{ GRAPH {G} {{ {head.replace('?p', str(p))} }} }} {using} WHERE {{ {body.replace('?p', str(p))} }}"
        )
    return updates


def _premise(rule: str) -> str:
    """Whether the first pattern of a rule (its schema premise) matches anywhere: a rule whose
    premise does not (no owl:sameAs, say) is not run."""
    first = rule.split(" => ", maxsplit=1)[0].split(" . ", maxsplit=1)[0].split(" FILTER", maxsplit=1)[0]
    return f"{HEAD}ASK {{ {first} }}"


# The tautologies and the triples about blank nodes or built-in vocabulary, removed at the end,
# and what is also asserted.
CLEANUP = f"""{HEAD}
DELETE {{ GRAPH {G} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {G} {{ ?s ?p ?o }}
  FILTER(isBlank(?s) || isBlank(?o)
    || STRSTARTS(STR(?s), "{RDF}") || STRSTARTS(STR(?s), "{RDFS}") || STRSTARTS(STR(?s), "{OWL}")
    || STRSTARTS(STR(?s), "{PREFIXES["xsd"]}")
    || (?p = rdf:type && ?o IN (owl:Thing, rdfs:Resource))
    || (?s = ?o && ?p IN (rdfs:subClassOf, rdfs:subPropertyOf, owl:equivalentClass, owl:equivalentProperty, owl:sameAs)))
}};
DELETE {{ GRAPH {G} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {G} {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {G}) }}
"""

CONSTRUCTS = f"""{HEAD}
SELECT DISTINCT ?term ?g WHERE {{
  {{ GRAPH ?g {{ ?s ?term ?o }} }} UNION {{ GRAPH ?g {{ ?s rdf:type ?term }} }}
  FILTER(STRSTARTS(STR(?term), "{OWL}"))
}}"""


def covered(ds: Dataset) -> None:
    """Every OWL construct the data uses has a rule (or needs none); otherwise one clear error."""
    for row in select(ds.store, CONSTRUCTS):
        term = row["term"].value
        local = term[len(OWL) :]
        if local in COVERED:
            continue
        graph = row["g"].value
        spec = next((s for s in ds.project.graphs() if s.iri == graph), None)
        where, line = ds.locate_term(term, spec)
        raise InputError(
            where,
            line,
            f"the data uses owl:{local}, an OWL construct for which the build's OWL 2 RL rules have no rule, "
            "so its entailments would be silently missing",
            "add its rule to cybernorms/reason.py (with a parity test against the reference reasoner), "
            "or express the axiom with the constructs already covered",
        )


def _size(store: ox.Store) -> int:
    row = next(iter(select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {G} {{ ?s ?p ?o }} }}")))
    return int(row["n"].value)


def materialise(ds: Dataset, checked: bool = False) -> int:
    """Add the inferred triples to the dataset's inferred graph; returns how many. `checked`: the
    build has already run `covered` on this dataset (a full scan of it, a second or so at a
    million triples), so it is not run again."""
    if not checked:
        covered(ds)
    store = ds.store
    size = -1
    seen: dict[str, int] = {}
    graphs = sorted({g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)} | {INFERRED.iri})
    while True:  # rounds until one adds nothing
        for _, rule in RULES:
            if ask(store, _premise(rule), union=True):
                for update in _updates(store, rule, seen, graphs):
                    store.update(update)
        now = _size(store)
        if now == size:
            break
        size = now
    store.update(CLEANUP)
    return _size(store)
