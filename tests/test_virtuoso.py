"""A second engine: `cybernorms publish` to Virtuoso open-source 7 (Debian's virtuoso-opensource),
started by this module on 127.0.0.1 in a temporary database, then every library query asked of
Virtuoso's /sparql endpoint and compared, row for row and term for term, with the local store.

Where the two engines answer differently, the difference is the documented one of
docs/second-engine.md and nothing else: KNOWN lists it per query, and the test fails if a listed
difference disappears or an unlisted one appears."""

from __future__ import annotations

import itertools
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from cybernorms.errors import UsageError
from cybernorms.layout import Project
from cybernorms.queries import Query, bind, execute, library

from conftest import ROOT, built_copy, canonical, cli, free_port, one_line_error

GRAPHS = Project.at(ROOT).graphs()  # the fixed graphs and one per registered document

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"
XSD = "http://www.w3.org/2001/XMLSchema#"
PASSWORD_ENV = "VIRTUOSO_DBA_PASSWORD"
INSTALL = "sudo apt-get install virtuoso-opensource (Debian/Ubuntu; .ci/run does it when missing)"

# The database of one test run: everything Virtuoso writes stays in `directory`. DirsAllowed keeps
# its file functions inside it; ResultSetMaxRows is raised so that no answer is cut short.
INI = """\
[Database]
DatabaseFile       = {directory}/virtuoso.db
ErrorLogFile       = {directory}/virtuoso.log
LockFile           = {directory}/virtuoso.lck
TransactionFile    = {directory}/virtuoso.trx
xa_persistent_file = {directory}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {directory}/virtuoso-temp.db
TransactionFile    = {directory}/virtuoso-temp.trx

[Parameters]
ServerPort         = {host}:{sql_port}
DisableUnixSocket  = 1
DirsAllowed        = {directory}
NumberOfBuffers    = 2000
MaxDirtyBuffers    = 1500

[HTTPServer]
ServerPort         = {host}:{http_port}
ServerRoot         = {directory}
ServerThreads      = 4

[SPARQL]
ResultSetMaxRows   = 1000000
"""


