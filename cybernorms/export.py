"""Export: write dist/ from build/store, in the standard formats, byte for byte reproducibly.

    dist/ontology/cybernorms.ttl   the ontology graph, pretty Turtle (rdflib: lists as ( ... ))
    dist/ontology/cybernorms.owl   the ontology graph, RDF/XML (opens in Protege)
    dist/ontology/shapes.ttl       the SHACL shapes
    dist/ontology/context.jsonld   the JSON-LD context
    dist/cybernorms.trig           the whole dataset, TriG
    dist/cybernorms.nq             the whole dataset, N-Quads (sorted lines)
    dist/graphs/{name}.ttl         each named graph, Turtle
    dist/graphs/{name}.jsonld      each named graph, JSON-LD compacted with the context (inline)
    dist/void.ttl                  VoID: the dataset, its named graphs and their triple counts
    dist/dcat.ttl                  DCAT: the dataset, its distributions, licence and version
    dist/SHA256SUMS                checksums of all the files above

Oxigraph writes Turtle, TriG, N-Quads and RDF/XML; the project's own writer (cybernorms/jsonld.py)
the JSON-LD, in a forked copy of the process while it writes the rest (docs/performance.md); rdflib
only the ontology's pretty Turtle and the small VoID and DCAT graphs.

Reproducibility: blank nodes get canonical labels (RDF canonicalisation) before anything is
written, triples are sorted, JSON arrays that carry no order are sorted, and nothing (no date,
no path) depends on when or where the export runs. The new dist/ is written beside the old one
and swapped in only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import jsonld
from . import store as store_stage
from .errors import CybernormsError, UsageError
from .layout import (
    BASE,
    CONTEXT,
    ID,
    LINKS,
    ONTOLOGY_IRI,
    PREFIXES,
    SHAPES,
    TURTLE_PREFIXES,
    Project,
    fork_cores,
    fork_pool,
    no_collection,
)

DATASET = BASE + "dataset"
DIST_BASE = BASE + "dist/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MEDIA = {
    ".ttl": "text/turtle",
    ".owl": "application/rdf+xml",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
}


def version() -> str:
    from . import __version__

    return __version__


# ------------------------------------------------------------------------------- terms


def _to_rdflib(t: Any) -> Any:
    import rdflib

    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return rdflib.Literal(t.value, datatype=None if dt == PREFIXES["xsd"] + "string" else rdflib.URIRef(dt))


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with canonical blank node labels, sorted by their N-Quads text: the basis of every
    reproducible output. Only the quads that mention a blank node are canonicalised: the labels
    depend on those alone."""
    return sorted(canonical_labels(quads), key=str)


def canonical_labels(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with canonical blank node labels, in no particular order."""
    plain, blank = _plain_and_blank(quads)
    return plain + _relabelled(blank)


def _plain_and_blank(quads: Iterable[ox.Quad]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The quads without a blank node, and those with one (whose labels canonicalisation sets)."""
    plain: list[ox.Quad] = []
    blank: list[ox.Quad] = []
    for q in quads:
        (blank if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) else plain).append(q)
    return plain, blank


def _relabelled(blank: list[ox.Quad]) -> list[ox.Quad]:
    """Quads with blank nodes, labelled canonically together."""
    if not blank:
        return []
    ds = ox.Dataset(blank)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return list(ds)


def _keyed(quads: Iterable[ox.Quad]) -> list[tuple[str, ox.Quad]]:
    return [(str(q), q) for q in quads]


def _sorted(keyed: list[tuple[str, ox.Quad]], blank: list[ox.Quad]) -> list[tuple[str, ox.Quad]]:
    """The quads without blank nodes (with their texts) and those with blank nodes, labelled
    canonically together, sorted by their texts."""
    if blank:
        keyed = keyed + _keyed(_relabelled(blank))
    keyed.sort(key=_first)
    return keyed


