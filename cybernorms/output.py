"""Output: query results rendered for people (tables) and for programs (CSV, TSV, JSON, RDF).

- `table`: one row per solution, IRIs of the data shortened (`norm/13c`, `cno:Norm`), long values cut
  at --max-width display columns, and, on a terminal, the widest columns narrowed so that the table
  fits its width. Widths are display widths (wcwidth), laid out by tabulate.
- `csv`: SPARQL 1.1 CSV (full IRIs, lexical values), plus a column `<var>_lang` after each column that
  holds language-tagged text, since the standard CSV drops the tag and French and English texts would
  then be indistinguishable.
- `tsv`: SPARQL 1.1 TSV: every term in Turtle syntax, so IRIs stay whole and tags stay on literals.
- `json`: SPARQL 1.1 JSON results.
- `--prefixes`: in CSV and TSV, IRIs of known vocabularies and of the data written as prefixed names
  (`cno:Norm`, `id:norm/13c`) instead of in full.
- graph results (CONSTRUCT, DESCRIBE): Turtle, JSON-LD or N-Triples.
"""

from __future__ import annotations

import io
from typing import Any

import pyoxigraph as ox

from .errors import UsageError
from .layout import ID, TURTLE_PREFIXES, curie

TABLE, CSV, TSV, JSON = "table", "csv", "tsv", "json"
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
SELECT_FORMATS = (TABLE, CSV, TSV, JSON)
FORMATS = (*SELECT_FORMATS, *GRAPH_FORMATS)
MIN_COLUMN = 8  # a column is never narrowed below this many display columns to fit a terminal


def display_width(text: str) -> int:
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def cut(text: str, width: int) -> str:
    """The text cut to at most `width` display columns, ending in an ellipsis if it was cut."""
    if width <= 0 or display_width(text) <= width:
        return text
    from wcwidth import wcwidth

    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def short(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """How a table shows a term: data IRIs without their namespace, vocabulary IRIs as prefixed names."""
    from .queries import to_python

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value) or term.value.removeprefix(ID)
    return str(to_python(term))


def prefixed(iri: str) -> str:
    if iri.startswith(ID):
        return "id:" + iri[len(ID) :]
    return curie(iri) or iri


def _table(variables: list[str], rows: list[list[str]], max_width: int, fit: int | None) -> str:
    from tabulate import tabulate

    flat = [[c.replace("\n", " ") for c in r] for r in rows]
    cells = [[cut(c, max_width) for c in r] for r in flat]
    was_cut = cells != flat
    if fit:
        widths = [max([display_width(v)] + [display_width(r[i]) for r in cells]) for i, v in enumerate(variables)]
        # each column costs its width and 3 columns of separator; narrow the widest until it fits
        while sum(widths) + 3 * (len(widths) - 1) > fit:
            i = max(range(len(widths)), key=widths.__getitem__)
            if widths[i] <= MIN_COLUMN:
                break
            widths[i] -= 1
            for r in cells:
                if display_width(r[i]) > widths[i]:
                    r[i] = cut(r[i], widths[i])
                    was_cut = True
    import tabulate as tabulate_module

    tabulate_module.MIN_PADDING = 0  # headers as wide as their column, not two more
    text = tabulate(cells, headers=variables, tablefmt="presto", disable_numparse=True)
    lines = [line[1:].rstrip() for line in text.splitlines()]  # presto indents by one space
    note = ""
    if was_cut:
        note = f"; values cut at {max_width} characters, --max-width 0 shows them whole" if max_width else ""
        note = note or "; values cut to fit the terminal, --max-width 0 with a wider terminal shows them whole"
    n = len(rows)
    lines.append(f"({n} row{'s' if n != 1 else ''}{note})")
    return "\n".join(lines) + "\n"


def _separated(result: ox.QuerySolutions, fmt: str, use_prefixes: bool) -> str:
    variables = [v.value for v in result.variables]
    solutions = list(result)
    out = io.StringIO()
    if fmt == TSV:
        out.write("\t".join("?" + v for v in variables) + "\n")
        for s in solutions:
            terms = [s[v] for v in variables]
            out.write("\t".join(_tsv_term(t, use_prefixes) for t in terms) + "\n")
        return out.getvalue()
    tagged = [v for v in variables if any(isinstance(s[v], ox.Literal) and s[v].language for s in solutions)]
    header: list[str] = []
    for v in variables:
        header += [v, f"{v}_lang"] if v in tagged else [v]
    import csv  # here, as the table's modules: what a command does not print, it does not import

    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as SPARQL 1.1 CSV requires
    writer.writerow(header)
    for s in solutions:
        row: list[str] = []
        for v in variables:
            t = s[v]
            if t is None:
                value = ""
            elif isinstance(t, ox.NamedNode):
                value = prefixed(t.value) if use_prefixes else t.value
            elif isinstance(t, ox.BlankNode):
                value = f"_:{t.value}"
            else:
                value = t.value if isinstance(t, ox.Literal) else str(t)
            row.append(value)
            if v in tagged:
                row.append(t.language or "" if isinstance(t, ox.Literal) else "")
        writer.writerow(row)
    return out.getvalue()


def _tsv_term(t: Any, use_prefixes: bool) -> str:
    if t is None:
        return ""
    if use_prefixes and isinstance(t, ox.NamedNode):
        p = prefixed(t.value)
        if p != t.value:
            return p
    if isinstance(t, ox.Literal):
        text = str(t)
        return text.replace("\t", "\\t").replace("\n", "\\n")
    return str(t)


def _readable_turtle(triples: list[ox.Triple]) -> str:
    """Turtle for a person to read: rdflib groups by subject and uses a prefix per kind of entity
    (norm:13k, state:FRA), which pyoxigraph's serialiser would write with escaped slashes."""
    import rdflib

    g = rdflib.Graph()
    for prefix, ns in TURTLE_PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    g.parse(data=nt, format="nt")
    return g.serialize(format="turtle")


def render(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple],
    fmt: str = TABLE,
    max_width: int = 0,
    use_prefixes: bool = False,
    fit: int | None = None,
) -> str:
    """A query result as text in the format asked. `fit`: the terminal width a table must fit."""
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, (ox.QueryTriples, list)):  # a list: the triples of a query run isolated
        rdf = GRAPH_FORMATS.get("turtle" if fmt == TABLE else fmt)
        if rdf is None:
            raise UsageError(
                None,
                None,
                f"format {fmt!r} does not apply to a graph result",
                "use --format turtle, json-ld or ntriples",
            )
        triples = list(result)
        if rdf == ox.RdfFormat.TURTLE:
            return _readable_turtle(triples)
        return (ox.serialize(triples, format=rdf) or b"").decode("utf-8")
    if fmt == JSON:
        return (result.serialize(format=ox.QueryResultsFormat.JSON) or b"").decode("utf-8") + "\n"
    if fmt in (CSV, TSV):
        return _separated(result, fmt, use_prefixes)
    if fmt != TABLE:
        raise UsageError(
            None, None, f"format {fmt!r} does not apply to a SELECT result", f"use one of {', '.join(SELECT_FORMATS)}"
        )
    variables = [v.value for v in result.variables]
    rows = [[short(s[v]) for v in variables] for s in result]
    return _table(variables, rows, max_width, fit)


def terminal_width(stream: io.TextIOBase | Any) -> int | None:
    """The width of the terminal the stream writes to, or None when it is not a terminal."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    import shutil

    return shutil.get_terminal_size().columns
