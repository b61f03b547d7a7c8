"""Stage 4, reason: materialise the OWL 2 RL entailments of the asserted graphs into graph/inferred.

The entailments are computed inside Oxigraph, where the data already is: each OWL 2 RL rule
(https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules) that the
constructs of this ontology call for is a SPARQL CONSTRUCT over all graphs, whose new statements go
to a graph of that run of the rule. The rules run in turn, round after round, until none can add
anything (the fixpoint); after its first run, a rule joins only the statements added since its
previous run (semi-naive evaluation: the graphs of the runs since), so a round that confirms the
fixpoint costs little. The rules are those `reasonable` (the Rust OWL 2 RL engine the build used
before) applies to these constructs, so the inferred graph is the same: a test proves it on the
real data. They cover only the constructs the project uses; `covered` refuses, with one line
naming the construct and the file, an ontology that uses an OWL construct no rule handles (it
would otherwise be silently left unreasoned).

graph/inferred holds what the rules entail and is not already asserted, minus the tautologies that
every OWL 2 RL closure adds and that carry no information: `x rdf:type owl:Thing`, `x owl:sameAs x`,
reflexive subclass and subproperty axioms, and triples about blank nodes (the anonymous parts of
OWL axioms) or about built-in vocabulary."""

from __future__ import annotations

import re
from typing import NamedTuple

import pyoxigraph as ox

from .errors import InputError
from .layout import INFERRED, PREFIXES
from .parse import Dataset, ask, construct, select

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
# What can make USED true of an anonymous class it was false of: its first superclass, its first list.
USED_WHEN = ("?c rdfs:subClassOf ?super0 FILTER(!isIRI(?c))", "?list0 rdf:first ?c FILTER(!isIRI(?c))")


class Rule(NamedTuple):
    """An OWL 2 RL rule: the triple patterns of its body (the first one its schema premise; a
    pattern's predicate may be a property path), the head they entail, a filter on the body's
    bindings, and the patterns whose new statements can make the filter true of old bindings."""

    name: str
    body: tuple[str, ...]
    head: str
    test: str = ""
    watch: tuple[str, ...] = ()


# The rules, in the order they run, round after round, until none of them can add anything. Each
# rule reads all graphs, asserted and inferred so far; its first run joins all of them, each later
# run only what the rules added since its previous run (semi-naive evaluation). prp-spo1 runs twice
# a round, to generalise what the inverse and transitive rules add.
SUBCLASS = Rule("scm-sco", ("?c1 rdfs:subClassOf ?c2", "?c2 rdfs:subClassOf ?c3"), "?c1 rdfs:subClassOf ?c3")
TRANSITIVE = Rule("prp-trp", ("?p a owl:TransitiveProperty", "?x ?p ?y", "?y ?p ?z"), "?x ?p ?z")
SUBPROPERTY = Rule("prp-spo1", ("?p1 rdfs:subPropertyOf ?p2", "?x ?p1 ?y"), "?x ?p2 ?y")
RULES: tuple[Rule, ...] = (
    # scm-sco: subclass is transitive (the closure at once with a path, as prp-trp's: see _closure)
    SUBCLASS,
    # prp-spo1: a statement with a subproperty holds with its superproperty
    SUBPROPERTY,
    # prp-inv1, prp-inv2: inverse properties
    Rule("prp-inv1", ("?p1 owl:inverseOf ?p2", "?x ?p1 ?y"), "?y ?p2 ?x"),
    Rule("prp-inv2", ("?p1 owl:inverseOf ?p2", "?x ?p2 ?y"), "?y ?p1 ?x"),
    # prp-trp: transitive properties (for each, the closure at once with a path: see _closure)
    TRANSITIVE,
    SUBPROPERTY,
    # prp-symp: symmetric properties
    Rule("prp-symp", ("?p a owl:SymmetricProperty", "?x ?p ?y"), "?y ?p ?x"),
    # prp-dom, prp-rng: domain and range
    Rule("prp-dom", ("?p rdfs:domain ?c", "?x ?p ?y"), "?x a ?c", f"FILTER({USED})", USED_WHEN),
    Rule("prp-rng", ("?p rdfs:range ?c", "?x ?p ?y"), "?y a ?c", f"FILTER(!isLiteral(?y) && ({USED}))", USED_WHEN),
    # cls-uni: a member of a union is in the union
    Rule("cls-uni", ("?c owl:unionOf ?l", "?l rdf:rest*/rdf:first ?ci", "?x a ?ci"), "?x a ?c", f"FILTER({USED})", USED_WHEN),
    # cax-sco: an instance of a subclass is an instance of its superclass
    Rule("cax-sco", ("?c1 rdfs:subClassOf ?c2", "?x a ?c1"), "?x a ?c2"),
    # prp-fp: two values of a functional property are the same
    Rule(
        "prp-fp",
        ("?p a owl:FunctionalProperty", "?x ?p ?y1", "?x ?p ?y2"),
        "?y1 owl:sameAs ?y2",
        "FILTER(?y1 != ?y2 && !isLiteral(?y2))",
    ),
    # eq-sym, eq-trans, eq-rep-s, eq-rep-p, eq-rep-o: equality
    Rule("eq-sym", ("?x owl:sameAs ?y",), "?y owl:sameAs ?x"),
    Rule("eq-trans", ("?x owl:sameAs ?y", "?y owl:sameAs ?z"), "?x owl:sameAs ?z"),
    Rule("eq-rep-s", ("?s owl:sameAs ?s2", "?s ?p ?o"), "?s2 ?p ?o"),
    Rule("eq-rep-p", ("?p owl:sameAs ?p2", "?s ?p ?o"), "?s ?p2 ?o"),
    Rule("eq-rep-o", ("?o owl:sameAs ?o2", "?s ?p ?o"), "?s ?p ?o2"),
)  # fmt: skip