def _first(pair: tuple[str, ox.Quad]) -> str:
    return pair[0]


def rdflib_graph(triples: Iterable[tuple[Any, Any, Any]]) -> Any:
    """The triples as an rdflib Graph, the project's prefixes bound for Turtle."""
    import rdflib

    g = rdflib.Graph(bind_namespaces="rdflib")
    for prefix, ns in TURTLE_PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for s, p, o in triples:
        g.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
    return g


# -------------------------------------------------------------------------------- writing


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _triples(quads: Iterable[ox.Quad]) -> list[tuple[Any, Any, Any]]:
    return [(q.subject, q.predicate, q.object) for q in quads]


DOCUMENTS_HELD = """PREFIX cno: <https://w3id.org/cybernorms/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?graph ?doc ?language ?title ?symbol ?issued ?citation WHERE {
  GRAPH ?graph { ?doc cno:hasExpression ?expression . ?expression dcterms:language ?language }
  OPTIONAL { ?doc dcterms:title ?title FILTER(LANGMATCHES(LANG(?title), "en") || LANGMATCHES(LANG(?title), "fr")) }
  OPTIONAL { ?doc dcterms:identifier ?symbol }
  OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc dcterms:bibliographicCitation ?citation }
} ORDER BY ?issued ?doc"""


def _documents_held(st: ox.Store) -> dict[str, dict[str, Any]]:
    """The documents whose texts the graph holds (those with expressions), read from the store:
    graph IRI -> {iri, title (English if held, else French), symbol, issued, citation, languages}."""
    held: dict[str, dict[str, Any]] = {}
    solutions = st.query(DOCUMENTS_HELD)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        doc = held.setdefault(row["graph"].value, {"iri": row["doc"].value, "titles": {}, "languages": set()})
        doc["languages"].add(row["language"].value)
        if row["title"] is not None:
            doc["titles"][row["title"].language] = row["title"].value
        for key in ("symbol", "issued", "citation"):
            if row[key] is not None:
                doc[key] = row[key].value
    for doc in held.values():
        doc["title"] = doc["titles"].get("en") or doc["titles"].get("fr", "")
    return held


SPDX_NS = "http://spdx.org/rdf/terms#"