@contextmanager
def virtuoso(password: str) -> Iterator[str]:
    """A Virtuoso server on a fresh database in a temporary directory, its SQL and HTTP servers on
    free ports of 127.0.0.1 and the dba password set; yields its base URL; always stopped and its
    directory removed."""
    program, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if program is None or isql is None:
        pytest.fail(f"virtuoso-t or isql-vt is not installed: the second-engine test needs them; {INSTALL}")
    directory = Path(tempfile.mkdtemp(prefix="cybernorms-virtuoso-"))
    ini = directory / "virtuoso.ini"
    sql_port, http_port = free_port(), free_port()
    ini.write_text(INI.format(directory=directory, host=HOST, sql_port=sql_port, http_port=http_port))
    base = f"http://{HOST}:{http_port}"
    proc = subprocess.Popen(
        [program, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=5) as r:
                    r.read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                log = directory / "virtuoso.log"
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    pytest.fail(f"Virtuoso did not start on {base} (exit {proc.poll()}):\n{tail}")
                time.sleep(0.3)
        # a fresh database's dba password is "dba": set ours, through stdin (not the command line)
        isql_run = subprocess.run(
            [isql, f"{HOST}:{sql_port}", "dba", "dba"],
            check=False,
            input=f"USER_SET_PASSWORD('dba', '{password}');\n",
            text=True,
            capture_output=True,
            timeout=60,
        )
        if isql_run.returncode or "Error" in isql_run.stdout + isql_run.stderr:
            pytest.fail(f"isql-vt could not set the dba password: {isql_run.stdout}{isql_run.stderr}")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def endpoint(project, tmp_path_factory):
    """Virtuoso holding the built store, published through its authenticated Graph Store endpoint
    over what the private copy of the project had put there first (conftest.copy_project: its own
    five incidents and 143 supporters of the Paris Call, hence its own graph/eurepoc,
    graph/paris-call, graph/curation and graph/inferred; the other graphs as the real ones); yields
    (base URL, the output of the publish of the real store, the sizes of Virtuoso's graphs before it)."""
    password = secrets.token_hex(12)
    copy = built_copy(tmp_path_factory, "virtuoso")
    with virtuoso(password) as base, pytest.MonkeyPatch.context() as env:
        env.setenv(PASSWORD_ENV, password)
        code, _, err = publish(copy, base)
        assert code == 0, err
        before = {row["g"].value: int(row["n"].value) for row in ask_virtuoso(base, COUNT_GRAPHS)}
        code, out, err = publish(project, base)
        assert code == 0, err
        yield base, out, before


def publish(project, base: str, password_env: str = PASSWORD_ENV) -> tuple[int, str, str]:
    """The command docs/second-engine.md gives, run on the test build."""
    return cli(
        project,
        "publish",
        "--endpoint",
        f"{base}/sparql-graph-crud-auth",
        "--user",
        "dba",
        "--password-env",
        password_env,
        "--auth",
        "digest",
    )


# ------------------------------------------------------------------------------- the protocol


def ask_virtuoso(base: str, text: str, kind: str = "select"):
    """Send a query to Virtuoso's /sparql endpoint: the solutions (pyoxigraph terms), the boolean of
    an ASK, or the set of triples of a CONSTRUCT or DESCRIBE."""
    graph = kind in ("construct", "describe")
    request = urllib.request.Request(
        f"{base}/sparql",
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Accept": "application/n-triples" if graph else "application/sparql-results+xml"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            body = r.read()
    except urllib.error.HTTPError as e:
        raise AssertionError(f"Virtuoso refused the query: HTTP {e.code}: {e.read()[:600].decode()}") from None
    if graph:
        return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
    # Virtuoso labels a blank node of a result "nodeID://b123", which is no blank node label
    return ox.parse_query_results(body.replace(b"<bnode>nodeID://", b"<bnode>"), format=ox.QueryResultsFormat.XML)


def bound_text(query: Query, substitutions: dict) -> str:
    """The query text with the parameters the library checked and bound (queries.bind) written into
    it, for an endpoint that only takes text: one VALUES row at the end of the outermost WHERE group
    (its last closing brace: only solution modifiers follow it), joined with the whole group as
    Oxigraph's substitutions are, after any BIND of the same variable; a DESCRIBE without WHERE gets
    the term in place of its variable. The values are RDF terms already validated, in N-Triples form."""
    text = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    if not substitutions:
        return text
    if "}" not in text:
        assert query.kind == "describe", f"{query.name}: no WHERE to bind the parameters in"
        for variable, term in substitutions.items():
            text = re.sub(rf"\?{variable.value}\b", str(term), text)
        return text
    end = text.rindex("}")
    names = " ".join(f"?{v.value}" for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    return f"{text[:end]}  VALUES ({names}) {{ ({terms}) }}\n{text[end:]}"


# ------------------------------------------------------------------- what Virtuoso answers


def blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def test_publish_replaces_every_graph_term_for_term(project, store, endpoint):
    """After the copy's graphs, each graph holds the real store's statements and nothing else: PUT
    replaced the four graphs that differ and, for the five the two share, putting the same
    statements again doubled nothing."""
    base, out, before = endpoint
    assert out.splitlines()[-1] == f"published {len(GRAPHS)} graphs, {len(store):,} triples"
    smaller = set()  # the graphs the copy held fewer statements of
    for spec in GRAPHS:
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{spec.iri}> {{ ?s ?p ?o }} }}"
        remote = ask_virtuoso(base, text, "construct")
        local = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri))
        }
        assert len(remote) == len(local), spec.name
        # the same terms, and the same shapes around the blank nodes (OWL restrictions, link axioms):
        # the same canonical forms (RDFC-1.0)
        assert {t for t in remote if not blank(t)} == {t for t in local if not blank(t)}, spec.name
        assert canonical(t for t in remote if blank(t)) == canonical(t for t in local if blank(t)), spec.name
        assert 0 < before[spec.iri] <= len(local), spec.name
        if before[spec.iri] < len(local):
            smaller.add(spec.name)
    assert smaller == {"eurepoc", "paris-call", "curation", "inferred"}


def test_the_default_password_is_refused_in_one_line(project, endpoint, monkeypatch):
    """The fixture set a password of its own: the fresh database's "dba" no longer opens the door."""
    base, *_ = endpoint
    monkeypatch.setenv("WRONG_PASSWORD", "dba")
    code, _out, err = publish(project, base, "WRONG_PASSWORD")
    assert code == 2
    assert one_line_error(err).startswith(
        f"{base}/sparql-graph-crud-auth: publishing stopped at graph/ontology: HTTP 401 "
    )
    assert "(check --user and the password in $WRONG_PASSWORD); pushed: none;" in one_line_error(err)


