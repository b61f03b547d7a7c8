"""The SPARQL query library: competency questions in queries/*.rq, and how to run them safely.

Each .rq file starts with a header of comment lines:

    # title: Norms and the resolutions they cite
    # description: For each norm, the resolutions its provisions cite, ...
    # param: norm (norm, default 13e): the norm, by its notation, e.g. 13(e) or 13e
    # example: cybernorms query norm-citations --param norm=13(g)

Parameters are typed. Each value is checked (an unknown state code or norm notation is an error
that lists what is accepted) and bound to the query variable of the same name through pyoxigraph
substitutions, never pasted into the query text, so hostile input is only ever data. A parameter
left out and without default stays a free variable: the query answers for all values. Oxigraph
substitutes only variables a SELECT projects, so a parameter is always one of the result columns.

The library is parsed once per process and read again only when a file of queries/ changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pyoxigraph as ox

from . import guard, worker
from .errors import ServiceError, UsageError, shown
from .layout import CHECK_PREFIX, ID, PREFIXES, QUERIES_DIR, Project

XSD = PREFIXES["xsd"]
HEADER = re.compile(r"^#\s*(title|description|param|example|hint)\s*:\s*(.*)$")
PARAM = re.compile(r"^(\w+)\s*\((\w+)(?:\s*,\s*default\s+(.+?))?\)\s*:\s*(.+)$")
KINDS = ("select", "construct", "ask", "describe")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Convert = Callable[[str, ox.Store, "Param"], Term]


class Param(NamedTuple):
    name: str
    type: str
    default: str | None
    description: str


class Query(NamedTuple):
    name: str
    path: Path
    title: str
    description: str
    text: str
    params: list[Param]
    example: str | None = None
    hint: str | None = None

    @property
    def kind(self) -> str:
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
        word = body.split(None, 1)[0].lower() if body.strip() else ""
        return word if word in KINDS else "select"

    @property
    def is_check(self) -> bool:
        return self.name.startswith(CHECK_PREFIX)


def load_query(path: Path, library: bool = True) -> Query:
    """Read a .rq file and its header. A library query must have a title; a user's own file need not."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as e:
        raise UsageError(str(path), None, f"cannot read the query: {e.strerror}", "check the path") from None
    except UnicodeDecodeError as e:
        raise UsageError(
            str(path),
            raw.count(b"\n", 0, e.start) + 1,
            f"the query is not UTF-8 text (byte 0x{raw[e.start]:02x})",
            "save the file as UTF-8",
        ) from None
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        m = HEADER.match(line)
        if not m:
            if fields.get("description") and line.strip() != "#":  # continuation of the description
                fields["description"].append(line.lstrip("# ").strip())
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            pm = PARAM.match(value)
            if not pm:
                raise UsageError(
                    str(path),
                    number,
                    f"malformed parameter declaration {shown(value)}",
                    "write: # param: name (type, default VALUE): description",
                )
            if pm.group(2) not in PARAM_TYPES:
                raise UsageError(
                    str(path),
                    number,
                    f"unknown parameter type {shown(pm.group(2))}",
                    f"use one of {', '.join(sorted(PARAM_TYPES))}",
                )
            params.append(Param(pm.group(1), pm.group(2), pm.group(3), pm.group(4)))
        else:
            fields.setdefault(key, []).append(value)
    if "title" not in fields:
        if library:
            raise UsageError(str(path), 1, "the query has no '# title:' header", "start the file with # title: ...")
        fields["title"] = [path.stem]
    return Query(
        path.stem,
        path,
        fields["title"][0],
        " ".join(fields.get("description", [])),
        text,
        params,
        next(iter(fields.get("example", [])), None),
        next(iter(fields.get("hint", [])), None),
    )


class _Library(NamedTuple):
    files: dict[str, tuple[int, int]]  # modification time and size of each .rq file, by file name
    queries: dict[str, Query]
    broken: dict[str, UsageError]  # the files that are not valid queries, by name, with their error


_LIBRARY: dict[Path, _Library] = {}
_ONE: dict[str, tuple[tuple[int, int], Query | UsageError]] = {}  # by file: its stamp, its query or error


def _read(project: Project, path: Path) -> Query | UsageError:
    """The query of one file of queries/, or the error that says why it is not one (named as the
    other input files are, from the project's root)."""
    try:
        return load_query(path)
    except UsageError as e:
        return UsageError(project.rel(path), e.line, e.problem, e.hint)


