"""Every SHACL shape has a PASS fixture (conforms to all shapes) and a FAIL fixture (the PASS
fixture with one defect) that fails with exactly that shape's message. Fixtures are validated
with the ontology graph, as in the build (tests/fixtures/shapes/{Shape}.pass.ttl / .fail.ttl)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cybernorms.validate import shacl_problems, shape_messages

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NODE_SHAPE = ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape")
CNOSH = "https://w3id.org/cybernorms/shapes#"
SHAPES = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")  # as the build gives them to SHACL
SHAPE_QUADS = [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(input=SHAPES, format=ox.RdfFormat.TURTLE)]
MESSAGES = shape_messages(SHAPE_QUADS)
# the shapes of the project, by their local names
NODE_SHAPES = sorted(
    q.subject.value[len(CNOSH) :]
    for q in SHAPE_QUADS
    if q.predicate == RDF_TYPE and q.object == NODE_SHAPE and q.subject.value.startswith(CNOSH)
)


@pytest.fixture(scope="module")
def ontology() -> bytes:
    """The ontology and the topics as N-Triples, read once (Oxigraph's loader gives each file's
    blank nodes names of their own)."""
    store = ox.Store()
    for f in ("ontology/cybernorms.ttl", "ontology/vocabularies.ttl", "data/curation/topics.ttl"):
        store.load(path=str(ROOT / f), format=ox.RdfFormat.TURTLE)
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


def check(fixture: Path, ontology: bytes):
    """Validate as the build does (validate.shacl_problems): the fixture with the ontology, as
    N-Triples; the verdict and the set of messages."""
    data = ox.Store()
    data.load(path=str(fixture), format=ox.RdfFormat.TURTLE)
    problems = shacl_problems(
        ontology + data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), SHAPES, MESSAGES
    )
    return not problems, {p.message for p in problems}


def test_every_node_shape_has_both_fixtures():
    assert NODE_SHAPES, "no shapes found"
    for name in NODE_SHAPES:
        assert (FIXTURES / f"{name}.pass.ttl").is_file(), name
        assert (FIXTURES / f"{name}.fail.ttl").is_file(), name


@pytest.mark.parametrize("name", NODE_SHAPES)
def test_pass_fixture_conforms(name, ontology):
    conforms, found = check(FIXTURES / f"{name}.pass.ttl", ontology)
    assert conforms, found


@pytest.mark.parametrize("name", NODE_SHAPES)
def test_fail_fixture_fails_with_its_message(name, ontology):
    fixture = FIXTURES / f"{name}.fail.ttl"
    expected = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    conforms, found = check(fixture, ontology)
    assert not conforms
    assert found == {expected}
