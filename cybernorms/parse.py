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

from .errors import InputError
from .layout import ID, GRAPHS, Project
from .segment import Source, load_sources, source_quads


@dataclass
class Dataset:
    """The asserted named graphs of a build, with where each subject was written."""
    project: Project
    store: ox.Store
    sources: list[Source]
    files_of: dict[str, list[str]] = field(default_factory=dict)   # subject IRI -> files stating it

    def graph_counts(self) -> dict[str, int]:
        counts = {}
        for spec in GRAPHS:
            g = ox.NamedNode(spec.iri)
            counts[spec.name] = sum(1 for _ in self.store.quads_for_pattern(None, None, None, g))
        return counts

    def locate(self, iri: str) -> tuple[str, int | None]:
        """The file (and line, when found) where a subject is first described, for messages."""
        for rel in self.files_of.get(iri, []):
            path = self.project.root / rel
            if not path.is_file() or path.suffix != ".ttl":
                return rel, None
            forms = [f"<{iri}>"]
            if iri.startswith(ID):
                forms.append(f"<{iri[len(ID):]}>")
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if any(line.lstrip().startswith(f) for f in forms):
                    return rel, number
            return rel, None
        return "data", None


def _syntax_error(rel: str, e: SyntaxError) -> InputError:
    text = str(e)
    line, column = e.lineno, e.offset
    m = re.search(r"line (\d+) column (\d+)", text)
    if m:
        line, column = int(m.group(1)), int(m.group(2))
    problem = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", text)
    return InputError(rel, line, f"Turtle syntax error: {problem}",
                      "fix the Turtle at that position (see https://www.w3.org/TR/turtle/)", column=column)


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
    quads: list[ox.Quad] = []

    def note(q: ox.Quad, rel: str):
        if isinstance(q.subject, ox.NamedNode):
            where = files_of.setdefault(q.subject.value, [])
            if rel not in where:
                where.append(rel)

    for spec, path in project.graph_files():
        rel = project.rel(path)
        for q in parse_file(project, path, spec.iri):
            note(q, rel)
            quads.append(q)
    sources = load_sources(project)
    for source in sources:
        rel = project.rel(source.text_path)
        for q in source_quads(source):
            note(q, rel)
            quads.append(q)
    store.extend(quads)
    return Dataset(project, store, sources, files_of)
