"""States, organisations, people, roles and sessions of A/70/174, checked against the text."""

from __future__ import annotations

import pytest

ID = "https://w3id.org/cybernorms/id/"
GRAPH = "https://w3id.org/cybernorms/graph/"

# letter/3: "des experts des 20 pays suivants ont été nommés : Allemagne, Bélarus, Brésil, Chine,
# Colombie, Égypte, Espagne, Estonie, États-Unis d'Amérique, Fédération de Russie, France, Ghana,
# Israël, Japon, Kenya, Malaisie, Mexique, Pakistan, République de Corée et Royaume-Uni de
# Grande-Bretagne et d'Irlande du Nord."
GGE_STATES = {
    "DEU": "Allemagne",
    "BLR": "Bélarus",
    "BRA": "Brésil",
    "CHN": "Chine",
    "COL": "Colombie",
    "EGY": "Égypte",
    "ESP": "Espagne",
    "EST": "Estonie",
    "USA": "États-Unis d'Amérique",
    "RUS": "Fédération de Russie",
    "FRA": "France",
    "GHA": "Ghana",
    "ISR": "Israël",
    "JPN": "Japon",
    "KEN": "Kenya",
    "MYS": "Malaisie",
    "MEX": "Mexique",
    "PAK": "Pakistan",
    "KOR": "République de Corée",
    "GBR": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
}
# para 12: "proposé par la Chine, la Fédération de Russie, le Kazakhstan, le Kirghizistan,
# l'Ouzbékistan et le Tadjikistan (document A/69/723)"
CODE_OF_CONDUCT = {"CHN", "RUS", "KAZ", "KGZ", "UZB", "TJK"}


def test_the_twenty_states_of_the_group_with_names_as_printed(sparql):
    rows = sparql("""SELECT ?code ?fr WHERE { ?s cno:memberOf <https://w3id.org/cybernorms/id/org/gge-2014-2015> ;
                     dcterms:identifier ?code ; rdfs:label ?fr FILTER(LANG(?fr) = "fr") }""")
    assert dict(rows) == GGE_STATES


def test_twenty_four_states_with_iso_codes_in_the_reference_graph(sparql):
    rows = sparql(f"""SELECT ?code ?a2 WHERE {{ GRAPH <{GRAPH}reference> {{ ?s dcterms:identifier ?code ; cno:isoAlpha2 ?a2 }}
                      ?s a cno:State }}""")
    codes = dict(rows)
    assert set(codes) >= set(GGE_STATES) | CODE_OF_CONDUCT
    assert {k: codes[k] for k in ("KOR", "GBR", "DEU", "KGZ")} == {"KOR": "KR", "GBR": "GB", "DEU": "DE", "KGZ": "KG"}
    # the text's graph states no ISO code
    assert sparql(f"ASK {{ GRAPH <{GRAPH}A-70-174> {{ ?s a cno:State ; dcterms:identifier ?c }} }}") is False


def test_the_code_of_conduct_was_proposed_by_six_states(sparql):
    rows = sparql("""SELECT ?code WHERE { <https://w3id.org/cybernorms/id/document/A-69-723> cno:authoredBy ?s .
                     ?s dcterms:identifier ?code }""")
    assert {r[0] for r in rows} == CODE_OF_CONDUCT


def sessions_of(sparql, name, graph=None):
    where = f"GRAPH <{GRAPH}{graph}> {{ ?p cno:tookPartIn ?s }}" if graph else "?p cno:tookPartIn ?s ."
    rows = sparql(
        f"""SELECT ?n ?name WHERE {{ ?p foaf:name ?name . {where} ?s cno:order ?n }}""",
        name=__import__("pyoxigraph").Literal(name),
    )
    return sorted(r[0] for r in rows)


@pytest.mark.parametrize(
    "name,sessions",
    [
        ("Aliaksandr Chasnouski", [3, 4]),  # "(troisième et quatrième sessions)"
        ("Vladimir N. Gerasimovich", [1]),  # "(première session)"
        ("Ausaf Ali", [1, 2, 4]),  # "(première, deuxième et quatrième sessions)"
        ("Md Shah Nuri bin Md Zain", [1, 2, 3]),  # "(première, deuxième et troisième sessions)"
        ("Takao Imafuku", [1]),  # "Takao Imafuku (première session), négociateur principal ..."
        ("Chul Lee", [2, 4]),  # "(deuxième et quatrième sessions)"
        ("Ricardo Mor", [4]),  # "(quatrième session)"
    ],
)
def test_sessions_printed_in_the_annex(sparql, name, sessions):
    assert sessions_of(sparql, name, "A-70-174") == sessions
    assert sessions_of(sparql, name) == sessions  # no reading adds to a printed list


