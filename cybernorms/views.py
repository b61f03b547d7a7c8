"""What the pages show, read from the store: the description of an entity (queries/describe.rq),
the names, kinds and texts of everything it is linked to, and where each statement comes from.

Nothing here knows a document by name. An entity's kind is its most specific class of the ontology;
a named graph is a source text's graph unless it is one of the graphs with a role of their own
(ontology, reference, curation, links, inferred); a document's provisions are the things that are
cno:partOf it; a norm's wordings are the provisions that cno:expresses it, whatever their document.
A newly registered document appears on every page without a change here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .layout import BASE, CNO, FIXED_GRAPHS, GRAPH, ID, ONTOLOGY_IRI, PREFIXES, QUERIES_DIR, curie

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
FOAF = PREFIXES["foaf"]
VOID = PREFIXES["void"]
SCHEMA = PREFIXES["schema"]
TYPE = RDF + "type"
Term = ox.NamedNode | ox.BlankNode | ox.Literal

# The named graphs that are not the statements of a source text, and what their facts are.
ROLE = {
    "ontology": "ontology",
    "reference": "reference",
    "curation": "curated",
    "links": "link",
    "inferred": "inferred",
}
ROLE_NOTE = {
    "text": "stated by the source text",
    "curated": "a curated reading: the texts do not state it",
    "reference": "reference data from outside the texts",
    "link": "a link to an external dataset",
    "inferred": "entailed by the OWL 2 RL reasoner",
    "ontology": "defined by the ontology",
}

# The classes whose instances are described on the page of the entity their IRI extends (a receiver
# https://w3id.org/cybernorms/id/incident/X/receiver/6 on the page of incident X,
# at #receiver-6) rather than on pages of their own: the ontology defines an incident part as "one of
# the values a dataset records together for an incident [...] kept as a node so that the values of one
# row or position stay together", a blank node with a name.
PART_CLASSES = (CNO + "IncidentPart",)

INCIDENT = CNO + "Incident"

# Properties whose values every page needs for the things an entity is linked to.
NAME_PROPS = (RDFS + "label", SKOS + "prefLabel", FOAF + "name", DCT + "title", SCHEMA + "name")
SUMMARY_PROPS = {
    "label": NAME_PROPS,
    "alt": (SKOS + "altLabel",),
    "notation": (SKOS + "notation",),
    "identifier": (DCT + "identifier",),
    "symbol": (CNO + "printedSymbol",),
    "text": (CNO + "text",),
    "definition": (SKOS + "definition", RDFS + "comment"),
    "note": (SKOS + "editorialNote",),
    "order": (CNO + "order",),
    "parent": (CNO + "parent",),
    "source": (CNO + "hasSource",),
    "modality": (CNO + "modality",),
    "scope": (CNO + "scope",),
    "represents": (CNO + "represents",),
    "role": (CNO + "role",),
    "organisation": (CNO + "organisation",),
    "member": (CNO + "member",),
    "function": (CNO + "functionTitle",),
    "start": (CNO + "startDate", SCHEMA + "startDate"),
    "date": (DCT + "date",),
    "end": (CNO + "endDate",),
    "issued": (DCT + "issued",),
    "page": (FOAF + "page",),
    "sameas": (SCHEMA + "sameAs", OWL + "sameAs"),
    "cites": (CNO + "cites",),
    "invokes": (CNO + "invokes",),
    "topic": (CNO + "hasTopic",),
    "expresses": (CNO + "expresses",),
    "implements": (CNO + "implements",),
    "scheme": (SKOS + "inScheme",),
    "tookPartIn": (CNO + "tookPartIn",),
}


def graph_name(iri: str) -> str:
    return iri.removeprefix(GRAPH)


def graph_role(iri: str) -> str:
    """text, curated, reference, link, inferred or ontology: what the facts of a named graph are."""
    return ROLE.get(graph_name(iri), "text")


def site_path(iri: str) -> str | None:
    """The path of the page of an IRI of the project ("id/norm/13f", "ontology#Norm"), or None for
    an IRI that is not the project's."""
    if not iri.startswith(BASE):
        return None
    return iri[len(BASE) :]


