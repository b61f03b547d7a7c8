"""The G7 Cyber Norm Initiative synthesis (2019): norm statements, practices, scopes, organisations,
the Dinard meeting, checked against the text (quoted)."""

from __future__ import annotations

G7 = "https://w3id.org/cybernorms/id/document/g7-cyber-norm-initiative-2019"
GRAPH = "https://w3id.org/cybernorms/graph/"


def test_each_norme_expresses_the_matching_gge_norm(sparql):
    rows = sparql(f"""SELECT ?n ?norm WHERE {{ ?s a cno:NormStatement ; skos:notation ?n ; cno:expresses ?x ;
                      cno:parent <{G7}> . ?x skos:notation ?norm }}""")
    assert sorted(rows, key=lambda r: int(r[0])) == [
        (str(i), f"13({c})") for i, c in zip(range(1, 12), "abcdefghijk", strict=False)
    ]


def test_modality_of_every_norme_and_the_difference_with_the_gge(sparql):
    rows = sparql("""SELECT ?norm ?gge ?g7 WHERE {
        ?n a cno:Norm ; skos:notation ?norm .
        ?gp cno:expresses ?n ; cno:partOf <https://w3id.org/cybernorms/id/document/A-70-174> ;
            cno:modality/skos:notation ?gge .
        ?sp a cno:NormStatement ; cno:expresses ?n ; cno:modality/skos:notation ?g7 }""")
    by = {}
    for norm, gge, g7 in rows:
        by.setdefault(norm, (set(), set()))
        by[norm][0].add(gge)
        by[norm][1].add(g7)
    # "Les États ne doivent pas permettre sciemment" (Norme 3), "Un État ne doit pas mener" (6),
    # "Les États ne doivent pas mener ni soutenir sciemment" (11); Norme 4 "il pourra être nécessaire"
    expected_g7 = {n: {"must"} for n in by}
    expected_g7.update({"13(c)": {"must-not"}, "13(f)": {"must-not"}, "13(k)": {"must-not"}, "13(d)": {"must", "may"}})
    assert {n: g7 for n, (_, g7) in by.items()} == expected_g7
    # the GGE words a recommendation ("devraient") where the G7 words "doivent": no norm has the same
    # wording force
    for norm, (gge, g7) in by.items():
        assert not ({"should", "should-not"} & g7), norm
        assert {"should", "should-not"} & gge, norm


def test_the_normes_worded_must_are_still_voluntary_and_non_binding(sparql):
    """Guards against reading the G7's "doivent" (must) as a binding obligation: the same text calls
    its norms "normes volontaires et non contraignantes de comportement responsable des États"
    (intro), so each Norme statement keeps the modality of its verb and has the status of a
    voluntary, non-binding norm, as the norm it expresses has in A/70/174 ("facultatifs, non
    contraignants", paragraph 13)."""
    rows = sparql(f"""SELECT ?n ?m ?status ?normStatus WHERE {{
        ?s a cno:NormStatement ; cno:parent <{G7}> ; skos:notation ?n ; cno:modality/skos:notation ?m ;
           cno:normativeStatus/skos:notation ?status ; cno:expresses/cno:normativeStatus/skos:notation ?normStatus }}""")
    assert {(n, status, norm_status) for n, _, status, norm_status in rows} == {
        (str(i), "voluntary-norm", "voluntary-norm") for i in range(1, 12)
    }
    assert {m for _, m, _, _ in rows} == {"must", "must-not", "may"}
    # the status is stated by the G7 graph, resting on the intro's words
    assert sparql(f"""ASK {{ GRAPH <{GRAPH}g7-2019> {{ ?s cno:normativeStatus ?x }}
        <{G7}/intro> cno:text ?t FILTER(CONTAINS(?t, "normes volontaires et non contraignantes")) }}""")


def test_practices_per_norm(sparql):
    rows = sparql("""SELECT ?norm (COUNT(?p) AS ?n) WHERE { ?p a cno:Practice ; cno:implements/skos:notation ?norm }
                     GROUP BY ?norm""")
    assert dict(rows) == {
        "13(a)": 5,
        "13(b)": 5,
        "13(c)": 5,
        "13(d)": 4,
        "13(e)": 2,
        "13(f)": 2,
        "13(g)": 3,
        "13(h)": 2,
        "13(i)": 3,
        "13(j)": 2,
        "13(k)": 1,
    }