def _library(project: Project) -> _Library:
    """The library, parsed once per process and read again only when a file of queries/ changes
    (its name, size or modification time). A file that cannot be read as a query is set aside
    with its error: it does not stop the others."""
    folder = project.root / QUERIES_DIR
    stats = []
    if folder.is_dir():
        with os.scandir(folder) as entries:
            stats = [(e.name, e.stat()) for e in entries if e.name.endswith(".rq")]
    files = {name: (st.st_mtime_ns, st.st_size) for name, st in sorted(stats)}
    cached = _LIBRARY.get(folder)
    if cached is None or cached.files != files:
        cached = _Library(files, {}, {})
        for name in files:
            query = _read(project, folder / name)
            if isinstance(query, UsageError):
                cached.broken[Path(name).stem] = query
            else:
                cached.queries[query.name] = query
        _LIBRARY[folder] = cached
    return cached


def _library_query(project: Project, name: str) -> Query:
    """The library query `name`, when it is about to run: only its own file is looked at (one stat
    call, and a read when it changed), never the whole library, so that running a query costs
    little more than the engine's work, in a fresh process as in a long-running one. The same
    queries and the same errors as `library` and `broken` give."""
    path = os.path.join(project.root, QUERIES_DIR, f"{name}.rq")
    try:  # a name with a slash is not that of a file of queries/
        st = os.stat(path) if name and os.sep not in name else None
    except (OSError, ValueError):  # no such file, or a name that is no file name
        st = None
    if st is None:
        raise UsageError(
            None,
            None,
            f"no query named {shown(name)}",
            "run `cybernorms queries` to list them, or give a path to a .rq file",
        )
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _ONE.get(path)
    if cached is None or cached[0] != stamp:
        cached = _ONE[path] = (stamp, _read(project, Path(path)))
    if isinstance(cached[1], UsageError):
        raise cached[1]
    return cached[1]


def library(project: Project, checks: bool = True) -> dict[str, Query]:
    """The library queries by name (those of queries/ that can be read as queries)."""
    return {name: q for name, q in _library(project).queries.items() if checks or not q.is_check}


def broken(project: Project) -> list[UsageError]:
    """The errors of the files of queries/ that are not valid queries, one per file."""
    return list(_library(project).broken.values())


# ------------------------------------------------------------------------------ parameters


def _ask(store: ox.Store, query: str, **bindings: Term) -> bool:
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    return bool(store.query(query, use_default_graph_as_union=True, substitutions=subs))


def _accepted(store: ox.Store, query: str) -> str:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    values = sorted({str(r[0].value) for r in solutions if r[0] is not None})
    return ", ".join(values)


def _entity(kind: str, make_iri: Callable[[str], str | None], exists: str, listing: str) -> Convert:
    def convert(value: str, store: ox.Store, param: Param) -> Term:
        iri = make_iri(value)
        if iri is None or not _ask(store, exists, x=ox.NamedNode(iri)):
            raise UsageError(
                None,
                None,
                f"unknown {kind} {shown(value)} for parameter {param.name}",
                f"accepted: {_accepted(store, listing)}",
            )
        return ox.NamedNode(iri)

    return convert


def _norm_iri(value: str) -> str | None:
    m = re.fullmatch(r"\s*(\d+)\s*\(?([a-z])\)?\s*", value)
    return f"{ID}norm/{m.group(1)}{m.group(2)}" if m else None


def _slug_iri(prefix: str) -> Callable[[str], str | None]:
    return lambda value: f"{ID}{prefix}/{value}" if re.fullmatch(r"[a-z0-9-]+", value) else None


def _string(value: str, store: ox.Store, param: Param) -> Term:
    return ox.Literal(value)


def _integer(value: str, store: ox.Store, param: Param) -> Term:
    if not re.fullmatch(r"-?\d+", value.strip()):
        raise UsageError(
            None, None, f"parameter {param.name} must be an integer, not {shown(value)}", "give a whole number, e.g. 3"
        )
    return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + "integer"))


def _lang(value: str, store: ox.Store, param: Param) -> Term:
    if value not in ("fr", "en"):
        raise UsageError(None, None, f"unknown language {shown(value)} for parameter {param.name}", "accepted: en, fr")
    return ox.Literal(value)