def _describe(
    project: Project,
    st: ox.Store,
    counts: dict[str, int],
    files: dict[str, Path],
    tmp: Path,
    fingerprint: str,
    linksets: Iterable[tuple[Any, Any, Any]] = (),
) -> tuple[str, str]:
    """VoID and DCAT descriptions of the dataset (Turtle), with the documents it is built from as
    the store describes them (their dcterms metadata). `linksets` are the triples that describe
    the void:Linksets of graph/links, which VoID lists as subsets of that graph."""
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD

    SPDX = rdflib.Namespace(SPDX_NS)
    documents = _documents_held(st)
    void = rdflib_graph([])
    ds = rdflib.URIRef(DATASET)
    title_en = "cybernorms: the norms of responsible state behaviour in cyberspace"
    title_fr = "cybernorms : les normes de comportement responsable des États dans le cyberespace"
    held = "; ".join(
        ", ".join(x for x in (d.get("symbol"), d["title"], d.get("issued")) if x) for d in documents.values()
    )
    description = (
        "A knowledge graph of the norms of responsible state behaviour in cyberspace: what each document "
        "states (its provisions with their text, the norms, measures, views, practices and principles they "
        "express, the agents, meetings and documents they name), with the readings, cross-links, reference "
        f"facts and external links that the documents do not state, kept apart. Built from {len(documents)} "
        f"documents: {held}."
    )
    total = sum(counts.values())
    void.add((ds, RDF.type, VOID.Dataset))
    void.add((ds, DCTERMS.title, rdflib.Literal(title_en, lang="en")))
    void.add((ds, DCTERMS.title, rdflib.Literal(title_fr, lang="fr")))
    void.add((ds, DCTERMS.description, rdflib.Literal(description, lang="en")))
    void.add((ds, DCTERMS.license, rdflib.URIRef(LICENSE)))
    void.add((ds, VOID.triples, rdflib.Literal(total)))
    void.add((ds, VOID.uriSpace, rdflib.Literal(ID)))
    void.add((ds, VOID.sparqlEndpoint, rdflib.URIRef("http://127.0.0.1:7878/query")))
    void.add((ds, VOID.dataDump, rdflib.URIRef(DIST_BASE + "cybernorms.nq")))
    for prefix in ("cno", "skos", "dcterms", "foaf", "org", "prov", "schema"):
        void.add((ds, VOID.vocabulary, rdflib.URIRef(PREFIXES[prefix])))
    for spec in project.graphs():
        g = rdflib.URIRef(spec.iri)
        void.add((ds, VOID.subset, g))
        void.add((g, RDF.type, VOID.Dataset))
        void.add((g, DCTERMS.title, rdflib.Literal(f"graph/{spec.name}", lang="en")))
        void.add((g, DCTERMS.description, rdflib.Literal(spec.description, lang="en")))
        void.add((g, VOID.triples, rdflib.Literal(counts.get(spec.name, 0))))
        void.add((g, VOID.dataDump, rdflib.URIRef(DIST_BASE + f"graphs/{spec.name}.ttl")))
        doc = documents.get(spec.iri)
        if doc:
            void.add((g, DCTERMS.source, rdflib.URIRef(doc["iri"])))
            if "citation" in doc:
                void.add((g, DCTERMS.bibliographicCitation, rdflib.Literal(doc["citation"], lang="en")))
        if spec.name == "links":
            for s, p, o in linksets:
                void.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
                if p.value == PREFIXES["rdf"] + "type" and o.value == PREFIXES["void"] + "Linkset":
                    void.add((g, VOID.subset, _to_rdflib(s)))
        if spec.name == "inferred":
            activity = rdflib.URIRef(BASE + "activity/owl-rl-materialisation")
            void.add((g, PROV.wasGeneratedBy, activity))
            void.add((activity, RDF.type, PROV.Activity))
            void.add(
                (
                    activity,
                    RDFS.label,
                    rdflib.Literal(
                        f"OWL 2 RL materialisation by the SPARQL rules of cybernorms {version()} "
                        f"(cybernorms/reason.py), run in Oxigraph {metadata.version('pyoxigraph')}",
                        lang="en",
                    ),
                )
            )

    dcat = rdflib_graph([])
    dcat.add((ds, RDF.type, DCAT.Dataset))
    dcat.add((ds, DCTERMS.title, rdflib.Literal(title_en, lang="en")))
    dcat.add((ds, DCTERMS.title, rdflib.Literal(title_fr, lang="fr")))
    dcat.add((ds, DCTERMS.description, rdflib.Literal(description, lang="en")))
    dcat.add((ds, DCTERMS.license, rdflib.URIRef(LICENSE)))
    _release_metadata(dcat, project, ds)
    labels = {f"http://id.loc.gov/vocabulary/iso639-1/{lang}" for lang in ("fr", "en")}  # every label is in both
    for language in sorted(labels | {lang for d in documents.values() for lang in d["languages"]}):
        dcat.add((ds, DCTERMS.language, rdflib.URIRef(language)))
    for doc in documents.values():
        dcat.add((ds, DCTERMS.source, rdflib.URIRef(doc["iri"])))
    for key, path in sorted(files.items()):
        rel = path.relative_to(tmp).as_posix()
        dist = rdflib.URIRef(f"{DATASET}/distribution/{key}")
        data = path.read_bytes()
        dcat.add((ds, DCAT.distribution, dist))
        dcat.add((dist, RDF.type, DCAT.Distribution))
        dcat.add((dist, DCTERMS.title, rdflib.Literal(rel, lang="en")))
        dcat.add((dist, DCAT.downloadURL, rdflib.URIRef(DIST_BASE + rel)))
        dcat.add(
            (dist, DCAT.mediaType, rdflib.URIRef("https://www.iana.org/assignments/media-types/" + MEDIA[path.suffix]))
        )
        dcat.add((dist, DCAT.byteSize, rdflib.Literal(len(data), datatype=XSD.nonNegativeInteger)))
        dcat.add((dist, DCTERMS.license, rdflib.URIRef(LICENSE)))
        checksum = rdflib.URIRef(f"{dist}/checksum")  # an IRI, not a blank node: the same bytes each time
        dcat.add((dist, SPDX.checksum, checksum))
        dcat.add((checksum, RDF.type, SPDX.Checksum))
        dcat.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        dcat.add(
            (checksum, SPDX.checksumValue, rdflib.Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary))
        )
    return void.serialize(format="turtle"), dcat.serialize(format="turtle")


