"""queries/undo-eli-view.rq, read as its consumer would: the Turtle the command line prints is
parsed into an empty store and queried with UNDO, ELI, Web Annotation and SKOS terms only. The
expected answers come from the French texts (quoted)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import ID, cli

TARGET = """
PREFIX undo: <https://w3id.org/un/ontology/undo/>
PREFIX allot: <https://w3id.org/akn/ontology/allot/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
A70 = ID + "document/A-70-174"


@pytest.fixture(scope="module")
def view(project) -> ox.Store:
    code, out, err = cli(project, "query", "undo-eli-view", "--format", "turtle")
    assert code == 0, err
    store = ox.Store()
    store.load(out.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def ask(view: ox.Store, query: str) -> set[tuple[str, ...]]:
    rows = view.query(TARGET + query)
    return {tuple(r[v].value.removeprefix(ID) for v in rows.variables) for r in rows}


def test_only_the_target_vocabularies_are_used(view):
    allowed = (
        "https://w3id.org/un/ontology/undo/",
        "https://w3id.org/akn/ontology/allot/",
        "http://data.europa.eu/eli/ontology#",
        "http://www.w3.org/ns/oa#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    )
    predicates = {q.predicate.value for q in view}
    types = {q.object.value for q in view.quads_for_pattern(None, ox.NamedNode(allowed[-1]), None)}
    assert {p for p in predicates | types if not p.startswith(allowed)} == set()


def test_what_the_2015_group_endorsed_and_where(view):
    # summary/6: "(document A/68/98) ... Le Groupe actuel a repris ces conclusions"; 20: "Le Groupe a
    # approuvé les recommandations sur le renforcement des capacités qui figurent dans les rapports de
    # 2010 et de 2013" (A/65/201 and A/68/98: paragraph 2 names them)
    rows = ask(
        view,
        """SELECT ?symbol ?where WHERE {
        ?relation a undo:Relation ; undo:hasProponent <https://w3id.org/cybernorms/id/org/gge-2014-2015> ;
                  undo:hasSemantics/skos:prefLabel "endorse"@en ; undo:hasReceiver/eli:id_local ?symbol .
        ?annotation a undo:Annotation ; oa:hasBody ?relation ; oa:hasTarget ?where }""",
    )
    assert rows == {
        ("A/68/98", "document/A-70-174/summary/6"),
        ("A/65/201", "document/A-70-174/para/20"),
        ("A/68/98", "document/A-70-174/para/20"),
    }


def test_relations_decided_by_consensus(view):
    # letter/1 "le présent rapport a fait l'objet d'un consensus"; 16 "approuvés par consensus par
    # l'Assemblée générale dans sa résolution 43/78 (point H)"
    rows = ask(
        view,
        """SELECT ?proponent ?what ?receiver ?where WHERE {
        ?relation a undo:Relation ; skos:related/skos:prefLabel "by consensus"@en ;
                  undo:hasProponent ?proponent ; undo:hasSemantics/skos:prefLabel ?what ; undo:hasReceiver ?receiver .
        ?annotation oa:hasBody ?relation ; oa:hasTarget ?where }""",
    )
    assert rows == {
        ("org/gge-2014-2015", "adopt", "document/A-70-174", "document/A-70-174/letter/1"),
        ("org/un-general-assembly", "endorse", "document/undc-cbm-guidelines-1988", "document/A-70-174/para/16"),
    }


def test_every_relation_has_one_proponent_one_receiver_one_semantics_and_a_source(view):
    # UNDO: an undo:Relation has exactly one of each
    rows = ask(
        view,
        """SELECT ?relation (COUNT(DISTINCT ?p) AS ?ps) (COUNT(DISTINCT ?r) AS ?rs) (COUNT(DISTINCT ?s) AS ?ss)
                  (COUNT(DISTINCT ?t) AS ?ts) WHERE {
        ?relation a undo:Relation ; undo:hasProponent ?p ; undo:hasReceiver ?r ; undo:hasSemantics ?s .
        ?a oa:hasBody ?relation ; oa:hasTarget ?t } GROUP BY ?relation""",
    )
    assert len(rows) == 24
    assert {counts[1:] for counts in rows} == {("1", "1", "1", "1")}
    kinds = ask(
        view,
        """SELECT ?kind (COUNT(?relation) AS ?n) WHERE {
        ?relation a undo:Relation ; undo:hasSemantics ?s . ?s a allot:Concept ; skos:prefLabel ?kind } GROUP BY ?kind""",
    )
    assert {(k, int(n)) for k, n in kinds} == {
        ("endorse", 4),  # summary/6, 20 (twice), the Assembly's endorsement of the 1988 guidelines
        ("recall", 3),  # 24 (A/68/98), 11 (A/65/201, A/68/98)
        ("draw on", 8),  # 2, 13, 28 and foreword/2, each on A/65/201 and A/68/98
        ("take note", 1),  # 12: A/69/723
        ("act pursuant to", 3),  # 1, letter/1, letter/3: resolution 68/243
        ("reaffirm", 2),  # G7 6.1 and 11.1
        ("adopt", 2),  # letter/1 (the Group), 16 (the Disarmament Commission)
        ("request that it be taken into account", 1),  # letter/2: A/68/98
    }


def test_the_citations_and_the_tree_in_eli_terms(view):
    # 13(e): "les résolutions 20/8 et 26/13 du Conseil des droits de l'homme ... ainsi que les
    # résolutions 68/167 et 69/166 de l'Assemblée générale"
    rows = ask(
        view,
        f"""SELECT ?symbol WHERE {{ <{A70}/para/13/e> a eli:LegalResourceSubdivision ;
            eli:is_part_of <{A70}/para/13> ; eli:cites/eli:id_local ?symbol }}""",
    )
    assert rows == {("A/HRC/RES/20/8",), ("A/HRC/RES/26/13",), ("A/RES/68/167",), ("A/RES/69/166",)}
    # the tree, not its closure: every subdivision is part of exactly one resource
    parents = ask(
        view,
        """SELECT ?s (COUNT(?p) AS ?n) WHERE { ?s a eli:LegalResourceSubdivision ; eli:is_part_of ?p } GROUP BY ?s""",
    )
    assert {n for _, n in parents} == {"1"}
    # 1, letter/1, letter/3: "En application de la résolution 68/243", "en application du paragraphe 4"
    based = ask(view, f"""SELECT ?s ?b WHERE {{ ?s eli:based_on ?b ; eli:is_part_of+ <{A70}> }}""")
    assert based == {
        ("document/A-70-174/para/1", "document/A-RES-68-243"),
        ("document/A-70-174/letter/1", "document/A-RES-68-243/para/4"),
        ("document/A-70-174/letter/3", "document/A-RES-68-243"),
    }


def test_document_kinds_in_undo_terms(view):
    rows = ask(
        view,
        """SELECT ?symbol ?kind WHERE { ?d a ?kind ; eli:id_local ?symbol .
           FILTER(STRSTARTS(STR(?kind), "https://w3id.org/un/ontology/undo/") && ?kind != undo:Document) }""",
    )
    kinds = {symbol: kind.rsplit("/", 1)[1] for symbol, kind in rows}
    assert kinds["A/70/174"] == "Paper"  # a report: undo has no plain report class
    assert kinds["A/RES/68/243"] == "Resolution"
    assert kinds["A/70/150"] == "AgendaListing"  # "Point 93 de l'ordre du jour provisoire* ... * A/70/150."
    assert kinds["A/69/723"] == "OfficialLetter"
    # every document is an undo:Document and an eli:LegalResource
    assert ask(view, "SELECT ?d WHERE { ?d a undo:Document FILTER NOT EXISTS { ?d a eli:LegalResource } }") == set()
    # A/70/174 was issued on 22 July 2015 ("22 juillet 2015", cover)
    assert ask(view, f"SELECT ?date WHERE {{ <{A70}> eli:date_document ?date }}") == {("2015-07-22",)}
