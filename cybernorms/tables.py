"""Tables and rules as data: the CSV files of a registered document or dataset mapped to RDF by
declaration, and the rules that derive readings from the graph.

No table needs code of its own. Each row of a declared table (and of its lookup tables) is loaded
into a scratch store as a node, CSVW-style: `tab:table` the file's name, `tab:row` its number
(from 1), `tab:line` the line of the file it starts on, and one literal per non-empty cell, its
predicate `tab:` + the column's name. A column the table declares multi-valued (`cells`: a
Python-style list literal "['A', 'B']", a nested one "[['A', 'B'], ['C']]", or values joined by a
separator such as "; ") also gives one item per value, in order: `?row tab:item ?item`, with
`tab:column` the column's name, `tab:position` its place (from 1, across the inner lists of a
nested one), `tab:group` the place of its inner list (nested lists only) and `tab:value` the value
(absent for an empty item, which still holds its place: columns aligned by position join on it).
The item of a column at a position is the node {row}/{column}/{position}. A file the table
declares in `ranks` gives each row `tab:rank`, its order (from 1) among the rows of the file that
share its value in the column named (a key for rows that have none of their own).

The table's checks (SPARQL SELECT queries with ?row and ?problem) run first: any answer stops the
build with a one-line error naming the file and line of that row. Then the mappings (SPARQL
CONSTRUCTs, data files in the entry's folder) turn the rows into the triples of the entry's named
graph, or of the fixed graph the table declares. The reports (SELECT queries) give counts the build
prints, such as the values left unresolved; the verifications (SELECT ?row ?problem) run last,
over the rows and, in the named graph `tab:mapped`, the triples the mappings made: an answer is a
row the mappings lost, and stops the build like a check.

A rule (a SPARQL CONSTRUCT an entry declares) runs over the asserted graphs once every input is
read; its triples go to the named graph it declares.
"""

from __future__ import annotations

import ast
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox

from .errors import InputError
from .layout import BASE, PREFIXES, Project
from .registry import Entry, Rule, Table

TAB = BASE + "table#"  # the vocabulary of the rows in the scratch store (never in the graph)
MAPPED = ox.NamedNode(TAB + "mapped")  # the graph of the scratch store that holds the mapped triples
COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HINT = re.compile(r"^#\s*hint\s*:\s*(.+)$", re.MULTILINE)
TITLE = re.compile(r"^#\s*title\s*:\s*(.+)$", re.MULTILINE)
NTRIPLES = ox.RdfFormat.N_TRIPLES
ITEM = ("item", "column", "position", "group", "value")  # the properties of the items of a cell


@dataclass
class TableResult:
    """What a table gives the build: the triples of its graph (as N-Triples, which Oxigraph loads
    without a Python object per term), and the lines of its reports."""

    graph: str
    triples: bytes = b""
    reports: list[str] = field(default_factory=list)

    @property
    def quads(self) -> list[ox.Quad]:
        """The triples as quads of the graph (for messages and tests)."""
        graph = ox.NamedNode(self.graph)
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in ox.parse(self.triples, NTRIPLES)]


ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
INTEGER = "^^<" + PREFIXES["xsd"] + "integer>"


ESCAPED = re.compile(r'["\\\n\r]')  # a character ESCAPES rewrites: most values have none


def _text(value: str) -> str:
    """A string as an N-Triples literal."""
    return '"' + (value.translate(ESCAPES) if ESCAPED.search(value) else value) + '"'


def _items(cell: str, form: str) -> list[tuple[int | None, str]] | None:
    """The values of a multi-valued cell, each with the place of its inner list (nested lists
    only), or None when the cell is not of the declared form."""
    if form not in ("list", "nested"):
        return [(None, value.strip()) for value in cell.split(form)]
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if form == "list":
        return [(None, v.strip()) for v in value] if all(isinstance(v, str) for v in value) else None
    if not all(isinstance(inner, list) and all(isinstance(v, str) for v in inner) for inner in value):
        return None
    return [(group, v.strip()) for group, inner in enumerate(value, start=1) for v in inner]