def test_the_narrower_practices_and_their_scope(sparql):
    rows = sparql("""SELECT ?n ?scope WHERE { ?p a cno:Practice ; skos:notation ?n ; cno:scope/skos:notation ?scope
                     FILTER(?scope != "all") }""")
    assert (
        dict(rows)
        == {
            "2.5": "some",  # "certains pays du G7 ont jugé utile de mettre en place un cadre de classification des incidents"
            "3.5a": "some",  # "Certains pays du G7 ont pris des mesures pour encourager une notification responsable"
            "3.5b": "some",  # "Certains pays ont également choisi d'autres approches"
            "4.5": "some",  # "Certains pays du G7 ont également alloué d'importantes ressources"
            "6.1b": "several",  # "Plusieurs d'entre eux ont indiqué clairement"
        }
    )


def test_every_practice_is_the_words_of_its_source(sparql):
    rows = sparql("""SELECT ?p ?text ?source WHERE { ?p a cno:Practice ; cno:text ?text ; cno:hasSource ?s .
                     ?s cno:text ?source ; cno:expresses ?p }""")
    assert len(rows) == 34
    for p, text, source in rows:
        assert text in source, p


def test_two_practices_from_one_paragraph_of_norme_6(sparql):
    rows = sparql("""SELECT ?n ?text WHERE { ?p a cno:Practice ; cno:implements <https://w3id.org/cybernorms/id/norm/13f> ;
                     skos:notation ?n ; cno:text ?text } ORDER BY ?n""")
    assert rows == [
        (
            "6.1a",
            (
                "Les pays du G7, en tant qu'États responsables, ont réaffirmé leur soutien à cette norme et l'ont "
                "défendue au niveau international."
            ),
        ),
        (
            "6.1b",
            (
                "Plusieurs d'entre eux ont indiqué clairement que l'utilisation de capacités cyber offensives "
                "nationales devait être régie par le respect du droit international, notamment du droit humanitaire."
            ),
        ),
    ]


def named_under(sparql, norme):
    rows = sparql(f"""SELECT DISTINCT ?x WHERE {{ ?p a cno:Practice ; cno:mentions ?x ;
                      cno:hasSource/cno:parent <{G7}/norme/{norme}> }}""")
    return {r[0].split("/id/")[1] for r in rows}


def test_organisations_named_under_norme_1(sparql):
    # 1.3: "la mise en place de mesures de confiance (notamment à l'OSCE, l'OEA et l'ARF)"
    assert named_under(sparql, 1) == {"org/osce", "org/oas", "org/asean-regional-forum"}


def test_organisations_named_under_norme_4(sparql):
    # 4.2 "la Convention sur la cybercriminalité du Conseil de l'Europe de 2001 (Convention de Budapest)";
    # 4.3 "des échanges entre équipes d'intervention (CERT) et autres agents des forces de l'ordre",
    #     "partenaires publics et privés"; 4.4 "organisations européennes et internationales";
    # 4.5 "la coopération avec le secteur privé et la société civile"
    assert named_under(sparql, 4) == {
        "org/council-of-europe",
        "document/budapest-convention",
        "actor/cert-csirt",
        "actor/law-enforcement",
        "actor/private-sector",
        "actor/european-organisations",
        "actor/international-organisations",
        "actor/civil-society",
    }


def test_organisations_named_under_norme_5(sparql):
    # 5.3: "comme le Guide des droits de l'homme pour les utilisateurs d'internet du Conseil de l'Europe,
    # les résolutions pertinentes du Conseil des droits de l'homme, le règlement général sur la
    # protection des données de l'Union européenne"
    assert named_under(sparql, 5) == {
        "org/council-of-europe",
        "document/coe-guide-human-rights-internet-users",
        "org/un-human-rights-council",
        "org/eu",
        "document/eu-gdpr",
    }


