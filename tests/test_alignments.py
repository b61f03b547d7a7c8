"""The alignment module (ontology/alignments.ttl) against UNDO as held (ontology/imports/undo.ttl):
HermiT finds the ontology, the data and UNDO consistent together, with nothing fetched; and the
check is real, since an axiom that contradicts only what UNDO says makes it fail."""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox
import pytest

from cybernorms.errors import InputError
from cybernorms.layout import GRAPH, Project
from cybernorms.validate import consistency

from conftest import ROOT

UNDO_FILE = ROOT / "ontology" / "imports" / "undo.ttl"
UNDO = "https://w3id.org/un/ontology/undo/"
OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


def undo_quads() -> list[ox.Quad]:
    """UNDO as held, without its owl:imports (FRBR, PWO, TVC... by URL, unreachable offline)."""
    g = ox.NamedNode(GRAPH + "undo-test")
    return [
        ox.Quad(t.subject, t.predicate, t.object, g)
        for t in ox.parse(path=str(UNDO_FILE), format=ox.RdfFormat.TURTLE)
        if t.predicate != OWL_IMPORTS
    ]


def test_the_copy_of_undo_is_the_one_described():
    # ontology/imports/README.md: commit 35e4eac of UNSCEB-HLCM/undo, copied unchanged
    digest = hashlib.sha256(UNDO_FILE.read_bytes()).hexdigest()
    assert digest == "b8478ca204e581d2fbf8d2065d2a5f010764b890f1a95a8a4bd7cdbf6e84e26e"
    assert digest in (ROOT / "ontology" / "imports" / "README.md").read_text(encoding="utf-8")
    text = UNDO_FILE.read_text(encoding="utf-8")
    assert "creativecommons.org/licenses/by/4.0" in text  # CC BY 4.0, as the file states
    assert "owl:imports" in text and not any(q.predicate == OWL_IMPORTS for q in undo_quads())


def test_the_alignment_is_part_of_the_ontology_graph():
    files = {p.relative_to(ROOT).as_posix() for spec, p in Project.at(ROOT).graph_files() if spec.name == "ontology"}
    assert "ontology/alignments.ttl" in files
    # the copy of UNDO is read by this test only, never loaded into a named graph
    assert not any("imports" in f for f in files)


def test_every_undo_term_the_alignment_uses_is_defined_by_undo():
    defined = {str(t.subject.value) for t in ox.parse(path=str(UNDO_FILE), format=ox.RdfFormat.TURTLE)}
    text = (ROOT / "ontology" / "alignments.ttl").read_text(encoding="utf-8")
    used = {UNDO + local for local in re.findall(r"\bundo:(\w+)", text)}
    used |= {"https://w3id.org/akn/ontology/allot/" + local for local in re.findall(r"\ballot:(\w+)", text)}
    assert used and used - defined == set()


@pytest.mark.slow
def test_hermit_finds_the_graph_consistent_with_undo(real_data):
    dataset = real_data
    dataset.store.extend(undo_quads())
    try:
        consistency(dataset)  # raises InputError on an inconsistency
    finally:
        dataset.store.remove_graph(ox.NamedNode(GRAPH + "undo-test"))


@pytest.mark.slow
def test_an_axiom_contradicting_undo_alone_is_found_inconsistent(real_data):
    """A recorded act is an undo:Relation (alignments.ttl), and UNDO makes every relation an
    allot:Concept. Declaring acts disjoint from allot:Concept contradicts nothing in our ontology
    alone, but contradicts it together with UNDO: the consistency check must see the difference."""
    clash = ox.Quad(
        ox.NamedNode("https://w3id.org/cybernorms/ontology#Act"),
        ox.NamedNode("http://www.w3.org/2002/07/owl#disjointWith"),
        ox.NamedNode("https://w3id.org/akn/ontology/allot/Concept"),
        ox.NamedNode(GRAPH + "undo-test"),
    )
    dataset = real_data
    dataset.store.add(clash)
    try:
        consistency(dataset)  # consistent without UNDO
        dataset.store.extend(undo_quads())
        with pytest.raises(InputError, match="OWL inconsistency"):
            consistency(dataset)
    finally:
        dataset.store.remove_graph(ox.NamedNode(GRAPH + "undo-test"))
