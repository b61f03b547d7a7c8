"""What `cybernorms link` starts from: the entities the graph describes (states, organisations,
documents, topics), and the links data/links holds now: the hand-curated files, read and never
written, and the generated files, to compare the new links with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .layout import GENERATED_LINKS, ID, LINKS, LINKS_DIR, Project
from .link_model import (
    CNO,
    CURATED,
    DCTERMS,
    FILES,
    FOAF,
    LINKSET,
    OWL,
    RDF,
    RDFS,
    SKOS,
    SOURCE,
    VOID,
    WIKIDATA_ITEM,
    Entities,
    Link,
    LinksetRecord,
    Term,
)
from .link_sources import display
from .parse import parse_file

# ------------------------------------------------------------------------- what the graph has

ENTITY_QUERIES = {
    "states": f"""PREFIX cno: <{CNO}> PREFIX dcterms: <{DCTERMS}>
        SELECT DISTINCT ?e ?v WHERE {{ ?e a cno:State ; dcterms:identifier ?v }}""",
    "organisations": f"""PREFIX cno: <{CNO}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX foaf: <{FOAF}>
        SELECT DISTINCT ?e ?v WHERE {{ ?e a ?c . ?c rdfs:subClassOf* cno:Organisation .
                                       ?e rdfs:label|skos:prefLabel|skos:altLabel|foaf:name ?v }}""",
    "documents": f"""PREFIX cno: <{CNO}> PREFIX rdfs: <{RDFS}> PREFIX dcterms: <{DCTERMS}>
        SELECT DISTINCT ?e ?v WHERE {{ ?e a ?c . ?c rdfs:subClassOf* cno:Document . ?e dcterms:identifier ?v }}""",
    "topics": f"""PREFIX cno: <{CNO}> SELECT DISTINCT ?e ?v WHERE {{ ?e a cno:Topic BIND(1 AS ?v) }}""",
}


def _rows(store: ox.Store, body: str) -> list[tuple[str, str, str | None]]:
    """(entity, value, language) of a query of ENTITY_QUERIES, the graph's own IRIs only."""
    rows = []
    result = store.query(f"PREFIX rdf: <{RDF}> " + body, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        e, v = row["e"], row["v"]
        if isinstance(e, ox.NamedNode) and e.value.startswith(ID) and isinstance(v, ox.Literal):
            rows.append((e.value, v.value, v.language))
    return sorted(set(rows), key=lambda r: (r[0], r[1], r[2] or ""))


def entities(store: ox.Store) -> Entities:
    """The states, organisations, documents and topics the store describes (its own IRIs only)."""
    found = {kind: _rows(store, body) for kind, body in ENTITY_QUERIES.items()}
    states = {e: v for e, v, _ in found["states"] if re.fullmatch(r"[A-Z]{3}", v)}
    organisations: dict[str, list[tuple[str, str]]] = {}
    for e, v, lang in found["organisations"]:
        organisations.setdefault(e, []).append((v, lang or ""))
    documents = {e: v for e, v, _ in found["documents"]}
    return Entities(states, organisations, documents, len(found["topics"]))


# ------------------------------------------------------------------------- existing link files

FileTriple = tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode, Term]


def is_link(s: Term, p: ox.NamedNode, o: Term) -> bool:
    """A triple of graph/links that connects one of our IRIs with an IRI outside our namespace."""
    if p.value == RDF + "type" or not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
        return False
    return s.value.startswith(ID) != o.value.startswith(ID)


def _annotated_link(props: dict[str, list[Term]]) -> Link | None:
    """The link an owl:Axiom puts in a linkset, if the node is one."""
    keys = (OWL + "annotatedSource", OWL + "annotatedProperty", OWL + "annotatedTarget", VOID + "inDataset")
    if not all(k in props for k in keys):
        return None
    src, prop, tgt, ds = (props[k][0] for k in keys)
    if not isinstance(ds, ox.NamedNode | ox.BlankNode | ox.Literal) or not ds.value.startswith(LINKSET):
        return None
    if not (isinstance(src, ox.NamedNode) and isinstance(prop, ox.NamedNode) and isinstance(tgt, ox.NamedNode)):
        return None  # not a link between two IRIs: no statement of a link file it could annotate
    return Link(src.value, prop.value, tgt.value, ds.value[len(LINKSET) :])


def read_links_file(project: Project, path: Path) -> tuple[list[FileTriple], list[Link], dict[str, LinksetRecord]]:
    """(triples, annotated links, linkset descriptions) of one data/links file."""
    triples: list[FileTriple] = [(q.subject, q.predicate, q.object) for q in parse_file(project, path, LINKS.iri)]
    by_subject: dict[ox.NamedNode | ox.BlankNode | ox.Triple, dict[str, list[Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p.value, []).append(o)
    links = []
    linksets: dict[str, LinksetRecord] = {}
    for s, props in by_subject.items():
        types = {t.value for t in props.get(RDF + "type", []) if isinstance(t, ox.NamedNode)}
        link = _annotated_link(props) if OWL + "Axiom" in types else None
        if link is not None:
            links.append(link)
        if VOID + "Linkset" in types and isinstance(s, ox.NamedNode) and s.value.startswith(LINKSET):
            name = s.value[len(LINKSET) :]
            source = props.get(DCTERMS + "source", [ox.NamedNode(SOURCE + name)])[0]
            text = source.value if isinstance(source, ox.NamedNode | ox.BlankNode | ox.Literal) else str(source)
            linksets[name] = LinksetRecord(props, display(name, text))
    present = {
        (s.value, p.value, o.value)
        for s, p, o in triples
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)
    }
    return triples, [lnk for lnk in links if lnk.triple in present], linksets


@dataclass
class LinkFiles:
    """What data/links holds now."""

    curated: list[tuple[str, str, str, str]] = field(default_factory=list)  # (file stem, s, p, o)
    old: dict[str, list[Link]] = field(default_factory=dict)  # generated file key -> links it holds
    old_linksets: dict[str, LinksetRecord] = field(default_factory=dict)  # linkset name -> as it is now

    @property
    def curated_triples(self) -> set[tuple[str, str, str]]:
        return {(s, p, o) for _, s, p, o in self.curated}

    @property
    def curated_wikidata(self) -> dict[str, set[str]]:
        """Entity -> the Wikidata items curated links give it."""
        out: dict[str, set[str]] = {}
        for _, s, _p, o in self.curated:
            for a, b in ((s, o), (o, s)):
                if a.startswith(ID) and WIKIDATA_ITEM.match(b):
                    out.setdefault(a, set()).add(b)
        return out


def read_link_files(project: Project) -> LinkFiles:
    """The curated links (every data/links/*.ttl not named generated-*) and the generated files'
    links and linksets; a generated-* file that the command does not write is an error."""
    files = LinkFiles()
    generated = {name: key for key, name in FILES.items()}
    for path in sorted((project.root / LINKS_DIR).glob("*.ttl")):
        triples, links, sets = read_links_file(project, path)
        if path.name in generated:
            files.old[generated[path.name]] = links
            files.old_linksets.update(sets)
        elif path.name.startswith(GENERATED_LINKS):
            raise InputError(
                project.rel(path),
                None,
                "this generated-* file is not one `cybernorms link` writes",
                f"rename it (hand-curated links go in {LINKS_DIR}/{CURATED}) or remove it",
            )
        else:
            files.curated += [
                (path.stem, s.value, p.value, o.value)
                for s, p, o in triples
                if is_link(s, p, o) and isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)
            ]
    return files