# What each run of a rule adds goes to a graph of its own (PART + the run's number): the rule's
# later runs read "what is new since my previous run" as the graphs of the runs since; all of them
# are read as everything known so far, and they make graph/inferred at the end.
PART = "urn:x-cybernorms:reason:run:"


def _add(store: ox.Store, part: ox.NamedNode, where: str, head: str) -> bool:
    """Add to `part` the statements of `head` for the bindings of `where` over all graphs that no
    graph states yet; whether there were any."""
    query = f"{HEAD}CONSTRUCT {{ {head} }} WHERE {{ {where} FILTER NOT EXISTS {{ {head} }} }}"
    triples = list(construct(store, query, union=True))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, part) for t in triples)
    return bool(triples)


def _new(parts: list[str], pattern: str) -> str:
    """The pattern, matched only in what is new (a union of GRAPH patterns, which Oxigraph joins
    where it is written; a VALUES of the graphs was joined first, across all of what is new)."""
    return "{ " + " UNION ".join(f"{{ GRAPH <{part}> {{ {pattern} }} }}" for part in parts) + " }"


def _path_predicates(pattern: str) -> list[str]:
    """The properties of a pattern whose predicate is a property path (none for a plain pattern)."""
    predicate = pattern.split()[1]
    operators = re.sub(r"<[^>]*>", "", predicate)  # (an IRI has slashes of its own)
    return re.findall(r"[a-z]+:\w+|<[^>]+>", predicate) if re.search(r"[*+/|^]", operators) else []


def _run(store: ox.Store, rule: Rule, new: list[str] | None, part: ox.NamedNode) -> bool:
    """Add to `part` what the rule entails: from all statements (`new` is None: its first run), or
    from the bindings of its body that use at least one statement of the graphs `new` (what was
    added since its previous run). Whether it added anything."""
    if rule is TRANSITIVE:
        return _transitive(store, new, part)
    if rule is SUBCLASS:
        return _closure(store, new, part, "rdfs:subClassOf")
    body = " . ".join(rule.body)
    if new is None:
        return _add(store, part, f"{body} {rule.test}", rule.head)
    added = False
    for pattern in rule.body + rule.watch:
        paths = _path_predicates(pattern)
        if paths:  # a path is not joined with what is new: when one of its properties is, the whole rule
            if any(ask(store, f"{HEAD}ASK {{ {_new(new, f'?s {p} ?o')} }}") for p in paths):
                return _add(store, part, f"{body} {rule.test}", rule.head) or added
            continue
        if not ask(store, f"{HEAD}ASK {{ {_new(new, pattern)} }}"):
            continue  # nothing new matches this pattern
        # the schema premise first (a few statements), then the new ones, then the rest
        rest = [p for p in rule.body if p != pattern]
        order = (
            [_new(new, pattern), *rest]
            if pattern in (rule.body[0], *rule.watch)
            else [rest[0], _new(new, pattern), *rest[1:]]
        )
        added = _add(store, part, f"{' . '.join(order)} {rule.test}", rule.head) or added
    return added