def test_entries_without_sessions_are_read_as_all_four_in_curation_only(sparql):
    # "Florence Mangin" and "Olivia Preston" print no sessions
    for name in ("Florence Mangin", "Olivia Preston", "Carlos Luís Dantas Coutinho Perez"):
        assert sessions_of(sparql, name, "A-70-174") == []
        assert sessions_of(sparql, name, "curation") == [1, 2, 3, 4]
    notes = sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a cno:Person ; skos:editorialNote ?note }")
    assert notes == [(13,)]
    # two of them serve beside an alternate with printed sessions: the note says the reading is doubtful
    doubtful = sparql("""SELECT ?name WHERE { ?p foaf:name ?name ; skos:editorialNote ?note
                         FILTER(CONTAINS(STR(?note), "Doubtful")) } ORDER BY ?name""")
    assert doubtful == [("Florence Mangin",), ("Sameh Aboul-Enein",)]


def test_persons_per_state(sparql):
    rows = sparql("""SELECT ?code (COUNT(?p) AS ?n) WHERE { ?p a cno:Person ; cno:represents ?s .
                     ?s a cno:State ; dcterms:identifier ?code } GROUP BY ?code""")
    counts = dict(rows)
    assert sum(counts.values()) == 31
    assert {k: counts[k] for k in ("BLR", "JPN", "CHN", "EGY", "FRA", "MYS", "PAK", "KOR", "ESP")} == {
        "BLR": 3,
        "JPN": 3,
        "CHN": 2,
        "EGY": 2,
        "FRA": 2,
        "MYS": 2,
        "PAK": 2,
        "KOR": 2,
        "ESP": 2,
    }
    assert {k for k, v in counts.items() if v == 1} == set(GGE_STATES) - {
        "BLR",
        "JPN",
        "CHN",
        "EGY",
        "FRA",
        "MYS",
        "PAK",
        "KOR",
        "ESP",
    }


def test_thirty_four_people(sparql):
    assert sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a cno:Person }") == [(34,)]


def test_function_and_honorific_as_printed(sparql):
    rows = sparql(
        """SELECT ?h ?f WHERE { ?p foaf:name "Vladimir N. Gerasimovich" ; cno:honorific ?h ; cno:functionTitle ?f }"""
    )
    assert rows == [
        (
            "Ambassadeur",
            (
                "Chef du Département de la sécurité internationale et du contrôle des armements, "
                "Ministère des affaires étrangères"
            ),
        )
    ]
    # "Commission de la sécurité\nnationale mexicaine – Police fédérale": the wrapped line is joined
    rows = sparql("""SELECT ?f WHERE { ?p foaf:name "Edgar Zurita" ; cno:functionTitle ?f }""")
    assert rows == [
        (
            (
                "Attaché auprès des États-Unis d'Amérique et du Canada, Commission de la sécurité nationale "
                "mexicaine – Police fédérale"
            ),
        )
    ]


def test_the_five_facilitators_and_their_states(sparql):
    # letter/5: "Ricardo Mor (Espagne), Florence Mangin (France), Katherine Getao (Kenya), Ausaf Ali
    # (Pakistan) et Olivia Preston (Royaume-Uni)"
    rows = sparql("""SELECT ?name ?code WHERE { ?m cno:role <https://w3id.org/cybernorms/id/role/facilitator> ;
                     cno:member ?p . ?p foaf:name ?name ; cno:represents ?s . ?s dcterms:identifier ?code }""")
    assert set(rows) == {
        ("Ricardo Mor", "ESP"),
        ("Florence Mangin", "FRA"),
        ("Katherine Getao", "KEN"),
        ("Ausaf Ali", "PAK"),
        ("Olivia Preston", "GBR"),
    }


