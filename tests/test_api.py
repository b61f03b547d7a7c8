"""The Python API in a long-running process: what it remembers between calls (the project's paths,
the open store, the checked parameter values, the library's files) never hides a change made
between two calls: a rebuilt store, an edited query, another build directory."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

import cybernorms
from cybernorms.errors import CybernormsError, UsageError
from cybernorms.layout import ID, Project

from conftest import ROOT

CNO = "https://w3id.org/cybernorms/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
QUERY = """# title: The label of a norm
# param: norm (norm, default 13g): a norm by its notation
SELECT ?norm ?label WHERE { ?norm <urn:label> ?label }
"""


def _store(path: Path, notation: str, label: str) -> None:
    """A store holding one norm, with its notation and a label."""
    norm = ox.NamedNode(f"{ID}norm/{notation.replace('(', '').replace(')', '')}")
    store = ox.Store(str(path))
    for p, o in (
        (ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CNO + "Norm")),
        (ox.NamedNode(SKOS + "notation"), ox.Literal(notation)),
        (ox.NamedNode("urn:label"), ox.Literal(label)),
    ):
        store.add(ox.Quad(norm, p, o, ox.DefaultGraph()))
    store.flush()
    del store


def _point(build: Path, name: str) -> None:
    """Make build/store lead to build/stores/NAME with one atomic rename, as a build does."""
    new = build / "store.new"
    new.symlink_to(Path("stores") / name)
    os.replace(new, build / "store")


@pytest.fixture
def small(tmp_path):
    """A project whose queries/ holds one query, and a build directory with two stores: the first
    current, the second to be swapped in by a test, as a rebuild does."""
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "label.rq").write_text(QUERY, encoding="utf-8")
    build = tmp_path / "build"
    (build / "stores").mkdir(parents=True)
    _store(build / "stores" / "first", "13(g)", "from the first build")
    _store(build / "stores" / "second", "13(h)", "from the second build")
    _point(build, "first")
    return tmp_path, build


def test_the_next_call_after_a_rebuild_reads_the_new_store(small):
    root, build = small
    assert cybernorms.query("label", root=root, build=build) == [
        {"norm": f"{ID}norm/13g", "label": "from the first build"}
    ]
    _point(build, "second")
    # the default value 13g was found in the first store; the second has no such norm
    with pytest.raises(UsageError) as unknown:
        cybernorms.query("label", root=root, build=build)
    assert unknown.value.message == ("query label: unknown norm '13g' for parameter norm; accepted: 13(h)")
    assert cybernorms.query("label", root=root, build=build, norm="13(h)") == [
        {"norm": f"{ID}norm/13h", "label": "from the second build"}
    ]
    _point(build, "first")
    assert cybernorms.query("label", root=root, build=build, norm="13(g)") == [
        {"norm": f"{ID}norm/13g", "label": "from the first build"}
    ]


def test_the_next_call_after_the_store_is_removed_says_to_build_it(small):
    root, build = small
    assert len(cybernorms.query("label", root=root, build=build)) == 1
    (build / "store").unlink()
    with pytest.raises(CybernormsError) as missing:
        cybernorms.query("label", root=root, build=build)
    assert missing.value.message == "build/store: no store has been built yet; run `cybernorms build` first"


def test_the_next_call_after_a_query_is_edited_runs_the_new_text(small):
    root, build = small
    assert cybernorms.query("label", root=root, build=build) == [
        {"norm": f"{ID}norm/13g", "label": "from the first build"}
    ]
    edited = (
        QUERY.replace("?norm ?label WHERE", "?norm (UCASE(?label) AS ?label) WHERE")
        .replace("<urn:label> ?label", "<urn:label> ?l")
        .replace("UCASE(?label)", "UCASE(?l)")
    )
    (root / "queries" / "label.rq").write_text(edited, encoding="utf-8")
    assert cybernorms.query("label", root=root, build=build) == [
        {"norm": f"{ID}norm/13g", "label": "FROM THE FIRST BUILD"}
    ]


def test_the_project_follows_the_environment_and_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("CYBERNORMS_ROOT", raising=False)
    monkeypatch.setenv("CYBERNORMS_BUILD", str(tmp_path / "one"))
    assert Project.at(ROOT).build == tmp_path / "one"
    monkeypatch.setenv("CYBERNORMS_BUILD", str(tmp_path / "two"))
    assert Project.at(ROOT).build == tmp_path / "two"
    monkeypatch.delenv("CYBERNORMS_BUILD")
    assert Project.at(ROOT).build == ROOT.resolve() / "build"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "ontology").mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    assert Project.at().root == ROOT.resolve()  # not a project: the checkout this package comes from
    (elsewhere / "ontology" / "cybernorms.ttl").write_text("", encoding="utf-8")
    assert Project.at().root == elsewhere.resolve()  # now a project: the current directory
    assert Project.at("relative").root == elsewhere.resolve() / "relative"
