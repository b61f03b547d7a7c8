"""HermiT decides OWL 2 DL consistency on a summary of the data (one individual per kind), and
runs only when the summary or the ontology changes: more data of the same shape needs no HermiT
(and no Java), a new kind of individual does, and a clash in the data is still found and explained
with the statements of the real data (tests/test_errors.py has the FAIL fixture and its message)."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from cybernorms.layout import ID
from cybernorms.validate import summary

from conftest import built_copy, cli, one_line_error

PERSON = ID + "person/akira-kono"
MEMBERSHIP = ID + "membership/akira-kono-expert"
ANOTHER = """@base <https://w3id.org/cybernorms/id/> .
@prefix cno: <https://w3id.org/cybernorms/ontology#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
# an expert like the others of the annex: a person and the membership that makes them an expert
# (its literal values are those of another expert: the summary keeps one value of each kind)
<person/fixture-expert> a cno:Person ; foaf:name "Akira Kono" ; cno:represents <state/JPN> ;
    cno:functionTitle "Ambassadeur chargé des questions relatives à l'ONU et des questions de politique relatives aux réseaux numériques, Directeur général adjoint, Bureau de la politique étrangère, Ministère des affaires étrangères"@fr ;
    cno:tookPartIn <event/gge-2014-2015-session-2> ; cno:hasSource <document/A-70-174/annex/akira-kono> .
<membership/fixture-expert> a cno:Membership ; cno:member <person/fixture-expert> ; cno:role <role/expert> ;
    cno:organisation <org/gge-2014-2015> ; cno:hasSource <document/A-70-174/annex/akira-kono> .
"""
NEW_KIND = """@base <https://w3id.org/cybernorms/id/> .
@prefix cno: <https://w3id.org/cybernorms/ontology#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
# a person who represents a state and an organisation at once: a kind of individual the data lacks
<person/fixture-expert> a cno:Person ; foaf:name "Fixture Expert" ; cno:represents <state/JPN> , <org/gge-2014-2015> ;
    cno:hasSource <document/A-70-174/annex/akira-kono> .
"""


def copies(quads: list[ox.Quad], renamed: dict[str, str]) -> list[ox.Quad]:
    """The statements about some individuals, again, about new individuals."""

    def rename(t):
        return ox.NamedNode(renamed[t.value]) if isinstance(t, ox.NamedNode) and t.value in renamed else t

    return [
        ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name)
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.subject.value in renamed
    ]


@pytest.mark.slow
def test_more_individuals_of_the_same_kinds_leave_the_summary_as_it_is(real_data):
    ds = real_data
    before = summary(ds)
    quads = list(ds.store)
    ds.store.extend(copies(quads, {PERSON: PERSON + "-twin", MEMBERSHIP: MEMBERSHIP + "-twin"}))
    assert len(ds.store) > len(quads)
    assert summary(ds) == before
    assert len(before) < len(quads) / 3  # a summary: far fewer statements than the data


def test_the_reified_axioms_of_the_curation_notes_stay_out_of_the_summary(parsed_data):
    """An owl:Axiom that annotates a curated link is an annotation, without bearing on consistency;
    merged into kinds, the notes of several links made one malformed reification that HermiT found
    inconsistent. The data has such notes (data/curation/g7-links.ttl), the summary none."""
    ds = parsed_data
    axioms = ds.store.query(
        "ASK { GRAPH ?g { ?a a <http://www.w3.org/2002/07/owl#Axiom> ; "
        "<http://www.w3.org/2002/07/owl#annotatedProperty> ?p } }"
    )
    assert bool(axioms)
    lines = summary(ds)
    assert not [line for line in lines if "owl#Axiom" in line or "owl#annotated" in line]


@pytest.mark.slow
def test_hermit_runs_only_for_a_new_kind_of_individual(tmp_path, tmp_path_factory, monkeypatch):
    p = built_copy(tmp_path_factory, "hermit-kinds")  # built: HermiT's verdict on its summary is kept
    assert len(list((p.build / "hermit").glob("*.consistent"))) == 1
    # without Java, more data of the same shape still builds: the summary's verdict is known
    monkeypatch.setenv("PATH", str(tmp_path / "no-java-here"))
    (p.root / "data/A-70-174/fixture.ttl").write_text(ANOTHER, encoding="utf-8")
    code, _, err = cli(p, "build", "--quiet")
    assert code == 0, err
    # a new kind of individual needs HermiT again, hence Java
    (p.root / "data/A-70-174/fixture.ttl").write_text(NEW_KIND, encoding="utf-8")
    code, _, err = cli(p, "build", "--quiet")
    assert code == 2
    assert one_line_error(err) == (
        "java: Java was not found, and HermiT needs it; install a Java runtime (17 or later) and put java on PATH"
    )
    monkeypatch.undo()
    assert shutil.which("java")
    assert cli(p, "build", "--quiet")[0] == 0
    assert len(list((p.build / "hermit").glob("*.consistent"))) == 2