def _rows(
    project: Project, path: Path, cells: dict[str, str], columns: tuple[str, ...] = (), rank_by: str | None = None
) -> str:
    """The rows of one CSV file as N-Triples, for the scratch store's default graph (written as
    text, which Oxigraph parses faster than Python builds a term per cell)."""
    rel = project.rel(path)
    lines: list[str] = []
    add = lines.append
    base = f"{TAB}{quote(path.name)}/"
    table = f"<{TAB}table> {_text(path.name)} .\n"
    row_p, line_p, rank_p = f"<{TAB}row> ", f"<{TAB}line> ", f"<{TAB}rank> "
    item_p, column_p, position_p, group_p, value_p = (f"<{TAB}{name}> " for name in ITEM)
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
            for column in [*columns, *cells, *([rank_by] if rank_by else [])]:
                if column not in header:
                    raise InputError(
                        rel, 1, f"the table has no column {column!r}", "correct the column names declared for it"
                    )
            keep = set(columns) if columns else set(header)
            predicates = {column: f"<{TAB}{column}> " for column in header}
            names = {column: _text(column) for column in cells}
            rank_at = header.index(rank_by) if rank_by else None
            ranks: dict[str, int] = {}
            start = reader.line_num + 1
            for number, row in enumerate(reader, start=1):
                if len(row) != len(header):
                    raise InputError(
                        rel, start, f"the row has {len(row)} cells for {len(header)} columns", "fix the CSV quoting"
                    )
                node = f"{base}{number}"
                s = f"<{node}> "
                add(s + table)
                add(f'{s}{row_p}"{number}"{INTEGER} .\n')
                add(f'{s}{line_p}"{start}"{INTEGER} .\n')
                if rank_at is not None:
                    key = row[rank_at]
                    ranks[key] = ranks.get(key, 0) + 1
                    add(f'{s}{rank_p}"{ranks[key]}"{INTEGER} .\n')
                for column, value in zip(header, row, strict=True):
                    if value == "" or column not in keep:
                        continue
                    add(f"{s}{predicates[column]}{_text(value)} .\n")
                    form = cells.get(column)
                    if form is None:
                        continue
                    items = _items(value, form)
                    if items is None:
                        raise InputError(
                            rel,
                            start,
                            f"column {column}: {value[:60]!r} is not a Python-style "
                            + ("list of lists of strings" if form == "nested" else "list of strings"),
                            "correct the cell, or the form declared for the column in [tables.cells]",
                        )
                    for position, (group, item) in enumerate(items, start=1):
                        i = f"<{node}/{column}/{position}> "
                        add(f"{s}{item_p}{i}.\n")
                        add(f"{i}{column_p}{names[column]} .\n")
                        add(f'{i}{position_p}"{position}"{INTEGER} .\n')
                        if group is not None:
                            add(f'{i}{group_p}"{group}"{INTEGER} .\n')
                        if item:
                            add(f"{i}{value_p}{_text(item)} .\n")
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(rel, None, f"cannot read the table: {e}", "check that it is UTF-8 CSV") from None
    return "".join(lines)


