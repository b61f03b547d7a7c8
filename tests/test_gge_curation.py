"""Editorial data about the A/70/174 elements: topics from the shared scheme, links to the risks
of chapter II and correspondences between elements. All of it lives in graph/curation."""

from __future__ import annotations

from conftest import ID

CURATION = "https://w3id.org/cybernorms/graph/curation"
INFERRED = "https://w3id.org/cybernorms/graph/inferred"
ELEMENT_CLASSES = """VALUES ?c { cno:ConfidenceBuildingMeasure cno:CapacityBuildingMeasure cno:Recommendation
                                 cno:LegalView cno:Risk cno:Conclusion cno:Observation }"""


def short(iri: str) -> str:
    return iri.removeprefix(ID)


def test_every_gge_element_has_a_topic_stated_in_the_curation_graph(sparql):
    rows = sparql(f"""SELECT ?e (COUNT(?t) AS ?n) WHERE {{ {ELEMENT_CLASSES} ?e a ?c .
        OPTIONAL {{ GRAPH <{CURATION}> {{ ?e cno:hasTopic ?t }} }} }} GROUP BY ?e""")
    # 13 CBMs, 10 capacity-building measures, recommendations 18 and 19, 11 views, 6 risks,
    # 8 conclusions, observation 14
    assert len(rows) == 13 + 10 + 2 + 11 + 6 + 8 + 1
    assert [short(e) for e, n in rows if n == 0] == []


def test_topics_come_from_the_shared_scheme(sparql):
    assert (
        sparql("""SELECT ?e ?t WHERE { ?e cno:hasTopic ?t FILTER NOT EXISTS {
        ?t a cno:Topic ; skos:inScheme|skos:topConceptOf <https://w3id.org/cybernorms/id/scheme/topics> } }""")
        == []
    )


def test_some_topics(sparql):
    rows = sparql("""SELECT ?e ?t WHERE { VALUES ?e {
        <https://w3id.org/cybernorms/id/cbm/17c> <https://w3id.org/cybernorms/id/cbm/16d-iv>
        <https://w3id.org/cybernorms/id/legal-view/28d> <https://w3id.org/cybernorms/id/risk/5> }
        ?e cno:hasTopic ?t }""")
    got: dict[str, set[str]] = {}
    for e, t in rows:
        got.setdefault(short(e), set()).add(short(t))
    # 17(c) "Constituer une équipe d'intervention informatique d'urgence"
    assert "topic/cert-csirt" in got["cbm/17c"]
    # 16(d)(iv) "classer les incidents informatiques en fonction de leur ampleur et de leur gravité"
    assert "topic/incident-classification" in got["cbm/16d-iv"]
    # 28(d) "les principes d'humanité, de nécessité, de proportionnalité et de discrimination"
    assert got["legal-view/28d"] == {"topic/humanitarian-law"}
    # 5 "attaques ... dirigées contre une infrastructure essentielle"
    assert got["risk/5"] == {"topic/critical-infrastructure"}


def test_topics_and_links_live_only_in_the_curation_graph(sparql):
    rows = sparql(f"""SELECT DISTINCT ?p ?g WHERE {{
        VALUES ?p {{ cno:hasTopic cno:addressesRisk cno:correspondsTo skos:altLabel }}
        GRAPH ?g {{ ?s ?p ?o }} {ELEMENT_CLASSES} ?s a ?c }}""")
    # the reasoner adds the inverse direction of the symmetric correspondsTo, in graph/inferred
    assert {(short(p), g) for p, g in rows} == {
        (p, CURATION)
        for p in (
            "https://w3id.org/cybernorms/ontology#hasTopic",
            "https://w3id.org/cybernorms/ontology#addressesRisk",
            "https://w3id.org/cybernorms/ontology#correspondsTo",
            "http://www.w3.org/2004/02/skos/core#altLabel",
        )
    } | {("https://w3id.org/cybernorms/ontology#correspondsTo", INFERRED)}