@dataclass
class Summary:
    """What a page shows about a thing it links to: its names, kind and a few key values."""

    iri: str
    types: set[str] = field(default_factory=set)
    values: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    graphs: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def all(self, key: str) -> list[Term]:
        return self.values.get(key, [])

    def one(self, key: str) -> Term | None:
        vals = self.values.get(key)
        return vals[0] if vals else None

    def first(self, key: str) -> str:
        term = self.one(key)
        return term.value if term is not None else ""

    def lang(self, key: str, lang: str) -> ox.Literal | None:
        for term in self.all(key):
            if isinstance(term, ox.Literal) and term.language == lang:
                return term
        return None

    def iris(self, key: str) -> list[str]:
        return [t.value for t in self.all(key) if isinstance(t, ox.NamedNode)]


@dataclass
class Fact:
    """One statement of a description, with every named graph that holds it."""

    subject: Term
    predicate: str
    object: Term
    graphs: list[str]
    incoming: bool  # the entity is the object
    # the roles of its graphs (_roles), set once its graphs are all known (_description)
    kinds: tuple[str, ...] = ()
    # the term at the other end: the subject of a statement read backwards, else the object (set
    # with the fact: pages read it for every row)
    other: Term = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.other = self.subject if self.incoming else self.object

    @property
    def roles(self) -> list[str]:
        return list(self.kinds)


@cache
def _roles(graphs: tuple[str, ...]) -> tuple[str, ...]:
    """The roles of the graphs that hold a statement, in the order of ROLE_NOTE."""
    return tuple(sorted({graph_role(g) for g in graphs}, key=list(ROLE_NOTE).index))


@dataclass(frozen=True)
class YearCount:
    """The incidents of one year of a series (None: those with no date)."""

    year: int | None
    count: int
    incidents: tuple[str, ...]


@dataclass(frozen=True)
class IncidentSeries:
    """The incidents of one measure of an entity, by year: the rows of queries/incidents-by-year.rq
    for that entity and measure (received, initiated, attributed, breach, bears-on)."""

    measure: str
    years: tuple[YearCount, ...]  # the dated years in order, then the undated
    via: tuple[str, ...]  # the rules (bears-on) or matched codes (breach) the links come through

    @property
    def total(self) -> int:
        """The incidents of the series (one attributed in two years is one incident)."""
        return len({i for y in self.years for i in y.incidents})


@dataclass
class Annotation:
    """What an owl:Axiom says about one statement: its linkset and notes."""

    linksets: list[str] = field(default_factory=list)
    notes: list[ox.Literal] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    facts: list[Fact]
    quads: list[ox.Quad]
    annotations: dict[tuple[str, str, str], Annotation]

    def out(self, predicate: str) -> list[Fact]:
        return [f for f in self.facts if not f.incoming and f.predicate == predicate]

    def into(self, predicate: str) -> list[Fact]:
        return [f for f in self.facts if f.incoming and f.predicate == predicate]

    def annotation(self, fact: Fact) -> Annotation | None:
        return self.annotations.get((str(fact.subject), fact.predicate, str(fact.object)))