def _transitive(store: ox.Store, new: list[str] | None, part: ox.NamedNode) -> bool:
    """prp-trp, for each transitive property: its closure (the whole of it the first time or when
    the property was just declared transitive)."""
    schema = TRANSITIVE.body[0]
    declared = [row["p"] for row in select(store, f"{HEAD}SELECT DISTINCT ?p WHERE {{ {schema} }}", union=True)]
    just = (
        set()
        if new is None
        else {row["p"] for row in select(store, f"{HEAD}SELECT DISTINCT ?p WHERE {{ {_new(new, schema)} }}")}
    )
    added = False
    for p in declared:
        if isinstance(p, ox.NamedNode):
            added = _closure(store, None if p in just else new, part, str(p)) or added
    return added


def _closure(store: ox.Store, new: list[str] | None, part: ox.NamedNode, p: str) -> bool:
    """Add the transitive closure of the property p at once, with a path: the whole of it (`new`
    is None), or the paths through its new statements."""
    if new is None:
        return _add(store, part, f"?x {p}+ ?z", f"?x {p} ?z")
    if not ask(store, f"{HEAD}ASK {{ {_new(new, f'?a {p} ?b')} }}"):
        return False
    return _add(store, part, f"{_new(new, f'?a {p} ?b')} ?x {p}* ?a . ?b {p}* ?z", f"?x {p} ?z")


def _premise(rule: Rule) -> str:
    """Whether the first pattern of a rule (its schema premise) matches anywhere: a rule whose
    premise does not (no owl:sameAs, say) is not run."""
    return f"{HEAD}ASK {{ {rule.body[0]} }}"


# The tautologies and the triples about blank nodes or built-in vocabulary: not kept in graph/inferred.
BUILT_IN = (RDF, RDFS, OWL, PREFIXES["xsd"])
W3C = "http://www.w3.org/"  # what the built-in namespaces begin with: one test for most subjects
assert all(ns.startswith(W3C) for ns in BUILT_IN)
NOT_KEPT = f"""isBlank(?s) || isBlank(?o)
    || STRSTARTS(STR(?s), "{W3C}") && ({" || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in BUILT_IN)})
    || (?p = rdf:type && ?o IN (owl:Thing, rdfs:Resource))
    || (?s = ?o && ?p IN (rdfs:subClassOf, rdfs:subPropertyOf, owl:equivalentClass, owl:equivalentProperty, owl:sameAs))"""

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
    latest: list[int | None] = [None] * len(RULES)  # the number of each rule's latest run
    parts: list[tuple[int, ox.NamedNode]] = []  # the runs that added something, and their graphs
    try:
        run = 0
        while True:
            i = run % len(RULES)
            since = latest[i]
            new = None if since is None else [part.value for n, part in parts if n >= since]
            if new == []:  # nothing added since the rule's previous run, so since every rule's latest
                break
            latest[i] = run
            part = ox.NamedNode(f"{PART}{run}")
            if ask(store, _premise(RULES[i]), union=True) and _run(store, RULES[i], new, part):
                parts.append((run, part))
            run += 1
        for _, part in parts:
            store.update(
                f"{HEAD}INSERT {{ GRAPH {G} {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{part.value}> {{ ?s ?p ?o }} FILTER(!({NOT_KEPT})) }}"
            )
    finally:
        for graph in list(store.named_graphs()):
            if graph.value.startswith(PART):
                store.remove_graph(graph)
    return _size(store)
