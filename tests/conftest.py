"""Shared fixtures: one build (and one export) of the real project per test run, in a temporary
directory that the parallel workers share, and helpers to ask it SPARQL questions with plain Python
answers."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from filelock import FileLock

from cybernorms import registry
from cybernorms import store as store_stage
from cybernorms.build import build
from cybernorms.export import export
from cybernorms.layout import Project
from cybernorms.parse import Dataset, parse
from cybernorms.queries import to_python

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/cybernorms/id/"
PREFIXES = """
PREFIX cno: <https://w3id.org/cybernorms/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files that hold slow tests first, each file's tests in their own order: pytest-xdist
    (`make test`: --dist loadfile --no-loadscope-reorder) hands out whole files in this order, so
    the workers take up the long files at the start instead of ending with one running alone."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


def shared_dir(tmp_path_factory) -> Path:
    """A temporary directory of this test run that every pytest-xdist worker sees (the parent of
    the workers' own), or the session's own one when the tests run in one process."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def project(request, tmp_path_factory) -> Project:
    """The real project, built once per test run into a temporary build directory: the first
    worker to get here builds it, the others wait for it (a file lock), then find it current.
    Tests read it; none may change it (a test that changes the inputs works on copy_project).

    When a test of the run reads the exports (`dist`), the worker that builds also exports, at
    once: left to the first test that asked, the export (about 15 s) kept the other worker
    waiting for it whenever two files that read it came up together."""
    shared = shared_dir(tmp_path_factory)
    p = Project.at(ROOT, shared / "build", shared / "dist")
    with FileLock(shared / "build.lock"):
        if not store_stage.is_current(p, store_stage.fingerprint(p)):
            build(p, log=lambda msg: None)
        if any("dist" in item.fixturenames for item in request.session.items):
            exported(p, shared)
    return p


def exported(project: Project, shared: Path) -> None:
    """Write the exports of the real project unless this run has written them."""
    done = shared / "exported"
    with FileLock(shared / "export.lock"):
        if not done.exists():
            export(project)
            done.touch()


@pytest.fixture(scope="session")
def dist(project, tmp_path_factory) -> Path:
    """The exports of the real project (dist/, the site in it), written once per test run, for
    the tests that read them."""
    exported(project, shared_dir(tmp_path_factory))
    return project.dist


@pytest.fixture(scope="session")
def parsed_data(tmp_path_factory) -> Dataset:
    """The real data as the parse stage gives it (neither validated nor reasoned), with a build
    directory of this worker's own (for the verdicts of HermiT): read it, or copy it (real_data)
    to add to it. Parsed once per test run: the first worker to ask parses and leaves the quads
    (N-Quads, blank nodes with their labels) and the tables' reports in the directory the workers
    share; the others read them back, the same dataset."""
    shared = shared_dir(tmp_path_factory)
    project = Project.at(ROOT, tmp_path_factory.mktemp("parsed-build"))
    quads, reports = shared / "parsed.nq", shared / "parsed-reports.json"
    with FileLock(shared / "parsed.lock"):
        if not reports.exists():
            dataset = parse(project)
            dataset.store.dump(str(quads), ox.RdfFormat.N_QUADS)
            reports.write_text(json.dumps(dataset.reports), encoding="utf-8")
            return dataset
    store = ox.Store()  # read with ox.parse, which keeps the labels (a store's loader renames them)
    store.bulk_extend(ox.parse(path=str(quads), format=ox.RdfFormat.N_QUADS))
    return Dataset(project, store, registry.entries(project), json.loads(reports.read_text(encoding="utf-8")))


@pytest.fixture
def real_data(parsed_data) -> Dataset:
    """A fresh copy of the parsed real data, for a test that adds to it or reasons over it."""
    copy = ox.Store()
    copy.bulk_extend(parsed_data.store)
    return dataclasses.replace(parsed_data, store=copy)


@pytest.fixture(scope="session")
def store(project) -> ox.Store:
    return ox.Store.read_only(str(project.store))


@pytest.fixture(scope="session")
def sparql(store):
    """sparql(query) -> list of tuples of Python values (IRIs as strings), over the union of graphs.
    The common prefixes are declared; `id:` stands for the data namespace."""

    def ask(query: str, **bindings):
        text = PREFIXES + f"PREFIX id: <{ID}>\n" + query
        subs = {ox.Variable(k): v for k, v in bindings.items()}
        result = store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        variables = [v.value for v in result.variables]
        return [tuple(to_python(row[v]) for v in variables) for row in result]

    return ask


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (for the servers tests start)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def short(iri: str) -> str:
    """An IRI of the data without its namespace (norm/13g), for compact assertions."""
    return iri.removeprefix(ID)


def cli_command(project: Project, *args: str) -> list[str]:
    """The command line that runs `cybernorms` on the project in a fresh Python process."""
    return [sys.executable, "-m", "cybernorms", "--root", str(project.root), "--build-dir", str(project.build), *args]


def cli(project: Project, *args) -> tuple[int, str, str]:
    """Run the command line on a project; returns (exit status, stdout, stderr)."""
    import contextlib
    import io

    from cybernorms.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(project.root), "--build-dir", str(project.build), *args])
    return code, out.getvalue(), err.getvalue()


def one_line_error(err: str) -> str:
    """The message of an error printed as the CLI prints them: exactly one line, "error: ..."."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0][len("error: ") :]