KEYWORDS = (
    "cyber norms",
    "responsible state behaviour",
    "international law",
    "cyberspace",
    "United Nations",
    "confidence-building measures",
    "knowledge graph",
    "linked data",
)


def _release_metadata(dcat: Any, project: Project, ds: Any) -> None:
    """What DCAT says of this release: its version (and the one before), its date, who publishes it,
    whom to contact, what it is about. Nothing depends on when or where the export runs: the date is
    the release's date in CHANGELOG.md, absent while the version is unreleased."""
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

    from . import release

    vcard = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
    dcat.bind("vcard", vcard)
    dcat.bind("spdx", rdflib.Namespace(SPDX_NS))
    current = release.version()
    dcat.add((ds, DCTERMS.identifier, rdflib.Literal(DATASET)))
    dcat3 = rdflib.Namespace(str(DCAT))  # DCAT 3's version terms, which rdflib's DCAT 2 namespace lacks
    dcat.add((ds, dcat3.version, rdflib.Literal(current)))
    dcat.add((ds, OWL.versionInfo, rdflib.Literal(current)))
    dcat.add((ds, OWL.versionIRI, rdflib.URIRef(f"{DATASET}/{current}")))
    prior = release.prior_version(project)
    if prior:
        dcat.add((ds, dcat3.previousVersion, rdflib.URIRef(f"{DATASET}/{prior}")))
    issued = release.release_date(project)
    if issued:
        dcat.add((ds, DCTERMS.issued, rdflib.Literal(issued, datatype=XSD.date)))
        dcat.add((ds, DCTERMS.modified, rdflib.Literal(issued, datatype=XSD.date)))
    dcat.add((ds, DCTERMS.conformsTo, rdflib.URIRef(ONTOLOGY_IRI)))
    dcat.add((ds, DCAT.landingPage, rdflib.URIRef(BASE)))
    publisher = rdflib.URIRef(BASE + "project")
    dcat.add((ds, DCTERMS.publisher, publisher))
    dcat.add((publisher, RDF.type, FOAF.Organization))
    dcat.add((publisher, FOAF.name, rdflib.Literal("The cybernorms project", lang="en")))
    contact = rdflib.URIRef(BASE + "project#contact")
    dcat.add((ds, DCAT.contactPoint, contact))
    dcat.add((contact, RDF.type, vcard.Organization))
    dcat.add((contact, vcard.fn, rdflib.Literal("The cybernorms project", lang="en")))
    dcat.add((contact, vcard.hasURL, rdflib.URIRef(BASE)))
    for word in KEYWORDS:
        dcat.add((ds, DCAT.keyword, rdflib.Literal(word, lang="en")))


LINKSET_DESCRIPTION = """PREFIX void: <http://rdfs.org/ns/void#>
CONSTRUCT { ?x ?p ?o } WHERE { GRAPH <%s> {
  { ?x a void:Linkset ; ?p ?o }
  UNION { ?ls a void:Linkset ; void:objectsTarget|void:subjectsTarget ?x . ?x ?p ?o } } }"""