def _document(value: str, store: ox.Store, param: Param) -> Term:
    """A document the graph describes, by its official symbol (dcterms:identifier) or by the last
    segment of its IRI (id/document/{segment}), for a document without a symbol."""
    q = "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?d ?s WHERE { ?d dcterms:identifier ?s }"
    solutions = store.query(q, use_default_graph_as_union=True, substitutions={ox.Variable("s"): ox.Literal(value)})
    assert isinstance(solutions, ox.QuerySolutions)
    rows = list(solutions)
    docs = [r["d"] for r in rows if isinstance(r["d"], ox.NamedNode) and r["d"].value.startswith(ID + "document/")]
    iri = f"{ID}document/{value}"
    if not docs and re.fullmatch(r"[A-Za-z0-9-]+", value) and _ask(store, "ASK { ?x a ?c }", x=ox.NamedNode(iri)):
        docs = [ox.NamedNode(iri)]
    if not docs:
        raise UsageError(
            None,
            None,
            f"unknown document {shown(value)} for parameter {param.name}",
            "accepted: a symbol ("
            + _accepted(
                store,
                "PREFIX dcterms: <http://purl.org/dc/terms/> "
                "SELECT ?s WHERE { ?d dcterms:identifier ?s "
                f"FILTER(STRSTARTS(STR(?d), '{ID}document/')) }}",
            )
            + ") or the last part of the IRI of a document held as text ("
            + _accepted(
                store,
                "PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
                f"SELECT ?s WHERE {{ ?d cno:hasExpression ?e BIND(STRAFTER(STR(?d), '{ID}document/') AS ?s) }}",
            )
            + ")",
        )
    return docs[0]


def _iri(value: str, store: ox.Store, param: Param) -> Term:
    """An absolute http(s) IRI, e.g. the SPARQL endpoint a federated query sends its SERVICE part to."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"[\s<>\"{}|\\^`]", value.strip()):
        raise UsageError(
            None,
            None,
            f"parameter {param.name} must be an absolute http(s) IRI, not {shown(value)}",
            "give e.g. https://query.wikidata.org/sparql",
        )
    try:
        return ox.NamedNode(value.strip())
    except ValueError as e:
        raise UsageError(
            None, None, f"parameter {param.name} is not a valid IRI: {e}", "give e.g. https://query.wikidata.org/sparql"
        ) from None


def _entity_iri(value: str, store: ox.Store, param: Param) -> Term:
    """An IRI the graph says something about (as subject or object): an entity to describe."""
    iri = _iri(value, store, param)
    if not _ask(store, "ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }", x=iri):
        raise UsageError(
            None,
            None,
            f"no such entity {shown(value)} in the graph (parameter {param.name})",
            "give the full IRI of an entity the graph describes, e.g. https://w3id.org/cybernorms/id/norm/13j",
        )
    return iri


def _notation(value: str, store: ox.Store, param: Param) -> Term:
    q = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
        "ASK { ?p a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* cno:Provision ; skos:notation ?x }"
    )
    if not _ask(store, q, x=ox.Literal(value)):
        raise UsageError(
            None,
            None,
            f"unknown provision notation {shown(value)} for parameter {param.name}",
            "accepted: notations as printed, e.g. 13(g), 16(d)(iv), 28, or a norm statement's number, e.g. 7",
        )
    return ox.Literal(value)


PARAM_TYPES: dict[str, Convert] = {
    "string": _string,
    "integer": _integer,
    "lang": _lang,
    "iri": _iri,
    "entity": _entity_iri,
    "notation": _notation,
    "document": _document,
    "state": _entity(
        "state code",
        lambda v: f"{ID}state/{v}" if re.fullmatch(r"[A-Z]{3}", v) else None,
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:State }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?c WHERE { ?s a cno:State ; dcterms:identifier ?c }",
    ),
    "norm": _entity(
        "norm",
        _norm_iri,
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:Norm }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?n WHERE { ?x a cno:Norm ; skos:notation ?n }",
    ),
    "element": _entity(
        "norm or principle of action",
        lambda v: _norm_iri(v) or _slug_iri("principle-of-action")(v),
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { { ?x a cno:Norm } UNION { ?x a cno:Principle } }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?t WHERE { { ?x a cno:Norm ; skos:notation ?t } "
        "UNION { ?x a cno:Principle BIND(STRAFTER(STR(?x), '/principle-of-action/') AS ?t) } }",
    ),
    "principle": _entity(
        "principle",
        _slug_iri("principle"),
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:LegalPrinciple }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
        "SELECT ?t WHERE { ?x a cno:LegalPrinciple BIND(STRAFTER(STR(?x), '/principle/') AS ?t) }",
    ),
    "topic": _entity(
        "topic",
        _slug_iri("topic"),
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:Topic }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
        "SELECT ?t WHERE { ?x a cno:Topic BIND(STRAFTER(STR(?x), '/topic/') AS ?t) }",
    ),
    "group": _entity(
        "group",
        _slug_iri("org"),
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:Group }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
        "SELECT ?t WHERE { ?x a cno:Group BIND(STRAFTER(STR(?x), '/org/') AS ?t) }",
    ),
    "scope": _entity(
        "practice scope",
        _slug_iri("scope"),
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:PracticeScope }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
        "SELECT ?t WHERE { ?x a cno:PracticeScope BIND(STRAFTER(STR(?x), '/scope/') AS ?t) }",
    ),
    "modality": _entity(
        "modality",
        _slug_iri("modality"),
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> ASK { ?x a cno:DeonticModality }",
        "PREFIX cno: <https://w3id.org/cybernorms/ontology#> "
        "SELECT ?t WHERE { ?x a cno:DeonticModality BIND(STRAFTER(STR(?x), '/modality/') AS ?t) }",
    ),
}


def bind(query: Query, given: Mapping[str, str], store: ox.Store) -> dict[ox.Variable, Term]:
    """Check and convert the given parameter values; returns the substitutions for the query."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        accepted = ", ".join(f"{p.name} ({p.type})" for p in query.params) or "none"
        raise UsageError(f"query {query.name}", None, f"unknown parameter {shown(unknown[0])}", f"accepted: {accepted}")
    subs: dict[ox.Variable, Term] = {}
    shared = _CHECKED.get(id(store))
    checked = shared[1] if shared is not None and shared[0] is store else None
    for p in query.params:
        value = given.get(p.name, p.default)
        if value is None or value == "":
            continue
        term = checked.get((p.type, str(value))) if checked is not None else None
        if term is None:
            try:
                term = PARAM_TYPES[p.type](str(value), store, p)
            except UsageError as e:
                raise UsageError(e.where or f"query {query.name}", e.line, e.problem, e.hint) from None
            if checked is not None:
                if len(checked) >= 4096:  # values without end (a service's callers): start afresh
                    checked.clear()
                checked[(p.type, str(value))] = term
        subs[ox.Variable(p.name)] = term
    return subs