INPUTS = ("ontology", "data", "queries", "profiles")  # the folders a project's build reads
FEW_INCIDENTS = ROOT / "tests" / "fixtures" / "eurepoc"  # five EuRepoC incidents (test_eurepoc_queries.py)
FEW_SUPPORTERS = ROOT / "tests" / "fixtures" / "paris-call"  # 143 of the Paris Call's 1,222 supporters


def copy_project(tmp_path: Path) -> Project:
    """A private copy of the project inputs, for tests that modify them (FAIL fixtures).

    Its EuRepoC files are the five incidents of tests/fixtures/eurepoc/ instead of the thousands of
    data/eurepoc/, and its list of the Paris Call's supporters tests/fixtures/paris-call/, the rows
    of data/paris-call/supporters.csv (unchanged, in their order) of every state (the curated
    states.ttl and country-codes.csv name them), public authority and row without a category, and
    the first ten of the civil society and of the private sector (1,099 rows of the list, which
    made two thirds of the copy's pages). Every document, graph, table mapping, shape and check is
    there, and a build of the copy takes a fraction of the time (the real incidents and supporters
    are tested on the session's build of the real project, `project`)."""
    dest = tmp_path / "project"
    for name in INPUTS:
        shutil.copytree(ROOT / name, dest / name)
    for table in FEW_INCIDENTS.glob("*.csv"):
        shutil.copy(table, dest / "data" / "eurepoc" / table.name)
    shutil.copy(FEW_SUPPORTERS / "supporters.csv", dest / "data" / "paris-call" / "supporters.csv")
    shutil.copy(ROOT / "CHANGELOG.md", dest / "CHANGELOG.md")  # the prior release, for owl:priorVersion
    return Project.at(dest, dest / "build", dest / "dist")


def built_copy(tmp_path_factory, name: str) -> Project:
    """A private copy of the project (copy_project), built and exported, for tests that add input
    to it (a FAIL fixture) and check that the store and exports are left as they were.

    The copy is built and exported once per test run, by the first test that asks (a file lock in
    the directory the workers share); each caller gets its own copy of that built copy: inputs,
    store (with the verdict of HermiT a build keeps) and exports, as its own build would leave them."""
    shared = shared_dir(tmp_path_factory)
    home = shared / "built-copy"
    with FileLock(shared / "built-copy.lock"):
        if not (home / "done").exists():
            shutil.rmtree(home, ignore_errors=True)
            model = copy_project(home)
            build(model, log=lambda m: None)
            export(model)
            (home / "done").touch()
    dest = tmp_path_factory.mktemp(name) / "project"
    shutil.copytree(home / "project", dest, symlinks=True)
    return Project.at(dest, dest / "build", dest / "dist")


def canonical(triples) -> set[ox.Quad]:
    """The triples with their blank nodes named by RDF Dataset Canonicalization (RDFC-1.0, a W3C
    Recommendation): two graphs are isomorphic when their canonical forms are the same set."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def ordered(value: object, keep: bool = False) -> object:
    """A JSON value with its arrays sorted by their items' JSON text, but for @list (the order the
    site's JSON-LD promises)."""
    if isinstance(value, dict):
        return {k: ordered(v, k == "@list") for k, v in value.items()}
    if isinstance(value, list):
        items = [ordered(x) for x in value]
        return items if keep else sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return value