def _linksets(st: ox.Store) -> list[tuple[Any, Any, Any]]:
    """The descriptions of the linksets of graph/links and of their targets (for VoID)."""
    triples = st.query(LINKSET_DESCRIPTION % LINKS.iri)
    assert isinstance(triples, ox.QueryTriples)
    return sorted(((t.subject, t.predicate, t.object) for t in triples), key=str)


def _swap(new: Path, dist: Path) -> None:
    """Put the complete new exports in the place of the old ones; if that fails, the old ones
    stay (moved back), and the error is raised."""
    old = dist.parent / f".{dist.name}.old-{os.getpid()}"
    if dist.exists():
        os.rename(dist, old)
    try:
        os.rename(new, dist)
    except OSError:
        if old.exists() and not dist.exists():
            os.rename(old, dist)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _ontology(tmp: Path, quads: list[ox.Quad], triples: list[ox.Triple], files: dict[str, Path]) -> None:
    """The ontology graph as pretty Turtle (rdflib: lists as ( ... )) and as RDF/XML."""
    graph = rdflib_graph(_triples(quads))
    files["ontology-turtle"] = _write(tmp / "ontology" / "cybernorms.ttl", graph.serialize(format="turtle"))
    files["ontology-rdfxml"] = _write(
        tmp / "ontology" / "cybernorms.owl",
        ox.serialize(
            triples,
            format=ox.RdfFormat.RDF_XML,
            prefixes={k: v for k, v in PREFIXES.items() if k in ("cno", "rdfs", "owl", "skos", "xsd")},
        )
        or b"",
    )


def _jsonld_files(jobs: list[tuple[Path, list[ox.Triple]]], compacting: jsonld.Context) -> None:
    for path, triples in jobs:
        _write(path, jsonld.encoded(triples, compacting))


# What the forked process inherits: set just before forking it, read by _forked.
_FORKED: dict[str, tuple[Callable[..., None], tuple[Any, ...]]] = {}


def _forked() -> None:
    work, args = _FORKED["work"]  # inherited from the process that forked this one
    work(*args)


class _Beside:
    """Runs work(*args) in a forked copy of this process while the block runs, and waits for it at
    the end of the block (its error, if any, raised there); in this process, at the end of the
    block, where there is one core or no fork."""

    def __init__(self, work: Callable[..., None], *args: Any):
        self.work, self.args = work, args
        self.pool: ProcessPoolExecutor | None = None
        self.pending: Future[None] | None = None

    def __enter__(self) -> None:
        if fork_cores() > 1:
            _FORKED["work"] = (self.work, self.args)
            self.pool = fork_pool(1)
            self.pending = self.pool.submit(_forked)

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if self.pending is not None:
                assert self.pool is not None
                if error is not None:
                    self.pending.cancel()
                self.pool.shutdown(wait=True)
                if error is None:
                    self.pending.result()
            elif error is None:
                self.work(*self.args)
        finally:
            _FORKED.clear()