# --------------------------------------------------------------------------------- running


def open_store(project: Project) -> ox.Store:
    from .store import open_current

    return open_current(project)


_STORES: dict[str, ox.Store] = {}  # by the real path of the store's directory
# for each of those stores (by id, beside the store itself), the parameter values already checked
# against it, with their terms: a read-only store gives the same answer every time, and a rebuild
# is another store
_CHECKED: dict[int, tuple[ox.Store, dict[tuple[str, str], Term]]] = {}
# by build/store and the directory it leads to (device, inode, and the time it was made or last
# changed: an inode number freed by a removed store and given to a new one is told apart)
_SEEN: dict[tuple[str, int, int, int], ox.Store] = {}


def shared_store(project: Project) -> ox.Store:
    """A read-only store opened once per built store directory (a rebuild swaps in a new one).

    build/store is looked at on every call, with one system call (the directory it leads to: its
    device, inode and change time), so that the next query after a rebuild reads the new store; its
    real path is worked out only when that changes."""
    link = os.fspath(project.store)
    try:
        st = os.stat(link)
        seen = (link, st.st_dev, st.st_ino, st.st_ctime_ns)
    except OSError:  # no store built yet, or a link that leads nowhere: the error below says so
        seen = None
    store = _SEEN.get(seen) if seen else None
    if store is None:
        key = str(project.store.resolve()) if project.store.exists() else ""
        if key not in _STORES:
            _STORES[key] = open_store(project)
            _CHECKED[id(_STORES[key])] = (_STORES[key], {})
        store = _STORES[key]
        if seen:
            _SEEN[seen] = store
    return store


def execute(
    store: ox.Store,
    text: str,
    substitutions: dict[ox.Variable, Term] | None = None,
    where: str | None = None,
    allow_service: Iterable[str] = (),
) -> Result:
    guard.check(text, allow_service=allow_service, substitutions=substitutions, where=where)
    try:
        result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
        if isinstance(result, ox.QuerySolutions) and "SERVICE" in text.upper():
            # a federated query reaches its endpoint only when its rows are read: read them here,
            # so that an unreachable endpoint is one clear error rather than a failure mid-output
            data = result.serialize(format=ox.QueryResultsFormat.JSON)
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return result
    except OSError as e:  # a SERVICE endpoint that cannot be reached or answers badly
        raise ServiceError(
            where,
            None,
            f"the SERVICE endpoint failed: {e}",
            "check the endpoint URL (--param endpoint=...) and the network",
        ) from None
    except SyntaxError as e:
        raise UsageError(where, None, f"SPARQL syntax error: {e}", "fix the query text") from None
    except RuntimeError as e:  # e.g. a parameter variable that the SELECT does not project
        raise UsageError(
            where,
            None,
            f"the query cannot run: {e}",
            "a parameter must be a variable the SELECT projects (not only inside a subquery)",
        ) from None