def test_chair_consultants_and_secretary(sparql):
    rows = sparql("""SELECT ?role ?name WHERE { ?m cno:role ?r ; cno:member ?p . ?r skos:notation ?role .
                     ?p foaf:name ?name FILTER(?role IN ("chair", "consultant", "secretary")) }""")
    assert set(rows) == {
        ("chair", "Carlos Luís Dantas Coutinho Perez"),
        ("consultant", "James Lewis"),
        ("consultant", "Kerstin Vignard"),
        ("secretary", "Ewen Buchanan"),
    }
    # the chair is also Brazil's expert (annex: "Brésil / Carlos Luís Dantas Coutinho Perez")
    rows = sparql(
        """SELECT ?code WHERE { ?p foaf:name "Carlos Luís Dantas Coutinho Perez" ; cno:represents/dcterms:identifier ?code }"""
    )
    assert rows == [("BRA",)]
    # letter/6: UNIDIR "représenté par James Lewis et Kerstin Vignard"; "Ewen Buchanan, du Bureau des affaires de désarmement"
    assert sparql("""SELECT ?name WHERE { ?p cno:represents <https://w3id.org/cybernorms/id/org/unidir> ; foaf:name ?name }
                     ORDER BY ?name""") == [("James Lewis",), ("Kerstin Vignard",)]
    assert sparql(
        """ASK { ?p foaf:name "Ewen Buchanan" ; cno:affiliatedWith <https://w3id.org/cybernorms/id/org/unoda> }"""
    )


def test_every_expert_membership_comes_from_an_annex_entry(sparql):
    rows = sparql(
        """SELECT ?m ?src WHERE { ?m cno:role <https://w3id.org/cybernorms/id/role/expert> ; cno:hasSource ?src }"""
    )
    assert len(rows) == 31
    assert all("/document/A-70-174/annex/" in src for _, src in rows)


def test_the_four_sessions(sparql):
    # letter/4: "la première, du 21 au 25 juillet 2014, au Siège de l'ONU; la deuxième, du 12 au 16
    # janvier 2015, à Genève; la troisième, du 13 au 17 avril 2015, comme la quatrième, du 22 au 26
    # juin 2015, au Siège de l'ONU"
    rows = sparql("""SELECT ?n ?start ?end ?place WHERE { ?s a cno:Session ; cno:order ?n ; cno:startDate ?start ;
                     cno:endDate ?end ; cno:heldAt/rdfs:label ?place FILTER(LANG(?place) = "fr") } ORDER BY ?n""")
    assert [(n, str(a), str(b), p) for n, a, b, p in rows] == [
        (1, "2014-07-21", "2014-07-25", "Siège de l'ONU"),
        (2, "2015-01-12", "2015-01-16", "Genève"),
        (3, "2015-04-13", "2015-04-17", "Siège de l'ONU"),
        (4, "2015-06-22", "2015-06-26", "Siège de l'ONU"),
    ]


def test_the_group_is_mandated_by_paragraph_4_of_68_243(sparql):
    # note/1: "Le Groupe a été créé par l'Assemblée générale au paragraphe 4 de la résolution 68/243."
    rows = sparql("""SELECT ?symbol ?n WHERE { <https://w3id.org/cybernorms/id/org/gge-2014-2015> cno:mandatedBy ?p .
                     ?p skos:notation ?n ; cno:parent/dcterms:identifier ?symbol }""")
    assert rows == [("A/RES/68/243", "4")]


def test_unidir_is_mentioned_where_the_text_names_it(sparql):
    # letter/6 "l'Institut des Nations Unies pour la recherche sur le désarmement"; para 32 "l'Institut
    # des Nations Unies pour la recherche sur le désarmement pourrait être invité"
    rows = sparql(
        """SELECT ?n WHERE { ?p cno:mentions <https://w3id.org/cybernorms/id/org/unidir> ; skos:notation ?n }"""
    )
    assert {r[0] for r in rows} == {"letter/6", "32"}


def test_actor_categories_named_by_paragraph_31(sparql):
    # para 31: "la participation du secteur privé, des milieux universitaires et de la société civile"
    rows = sparql("""SELECT ?a WHERE { <https://w3id.org/cybernorms/id/document/A-70-174/para/31> cno:mentions ?a }""")
    assert {r[0].rsplit("/", 1)[1] for r in rows} == {"private-sector", "academia", "civil-society"}


def test_how_the_group_was_created(sparql):
    # para 1: "le Secrétaire général a constitué un groupe d'experts gouvernementaux"; letter/1: "Le
    # Groupe d'experts a été créé en 2014 en application du paragraphe 4 de la résolution 68/243"
    rows = sparql("""SELECT ?by ?year WHERE { <https://w3id.org/cybernorms/id/org/gge-2014-2015>
                     cno:establishedBy/rdfs:label ?by ; dcterms:created ?year FILTER(LANG(?by) = "fr") }""")
    assert [(b, str(y)) for b, y in rows] == [("Secrétaire général", "2014")]
