"""Tables as data: the CSV files of a registered document or dataset, mapped to RDF by declaration.

No table needs code of its own. Each row of a declared table (and of its lookup tables) is loaded
into a scratch store as a node, CSVW-style: `tab:table` the file's name, `tab:row` its number
(from 1), `tab:line` the line of the file it starts on, and one literal per non-empty cell, its
predicate `tab:` + the column's name. The table's checks (SPARQL SELECT queries with ?row and
?problem) run first: any answer stops the build with a one-line error naming the file and line of
that row. Then the mapping (a SPARQL CONSTRUCT, a data file in the entry's folder) turns the rows
into the triples of the entry's named graph, or of the fixed graph the table declares.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .layout import BASE, PREFIXES, Project
from .registry import Entry, Table

TAB = BASE + "table#"  # the vocabulary of the rows in the scratch store (never in the graph)
COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HINT = re.compile(r"^#\s*hint\s*:\s*(.+)$", re.MULTILINE)


def _rows(project: Project, path: Path) -> list[ox.Quad]:
    """The rows of one CSV file as quads of the scratch store's default graph."""
    rel = project.rel(path)
    quads: list[ox.Quad] = []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise InputError(rel, 1, "the table has no header row", "give the column names on the first line")
            for column in header:
                if not COLUMN.match(column):
                    raise InputError(
                        rel, 1, f"column name {column!r} is not a plain name", "use letters, digits and _ only"
                    )
            start = reader.line_num + 1
            for number, cells in enumerate(reader, start=1):
                if len(cells) != len(header):
                    raise InputError(
                        rel, start, f"the row has {len(cells)} cells for {len(header)} columns", "fix the CSV quoting"
                    )
                node = ox.NamedNode(f"{TAB}{path.name}/{number}")
                quads += [
                    ox.Quad(node, ox.NamedNode(TAB + "table"), ox.Literal(path.name)),
                    ox.Quad(node, ox.NamedNode(TAB + "row"), ox.Literal(str(number), datatype=ox.NamedNode(XSD_INT))),
                    ox.Quad(node, ox.NamedNode(TAB + "line"), ox.Literal(str(start), datatype=ox.NamedNode(XSD_INT))),
                ]
                quads += [
                    ox.Quad(node, ox.NamedNode(TAB + column), ox.Literal(value))
                    for column, value in zip(header, cells, strict=True)
                    if value != ""
                ]
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(rel, None, f"cannot read the table: {e}", "check that it is UTF-8 CSV") from None
    return quads


XSD_INT = PREFIXES["xsd"] + "integer"


def _query(project: Project, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(project.rel(path), None, f"cannot read the query: {e}", "restore it") from None


def _run(project: Project, store: ox.Store, path: Path) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    try:
        return store.query(_query(project, path))
    except SyntaxError as e:
        raise InputError(project.rel(path), None, f"SPARQL syntax error: {e}", "fix the query") from None


def _check(entry: Entry, store: ox.Store, table: Table, check: Path) -> None:
    """Any row a check returns stops the build: the file and line of that row, and its problem."""
    project = entry.project
    result = _run(project, store, check)
    if not isinstance(result, ox.QuerySolutions):
        raise InputError(
            project.rel(check), None, "a table check must be a SELECT query", "SELECT ?row ?problem WHERE …"
        )
    hint = m.group(1).strip() if (m := HINT.search(_query(project, check))) else f"see {project.rel(check)}"
    for solution in result:
        row, problem = solution["row"], solution["problem"]
        where, line = project.rel(table.path), None
        if isinstance(row, ox.NamedNode) and row.value.startswith(TAB):
            name = row.value[len(TAB) :].rsplit("/", 1)[0]
            files = [table.path, *table.lookups]
            path = next((f for f in files if f.name == name), table.path)
            where = project.rel(path)
            lines = list(store.quads_for_pattern(row, ox.NamedNode(TAB + "line"), None))
            line = int(lines[0].object.value) if lines and isinstance(lines[0].object, ox.Literal) else None
        text = problem.value if isinstance(problem, ox.Literal | ox.NamedNode) else "rejected by a check"
        raise InputError(where, line, text, hint)


def table_quads(entry: Entry, table: Table) -> list[ox.Quad]:
    """The triples a table's mapping makes from its rows, in the graph the table feeds."""
    project = entry.project
    store = ox.Store()
    for path in (table.path, *table.lookups):
        store.extend(_rows(project, path))
    for check in table.checks:
        _check(entry, store, table, check)
    result = _run(project, store, table.mapping)
    if not isinstance(result, ox.QueryTriples):
        raise InputError(
            project.rel(table.mapping), None, "a table mapping must be a CONSTRUCT query", "CONSTRUCT { … } WHERE { … }"
        )
    graph = ox.NamedNode(table.graph)
    return sorted({ox.Quad(t.subject, t.predicate, t.object, graph) for t in result}, key=str)