# Virtuoso's own graphs, which its default graph (the union of every graph it holds) includes
VIRTUOSO_GRAPHS = {
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
}
COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_the_default_graph_is_every_graph_virtuoso_holds(store, endpoint):
    base, *_ = endpoint
    graphs = {row["g"].value: int(row["n"].value) for row in ask_virtuoso(base, COUNT_GRAPHS)}
    assert set(graphs) == {spec.iri for spec in GRAPHS} | VIRTUOSO_GRAPHS
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(ask_virtuoso(base, everything)))["n"].value) == sum(graphs.values())
    # FROM (or the protocol's default-graph-uri) makes the default graph the dataset's graphs only
    dataset = "".join(f"FROM <{spec.iri}> " for spec in GRAPHS)
    only = f"SELECT (COUNT(*) AS ?n) {dataset}WHERE {{ ?s ?p ?o }}"
    assert int(next(iter(ask_virtuoso(base, only)))["n"].value) == len(store)
    # and DESCRIBE then gives every triple about the entity, both ways (Virtuoso's DESCRIBE adds the triples that point at the entity)
    norm = ox.NamedNode("https://w3id.org/cybernorms/id/norm/13j")
    both_ways = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in [*store.quads_for_pattern(norm, None, None), *store.quads_for_pattern(None, None, norm)]
    }
    described = ask_virtuoso(base, f"DESCRIBE {norm} {dataset}", "describe")
    # the same terms; the blank nodes (the owl:Axiom notes of curated links) by the shape around them
    assert {t for t in described if not blank(t)} == {t for t in both_ways if not blank(t)}
    assert canonical(t for t in described if blank(t)) == canonical(t for t in both_ways if blank(t))


# ------------------------------------------------------------------ every library query

# every library query but the federated ones (their SERVICE needs Wikidata; tests/test_link.py)
LIBRARY = {name: q for name, q in library(Project.at(ROOT), checks=False).items() if not name.startswith("federated-")}


def example_params(query: Query) -> dict[str, str]:
    """The --param values of the query's `# example:` line."""
    words = shlex.split(query.example or "")
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words[:-1]) if word == "--param")


SAMPLE = re.compile(r"SAMPLE\((\?\w+)\)\s*AS\s*\?(\w+)", re.IGNORECASE)
CONCAT = re.compile(r'GROUP_CONCAT\s*\([^;]*;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.IGNORECASE)
ORDERED = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)

# The documented differences (docs/second-engine.md, "Where Virtuoso answers differently"), each a
# change that turns the local answer into Virtuoso's; "group-concat-order" compares the items of a
# GROUP_CONCAT whatever their order, and "order-of-ties" the rows that the outer ORDER BY does not
# tell apart whatever their order, since SPARQL leaves both to the engine.
CAUSES = (
    "group-concat-order",
    "group-concat-empty",
    "group-concat-language",
    "boolean-as-integer",
    "sample-choice",
    "order-of-ties",
)
KNOWN: dict[str, set[str]] = {
    "capacity-building-measures": {"group-concat-order"},
    "conclusions": {"group-concat-order"},
    "confidence-building-measures": {"group-concat-order"},
    "documents": {"group-concat-empty", "sample-choice"},
    "experts-by-state": {"group-concat-order"},
    "incidents-attributed-to-group": {"group-concat-order"},
    "incidents-by-year": {"group-concat-order", "group-concat-empty"},
    "incidents-received-and-attributed": {"group-concat-order"},
    "legal-views": {"group-concat-order", "group-concat-empty", "group-concat-language"},
    "members-supporting": {"boolean-as-integer"},
    "norm-wording-compared": {"group-concat-order"},
    "norms": {"group-concat-order"},
    "principles-breach-counts": {"group-concat-order"},
    "principles-without-norm": {"group-concat-order", "group-concat-empty"},
    "provision": {"group-concat-order", "group-concat-empty", "order-of-ties"},
    "risks": {"group-concat-order"},
    "state-incidents": {"boolean-as-integer"},
    "states": {"boolean-as-integer"},
}


def test_every_documented_difference_names_a_library_query():
    assert set(KNOWN) <= set(LIBRARY)
    assert set().union(*KNOWN.values()) == set(CAUSES)  # and every cause is seen somewhere


BLANK = ox.BlankNode("blank")


def solutions(result) -> tuple[list[str], list[tuple]]:
    """Variables and rows; a blank node's label is the engine's own, so every blank node of a row
    reads as one and the same (rows then differ only by their other cells)."""
    variables = [v.value for v in result.variables]
    return variables, [
        tuple(BLANK if isinstance(row[v], ox.BlankNode) else row[v] for v in variables) for row in result
    ]