# The pairs the brief names, and the others found in the text: every pair is written once.
CORRESPONDENCES = {
    ("norm/13h", "cbm/17e"),  # requests to mitigate malicious activity from their territory
    ("norm/13h", "capacity-building/21d"),  # requests for assistance / procedures for rapid assistance
    ("norm/13k", "cbm/17c"),  # CERTs
    ("norm/13k", "cbm/17d"),  # CERTs
    ("norm/13j", "cbm/16c"),  # vulnerabilities
    ("norm/13j", "cbm/17d"),  # "échanges d'informations sur les failles informatiques"
    ("norm/13i", "cbm/16c"),  # "fonctionnalités cachées malveillantes"
    ("norm/13g", "cbm/16d"),  # critical infrastructure
    ("norm/13d", "cbm/17b"),  # information exchange and assistance in investigations
    ("norm/13d", "cbm/17e"),  # crime and terrorism
    ("norm/13d", "capacity-building/21h"),  # "utilisation criminelle ou terroriste"
    ("cbm/16d", "capacity-building/21e"),  # cross-border vulnerabilities, the same words
    ("cbm/16d-iii", "cbm/17a"),  # "mécanismes techniques, juridiques et diplomatiques"
    ("cbm/16b", "cbm/16d-ii"),  # "mécanismes et procédures de concertation"
    ("cbm/16a", "cbm/17b"),  # designated contacts
    ("cbm/17b", "cbm/17e"),  # investigations
    ("cbm/17c", "capacity-building/21a"),  # cooperation with CERTs and other competent bodies
    ("cbm/17a", "capacity-building/21a"),  # cooperation mechanisms between competent bodies
    ("capacity-building/21d", "capacity-building/23"),  # "entraide" in incidents
    ("recommendation/18", "conclusion/33"),  # dialogue under the UN
    ("recommendation/18", "conclusion/35"),  # dialogue in bilateral, regional, multilateral fora
    ("capacity-building/22", "conclusion/35"),  # regional capacity building
    ("capacity-building/23", "conclusion/35"),  # bilateral and multilateral capacity building
    ("norm/13c", "legal-view/28e"),  # use of the territory
    ("norm/13e", "legal-view/28b"),  # human rights
    ("norm/13b", "legal-view/28f"),  # attribution
    ("legal-view/26", "legal-view/28b"),  # the principles of the Charter
    ("legal-view/27", "legal-view/28a"),  # territorial jurisdiction
    ("legal-view/29", "conclusion/33"),  # common understandings on international law
}


def gge_only(pairs):
    """The links between GGE elements (the G7 practices' links are tested in test_g7.py)."""
    return {
        (a, b)
        for a, b in pairs
        if not any(x.startswith(("practice/", "principle-of-action/")) for x in (a, b))  # tested with their documents
    }


def test_correspondences(sparql):
    rows = sparql(f"SELECT ?a ?b WHERE {{ GRAPH <{CURATION}> {{ ?a cno:correspondsTo ?b }} }}")
    assert gge_only({(short(a), short(b)) for a, b in rows}) == CORRESPONDENCES


def test_correspondence_is_symmetric(sparql):
    rows = sparql("SELECT ?a ?b WHERE { ?a cno:correspondsTo ?b }")
    got = gge_only({(short(a), short(b)) for a, b in rows})
    assert got == CORRESPONDENCES | {(b, a) for a, b in CORRESPONDENCES}


ADDRESSES = {
    ("norm/13a", "risk/3"),
    ("norm/13b", "risk/7"),
    ("norm/13c", "risk/3"),
    ("norm/13d", "risk/6"),
    ("norm/13d", "risk/7"),
    ("norm/13f", "risk/5"),
    ("norm/13g", "risk/5"),
    ("norm/13h", "risk/5"),
    ("cbm/16a", "risk/7"),
    ("cbm/16b", "risk/7"),
    ("cbm/16b", "risk/4"),
    ("cbm/16d", "risk/5"),
    ("cbm/16d-ii", "risk/5"),
    ("cbm/17b", "risk/7"),
    ("cbm/17e", "risk/6"),
    ("cbm/17e", "risk/7"),
    # 8 "Les différences de capacités d'un État à un autre ... peuvent aggraver la vulnérabilité"
    *{
        (f"capacity-building/{n}", "risk/8")
        for n in ["21a", "21b", "21c", "21d", "21e", "21f", "21g", "21h", "22", "23"]
    },
    ("capacity-building/21e", "risk/5"),
    ("capacity-building/21h", "risk/6"),
    ("capacity-building/21h", "risk/7"),
}


def test_links_to_the_risks(sparql):
    rows = sparql(f"SELECT ?e ?r WHERE {{ GRAPH <{CURATION}> {{ ?e cno:addressesRisk ?r }} }}")
    assert {(short(e), short(r)) for e, r in rows} == ADDRESSES
    assert sparql("SELECT ?r WHERE { ?e cno:addressesRisk ?r FILTER NOT EXISTS { ?r a cno:Risk } }") == []


def test_every_risk_is_answered(sparql):
    rows = sparql(
        "SELECT ?r (COUNT(?e) AS ?n) WHERE { ?r a cno:Risk . OPTIONAL { ?e cno:addressesRisk ?r } } GROUP BY ?r"
    )
    assert {short(r) for r, n in rows if n > 0} == {f"risk/{n}" for n in range(3, 9)}