def test_organisations_named_under_norme_8(sparql):
    # 8.1: "au sein des équipes d'intervention en cas d'urgence informatique (CERT) ou des centres de
    # réponse aux incidents de sécurité informatique (CSIRT) ... comme l'OSCE, le réseau des CSIRT de
    # l'UE ou les parties à la Convention de Budapest"
    assert named_under(sparql, 8) == {
        "actor/cert-csirt",
        "org/osce",
        "org/eu-csirts-network",
        "org/budapest-convention-parties",
    }


def test_citations_of_normes_5_and_7(sparql):
    rows = sparql(
        f"""SELECT ?n ?symbol WHERE {{ ?s cno:parent <{G7}> ; skos:notation ?n ; cno:cites/dcterms:identifier ?symbol }}"""
    )
    assert set(rows) == {
        ("5", "A/HRC/RES/20/8"),
        ("5", "A/HRC/RES/26/13"),
        ("5", "A/RES/68/167"),
        ("5", "A/RES/69/166"),
        ("7", "A/RES/58/199"),
    }
    # "A/RES 69/166" as printed; "58/199 (2003)" gives the year, stated by the G7 graph
    assert sparql(f"""ASK {{ GRAPH <{GRAPH}g7-2019> {{
        <https://w3id.org/cybernorms/id/document/A-RES-69-166> cno:printedSymbol "A/RES 69/166" .
        <https://w3id.org/cybernorms/id/document/A-RES-58-199> dcterms:issued "2003"^^xsd:gYear }} }}""")


def test_instruments(sparql):
    rows = sparql("""SELECT ?kind ?title ?issued ?by WHERE { ?d cno:issuedBy/rdfs:label ?by ; dcterms:title ?title ; a ?c .
                     ?c rdfs:subClassOf cno:Document . FILTER(?c != cno:Document) BIND(STRAFTER(STR(?c), "#") AS ?kind)
                     OPTIONAL { ?d dcterms:issued ?issued }
                     FILTER(LANG(?by) = "fr" && LANG(?title) = "fr" && ?kind IN ("Treaty", "Guide", "Regulation")) }""")
    assert {(k, t, str(i) if i else None, b) for k, t, i, b in rows} == {
        ("Treaty", "Convention sur la cybercriminalité", "2001", "Conseil de l'Europe"),
        ("Guide", "Guide des droits de l'homme pour les utilisateurs d'internet", None, "Conseil de l'Europe"),
        ("Regulation", "règlement général sur la protection des données", None, "Union européenne"),
    }


def test_the_dinard_meeting(sparql):
    # intro: "Le 6 avril 2019, les ministres des Affaires étrangères du G7 se sont réunis à Dinard (France)
    # pour lancer une Initiative"
    rows = sparql("""SELECT ?start ?end ?place ?country ?group WHERE {
        ?i a cno:Initiative ; cno:launchedAt ?m . ?m cno:startDate ?start ; cno:endDate ?end ;
           cno:heldAt ?p ; cno:meetingOf/rdfs:label ?group . ?p rdfs:label ?place ; cno:locatedIn/dcterms:identifier ?country
        FILTER(LANG(?place) = "fr" && LANG(?group) = "fr") }""")
    assert [(str(a), str(b), p, c, g) for a, b, p, c, g in rows] == [
        ("2019-04-06", "2019-04-06", "Dinard", "FRA", "G7")
    ]
    assert sparql(f"""SELECT ?i WHERE {{ <{G7}> cno:outputOf ?i }}""") == [
        ("https://w3id.org/cybernorms/id/initiative/g7-cyber-norm-initiative",)
    ]


def test_the_norms_come_from_the_gge_and_are_a_subset_of_the_framework(sparql):
    # "Les normes exposées dans ce document émanent principalement des travaux du groupe d'experts
    # gouvernementaux des Nations Unies (GGE) et constituent un sous-ensemble du cadre international"
    assert sparql(f"""SELECT ?l WHERE {{ <{G7}> cno:buildsOn/rdfs:label ?l FILTER(LANG(?l) = "fr") }}""") == [
        ("groupe d'experts gouvernementaux des Nations Unies",)
    ]
    rows = sparql(f"""SELECT (COUNT(?n) AS ?c) WHERE {{ GRAPH <{GRAPH}g7-2019> {{
        ?n skos:inScheme <https://w3id.org/cybernorms/id/framework/international-framework-stability-cyberspace> }} }}""")
    assert rows == [(11,)]