def answer(result):
    """A query result as plain data: (variables, rows of terms), a bool, or a set of triples."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        return solutions(result)
    return {ox.Triple(t.subject, t.predicate, t.object) for t in result}


def _concat_cells(query: Query, variables: list[str], rows: list[tuple], change) -> list[tuple]:
    separators = {name: sep for sep, name in CONCAT.findall(query.text)}
    at = {i: separators[v] for i, v in enumerate(variables) if v in separators}
    return [tuple(change(cell, at[i]) if i in at else cell for i, cell in enumerate(row)) for row in rows]


def _plain(cell, separator):
    return ox.Literal(cell.value) if isinstance(cell, ox.Literal) and cell.language else cell


def _empty(cell, separator):
    return ox.Literal("") if cell is None else cell


def _items(cell, separator):
    return cell if cell is None else (sorted(cell.value.split(separator)), cell.datatype, cell.language)


def _integer(cell):
    if isinstance(cell, ox.Literal) and cell.datatype == ox.NamedNode(XSD + "boolean"):
        return ox.Literal("1" if cell.value == "true" else "0", datatype=ox.NamedNode(XSD + "integer"))
    return cell


class OneOf:
    """A SAMPLE cell: any one of the group's values (compared by their text)."""

    def __init__(self, values: set[str]) -> None:
        self.values = values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (ox.Literal, ox.NamedNode)) and other.value in self.values

    def __hash__(self) -> int:
        return hash(frozenset(self.values))

    def __repr__(self) -> str:
        return f"one of {sorted(self.values)}"


def _samples(query: Query, local, substitutions: dict, store: ox.Store):
    """The local rows with each SAMPLE cell widened to every value of its group: the query run
    again with SAMPLE(?x) as a GROUP_CONCAT of the group's distinct values (same groups, same order)."""
    variables, rows = local
    if not SAMPLE.search(query.text):
        return local
    text = SAMPLE.sub(r'GROUP_CONCAT(DISTINCT STR(\1); separator="\\n") AS ?\2', query.text)
    every_variables, every = solutions(execute(store, text, substitutions))
    columns = {variables.index(name) for _, name in SAMPLE.findall(query.text)}
    assert every_variables == variables and len(every) == len(rows)
    widened = []
    for row, all_values in zip(rows, every, strict=True):
        assert [c for i, c in enumerate(row) if i not in columns] == [
            c for i, c in enumerate(all_values) if i not in columns
        ], "the groups of the SAMPLE query and of its widened copy do not line up"
        widened.append(
            tuple(
                OneOf(set(all_values[i].value.split("\n"))) if i in columns and cell is not None else cell
                for i, cell in enumerate(row)
            )
        )
    return variables, widened


WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _sort_keys(clause: str) -> list[str]:
    """The expressions of an ORDER BY clause, each without its ASC()/DESC(): the clause split at the
    spaces outside parentheses."""
    keys, depth, key = [], 0, ""
    for char in clause + " ":
        depth += (char == "(") - (char == ")")
        if char.isspace() and depth == 0:
            keys += [key] if key else []
            key = ""
        else:
            key += char
    return [re.sub(r"^(?:ASC|DESC)\((.*)\)$", r"\1", key, flags=re.IGNORECASE | re.DOTALL) for key in keys]


def _ties(query: Query, local, substitutions: dict, store: ox.Store) -> list[int] | None:
    """The lengths of the runs of consecutive local rows that are equal in every key of the outer
    ORDER BY (None for a query without one): the query run again with its sort keys projected after
    its own columns (before its outer WHERE)."""
    variables, rows = local
    text = bound_text(query, {})
    tail = text[text.rfind("}") :]
    order = ORDERED.search(tail)
    if order is None:
        return None
    keys = _sort_keys(tail[order.end() :].strip())
    projected = " ".join(f"({key} AS ?tie_key_{i})" for i, key in enumerate(keys))
    keyed_text = WHERE.sub(lambda m: f"{projected} {m.group(0)}", query.text, count=1)
    try:
        keyed_variables, keyed = solutions(execute(store, keyed_text, substitutions))
    except UsageError:  # a key SPARQL does not let the SELECT project (grouped queries): no ties known,
        return None  # so the rows are compared in their full order, as without this cause
    width = len(variables)
    assert keyed_variables[:width] == variables and [row[:width] for row in keyed] == rows, (
        f"{query.name}: the rows of the query and of its copy with the sort keys do not line up"
    )
    return [len(list(run)) for _, run in itertools.groupby(row[width:] for row in keyed)]


def expected(query: Query, local, causes: set[str], store: ox.Store, substitutions: dict):
    """What Virtuoso should answer, from the local answer and the documented differences: a bool, a
    set of triples, or (variables, rows, the lengths of the runs of rows tied in the ORDER BY when
    their order is the engine's, else None)."""
    if isinstance(local, bool):
        return local
    if isinstance(local, set):
        return local
    ties = _ties(query, local, substitutions, store) if "order-of-ties" in causes else None
    variables, rows = _samples(query, local, substitutions, store) if "sample-choice" in causes else local
    if "group-concat-empty" in causes:
        rows = _concat_cells(query, variables, rows, _empty)
    if "group-concat-language" in causes:
        rows = _concat_cells(query, variables, rows, _plain)
    if "boolean-as-integer" in causes:
        rows = [tuple(_integer(cell) for cell in row) for row in rows]
    return variables, rows, ties


