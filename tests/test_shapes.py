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
def ontology():
    g = rdflib.Graph()
    for f in ("cybernorms.ttl", "vocabularies.ttl"):
        g.parse(ROOT / "ontology" / f)
    g.parse(ROOT / "data" / "curation" / "topics.ttl")
    return g


def node_shapes(shapes) -> list[str]:
    return sorted(
        str(s)[len(CNOSH) :] for s in shapes.subjects(rdflib.RDF.type, SH.NodeShape) if str(s).startswith(CNOSH)
    )


def check(fixture: Path, ontology, shapes):
    """Validate as the build does (validate.shacl_problems); the verdict and the set of messages."""
    data = rdflib.Graph()
    data += ontology
    data.parse(fixture)
    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(input=text, format=ox.RdfFormat.TURTLE)]
    problems = shacl_problems(data.serialize(format="nt", encoding="utf-8"), text, shape_messages(quads))
    return not problems, {p.message for p in problems}


def test_every_node_shape_has_both_fixtures(shapes):
    names = node_shapes(shapes)
    assert names, "no shapes found"
    for name in names:
        assert (FIXTURES / f"{name}.pass.ttl").is_file(), name
        assert (FIXTURES / f"{name}.fail.ttl").is_file(), name


@pytest.mark.parametrize("name", node_shapes(rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")))
def test_pass_fixture_conforms(name, ontology, shapes):
    conforms, messages = check(FIXTURES / f"{name}.pass.ttl", ontology, shapes)
    assert conforms, messages


@pytest.mark.parametrize("name", node_shapes(rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")))
def test_fail_fixture_fails_with_its_message(name, ontology, shapes):
    fixture = FIXTURES / f"{name}.fail.ttl"
    expected = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    conforms, messages = check(fixture, ontology, shapes)
    assert not conforms
    assert messages == {expected}