def _decimal(value: str) -> object:
    from decimal import Decimal  # here: the command line's start-up does not pay for it

    return Decimal(value)


def _date(value: str) -> object:
    from datetime import date

    return date.fromisoformat(value)


# the Python value of a literal of each of these datatypes (any other: its lexical form, a str),
# by the datatype as a term: looking the term up is cheaper than reading its IRI first
_BY_DATATYPE: dict[str, Callable[[str], object]] = {
    **dict.fromkeys(("integer", "int", "long", "nonNegativeInteger"), int),
    "decimal": _decimal,
    "double": float,
    "float": float,
    "boolean": lambda value: value == "true",
    "date": _date,
}
_CONVERT = {ox.NamedNode(XSD + datatype): convert for datatype, convert in _BY_DATATYPE.items()}


def to_python(term: object) -> object:
    """An RDF term as a plain Python value: IRIs as str, typed literals as int, Decimal, date, bool...
    (The commonest kinds are told by their exact type first: this runs for every term of every row.)"""
    if type(term) is ox.NamedNode:
        return term.value
    if isinstance(term, ox.Literal):
        value: str = term.value
        convert = _CONVERT.get(term.datatype)
        if convert is None:
            return value
        try:
            return convert(value)
        except ValueError:  # an ill-typed literal ("abc"^^xsd:integer) stays as written
            return value
    if term is None:
        return None
    return term.value if hasattr(term, "value") else str(term)


def rows_as_dicts(solutions: ox.QuerySolutions) -> list[dict[str, object]]:
    """Each solution as a dictionary of Python values by variable name (a solution's terms come in
    the order of its variables; reading them in that order is ten times faster than by name)."""
    variables = [v.value for v in solutions.variables]
    return [dict(zip(variables, map(to_python, s), strict=True)) for s in solutions]


def is_adhoc(name_or_path: str | None, text: str | None) -> bool:
    """Whether the query is the user's own text or file (run isolated), not one of the library's."""
    if text is not None:
        return True
    if ".rq" not in (name_or_path or ""):  # a library query's name: no path to parse
        return False
    path = Path(name_or_path or "")
    return path.suffix == ".rq" and path.is_file()


def run(
    project: Project,
    name_or_path: str | None,
    params: dict[str, str] | None = None,
    store: ox.Store | None = None,
    text: str | None = None,
    allow_service: Iterable[str] = (),
    timeout: float | None = None,
) -> Result | list[ox.Triple]:
    """Run a library query by name, a .rq file, or raw text; returns the pyoxigraph result.
    `allow_service` adds SERVICE endpoints to the allow-list (see guard.py).

    A library query runs here, lazily: the caller reads it within its own time limit (worker.in_thread).
    The user's own text or file runs in a child process (worker.in_child), stopped at `timeout`
    seconds, so that a runaway or an engine crash cannot take the caller down; its result comes back
    whole."""
    store = store or shared_store(project)
    if text is not None or is_adhoc(name_or_path, None):
        query = Query("--text", Path("--text"), "--text", "", text, []) if text is not None else None
        if query is None:
            query = load_query(Path(name_or_path or ""), library=False)
        substitutions = bind(query, params or {}, store) if text is None else None
        where = None if text is not None else str(query.path)
        guard.check(query.text, allow_service=allow_service, substitutions=substitutions, where=where)
        return worker.in_child(str(project.built_store().resolve()), query.text, substitutions, timeout, where)
    query = _library_query(project, name_or_path or "")
    return execute(store, query.text, bind(query, params or {}, store), str(query.path), allow_service)


def as_python(
    name: str,
    root: str | os.PathLike[str] | None,
    build: str | os.PathLike[str] | None,
    allow_service: Sequence[str],
    timeout: float | None,
    params: Mapping[str, object],
) -> bool | list[tuple[object, object, object]] | list[dict[str, object]]:
    """The body of `cybernorms.query`: library query `name` run in a thread (worker.in_thread: its
    time limit, Ctrl-C), its answer as Python values. Here rather than in the package's
    __init__.py, so that a call imports one name, not the four modules it uses."""
    project = Project.at(root, build)
    given = {k: str(v) for k, v in params.items()}

    def answer() -> bool | list[tuple[object, object, object]] | list[dict[str, object]]:
        result = run(project, name, given, store=shared_store(project), allow_service=allow_service)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, (ox.QueryTriples, list)):
            return [(to_python(t.subject), to_python(t.predicate), to_python(t.object)) for t in result]
        return rows_as_dicts(result)

    return worker.in_thread(answer, worker.check_timeout(timeout), name)