def _same_rows(rows: list[tuple], got_rows: list[tuple]) -> bool:
    """The same rows in any order: each expected row takes one equal row."""
    unmatched = list(got_rows)
    for row in rows:
        match = next((i for i, got_row in enumerate(unmatched) if row == got_row), None)
        if match is None:
            return False
        del unmatched[match]
    return not unmatched


def same(query: Query, want, got, causes: set[str]) -> bool:
    if isinstance(want, (bool, set)):
        return want == got
    (variables, rows, ties), (got_variables, got_rows) = want, got
    if variables != got_variables or len(rows) != len(got_rows):
        return False
    if "group-concat-order" in causes:
        rows = _concat_cells(query, variables, rows, _items)
        got_rows = _concat_cells(query, variables, got_rows, _items)
    text = bound_text(query, {})
    if not ORDERED.search(text[text.rfind("}") :]):  # the outer query's ORDER BY, not a subquery's
        return _same_rows(rows, got_rows)
    if ties is None:
        return rows == got_rows
    starts = list(itertools.accumulate(ties, initial=0))  # each run of tied rows in its place, in any order
    return all(_same_rows(rows[i:j], got_rows[i:j]) for i, j in itertools.pairwise(starts))


def explain(query: Query, local, remote, store: ox.Store, substitutions: dict) -> set[str] | None:
    """The smallest set of documented differences that accounts for Virtuoso's answer, or None."""
    for size in range(len(CAUSES) + 1):
        for causes in itertools.combinations(CAUSES, size):
            if same(query, expected(query, local, set(causes), store, substitutions), remote, set(causes)):
                return set(causes)
    return None


def show(local, remote) -> str:
    if isinstance(local, tuple):
        local, remote = Counter(local[1]), Counter(remote[1])
        only_local, only_remote = local - remote, remote - local
    else:
        only_local, only_remote = local - remote, remote - local
    lines = [f"- {x}" for x in list(only_local)[:5]] + [f"+ {x}" for x in list(only_remote)[:5]]
    return "\n".join(lines) or "(the same rows in another order)"


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_library_query_answers_the_same_on_virtuoso(name, store, endpoint):
    base, *_ = endpoint
    query = LIBRARY[name]
    found: set[str] = set()
    for params in [{}, example_params(query)] if example_params(query) else [{}]:
        substitutions = bind(query, params, store)
        local = answer(execute(store, query.text, substitutions))
        remote = answer(ask_virtuoso(base, bound_text(query, substitutions), query.kind))
        causes = explain(query, local, remote, store, substitutions)
        assert causes is not None, (
            f"{name} {params}: Virtuoso answers otherwise, for no documented reason:\n{show(local, remote)}"
        )
        found |= causes
    assert found == KNOWN.get(name, set())


# ------------------------------------------------------------------------------ the docs

DOCS = (ROOT / "docs/second-engine.md").read_text(encoding="utf-8")


def test_the_docs_give_the_configuration_and_the_commands_the_test_uses():
    ini = re.search(r"```ini\n(.*?)```", DOCS, re.DOTALL)
    assert ini is not None
    assert ini.group(1) == INI.format(directory="/srv/cybernorms-virtuoso", host=HOST, sql_port=1111, http_port=8890)
    assert "cybernorms publish --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --auth digest" in DOCS
    assert "USER_SET_PASSWORD('dba', " in DOCS and "isql-vt 127.0.0.1:1111 dba dba" in DOCS


def test_the_docs_list_the_differences_the_test_asserts():
    table = DOCS[DOCS.index("## Where Virtuoso answers differently") :]
    listed = {}
    for cause, queries in re.findall(r"^\| \*\*([\w-]+)\*\*.*?\| (`[^|]*`) \|", table, re.MULTILINE):
        listed[cause] = set(re.findall(r"`([\w-]+)`", queries))
    assert listed == {cause: {name for name, causes in KNOWN.items() if cause in causes} for cause in CAUSES}
    same = DOCS[DOCS.index("## The same answers") : DOCS.index("## Rewritten")]
    named = set(re.findall(r"`([\w-]+)`", same.split("answer the same, row for row and term for term:")[1]))
    assert named - {"documents"} == set(LIBRARY) - set(KNOWN)
