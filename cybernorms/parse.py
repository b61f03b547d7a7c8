"""Stage 2, parse: read every input into its named graph, once, into an in-memory Oxigraph store.

The ontology and curated Turtle files are loaded by Oxigraph straight into the store (its errors
give the line and column); the provisions come from the segmenter. Every later stage works on this
one store with SPARQL: nothing is dumped and parsed again. Where a subject was written (for error
messages) is looked up only when a message needs it, by reading the inputs again.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import pyoxigraph as ox

from . import registry
from .errors import InputError, UsageError, shown
from .layout import BASE, ONTOLOGY, PREFIXES, GraphSpec, Project, curie
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
        `predicate`, the line where the subject meets the predicate."""
        for rel in files if files is not None else self.files_stating(iri):
            path = self.project.root / rel
            if not path.is_file() or path.suffix != ".ttl":
                return rel, None
            subject = ox.NamedNode(iri)
            lines = [(n, t) for n, t in statements(path) if t.subject == subject]
            exact = [n for n, t in lines if t.predicate.value == predicate] if predicate else []
            found = exact or [n for n, _ in lines]
            return rel, found[0] if found else None
        return "data", None

    def locate_term(self, term: str, spec: GraphSpec | None = None) -> tuple[str, int | None]:
        """The first Turtle file (of one graph, if given) and line that use a vocabulary term, as a
        predicate or a class."""
        node = ox.NamedNode(term)
        return self.locate_statement(lambda t: node in (t.predicate, t.object), spec)

    def locate_statement(
        self, match: Callable[[ox.Quad], bool], spec: GraphSpec | None = None
    ) -> tuple[str, int | None]:
        """The first Turtle file (of one graph, if given) and line that state a triple `match`
        accepts, for messages ("data" and no line if none does)."""
        for s, path in self.project.graph_files():
            if spec is None or s == spec:
                line = next((n for n, t in statements(path) if match(t)), None)
                if line is not None:
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