def export(project: Project, with_site: bool = True) -> list[Path]:
    """Write dist/ (and then, unless `with_site` is false, dist/site/); returns the files of dist/
    that are not the site's."""
    st = store_stage.open_current(project)
    info = store_stage.current(project) or {}
    context_path = project.root / CONTEXT
    try:
        context = json.loads(context_path.read_text(encoding="utf-8"))["@context"]
        compacting = jsonld.Context(context)
    except (OSError, ValueError, KeyError) as e:
        raise CybernormsError(CONTEXT, None, f"cannot read the JSON-LD context: {e}", "restore it") from None

    tmp = project.dist.parent / f".{project.dist.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    files: dict[str, Path] = {}
    # the quads of every graph, as in the store: those without a blank node with their texts, those
    # with one to be canonicalised together below (their labels may depend on the other graphs')
    all_plain: list[tuple[str, ox.Quad]] = []
    all_blank: list[ox.Quad] = []
    counts: dict[str, int] = {}
    # A million quads, and as many objects made for them, would be walked again and again by the
    # garbage collector (a sixth of the export's time at a million triples); nothing here makes
    # cyclic garbage worth collecting before the end.
    with no_collection():
        try:
            graphs: list[tuple[str, list[ox.Quad], list[ox.Triple]]] = []
            for spec in project.graphs():
                stored = list(st.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri)))
                plain, blank = _plain_and_blank(stored)
                keyed = _keyed(plain)
                keyed.sort(key=_first)
                all_plain += keyed
                all_blank += blank
                # sorted by their N-Quads text; as they are all in one graph, that is also the order of
                # their triples' texts (the graph's IRI comes last), each triple once
                quads = [q for _, q in _sorted(keyed, blank)]
                counts[spec.name] = len(quads)
                graphs.append((spec.name, quads, [q.triple for q in quads]))
            # The JSON-LD of the graphs (written in Python: half of what is left to do) is written by
            # a forked copy of this process, which inherits the triples, while this one writes the rest.
            jobs = [(tmp / "graphs" / f"{name}.jsonld", triples) for name, _, triples in graphs]
            for name, _, _ in graphs:
                files[f"graph-{name}-jsonld"] = tmp / "graphs" / f"{name}.jsonld"
            (tmp / "graphs").mkdir(parents=True)
            with _Beside(_jsonld_files, jobs, compacting):
                for name, quads, triples in graphs:
                    files[f"graph-{name}-turtle"] = _write(
                        tmp / "graphs" / f"{name}.ttl",
                        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(TURTLE_PREFIXES.items()))
                        or b"",
                    )
                    if name == "ontology":
                        _ontology(tmp, quads, triples, files)
                files["shapes"] = _write(tmp / "ontology" / "shapes.ttl", (project.root / SHAPES).read_bytes())
                files["context"] = _write(tmp / "ontology" / "context.jsonld", context_path.read_bytes())
                # the graphs' sorted runs of quads without blank nodes are merged, not sorted from scratch
                all_quads = [q for _, q in _sorted(all_plain, all_blank)]
                files["dataset-trig"] = _write(
                    tmp / "cybernorms.trig",
                    ox.serialize(all_quads, format=ox.RdfFormat.TRIG, prefixes=dict(TURTLE_PREFIXES.items())) or b"",
                )
                # sorted lines: the quads are sorted by their texts, which a line only ends (" .")
                files["dataset-nquads"] = _write(
                    tmp / "cybernorms.nq", ox.serialize(all_quads, format=ox.RdfFormat.N_QUADS) or b""
                )
            void, dcat = _describe(project, st, counts, files, tmp, info.get("fingerprint", ""), _linksets(st))
            files["void"] = _write(tmp / "void.ttl", void)
            _write(tmp / "dcat.ttl", dcat)
            written = sorted(p for p in tmp.rglob("*") if p.is_file())
            sums = "".join(
                f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(tmp).as_posix()}\n" for p in written
            )
            _write(tmp / "SHA256SUMS", sums)
            _swap(tmp, project.dist)
        except BrokenProcessPool:  # the forked process was killed (out of memory, say)
            raise CybernormsError(
                project.rel(project.dist),
                None,
                "the process writing the JSON-LD of the exports stopped before it finished (killed, or out of memory)",
                "export again; if it stops again, free some memory",
            ) from None
        except OSError as e:
            raise UsageError(
                project.rel(project.dist),
                None,
                f"cannot write the exports: {e.strerror or e}",
                "make the directory writable, or export elsewhere with --dist-dir DIR or CYBERNORMS_DIST",
            ) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if with_site:
        from . import site

        site.write(project)  # dist/site/: the pages, from the current store, as `st` (cybernorms/site.py)
    return sorted(p for p in project.dist.rglob("*") if p.is_file() and "site" not in p.relative_to(project.dist).parts)
