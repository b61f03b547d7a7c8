"""Every violation query (queries/check-*.rq) has a FAIL fixture, added to the real data, for which
it reports exactly the expected entity; on the real data alone (the PASS case) it reports nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cybernorms.layout import GRAPH, Project
from cybernorms.queries import load_query

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
ID = "https://w3id.org/cybernorms/id/"
CHECKS = sorted(Project.at(ROOT).check_queries())


@pytest.fixture(scope="module")
def asserted(parsed_data) -> ox.Store:
    """The asserted dataset of the real project, as the build's validate stage sees it (a copy: a
    FAIL case adds its fixture to it, then takes it away)."""
    store = ox.Store()
    store.bulk_extend(parsed_data.store)
    return store


def run(check: Path, store: ox.Store) -> set[str]:
    rows = store.query(load_query(check).text, use_default_graph_as_union=True)
    return {r["focus"].value.removeprefix(ID) for r in rows if isinstance(r["focus"], ox.NamedNode)}


def test_every_check_has_a_fail_fixture():
    assert {c.stem for c in CHECKS} == {f.name[: -len(".fail.ttl")] for f in FIXTURES.glob("*.fail.ttl")}


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_pass_the_real_data_has_no_violation(check, asserted):
    assert run(check, asserted) == set()


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_fail_fixture_is_reported(check, asserted):
    fixture = FIXTURES / f"{check.stem}.fail.ttl"
    text = fixture.read_text(encoding="utf-8")
    graph = re.search(r"\(graph/([\w-]+)\)", text).group(1)
    expected = set(re.search(r"^# expect: (.+)$", text, re.MULTILINE).group(1).split(", "))
    extra = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(GRAPH + graph))
        for t in ox.parse(path=str(fixture), format=ox.RdfFormat.TURTLE)
    ]
    added = [q for q in extra if q not in asserted]  # what the data already states stays
    asserted.extend(added)
    try:
        assert run(check, asserted) == expected
    finally:
        for q in added:
            asserted.remove(q)