class Catalogue:
    """An index of the store made once per store: the summary of every IRI of the project, the
    ontology's classes and properties, the named graphs and their sizes. Pages read it instead of
    asking the store again for every name they print."""

    def __init__(
        self,
        store: ox.Store,
        root: Path,
        descriptions: bool = False,
        series: Callable[[], dict[str, dict[str, IncidentSeries]]] | None = None,
    ):
        """With `descriptions`, the statements are also grouped by entity and by named graph as
        they are read, so that `describe` and `quads_of_graph` answer from memory rather than with
        a query each (the static site describes every entity and graph; the live pages describe
        one at a time). `series` gives the incidents by year (`incident_series` of the same
        store) when they are asked apart (the static site asks them in a forked copy meanwhile)."""
        self.store = store
        self.root = root
        self.describe_query = _describe_text(root)
        self.summaries: dict[str, Summary] = {}
        self._names: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._property_names: dict[tuple[str, bool], str] = {}
        self._described: dict[str, Description] = {}  # the last few: a page and its RDF ask alike
        self._provisions: dict[str, list[str]] = {}
        self._instances: dict[str, list[str]] = {}
        prop_key = {p: k for k, props in SUMMARY_PROPS.items() for p in props}
        self.graph_sizes: dict[str, int] = defaultdict(int)
        self.known: set[str] = set()
        self._grouped = _Grouped() if descriptions else None
        named, blank, known, sizes = ox.NamedNode, ox.BlankNode, self.known, self.graph_sizes
        grouped = self._grouped
        out, into, blanks, near = (grouped.out, grouped.into, grouped.blank, grouped.near) if grouped else ({},) * 4
        # graph by graph: each graph's name read once, not with each of its statements
        for graph in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]:
            g = graph.value if type(graph) is named else ""
            quads = grouped.graphs[g] if grouped is not None and g else None
            count = 0
            for q in store.quads_for_pattern(None, None, None, graph):
                s, predicate, o, _ = q  # one read of each term (each read makes a new object)
                count += 1
                s_kind, o_kind = type(s), type(o)
                subject = s.value if s_kind is named or s_kind is blank else ""
                value = o.value if o_kind is named else ""
                if quads is not None:  # grouped as queries/describe.rq gathers them (_Grouped)
                    quads.append(q)
                    if s_kind is named:
                        out[subject].append(q)
                        if o_kind is named:
                            if value != subject:
                                into[value].append(q)
                        elif o_kind is blank:
                            near[subject].append(o.value)
                    elif s_kind is blank:
                        blanks[subject].append(q)
                        if o_kind is named:
                            into[value].append(q)
                            near[value].append(subject)
                if o_kind is named and value.startswith(BASE):
                    known.add(value)
                if s_kind is not named:
                    continue
                if subject.startswith(BASE):
                    known.add(subject)
                p = predicate.value
                if p == TYPE and o_kind is named:
                    self._summary(subject).types.add(value)
                    continue
                key = prop_key.get(p)
                if key is None or o_kind is ox.Triple:
                    continue
                summary = self._summary(subject)
                if o not in summary.values[key]:
                    summary.values[key].append(o)
                summary.graphs[(key, str(o))].add(g)
            if count:
                sizes[g] += count
        # in an order of their own, not the store's: the same statements give the same pages
        self.summaries = dict(sorted(self.summaries.items()))
        for summary in self.summaries.values():
            for key, values in summary.values.items():
                if len(values) > 1:
                    values.sort(key=_lang_order if key in ("label", "alt", "definition", "text") else str)
        self._ontology()
        self.kinds: dict[str, str] = {}
        by_types: dict[frozenset[str], str] = {}  # an entity's kind depends on its types alone
        for iri, summary in self.summaries.items():
            types = frozenset(summary.types)
            kind = by_types.get(types)
            if kind is None:
                kind = by_types[types] = self._kind(summary)
            self.kinds[iri] = kind
        fixed = [g.iri for g in FIXED_GRAPHS]  # the ontology first, the documents, then the others
        self.graphs = (
            [g for g in fixed[:1] if g in self.graph_sizes]
            + sorted(g for g in self.graph_sizes if g and g not in fixed)
            + [g for g in fixed[1:] if g in self.graph_sizes]
        )
        self.documents_of_graph = self._documents_of_graphs()
        self.owner: dict[str, str] = {}  # part -> the entity on whose page it is described
        self.parts: dict[str, list[str]] = defaultdict(list)  # entity -> its parts, in reading order
        self._parts()
        self._incidents: dict[str, str | None] = {}
        self.incident_series = series() if series else incident_series(store, root)

    # ------------------------------------------------------------------ building the index

    def _parts(self) -> None:
        """The parts (instances of PART_CLASSES) and the entity each is described with: the longest
        IRI it extends that has a page of its own."""
        for iri, summary in self.summaries.items():
            if not iri.startswith(ID) or not any(c in summary.types for c in PART_CLASSES):
                continue
            stem = iri
            while "/" in stem[len(ID) :]:
                stem = stem.rsplit("/", 1)[0]
                if stem in self.known and not any(c in self.get(stem).types for c in PART_CLASSES):
                    self.owner[iri] = stem
                    self.parts[stem].append(iri)
                    break
        for parts in self.parts.values():
            parts.sort(key=natural_key)

    def incident_of(self, iri: str) -> str | None:
        """The incident whose record an IRI is, or is a part of or derived from (a receiver, a
        bearing on a norm: an IRI that extends the incident's), None for any other."""
        if iri in self._incidents:
            return self._incidents[iri]
        found = None
        stem = iri
        while stem.startswith(ID):
            if INCIDENT in self.get(stem).types:
                found = stem
                break
            if "/" not in stem[len(ID) :]:
                break
            stem = stem.rsplit("/", 1)[0]
        self._incidents[iri] = found
        return found

    def anchor(self, part: str) -> str:
        """The anchor of a part on its entity's page: receiver-6 for .../incident/X/receiver/6."""
        return part[len(self.owner[part]) + 1 :].replace("/", "-")

    def page_path(self, iri: str) -> str | None:
        """The path of the page that shows an IRI of the project (id/norm/13f, ontology#Norm,
        id/incident/X#receiver-6 for a part), None for an IRI that is not the project's."""
        owner = self.owner.get(iri)
        if owner is not None:
            return f"{site_path(owner)}#{self.anchor(iri)}"
        return site_path(iri)

    def _summary(self, iri: str) -> Summary:
        summary = self.summaries.get(iri)
        if summary is None:
            summary = self.summaries[iri] = Summary(iri)
        return summary

    def _ontology(self) -> None:
        """Classes and properties of the ontology graph, their hierarchy and inverses."""
        onto = ox.NamedNode(GRAPH + "ontology")
        self.classes: set[str] = set()
        self.properties: dict[str, str] = {}  # property IRI -> its OWL kind
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self.superproperties: dict[str, set[str]] = defaultdict(set)
        self.inverse: dict[str, str] = {}
        self.domain: dict[str, list[str]] = defaultdict(list)
        self.range: dict[str, list[str]] = defaultdict(list)
        prop_kinds = (
            "ObjectProperty",
            "DatatypeProperty",
            "AnnotationProperty",
            "SymmetricProperty",
            "TransitiveProperty",
        )
        for q in sorted(self.store.quads_for_pattern(None, None, None, onto), key=str):
            s, p, o = q.subject, q.predicate.value, q.object
            if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
                continue
            if p == TYPE and o.value == OWL + "Class":
                self.classes.add(s.value)
            elif p == TYPE and o.value.startswith(OWL) and o.value[len(OWL) :] in prop_kinds:
                kind = o.value[len(OWL) :]  # of several, the most specific: the last of prop_kinds
                if prop_kinds.index(kind) >= prop_kinds.index(self.properties.get(s.value, kind)):
                    self.properties[s.value] = kind
            elif p == RDFS + "subClassOf":
                self.superclasses[s.value].add(o.value)
            elif p == RDFS + "subPropertyOf":
                self.superproperties[s.value].add(o.value)
            elif p == OWL + "inverseOf":
                self.inverse[s.value] = o.value
                self.inverse.setdefault(o.value, s.value)
            elif p == RDFS + "domain":
                self.domain[s.value].append(o.value)
            elif p == RDFS + "range":
                self.range[s.value].append(o.value)
        self.subclasses: dict[str, set[str]] = defaultdict(set)
        for sub, sups in self.superclasses.items():
            for sup in sups:
                self.subclasses[sup].add(sub)
        self.subproperties: dict[str, set[str]] = defaultdict(set)
        for sub, sups in self.superproperties.items():
            for sup in sups:
                self.subproperties[sup].add(sub)

    def _kind(self, summary: Summary) -> str:
        """The most specific class of the ontology an entity has (its kind), or ''."""
        mine = [c for c in summary.types if c in self.classes and c.startswith(CNO)]
        if not mine:
            mine = [c for c in summary.types if c in self.classes or c.startswith(PREFIXES["skos"])]
        specific = [c for c in mine if not any(o != c and c in self.ancestors(o) for o in mine)]
        return min(specific) if specific else ""

    def ancestors(self, cls: str) -> set[str]:
        seen: set[str] = set()
        todo = [cls]
        while todo:
            for sup in self.superclasses.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def _documents_of_graphs(self) -> dict[str, str]:
        """The document whose text a source graph holds: the root of most of the provisions of the
        graph (a graph may also hold parts of the texts its document cites)."""
        rows = self.store.query(
            f"SELECT ?g ?d (COUNT(?p) AS ?n) WHERE {{ GRAPH ?g {{ ?p <{CNO}parent> ?d }} ?d a <{CNO}Document> }}"
            " GROUP BY ?g ?d ORDER BY DESC(?n) STR(?d)",
            use_default_graph_as_union=True,
        )
        found: dict[str, str] = {}
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            g, d = row["g"], row["d"]
            if isinstance(g, ox.NamedNode) and isinstance(d, ox.NamedNode) and graph_role(g.value) == "text":
                found.setdefault(g.value, d.value)
        return found

    # ------------------------------------------------------------------ questions pages ask

    def get(self, iri: str) -> Summary:
        return self.summaries.get(iri) or Summary(iri)

    def is_a(self, iri: str, cls: str) -> bool:
        return cls in self.get(iri).types

    def exists(self, iri: str) -> bool:
        return iri in self.known

    def name(self, iri: str, lang: str = "en") -> str:
        """The name to print for an IRI: its label in `lang`, another label, its notation, or the
        end of the IRI."""
        return self._name(iri, lang)[0]

    def name_lang(self, iri: str, lang: str = "en") -> str | None:
        """The language of the name `name` prints, for its lang attribute."""
        return self._name(iri, lang)[1]

    def _name(self, iri: str, lang: str) -> tuple[str, str | None]:
        cached = self._names.get((iri, lang))
        if cached is not None:
            return cached
        found: tuple[str, str | None] | None = None
        summary = self.summaries.get(iri)
        if summary is not None:
            term = summary.lang("label", lang) or summary.one("label")
            if isinstance(term, ox.Literal):
                found = (term.value, term.language)
            elif summary.one("notation") is not None:
                found = (summary.first("notation"), None)
        if found is None:
            found = self._name_within(iri, lang) or (curie(iri) or iri.removeprefix(ID).removeprefix(BASE), None)
        self._names[(iri, lang)] = found
        return found

    def _name_within(self, iri: str, lang: str) -> tuple[str, str | None] | None:
        """The name of a nameless IRI that extends the IRI of a named entity (a part of an incident
        record, a bearing derived from it): that entity's name and the rest of the IRI, "WannaCry,
        attribution 3" for .../incident/X/attribution/3."""
        if not iri.startswith(ID):
            return None
        stem = iri
        while "/" in stem[len(ID) :]:
            stem = stem.rsplit("/", 1)[0]
            summary = self.summaries.get(stem)
            if summary is not None and summary.one("label") is not None:
                name, name_lang = self._name(stem, lang)
                return f"{name}, {iri[len(stem) + 1 :].replace('/', ' ')}", name_lang
        return None

    def kind(self, iri: str) -> str:
        return self.kinds.get(iri, "")

    def kind_name(self, iri: str) -> str:
        kind = self.kind(iri)
        return self.name(kind) if kind else ""

    def property_name(self, predicate: str, incoming: bool = False) -> str:
        """How a page names a property: its English label, or, for a statement read backwards,
        the label of its inverse ("expressed by" for an incoming cno:expresses)."""
        key = (predicate, incoming)
        if key not in self._property_names:
            inverse = self.inverse.get(predicate)
            if not incoming:
                text = self.name(predicate)
            elif inverse and inverse in self.summaries:
                text = self.name(inverse)
            else:
                text = f"← {self.name(predicate)}"  # read backwards: the value points here
            self._property_names[key] = text
        return self._property_names[key]

    def ordered(self, iris: Iterable[str]) -> list[str]:
        """IRIs in reading order: by cno:order where they have one, then by notation and name."""

        def key(iri: str) -> tuple[int, int, str, str, str]:
            s = self.get(iri)
            order = s.first("order")
            return (
                0 if order else 1,
                int(order) if order else 0,
                natural_key(s.first("notation")),
                self.name(iri),
                iri,
            )

        return sorted(set(iris), key=key)

    def source_document(self, graph: str) -> str | None:
        return self.documents_of_graph.get(graph)

    def document_of(self, iri: str) -> str | None:
        """The document a provision belongs to (the end of its chain of cno:parent)."""
        seen = set()
        current = iri
        while True:
            parents = self.get(current).iris("parent")
            if not parents or current in seen:
                return current if current != iri else (iri if self.is_a(iri, CNO + "Document") else None)
            seen.add(current)
            current = parents[0]

    def ancestors_of(self, iri: str) -> list[str]:
        """The provisions above a provision, from the document down."""
        chain: list[str] = []
        current = iri
        while True:
            parents = self.get(current).iris("parent")
            if not parents or parents[0] in chain:
                return list(reversed(chain))
            current = parents[0]
            chain.append(current)

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        """The things whose cno:parent each IRI is, in reading order."""
        children: dict[str, list[str]] = defaultdict(list)
        for s in self.summaries.values():
            for parent in s.iris("parent"):
                children[parent].append(s.iri)
        return {parent: self.ordered(kids) for parent, kids in children.items()}

    def children(self, iri: str) -> list[str]:
        return self._children.get(iri, [])

    def provisions_of(self, document: str) -> list[str]:
        """Every provision of a document, in reading order (depth-first by cno:order)."""
        found = self._provisions.get(document)
        if found is None:
            out: list[str] = []

            def walk(node: str) -> None:
                for child in self.children(node):
                    out.append(child)
                    walk(child)

            walk(document)
            found = self._provisions[document] = out
        return found

    def instances(self, cls: str) -> list[str]:
        """The IRIs of the project typed `cls`, in reading order."""
        found = self._instances.get(cls)
        if found is None:
            found = self._instances[cls] = self.ordered(self._typed.get(cls, ()))
        return list(found)

    def instance_count(self, cls: str) -> int:
        """How many IRIs of the project are typed `cls`."""
        return len(self._typed.get(cls, ()))

    @cached_property
    def _typed(self) -> dict[str, list[str]]:
        """The IRIs of the project by each of their types (one pass over the summaries)."""
        typed: dict[str, list[str]] = defaultdict(list)
        for iri, s in self.summaries.items():
            if iri.startswith(BASE):
                for cls in s.types:
                    typed[cls].append(iri)
        return typed

    def graph_role_of(self, key: str, summary: Summary, value: Term) -> list[str]:
        return sorted({graph_role(g) for g in summary.graphs.get((key, str(value)), set())})

    # ------------------------------------------------------------------ descriptions

    def describe(self, iri: str) -> Description:
        """Everything the graph says about an entity, outgoing and incoming, with the graph of each
        statement: the rows of queries/describe.rq. The last few are kept: a page and its RDF ask
        for the same descriptions one after the other."""
        found = self._described.get(iri)
        if found is None:
            if len(self._described) >= 256:
                self._described.clear()
            found = self._described[iri] = self._describe(iri)
        return found

    def describe_page(self, iri: str) -> list[Description]:
        """The descriptions an entity's page shows: its own and its parts', asked of the store in
        one query (describe.rq for each of them) when they are not gathered already."""
        iris = [iri, *self.parts.get(iri, [])]
        missing = [i for i in iris if i not in self._described]
        if len(missing) > 1 and self._grouped is None:
            if len(self._described) + len(missing) >= 256:
                self._described.clear()
            values = " ".join(str(ox.NamedNode(i)) for i in missing)
            found = self._rows(self.describe_query + f"\nVALUES ?entity {{ {values} }}", None)
            for i in missing:
                self._described[i] = _description(i, found.get(i, []))
        return [self.describe(i) for i in iris]

    def _describe(self, iri: str) -> Description:
        if self._grouped is not None:
            return _description(iri, self._grouped.quads(iri))
        return _description(iri, self._rows(self.describe_query, iri).get(iri, []))

    def _rows(self, query: str, iri: str | None) -> dict[str, list[ox.Quad]]:
        """The rows of describe.rq (for the entity `iri`, or for those its VALUES name) as quads,
        by entity."""
        rows = self.store.query(
            query,
            use_default_graph_as_union=True,
            substitutions={ox.Variable("entity"): ox.NamedNode(iri)} if iri else None,
        )
        assert isinstance(rows, ox.QuerySolutions)
        found: dict[str, list[ox.Quad]] = defaultdict(list)
        for row in rows:
            e, s, p, o, g = row["entity"], row["subject"], row["predicate"], row["object"], row["graph"]
            assert isinstance(p, ox.NamedNode) and isinstance(g, ox.NamedNode) and isinstance(e, ox.NamedNode)
            assert isinstance(s, ox.NamedNode | ox.BlankNode) and o is not None
            found[e.value].append(ox.Quad(s, p, o, g))
        return found

    def statement_count(self, iri: str) -> int:
        """How many statements the page of an IRI holds: a named graph's, or an entity's and its
        parts' (as gathered in the one pass; 0 when they were not gathered)."""
        if iri in self.graph_sizes:
            return self.graph_sizes[iri]
        if self._grouped is None:
            return 0
        grouped = self._grouped
        return sum(len(grouped.out.get(i, ())) + len(grouped.into.get(i, ())) for i in [iri, *self.parts.get(iri, [])])

    def quads_of_graph(self, graph: str) -> list[ox.Quad]:
        if self._grouped is not None:  # read in the one pass
            return list(self._grouped.graphs.get(graph, ()))
        return list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


