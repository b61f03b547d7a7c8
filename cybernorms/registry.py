"""The registry: the documents and datasets the graph is built from, each declared by data alone.

A folder under data/ with a document.toml is one entry. Its name is the name of its named graph
(graph/<folder>); its metadata says what it is (kind "document", a text in one or more languages,
or "dataset", tables only), its identifier, titles, date, publisher, rights and attribution, the
segmentation profile of its texts (profiles/<genre>.toml), its text files one per language, and
its tables with the mappings that turn them into RDF. The curated Turtle of what it states is the
*.ttl beside the metadata. No module of the package names a document: everything particular to one
lives here, in its folder. docs/adding-a-document.md describes every key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError
from .layout import BASE, DOCUMENT_METADATA, FIXED_BY_NAME, GRAPH, Project

KINDS = ("document", "dataset")
LANGUAGE = re.compile(r"^[a-z]{2}$")  # ISO 639-1, as the language tags of the texts
REQUIRED = {
    "document": ("kind", "iri", "class", "title", "date", "publisher", "attribution", "profile", "texts"),
    "dataset": ("kind", "iri", "class", "title", "publisher", "attribution", "tables"),
}


@dataclass(frozen=True)
class Text:
    """One expression of a document: its text in one language."""

    language: str
    path: Path
    source: str | None  # where the text was taken from, in words
    url: str | None  # where the published text is


@dataclass(frozen=True)
class Table:
    """A table (CSV) of an entry, and how it becomes RDF: each row is loaded as a node with one
    literal per column (multi-valued cells also as ordered items, as `cells` declares), and the
    mappings (SPARQL CONSTRUCTs) turn those rows into the graph's triples; the checks (SELECT
    queries) name the rows whose values cannot be mapped, the reports (SELECT queries) count what
    the build should say aloud, and the verifications (SELECT queries that see the rows and the
    mapped triples) name the rows the mappings lost."""

    path: Path
    mappings: tuple[Path, ...]
    graph: str  # the named graph its triples go to: the entry's own, or a fixed one ("curation")
    checks: tuple[Path, ...] = ()
    lookups: tuple[Path, ...] = ()  # other tables loaded beside it, for the mapping to join
    reports: tuple[Path, ...] = ()
    verify: tuple[Path, ...] = ()
    cells: tuple[tuple[str, str], ...] = ()  # (column, form): "list", "nested" or a separator
    columns: tuple[str, ...] = ()  # the columns of the file to load (all when empty)
    ranks: tuple[tuple[str, str], ...] = ()  # (file name, column): rank each row among those sharing its value


@dataclass(frozen=True)
class Rule:
    """A rule of an entry: a SPARQL CONSTRUCT run over the asserted graphs once they are all read,
    whose triples go to the named graph it declares (a reading, so by default graph/curation)."""

    path: Path
    graph: str


@dataclass
class Entry:
    """A registered document or dataset."""

    project: Project
    folder: Path
    meta: dict[str, Any]
    texts: dict[str, Text] = field(default_factory=dict)  # language -> text, in declared order
    tables: list[Table] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def where(self) -> str:
        return self.project.rel(self.folder / DOCUMENT_METADATA)

    @property
    def kind(self) -> str:
        return str(self.meta["kind"])

    @property
    def iri(self) -> str:
        return str(self.meta["iri"])

    @property
    def graph(self) -> str:
        return GRAPH + self.name

    @property
    def languages(self) -> list[str]:
        return list(self.texts)

    @property
    def titles(self) -> dict[str, str]:
        return dict(self.meta["title"])

    def title(self, language: str) -> str:
        """The title in a language, or in the first language that has one."""
        titles = self.titles
        return titles.get(language) or next(iter(titles.values()))

    def short_label(self, language: str) -> str:
        """How the labels of its provisions name it: its short label, else its symbol, else its title."""
        short = self.meta.get("short_label", {})
        return str(short.get(language) or self.meta.get("symbol") or self.title(language))

    def fail(self, problem: str, hint: str, line: int | None = None) -> InputError:
        return InputError(self.where, line, problem, hint)


def _load_toml(project: Project, path: Path) -> dict[str, Any]:
    where = project.rel(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(e))) else None
        raise InputError(where, line, f"malformed TOML: {e}", "fix the metadata file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(where, None, f"cannot read the file: {e}", "check that it exists and is UTF-8") from None


def _file(entry: Entry, name: object, key: str) -> Path:
    """A file named by the metadata, relative to the entry's folder (or to the project root when
    the name starts with data/), which must exist."""
    if not isinstance(name, str) or not name:
        raise entry.fail(f"{key} must name a file", f'write {key} = "file name"')
    path = entry.project.root / name if name.startswith("data/") else entry.folder / name
    if not path.is_file():
        raise InputError(
            entry.project.rel(path),
            None,
            f"the file named by {key} is missing",
            f"restore it, or correct {key} in {entry.where}",
        )
    return path


def _texts(entry: Entry) -> dict[str, Text]:
    declared = entry.meta.get("texts", {})
    if not isinstance(declared, dict) or not declared:
        raise entry.fail("no texts declared", 'add a [texts.<language>] table with file = "text.<language>.txt"')
    texts = {}
    for language, spec in declared.items():
        if not LANGUAGE.match(language) or not isinstance(spec, dict):
            raise entry.fail(
                f"[texts.{language}] is not a language table", "name it by an ISO 639-1 code, e.g. [texts.fr]"
            )
        path = _file(entry, spec.get("file"), f"texts.{language}.file")
        texts[language] = Text(language, path, spec.get("source"), spec.get("url"))
    return texts


CELL_FORMS = ("list", "nested")  # Python-style list literals; any other form is a separator


def _graph(entry: Entry, spec: dict[str, Any], key: str, default: str) -> str:
    graph = spec.get("graph", default)
    if graph != entry.name and graph not in FIXED_BY_NAME:
        raise entry.fail(
            f"{key}.graph {graph!r} is not a graph a table or rule may fill",
            f"leave it out, or use the entry's own ({entry.name}) or one of {', '.join(sorted(FIXED_BY_NAME))}",
        )
    return GRAPH + str(graph)


def _files(entry: Entry, spec: dict[str, Any], name: str, key: str) -> tuple[Path, ...]:
    """The files a key names: one file name or a list of them."""
    value = spec.get(name, [])
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        raise entry.fail(f"{key}.{name} must be a file name or a list of them", f'write {name} = ["file.rq"]')
    return tuple(_file(entry, n, f"{key}.{name}") for n in names)


def _cells(entry: Entry, spec: dict[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    cells = spec.get("cells", {})
    if not isinstance(cells, dict) or not all(isinstance(f, str) and f for f in cells.values()):
        raise entry.fail(
            f"{key}.cells must map column names to a form",
            'write [tables.cells] column = "list", "nested" or a separator such as "; "',
        )
    return tuple(sorted(cells.items()))


def _ranks(entry: Entry, spec: dict[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    ranks = spec.get("ranks", {})
    if not isinstance(ranks, dict) or not all(isinstance(c, str) and c for c in ranks.values()):
        raise entry.fail(f"{key}.ranks must map file names to a column", '[tables.ranks] "file.csv" = "column"')
    return tuple(sorted(ranks.items()))


def _tables(entry: Entry) -> list[Table]:
    declared = entry.meta.get("tables", [])
    if not isinstance(declared, list):
        raise entry.fail("tables must be a list of [[tables]]", "write [[tables]] file = ..., mapping = ...")
    tables = []
    for n, spec in enumerate(declared, start=1):
        key = f"tables[{n}]"
        if not isinstance(spec, dict):
            raise entry.fail(f"{key} is not a table", "write [[tables]] file = ..., mapping = ...")
        mappings = _files(entry, spec, "mapping", key)
        if not mappings:
            raise entry.fail(f"{key} has no mapping", 'write mapping = "file.rq" (a SPARQL CONSTRUCT), or a list')
        columns = spec.get("columns", [])
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise entry.fail(f"{key}.columns must be a list of column names", 'write columns = ["ID", "name"]')
        tables.append(
            Table(
                _file(entry, spec.get("file"), f"{key}.file"),
                mappings,
                _graph(entry, spec, key, entry.name),
                _files(entry, spec, "checks", key),
                _files(entry, spec, "lookups", key),
                _files(entry, spec, "reports", key),
                _files(entry, spec, "verify", key),
                _cells(entry, spec, key),
                tuple(columns),
                _ranks(entry, spec, key),
            )
        )
    return tables


def _rules(entry: Entry) -> list[Rule]:
    declared = entry.meta.get("rules", [])
    if not isinstance(declared, list) or not all(isinstance(spec, dict) for spec in declared):
        raise entry.fail("rules must be a list of [[rules]]", 'write [[rules]] file = "rule.rq"')
    return [
        Rule(_file(entry, spec.get("file"), f"rules[{n}].file"), _graph(entry, spec, f"rules[{n}]", "curation"))
        for n, spec in enumerate(declared, start=1)
    ]


def load(project: Project, folder: Path) -> Entry:
    """One entry of the registry, its metadata checked: a one-line error names the file and what to add."""
    meta = _load_toml(project, folder / DOCUMENT_METADATA)
    entry = Entry(project, folder, meta)
    kind = meta.get("kind")
    if kind not in KINDS:
        raise entry.fail(f"unknown kind {kind!r}", f"write kind = one of {', '.join(repr(k) for k in KINDS)}")
    for key in REQUIRED[kind]:
        if key not in meta:
            raise entry.fail(f"missing key {key!r}", f"add {key} = ... to the metadata file")
    if not str(meta["iri"]).startswith(BASE + "id/"):
        raise entry.fail(f"iri {meta['iri']!r} is outside {BASE}id/", "give the document's IRI, id/document/...")
    if not isinstance(meta["title"], dict) or not meta["title"]:
        raise entry.fail("title must be a table of titles by language", 'write [title] fr = "..."')
    if "date" in meta and not isinstance(meta["date"], date):
        raise entry.fail(f"date {meta['date']!r} is not a date", "write date = YYYY-MM-DD (no quotes)")
    if kind == "document":
        entry.texts = _texts(entry)
    elif "texts" in meta:
        raise entry.fail("a dataset has tables, not texts", 'write kind = "document", or remove [texts]')
    entry.tables = _tables(entry)
    entry.rules = _rules(entry)
    return entry


def entries(project: Project) -> list[Entry]:
    """Every registered document and dataset, in the order of their folders' names."""
    folders = project.document_folders()
    if not folders:
        raise InputError(
            "data",
            None,
            f"no document registered (no data/*/{DOCUMENT_METADATA})",
            "restore data/ from version control",
        )
    return [load(project, folder) for folder in folders]