def _query(project: Project, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(project.rel(path), None, f"cannot read the query: {e}", "restore it") from None


def _run(
    project: Project, store: ox.Store, path: Path, union: bool = False
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    try:
        return store.query(_query(project, path), use_default_graph_as_union=union)
    except SyntaxError as e:
        raise InputError(project.rel(path), None, f"SPARQL syntax error: {e}", "fix the query") from None


def _select(project: Project, store: ox.Store, path: Path, what: str) -> ox.QuerySolutions:
    result = _run(project, store, path)
    if not isinstance(result, ox.QuerySolutions):
        raise InputError(project.rel(path), None, f"a table {what} must be a SELECT query", "SELECT … WHERE { … }")
    return result


def _construct(project: Project, store: ox.Store, path: Path, union: bool = False) -> ox.QueryTriples:
    result = _run(project, store, path, union)
    if not isinstance(result, ox.QueryTriples):
        raise InputError(
            project.rel(path), None, "a mapping or rule must be a CONSTRUCT query", "CONSTRUCT { … } WHERE { … }"
        )
    return result


def _check(entry: Entry, store: ox.Store, table: Table, check: Path, what: str = "check") -> None:
    """Any row a check (or verification) returns stops the build: the file and line of that row,
    and its problem."""
    project = entry.project
    result = _select(project, store, check, what)
    hint = m.group(1).strip() if (m := HINT.search(_query(project, check))) else f"see {project.rel(check)}"
    for solution in result:
        row, problem = solution["row"], solution["problem"]
        where, line = project.rel(table.path), None
        if isinstance(row, ox.NamedNode) and row.value.startswith(TAB):
            name = unquote(row.value[len(TAB) :].split("/", 1)[0])
            files = [table.path, *table.lookups]
            path = next((f for f in files if f.name == name), table.path)
            where = project.rel(path)
            lines = list(store.quads_for_pattern(row, ox.NamedNode(TAB + "line"), None))
            line = int(lines[0].object.value) if lines and isinstance(lines[0].object, ox.Literal) else None
        text = problem.value if isinstance(problem, ox.Literal | ox.NamedNode) else f"rejected by a {what}"
        raise InputError(where, line, text, hint)


def _report(entry: Entry, store: ox.Store, report: Path) -> list[str]:
    """A report's rows as lines for the build to print: its title, then one line per row, the
    values separated by two spaces (a count first, when the query gives one)."""
    project = entry.project
    result = _select(project, store, report, "report")
    title = m.group(1).strip() if (m := TITLE.search(_query(project, report))) else project.rel(report)
    names = [v.value for v in result.variables]
    rows = [[solution[n].value if solution[n] is not None else "" for n in names] for solution in result]
    lines = [f"{entry.name}: {title} ({len(rows)} rows)"]
    lines += ["    " + "  ".join(values) for values in rows]
    return lines


def scratch_store(project: Project, table: Table) -> ox.Store:
    """A store holding the rows of a table and of its lookups, as the module's docstring says."""
    store = ox.Store()
    ranks = dict(table.ranks)
    # lenient: the text loaded is valid N-Triples by construction (the rows as _rows writes them,
    # what Oxigraph serialises), so Oxigraph need not validate its IRIs again (a fifth of a load)
    store.load(
        _rows(project, table.path, dict(table.cells), table.columns, ranks.get(table.path.name)),
        NTRIPLES,
        lenient=True,
    )
    for path in table.lookups:
        store.load(_rows(project, path, {}, (), ranks.get(path.name)), NTRIPLES, lenient=True)
    return store


def table_quads(entry: Entry, table: Table) -> TableResult:
    """The triples a table's mappings make from its rows, for the graph the table feeds, and the
    lines of its reports."""
    project = entry.project
    store = scratch_store(project, table)
    for check in table.checks:
        _check(entry, store, table, check)
    if len(table.mappings) == 1 and not table.verify and not table.reports:
        # one mapping that no later query reads: its triples as Oxigraph writes them (a CONSTRUCT
        # makes each triple once), without the graph of their own to load and dump again
        made = _construct(project, store, table.mappings[0]).serialize(format=NTRIPLES)
        return TableResult(table.graph, made or b"")
    for mapping in table.mappings:  # into a graph of their own: the set of what they all make
        triples = _construct(project, store, mapping).serialize(format=NTRIPLES)
        store.load(triples, NTRIPLES, to_graph=MAPPED, lenient=True)
    for verify in table.verify:
        _check(entry, store, table, verify, "verification")
    result = TableResult(table.graph, store.dump(format=NTRIPLES, from_graph=MAPPED) or b"")
    for report in table.reports:
        result.reports += _report(entry, store, report)
    return result


def rule_quads(entry: Entry, rule: Rule, store: ox.Store) -> list[ox.Quad]:
    """The triples a rule derives from the asserted graphs (their union as the default graph), in
    the graph the rule declares."""
    graph = ox.NamedNode(rule.graph)
    triples = _construct(entry.project, store, rule.path, union=True)
    return sorted({ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples}, key=str)