class _Lines(io.RawIOBase):
    """A file handed to the parser one line at a time, so that the line it has reached is known."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.line = 0  # the line the last piece read ends on

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        piece = self.handle.readline(len(buffer))
        if piece and (self.line == 0 or self._ended):
            self.line += 1
        self._ended = piece.endswith(b"\n")
        buffer[: len(piece)] = piece
        return len(piece)

    _ended = False


def statements(path: Path) -> Iterator[tuple[int, ox.Quad]]:
    """The triples of a Turtle file the build has loaded, each with the line it ends on (for
    messages: slower than load_file, which reads the file whole)."""
    with open(path, "rb") as handle:
        lines = _Lines(handle)
        for triple in ox.parse(cast(IO[bytes], lines), format=ox.RdfFormat.TURTLE):
            yield lines.line, triple


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


# ------------------------------------------------------------------------- limits on input

XSD = PREFIXES["xsd"]
# the XSD datatypes whose lexical forms the query engine checks when it casts to them; a literal
# of one of these whose text does not cast is ill-typed ("2019-13-45"^^xsd:date)
CHECKED_DATATYPES = ("date", "dateTime", "time", "gYear", "gYearMonth", "duration", "integer", "decimal", "double")
CHECKED = frozenset(ox.NamedNode(XSD + d) for d in CHECKED_DATATYPES)
CAST = "STR(?o)"
for _dt in reversed(CHECKED_DATATYPES):
    CAST = f"IF(DATATYPE(?o) = <{XSD}{_dt}>, <{XSD}{_dt}>(STR(?o)), {CAST})"
# of the literals given (of the checked datatypes), those that do not cast to their datatype
ILL_TYPED = f"SELECT ?o WHERE {{ VALUES ?o {{ %s }} BIND({CAST} AS ?value) FILTER(!BOUND(?value)) }}"
# an IRI of the project's host outside its namespace and outside every vocabulary it declares:
# what a relative IRI climbing above @base (<../../evil>) resolves to
HOST = BASE[: BASE.index("/", len("https://")) + 1]
OWN = tuple(sorted({BASE} | {ns for ns in PREFIXES.values() if ns.startswith(HOST)}))
MAX_LITERAL = "CYBERNORMS_MAX_LITERAL"  # environment variable: the longest literal a build accepts
DEFAULT_MAX_LITERAL = 1_000_000  # characters


def max_literal() -> int:
    """The longest literal, in characters, that a build accepts (CYBERNORMS_MAX_LITERAL)."""
    given = os.environ.get(MAX_LITERAL, "").strip()
    if not given:
        return DEFAULT_MAX_LITERAL
    if not given.isdigit() or int(given) < 1:
        raise UsageError(
            MAX_LITERAL, None, f"not a number of characters: {shown(given)}", "give a whole number, e.g. 1000000"
        )
    return int(given)


def check_input(ds: Dataset, limit: int) -> None:
    """Refuse pathological input before anything costly reads it: a literal longer than `limit`,
    an ill-typed literal, an IRI that leaves the project's namespace; each with its file and line.

    One pass over the statements of the named graphs finds the first statement of each fault, in
    the store's order (a query over GRAPH ?g gives them in the same order); whether a literal casts
    to its datatype is asked of the query engine once for each distinct literal (ILL_TYPED)."""
    oversized: tuple[ox.Quad, ox.Literal] | None = None
    outside: tuple[ox.Quad, ox.NamedNode] | None = None
    typed: dict[ox.Literal, ox.Quad] = {}  # each literal of a checked datatype, with its first statement
    for q in ds.store.quads_for_pattern(None, None, None, None):
        if type(q.graph_name) is ox.DefaultGraph:  # the inputs are all in named graphs
            continue
        s, p, o = q.subject, q.predicate, q.object
        if type(o) is ox.Literal:
            if oversized is None and len(o.value) > limit:
                oversized = (q, o)
            if o.datatype in CHECKED and o not in typed:
                typed[o] = q
        if outside is None:
            # the object first, as the query that did this check found them
            for x in (o, p, s):
                if type(x) is ox.NamedNode and (iri := x.value).startswith(HOST) and not iri.startswith(OWN):
                    outside = (q, x)
                    break
    if oversized is not None:
        q, value = oversized
        where, line = _located(ds, q)
        raise InputError(
            where,
            line,
            f"a literal of {len(value.value):,} characters, over the limit of {limit:,} "
            f"(value of {_curie(q.predicate.value)} of {q.subject})",
            f"shorten it, or raise the limit with {MAX_LITERAL}=N (see docs/hardening.md)",
        )
    ill = {row["o"] for row in select(ds.store, ILL_TYPED % " ".join(map(str, typed)))}
    for value, q in typed.items():
        if value in ill:
            where, line = _located(ds, q)
            datatype = value.datatype.value[len(XSD) :]
            raise InputError(
                where,
                line,
                f"{shown(value.value)} is not a valid xsd:{datatype} (value of {_curie(q.predicate.value)} of {q.subject})",
                f"write a valid xsd:{datatype}, see https://www.w3.org/TR/xmlschema11-2/#{datatype}",
            )
    if outside is not None:
        where, line = _located(ds, outside[0])
        raise InputError(
            where,
            line,
            f"{outside[1]} is outside the project's namespace {BASE} (a relative IRI that climbs above @base?)",
            f"keep relative IRIs inside {BASE}; an IRI of another {HOST} vocabulary is written in full, with its "
            "prefix declared in cybernorms/layout.py",
        )


def _located(ds: Dataset, q: ox.Quad) -> tuple[str, int | None]:
    """The input file and line that state the triple of a quad."""
    s, p, o = q.subject, q.predicate, q.object
    return ds.locate_statement(lambda t: t.subject == s and t.predicate == p and t.object == o)


def _curie(iri: str) -> str:
    return curie(iri) or f"<{iri}>"


def parse(project: Project) -> Dataset:
    """Read the ontology, the curated data, the documents' texts and tables into their named graphs,
    then what the entries' rules derive from all of them."""
    limit = max_literal()
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
    dataset = Dataset(project, store, entries, reports)
    check_input(dataset, limit)
    # the rules see every asserted graph, and not one another's results
    derived = [q for entry in entries for rule in entry.rules for q in rule_quads(entry, rule, store)]
    store.extend(derived)
    return dataset
