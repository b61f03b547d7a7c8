"""Stage 2, parse: read every input into its named graph, once, into an in-memory Oxigraph store.

The ontology and curated Turtle files are loaded by Oxigraph straight into the store (its errors
give the line and column); the provisions come from the segmenter. Every later stage works on this
one store with SPARQL: nothing is dumped and parsed again. Where a subject was written (for error
messages) is looked up only when a message needs it, by reading the inputs again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import registry
from .errors import InputError
from .layout import ID, ONTOLOGY, GraphSpec, Project
from .release import ontology_version_quads
from .segment import aligned, document_quads
from .tables import rule_quads, table_quads

COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def select(store: ox.Store, query: str, union: bool = False) -> ox.QuerySolutions:
    """The rows of a SELECT query (over the union of the graphs if `union`)."""
    result = store.query(query, use_default_graph_as_union=union)
    assert isinstance(result, ox.QuerySolutions), query
    return result


def construct(store: ox.Store, query: str, union: bool = False) -> ox.QueryTriples:
    """The triples of a CONSTRUCT query."""
    result = store.query(query, use_default_graph_as_union=union)
    assert isinstance(result, ox.QueryTriples), query
    return result


def ask(store: ox.Store, query: str, union: bool = False) -> bool:
    """The answer of an ASK query."""
    result = store.query(query, use_default_graph_as_union=union)
    assert isinstance(result, ox.QueryBoolean), query
    return bool(result)


@dataclass
class Dataset:
    """The asserted named graphs of a build (and, after the reason stage, graph/inferred)."""

    project: Project
    store: ox.Store
    entries: list[registry.Entry]
    reports: list[str] = field(default_factory=list)  # what the tables' reports say, for the build to print

    def graph_counts(self) -> dict[str, int]:
        found = {str(row["g"].value): int(row["n"].value) for row in select(self.store, COUNTS)}
        return {spec.name: found.get(spec.iri, 0) for spec in self.project.graphs()}

    def _statements(self) -> Iterator[tuple[str, ox.Quad]]:
        """Every asserted quad with the input file it comes from (read again: for messages only)."""
        for spec, path in self.project.graph_files():
            rel = self.project.rel(path)
            for q in parse_file(self.project, path, spec.iri):
                yield rel, q
        for rel, quads in _generated(self.project, self.entries, self.store):
            for q in quads:
                yield rel, q

    def files_stating(
        self, subject: str | None = None, predicate: str | None = None, obj: str | None = None
    ) -> list[str]:
        """The input files, in reading order, that state a triple with this IRI subject (and
        predicate, and IRI object, when given)."""
        files: list[str] = []
        for rel, q in self._statements():
            if rel in files or not isinstance(q.subject, ox.NamedNode):
                continue
            if subject is not None and q.subject.value != subject:
                continue
            if predicate is not None and q.predicate.value != predicate:
                continue
            if obj is not None and not (isinstance(q.object, ox.NamedNode) and q.object.value == obj):
                continue
            files.append(rel)
        return files

    def locate(self, iri: str, files: list[str] | None = None, predicate: str | None = None) -> tuple[str, int | None]:
        """The file (and line, when found) where a subject is described, for messages; with
        `files` and `predicate`, the line of that file where the subject meets the predicate."""
        for rel in files if files is not None else self.files_stating(iri):
            path = self.project.root / rel
            if not path.is_file() or path.suffix != ".ttl":
                return rel, None
            forms = [f"<{iri}>"] + ([f"<{iri[len(ID) :]}>"] if iri.startswith(ID) else [])
            local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if predicate else None
            lines = path.read_text(encoding="utf-8").splitlines()
            hits = [n for n, line in enumerate(lines, start=1) if any(f in line for f in forms)]
            if local:
                exact = [n for n in hits if local in lines[n - 1]]
                hits = exact or hits
            starts = [n for n in hits if any(lines[n - 1].lstrip().startswith(f) for f in forms)]
            return rel, (starts or hits)[0] if starts or hits else None
        return "data", None

    def locate_term(self, term: str, spec: GraphSpec | None = None) -> tuple[str, int | None]:
        """The first Turtle file (of one graph, if given) and line that use a vocabulary term, as a
        predicate or a class, written in full or as prefix:local."""
        local = re.split(r"[#/]", term)[-1]
        for s, path in self.project.graph_files():
            if spec is not None and s != spec:
                continue
            quads = parse_file(self.project, path, s.iri)
            if not any(q.predicate.value == term or q.object == ox.NamedNode(term) for q in quads):
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            pattern = re.compile(rf"(<{re.escape(term)}>|\w*:{re.escape(local)}\b)")
            line = next((n for n, text in enumerate(lines, start=1) if pattern.search(text.split("#", 1)[0])), None)
            return self.project.rel(path), line
        return "data", None


def _syntax_error(rel: str, e: SyntaxError) -> InputError:
    text = e.msg if getattr(e, "msg", None) else str(e)
    line, column = e.lineno, e.offset
    problem = re.sub(r"^Parser error [^:]*: ", "", text)
    return InputError(
        rel,
        line,
        f"Turtle syntax error: {problem}",
        "fix the Turtle at that position (see https://www.w3.org/TR/turtle/)",
        column=column,
    )


def _unreadable(rel: str, e: Exception) -> InputError:
    return InputError(rel, None, f"cannot read the file: {e}", "check that it exists and is UTF-8")


def parse_file(project: Project, path: Path, graph: str) -> list[ox.Quad]:
    """The triples of one Turtle file, as quads in `graph`."""
    rel = project.rel(path)
    g = ox.NamedNode(graph)
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise _syntax_error(rel, e) from None
    except (OSError, UnicodeDecodeError) as e:
        raise _unreadable(rel, e) from None
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]


def load_file(project: Project, store: ox.Store, path: Path, graph: str) -> None:
    """Load one Turtle file into `graph` of the store, in Oxigraph (no Python object per triple)."""
    rel = project.rel(path)
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    except SyntaxError as e:
        raise _syntax_error(rel, e) from None
    except (OSError, UnicodeDecodeError) as e:
        raise _unreadable(rel, e) from None


def _generated(
    project: Project, entries: list[registry.Entry], store: ox.Store | None = None
) -> Iterator[tuple[str, list[ox.Quad]]]:
    """The statements made from the registered entries: a document's metadata, expressions and
    provisions (a dataset's metadata alone), its tables' rows as mapped, and, given the store they
    read, what its rules derive; each set with the file it comes from."""
    for entry in entries:
        rel = project.rel(next(iter(entry.texts.values())).path) if entry.texts else entry.where
        yield rel, document_quads(entry, aligned(entry) if entry.texts else [])
        for table in entry.tables:
            yield project.rel(table.path), table_quads(entry, table).quads
        if store is not None:
            for rule in entry.rules:
                yield project.rel(rule.path), rule_quads(entry, rule, store)


def parse(project: Project) -> Dataset:
    """Read the ontology, the curated data, the documents' texts and tables into their named graphs,
    then what the entries' rules derive from all of them."""
    store = ox.Store()
    for spec, path in project.graph_files():
        load_file(project, store, path, spec.iri)
    store.extend(ontology_version_quads(project, ONTOLOGY.iri))  # the one version, see release.py
    entries = registry.entries(project)
    reports: list[str] = []
    for entry in entries:
        store.extend(document_quads(entry, aligned(entry) if entry.texts else []))
        for table in entry.tables:
            result = table_quads(entry, table)
            reports += result.reports
            store.load(result.triples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(result.graph))
    # the rules see every asserted graph, and not one another's results
    derived = [q for entry in entries for rule in entry.rules for q in rule_quads(entry, rule, store)]
    store.extend(derived)
    return Dataset(project, store, entries, reports)
