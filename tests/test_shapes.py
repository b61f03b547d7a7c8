"""Every SHACL shape has a PASS fixture (conforms to all shapes) and a FAIL fixture (the PASS
fixture with one defect) that fails with exactly that shape's message. Fixtures are validated
with the ontology graph, as in the build (tests/fixtures/shapes/{Shape}.pass.ttl / .fail.ttl)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from cybernorms.validate import shacl_problems, shape_messages

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
CNOSH = "https://w3id.org/cybernorms/shapes#"


@pytest.fixture(scope="module")
def shapes():
    return rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")


@pytest.fixture(scope="module")
def ontology() -> bytes:
    """The ontology and the topics as N-Triples, read once (Oxigraph's loader gives each file's
    blank nodes names of their own)."""
    store = ox.Store()
    for f in ("ontology/cybernorms.ttl", "ontology/vocabularies.ttl", "data/curation/topics.ttl"):
        store.load(path=str(ROOT / f), format=ox.RdfFormat.TURTLE)
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


@pytest.fixture(scope="module")
def messages() -> dict[str, str]:
    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    return shape_messages(
        [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(input=text, format=ox.RdfFormat.TURTLE)]
    )


def node_shapes(shapes) -> list[str]:
    return sorted(
        str(s)[len(CNOSH) :] for s in shapes.subjects(rdflib.RDF.type, SH.NodeShape) if str(s).startswith(CNOSH)
    )


def check(fixture: Path, ontology: bytes, messages: dict[str, str]):
    """Validate as the build does (validate.shacl_problems): the fixture with the ontology, as
    N-Triples; the verdict and the set of messages."""
    data = ox.Store()
    data.load(path=str(fixture), format=ox.RdfFormat.TURTLE)
    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    problems = shacl_problems(
        ontology + data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), text, messages
    )
    return not problems, {p.message for p in problems}


def test_every_node_shape_has_both_fixtures(shapes):
    names = node_shapes(shapes)
    assert names, "no shapes found"
    for name in names:
        assert (FIXTURES / f"{name}.pass.ttl").is_file(), name
        assert (FIXTURES / f"{name}.fail.ttl").is_file(), name


@pytest.mark.parametrize("name", node_shapes(rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")))
def test_pass_fixture_conforms(name, ontology, messages):
    conforms, found = check(FIXTURES / f"{name}.pass.ttl", ontology, messages)
    assert conforms, found


@pytest.mark.parametrize("name", node_shapes(rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")))
def test_fail_fixture_fails_with_its_message(name, ontology, messages):
    fixture = FIXTURES / f"{name}.fail.ttl"
    expected = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    conforms, found = check(fixture, ontology, messages)
    assert not conforms
    assert found == {expected}