class _Grouped:
    """The statements of the named graphs grouped as queries/describe.rq gathers them for each
    entity: those whose subject it is, those whose object it is, and those of the blank nodes next
    to it (in any graph); filled as the Catalogue reads the store."""

    def __init__(self) -> None:
        self.graphs: dict[str, list[ox.Quad]] = defaultdict(list)  # the statements of each named graph
        self.out: dict[str, list[ox.Quad]] = defaultdict(list)
        self.into: dict[str, list[ox.Quad]] = defaultdict(list)
        self.blank: dict[str, list[ox.Quad]] = defaultdict(list)
        self.near: dict[str, list[str]] = defaultdict(list)  # entity -> the blank nodes next to it

    def quads(self, iri: str) -> list[ox.Quad]:
        quads = self.out.get(iri, []) + self.into.get(iri, [])
        near = self.near.get(iri)
        if near:
            quads = list(dict.fromkeys(quads + [q for b in dict.fromkeys(near) for q in self.blank.get(b, [])]))
        return quads


def incident_series(store: ox.Store, root: Path) -> dict[str, dict[str, IncidentSeries]]:
    """Every entity's incidents by measure and year, asked of the store in one query
    (queries/incidents-by-year.rq) for all the pages."""
    from .queries import load_query

    text = load_query(root / QUERIES_DIR / "incidents-by-year.rq").text
    rows = store.query(text, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    years: dict[tuple[str, str], list[YearCount]] = defaultdict(list)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        entity, measure, year, count = row["entity"], row["measure"], row["year"], row["incidents"]
        incidents, through = row["list"], row["via"]
        assert isinstance(entity, ox.NamedNode) and isinstance(measure, ox.Literal)
        assert isinstance(count, ox.Literal) and isinstance(incidents, ox.Literal)
        key = (entity.value, measure.value)
        when = int(year.value) if isinstance(year, ox.Literal) else None
        listed = tuple(sorted(ID + i for i in incidents.value.split()))  # without the namespace
        years[key].append(YearCount(when, int(count.value), listed))
        if isinstance(through, ox.Literal):
            via[key].update(through.value.split())
    found: dict[str, dict[str, IncidentSeries]] = defaultdict(dict)
    for (entity, measure), counts in sorted(years.items()):
        counts.sort(key=lambda c: (c.year is None, c.year or 0))
        found[entity][measure] = IncidentSeries(measure, tuple(counts), tuple(sorted(via[(entity, measure)])))
    return dict(found)


def _row_key(
    s: Term, p: ox.NamedNode, o: Term, g: Term
) -> tuple[str, bool, str, str, tuple[bool, bool, str, str, str]]:
    """The order of the rows of queries/describe.rq (its ORDER BY), for statements however found:
    by graph, blank subjects last, subject, predicate, literals after IRIs, the object's text and
    language (a blank node has no text: first), then its datatype."""
    named = type(s) is ox.NamedNode
    return (g.value if type(g) is ox.NamedNode else "", not named, s.value if named else "", p.value, _object_key(o))


def _object_key(o: Term) -> tuple[bool, bool, str, str, str]:
    """An object's place in describe.rq's order (_row_key): literals after IRIs, then its text and
    language (a blank node has no text: first), then its datatype."""
    if type(o) is ox.Literal:
        return (True, True, o.value, o.language or "", o.datatype.value)
    if type(o) is ox.NamedNode:
        return (False, True, o.value, "", "")
    return (False, False, "", "", "")


def _description(iri: str, quads: list[ox.Quad]) -> Description:
    """The description of an entity from its statements (each with its named graph): the facts in
    the order of queries/describe.rq, each with the graphs that hold it, and what the owl:Axiom
    blank nodes next to it say about its statements.

    A fact's rows differ only by their graph, so the rows in describe.rq's order give the facts in
    the order of (their first graph, the rest of the row): the facts are gathered first and that
    sorted, one key per fact rather than per row. The statements of blank nodes (the axioms) are
    sorted as rows, as the order of their values is what a page prints. The quads of the
    description are kept as they come: every format sorts them."""
    grouped: dict[tuple[Term, str, Term], Fact] = {}
    blank_rows = []
    for q in quads:
        s, p, o, g = q  # one read of each term of the quad
        assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(g, ox.NamedNode)
        assert not isinstance(o, ox.Triple)
        if type(s) is ox.BlankNode:
            blank_rows.append((_row_key(s, p, o, g), s, p, o))
            continue
        predicate = p.value
        key = (s, predicate, o)
        fact = grouped.get(key)
        if fact is None:
            grouped[key] = Fact(s, predicate, o, [g.value], s.value != iri)
        elif g.value not in fact.graphs:
            fact.graphs.append(g.value)
    blank_rows.sort(key=_first)
    bnodes: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for _, s, p, o in blank_rows:
        bnodes[s.value][p.value].append(o)
    annotations: dict[tuple[str, str, str], Annotation] = {}
    for props in bnodes.values():
        src, prop, tgt = (props.get(OWL + k) for k in ("annotatedSource", "annotatedProperty", "annotatedTarget"))
        if not (src and prop and tgt):
            continue
        note = Annotation(
            [t.value for t in props.get(VOID + "inDataset", [])],
            [
                t
                for k in (RDFS + "comment", SKOS + "editorialNote", SKOS + "note")
                for t in props.get(k, [])
                if isinstance(t, ox.Literal)
            ],
        )
        annotations[(str(src[0]), prop[0].value, str(tgt[0]))] = note
    facts = [f for f in grouped.values() if type(f.object) is not ox.BlankNode]
    for f in facts:
        if len(f.graphs) > 1:
            f.graphs.sort()
        f.kinds = _roles(tuple(f.graphs))
    facts.sort(key=_fact_key)
    return Description(iri, facts, quads, annotations)


def _fact_key(fact: Fact) -> tuple[str, str, str, tuple[bool, bool, str, str, str]]:
    """The order of a fact's first row in queries/describe.rq (_row_key): its first graph, its
    subject (an IRI), predicate and object."""
    return (fact.graphs[0], fact.subject.value, fact.predicate, _object_key(fact.object))


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]


def _lang_order(term: Term) -> tuple[int, str, str]:
    lang = term.language if isinstance(term, ox.Literal) else None
    return ({"en": 0, "fr": 1}.get(lang or "", 2), term.value if hasattr(term, "value") else str(term), str(term))


@lru_cache(maxsize=100_000)
def natural_key(text: str) -> str:
    """A sort key that puts 2 before 10 and 13(b) before 13(k) (kept: pages sort the same
    notations and IRIs again and again)."""
    return _DIGITS.sub(_padded, text)


_DIGITS = re.compile(r"\d+")


def _padded(m: re.Match[str]) -> str:
    return m.group(0).zfill(6)


def _describe_text(root: Path) -> str:
    from .queries import load_query

    return load_query(root / QUERIES_DIR / "describe.rq").text


def all_pages(catalogue: Catalogue) -> Iterator[str]:
    """The IRIs that get a page of their own: every IRI of the project that the graph holds
    statements about, except the ontology's terms (anchors of /ontology) and the parts described on
    their entity's page (anchors of it)."""
    for iri in sorted(catalogue.known):
        if iri.startswith(ONTOLOGY_IRI) or iri.startswith(GRAPH) or iri == BASE + "dataset" or iri in catalogue.owner:
            continue
        yield iri
