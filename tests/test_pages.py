"""The pages over HTTP (Starlette's TestClient on the routes the front door mounts): content
negotiation on ten IRIs of each kind, each Turtle answer parsed and checked for the statements the
texts make (incoming ones included), search, and the errors."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib
from markupsafe import escape
from starlette.applications import Starlette
from starlette.testclient import TestClient

from cybernorms.pages import routes

from conftest import ID

CNO = "https://w3id.org/cybernorms/ontology#"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def client(project, store):
    app = Starlette(routes=routes(project, lambda: store))
    with TestClient(app) as c:
        yield c


def instances(sparql, cls: str, n: int = 10) -> list[str]:
    rows = sparql(f"SELECT ?x WHERE {{ ?x a cno:{cls} FILTER(STRSTARTS(STR(?x), '{ID}')) }} ORDER BY ?x")
    return [r[0] for r in rows][:n]


KINDS = [
    "Norm",
    "Provision",
    "Document",
    "State",
    "Person",
    "Organisation",
    "Meeting",
    "LegalPrinciple",
    "Topic",
    "Practice",
    "ConfidenceBuildingMeasure",
    "Membership",
]


@pytest.mark.parametrize("cls", KINDS)
def test_every_kind_negotiates_html_and_four_rdf_formats(client, sparql, store, cls):
    iris = instances(sparql, cls)
    assert len(iris) >= min(10, len(sparql(f"SELECT ?x WHERE {{ ?x a cno:{cls} }}")))
    assert len(iris) >= 4
    for iri in iris:
        path = "/" + iri.removeprefix("https://w3id.org/cybernorms/")
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        assert page.headers["vary"] == "Accept"
        assert f"<code>{iri}</code>" in page.text
        node = ox.NamedNode(iri)
        expected = {
            (q.subject.value, q.predicate.value, q.object.value)
            for q in [*store.quads_for_pattern(node, None, None), *store.quads_for_pattern(None, None, node)]
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
        }
        assert expected, iri
        for media, parser in RDF_TYPES.items():
            answer = client.get(path, headers={"Accept": media})
            assert answer.status_code == 200, (path, media)
            assert answer.headers["content-type"].startswith(media)
            assert answer.headers["vary"] == "Accept"
            graph = rdflib.Graph().parse(data=answer.content, format=parser)
            got = {(str(s), str(p), str(o)) for s, p, o in graph if isinstance(o, rdflib.URIRef)}
            assert expected <= got, (path, media, sorted(expected - got)[:3])
        by_suffix = client.get(path + ".ttl")
        assert by_suffix.status_code == 200 and by_suffix.headers["content-type"].startswith("text/turtle")


def test_13f_turtle_holds_its_description_with_the_provisions_that_express_it(client):
    answer = client.get("/id/norm/13f", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=answer.text, format="turtle")
    norm = rdflib.URIRef(ID + "norm/13f")
    assert len([t for t in g if norm in (t[0], t[2])]) >= 10
    expresses = rdflib.URIRef(CNO + "expresses")
    # A/70/174 13(f) "Un État ne devrait pas mener ou soutenir sciemment une activité informatique..."
    # and the G7 synthesis, Norme 6 "Un État ne doit pas mener ni soutenir sciemment des actions informatiques..."
    assert set(g.subjects(expresses, norm)) == {
        rdflib.URIRef(ID + "document/A-70-174/para/13/f"),
        rdflib.URIRef(ID + "document/g7-cyber-norm-initiative-2019/norme/6"),
    }
    assert (norm, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#notation"), rdflib.Literal("13(f)")) in g


def test_the_rdf_of_a_person_holds_her_memberships_and_sessions(client):
    answer = client.get("/id/person/katherine-getao.ttl")
    g = rdflib.Graph().parse(data=answer.text, format="turtle")
    person = rdflib.URIRef(ID + "person/katherine-getao")
    member = rdflib.URIRef(CNO + "member")
    assert set(g.subjects(member, person)) == {
        rdflib.URIRef(ID + "membership/katherine-getao-expert"),
        rdflib.URIRef(ID + "membership/katherine-getao-facilitator"),
    }
    sessions = set(g.subjects(rdflib.URIRef(CNO + "hadParticipant"), person))
    assert sessions == {rdflib.URIRef(ID + f"event/gge-2014-2015-session-{n}") for n in (1, 2, 3, 4)}


# rdflib 7.6's own Dataset.parse reads its default_context, which it has deprecated itself: the
# warning is about rdflib's code, not this test's
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_trig_keeps_the_graph_of_each_statement(client):
    answer = client.get("/id/person/katherine-getao", headers={"Accept": "application/trig"})
    ds = rdflib.Dataset().parse(data=answer.text, format="trig")
    graphs = {str(c) for s, p, o, c in ds.quads((None, rdflib.URIRef(CNO + "tookPartIn"), None, None))}
    # the annex prints no sessions for her: her attendance is a reading, in graph/curation
    assert graphs == {"https://w3id.org/cybernorms/graph/curation"}


def test_jsonld_is_compacted_with_the_project_context(client):
    answer = client.get("/id/norm/13f.jsonld")
    data = json.loads(answer.text)
    assert data["@context"]["cno"] == CNO
    text = json.dumps(data)
    assert '"notation": "13(f)"' in text


def test_default_wildcard_and_406(client):
    assert client.get("/id/norm/13a").headers["content-type"].startswith("text/html")
    assert client.get("/id/norm/13a", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/html")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/id/norm/13a", headers={"Accept": browser}).headers["content-type"].startswith("text/html")
    prefer = client.get("/id/norm/13a", headers={"Accept": "text/turtle;q=0.5, application/ld+json"})
    assert prefer.headers["content-type"].startswith("application/ld+json")
    refused = client.get("/id/norm/13a", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and refused.headers["vary"] == "Accept"
    assert "text/turtle" in refused.text


def test_unknown_iri_is_404_with_a_search_for_html_and_plain_for_rdf(client):
    page = client.get("/id/norm/13z", headers={"Accept": "text/html"})
    assert page.status_code == 404 and '<form class="search big"' in page.text
    rdf = client.get("/id/norm/13z", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 404 and rdf.headers["content-type"].startswith("text/plain")
    assert client.get("/id/norm/13z.ttl").status_code == 404


def test_norm_page_shows_both_wordings_side_by_side(client):
    page = client.get("/id/norm/13f").text
    gge = "Un État ne devrait pas mener ou soutenir sciemment une activité informatique"
    g7 = "Un État ne doit pas mener ni soutenir sciemment des actions informatiques"
    assert gge in page and g7 in page
    # the verbatim wordings sit in their section (the norm's short name, said before it, keeps the
    # same words, since it keeps every qualifier of the text)
    assert '<blockquote class="verbatim" lang="fr">' + gge in page[page.index("Wordings, side by side") :]
    assert "https://undocs.org/en/A/70/174" in page  # the official English text
    assert "not a translation" in page
    assert 'class="modality m-should-not"' in page and 'class="modality m-must-not"' in page
    assert "G7 practice 6.1a" in page or "6.1a" in page


def test_curated_facts_look_different_and_carry_their_note(client):
    page = client.get("/id/person/katherine-getao").text
    assert '<span class="badge curated"' in page
    assert "read as having served at all four sessions" in page
    assert 'class="curated"' in page or 'class="session curated"' in page


def test_norm_page_shows_the_note_of_a_curated_cross_link(client):
    """The reason of a curated link, an owl:Axiom's skos:editorialNote in graph/curation (quoting
    13(f) and risk 5 of A/70/174), shows in the row of the link, which is marked curated."""
    page = client.get("/id/norm/13f").text
    note = (
        '13(f) "endommage intentionnellement une infrastructure essentielle" / 5 "attaques ... dirigées '
        "contre une infrastructure essentielle d'un État\"."
    )
    rows = [
        (cls, row)
        for cls, row in re.findall(r'<tr class="([^"]*)">(.*?)</tr>', page, re.DOTALL)
        if str(escape(note)) in row
    ]
    assert len(rows) == 1
    cls, row = rows[0]
    assert cls.split() == ["curated"]
    assert '<a href="/id/risk/5"' in row and "addresses risk" in row
    assert '<span class="badge curated"' in row
    assert f'<div class="note"><p lang="en">{escape(note)}</p></div>' in row


def test_state_page_lists_its_experts_and_their_sessions(client):
    page = client.get("/id/state/JPN").text
    # annex: Japon: Akira Kono (deuxième session), Takao Imafuku (première session), Takashi Okada (3e, 4e)
    for name in ("Akira Kono", "Takao Imafuku", "Takashi Okada"):
        assert name in page
    assert "https://www.wikidata.org/" in page or "http://www.wikidata.org/entity/" in page


def test_document_page_is_the_tree_of_its_provisions(client):
    page = client.get("/id/document/A-70-174").text
    assert 'id="para-13-f"' in page and 'href="/id/document/A-70-174/para/13/f"' in page
    assert page.index('id="para-13-a"') < page.index('id="para-13-f"') < page.index('id="para-28-d"')


def test_cited_resolution_shows_who_cites_it(client):
    page = client.get("/id/document/A-RES-68-167").text
    assert 'href="/id/document/A-70-174/para/13/e"' in page
    assert 'href="/id/document/g7-cyber-norm-initiative-2019/norme/5"' in page


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("securite", "norm/13a"),  # 13(a) "Coopérer pour accroître la stabilité et la sécurité"
        ("infrastructure critique", "topic/critical-infrastructure"),
        ("critical infrastructure", "topic/critical-infrastructure"),
        ("13(c)", "norm/13c"),
        ("13c", "norm/13c"),
        ("CERT", "actor/cert-csirt"),  # its French label is "CERT"
        ("Getao", "person/katherine-getao"),
        ("A/RES/68/167", "document/A-RES-68-167"),
        ("France", "state/FRA"),
        ("humanité", "principle/humanity"),
    ],
)
def test_search_finds_what_a_person_expects_first(client, query, first):
    page = client.get("/search", params={"q": query}).text
    results = page[page.index('<ol class="results">') :]
    assert results.index(f'href="/id/{first}"') == results.index('href="/id/')


def test_search_form_is_on_every_page(client):
    for path in ("/", "/id/norm/13a", "/ontology", "/dataset", "/graph/curation", "/editor", "/search"):
        page = client.get(path).text
        assert 'role="search" action="/search" method="get"' in page, path


def test_ontology_page_is_generated_from_the_ontology(client, sparql):
    page = client.get("/ontology").text
    classes = sparql(
        "SELECT ?c WHERE { GRAPH <https://w3id.org/cybernorms/graph/ontology> { ?c a owl:Class } "
        "FILTER(STRSTARTS(STR(?c), STR(cno:))) }"
    )
    assert len(classes) > 30
    for (c,) in classes:
        assert f'id="{c.rsplit("#", 1)[-1]}"' in page
    assert "exprime" in page and "expressed by" in page  # cno:expresses, fr label; its inverse
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


def test_query_page_offers_the_library_and_loads_nothing_from_elsewhere(client, project):
    from cybernorms.queries import library

    page = client.get("/editor").text
    for name in library(project, checks=False):
        assert f'id="q-{name}"' in page
    assert "check-dangling-reference" not in page
    assert "<script" in page
    assert "https://cdn" not in page and "//fonts." not in page
    assert '"endpoint": "/query"' in page


def test_home_counts_each_named_graph(client, store):
    page = client.get("/").text
    for name in ("ontology", "A-70-174", "g7-2019", "reference", "curation", "links", "inferred"):
        n = len(
            list(store.quads_for_pattern(None, None, None, ox.NamedNode(f"https://w3id.org/cybernorms/graph/{name}")))
        )
        assert f"graph/{name}</a>" in page and f"{n:,}" in page


PART_KINDS = ["Receiver", "Initiator", "Attribution", "PoliticalResponse", "LegalResponse", "LegalCoding"]


@pytest.mark.parametrize("cls", PART_KINDS)
def test_incident_parts_answer_with_their_incident_page(client, sparql, store, cls):
    """A part of an EuRepoC incident record (cno:IncidentPart: a receiver, an attribution...) is
    described on its incident's page at an anchor: its IRI answers 303 See Other to that place, its
    suffix forms to the incident's RDF, which holds the part's statements, outgoing and incoming."""
    parts = instances(sparql, cls, 5)
    assert len(parts) == 5
    for iri in parts:
        path = "/" + iri.removeprefix("https://w3id.org/cybernorms/")
        incident, kind, n = path.rsplit("/", 2)  # /id/incident/eurepoc-43, receiver, 6
        assert incident.startswith("/id/incident/eurepoc-")
        page = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == f"{incident}#{kind}-{n}"
        assert page.headers["vary"] == "Accept"
        by_suffix = client.get(path + ".ttl", follow_redirects=False)
        assert by_suffix.status_code == 303 and by_suffix.headers["location"] == f"{incident}.ttl"
        html = client.get(incident).text
        assert f'<article class="part" id="{kind}-{n}"' in html and f"<code>{iri}</code>" in html
        node = ox.NamedNode(iri)
        expected = {
            (q.subject.value, q.predicate.value, q.object.value)
            for q in [*store.quads_for_pattern(node, None, None), *store.quads_for_pattern(None, None, node)]
        }
        assert len(expected) >= 4, iri
        for media, parser in RDF_TYPES.items():
            answer = client.get(path, headers={"Accept": media})  # followed to the incident's RDF
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), (path, media)
            graph = rdflib.Graph().parse(data=answer.content, format=parser)
            got = {(str(s), str(p), str(o)) for s, p, o in graph}
            assert expected <= got, (path, media, sorted(expected - got)[:3])


def test_pages_link_to_a_part_at_its_anchor(client):
    page = client.get("/id/state/USA").text  # the receivers and attributions naming the United States
    assert re.search(r'href="/id/incident/eurepoc-\d+#receiver-\d+"', page)
    assert re.search(r'href="/id/incident/eurepoc-\d+#attribution-\d+"', page)
    assert not re.search(r'href="/id/incident/eurepoc-\d+/(receiver|attribution)/', page)