def test_g7_membership_is_reference_only(sparql):
    rows = sparql(f"""SELECT ?code WHERE {{ GRAPH <{GRAPH}reference> {{ ?s cno:memberOf <https://w3id.org/cybernorms/id/org/g7> }}
                      ?s dcterms:identifier ?code }}""")
    assert {r[0] for r in rows} == {"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"}
    assert (
        sparql(f"""ASK {{ GRAPH <{GRAPH}g7-2019> {{ ?s cno:memberOf <https://w3id.org/cybernorms/id/org/g7> }} }}""")
        is False
    )


def test_every_g7_provision_with_text_has_a_modality(sparql):
    rows = sparql(f"""SELECT ?n WHERE {{ ?p cno:text ?t ; skos:notation ?n ; cno:partOf <{G7}>
                      FILTER NOT EXISTS {{ ?p cno:modality ?m }} }}""")
    assert rows == []
    rows = sparql(
        f"""SELECT ?m (COUNT(?p) AS ?c) WHERE {{ ?p cno:modality/skos:notation ?m ; cno:partOf <{G7}> }} GROUP BY ?m"""
    )
    assert dict(rows) == {"descriptive": 37, "must": 8, "must-not": 3, "may": 1}


def test_practices_have_topics_and_cross_links_are_curation(sparql):
    assert sparql("""SELECT ?p WHERE { ?p a cno:Practice FILTER NOT EXISTS { ?p cno:hasTopic ?t } }""") == []
    # 2.5 "un cadre de classification des incidents" ~ 16(d)(iv) "classer les incidents informatiques"
    assert sparql(f"""ASK {{ GRAPH <{GRAPH}curation> {{
        <https://w3id.org/cybernorms/id/practice/g7-2019-2-5> cno:correspondsTo <https://w3id.org/cybernorms/id/cbm/16d-iv> }} }}""")
    assert sparql(f"""ASK {{ GRAPH <{GRAPH}g7-2019> {{ ?a cno:correspondsTo ?b }} }}""") is False


def test_the_parties_to_the_budapest_convention(sparql):
    # 8.1 "les parties à la Convention de Budapest"; 4.2 "la Convention sur la cybercriminalité du
    # Conseil de l'Europe de 2001 (Convention de Budapest)"
    rows = sparql("""SELECT ?title WHERE { <https://w3id.org/cybernorms/id/org/budapest-convention-parties>
                     cno:partiesTo/dcterms:title ?title FILTER(LANG(?title) = "fr") }""")
    assert rows == [("Convention sur la cybercriminalité",)]


def test_the_eu_csirts_network_is_a_body_of_the_eu(sparql):
    # 8.1 "le réseau des CSIRT de l'UE", stated by the G7 graph
    assert sparql(f"""ASK {{ GRAPH <{GRAPH}g7-2019> {{
        <https://w3id.org/cybernorms/id/org/eu-csirts-network> cno:bodyOf <https://w3id.org/cybernorms/id/org/eu> }} }}""")


def test_principles_the_g7_synthesis_invokes(sparql):
    """Guards against the G7 wording of a norm losing the principle its GGE twin invokes, and against
    a practice that names a body of law without invoking it."""
    rows = sparql(f"""SELECT ?p ?x WHERE {{ ?p cno:invokes ?x .
        {{ ?p cno:partOf <{G7}> }} UNION {{ ?p cno:hasSource/cno:partOf <{G7}> }} }}""")
    assert {(p.rsplit("/id/", 1)[1], x.rsplit("/id/", 1)[1]) for p, x in rows} == {
        # Norme 8 "en tenant dûment compte de la souveraineté", as 13(h)
        ("document/g7-cyber-norm-initiative-2019/norme/8", "principle/state-sovereignty"),
        # 6.1 "devait être régie par le respect du droit international, notamment du droit humanitaire",
        # and the practice 6.1b it states
        ("document/g7-cyber-norm-initiative-2019/norme/6/1", "principle/international-humanitarian-law"),
        ("practice/g7-2019-6-1b", "principle/international-humanitarian-law"),
    }
