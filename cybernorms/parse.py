"""Stage 2, parse: read every input into its named graph, in memory.

The ontology and curated Turtle files are parsed with pyoxigraph, whose errors give the line and
column; the provisions come from the segmenter. The result is an in-memory Oxigraph store (so the
later stages can query it with SPARQL) and, for messages, the file each subject is described in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import registry
from .errors import InputError
from .layout import ID, ONTOLOGY, Project
from .release import ontology_version_quads
from .segment import aligned, document_quads
from .tables import table_quads


@dataclass
class Dataset:
    """The asserted named graphs of a build, with where each subject was written."""

    project: Project
    store: ox.Store
    entries: list[registry.Entry]
    files_of: dict[str, list[str]] = field(default_factory=dict)  # subject IRI -> files stating it
    stated_in: dict[tuple, list[str]] = field(default_factory=dict)  # (subject, predicate) and
    # (predicate, object) -> files

    def graph_counts(self) -> dict[str, int]:
        counts = {}
        for spec in self.project.graphs():
            g = ox.NamedNode(spec.iri)
            counts[spec.name] = sum(1 for _ in self.store.quads_for_pattern(None, None, None, g))
        return counts

    def locate(self, iri: str, files: list[str] | None = None, predicate: str | None = None) -> tuple[str, int | None]:
        """The file (and line, when found) where a subject is described, for messages; with
        `files` and `predicate`, the line of that file where the subject meets the predicate."""
        for rel in files if files is not None else self.files_of.get(iri, []):
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
            return rel, (starts or hits or [None])[0]
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


def parse_file(project: Project, path: Path, graph: str) -> list[ox.Quad]:
    rel = project.rel(path)
    g = ox.NamedNode(graph)
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise _syntax_error(rel, e) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(rel, None, f"cannot read the file: {e}", "check that it exists and is UTF-8") from None
    return [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]


def parse(project: Project) -> Dataset:
    """Read the ontology, the curated data and the segmented sources into their named graphs."""
    store = ox.Store()
    files_of: dict[str, list[str]] = {}
    stated_in: dict[tuple, list[str]] = {}
    quads: list[ox.Quad] = []

    def note(q: ox.Quad, rel: str):
        if isinstance(q.subject, ox.NamedNode):
            keys = [(files_of, q.subject.value), (stated_in, (q.subject.value, q.predicate.value))]
            if isinstance(q.object, ox.NamedNode):
                keys.append((stated_in, (q.predicate.value, q.object.value)))
            for table, key in keys:
                where = table.setdefault(key, [])
                if rel not in where:
                    where.append(rel)

    for spec, path in project.graph_files():
        rel = project.rel(path)
        for q in parse_file(project, path, spec.iri):
            note(q, rel)
            quads.append(q)
    quads += ontology_version_quads(project, ONTOLOGY.iri)  # the one version, see release.py
    entries = registry.entries(project)
    for entry in entries:
        if entry.texts:
            rel = project.rel(next(iter(entry.texts.values())).path)
            for q in document_quads(entry, aligned(entry)):
                note(q, rel)
                quads.append(q)
        for table in entry.tables:
            rel = project.rel(table.path)
            for q in table_quads(entry, table):
                note(q, rel)
                quads.append(q)
    store.extend(quads)
    return Dataset(project, store, entries, files_of, stated_in)
