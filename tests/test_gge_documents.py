"""A/70/174 as a document, and every document it cites or names, checked against the text."""

from __future__ import annotations

GRAPH = "https://w3id.org/cybernorms/graph/"
A70 = "<https://w3id.org/cybernorms/id/document/A-70-174>"


def test_the_report_cover(sparql):
    # "Distr. générale 22 juillet 2015 Français Original : anglais Soixante-dixième session Point 93
    # de l'ordre du jour provisoire* Progrès de l'informatique et des télécommunications et sécurité
    # internationale ... * A/70/150."
    rows = sparql(f"""SELECT ?symbol ?issued ?orig ?session ?item ?itemTitle WHERE {{
        {A70} dcterms:identifier ?symbol ; dcterms:issued ?issued ; cno:originalLanguage ?orig ;
              cno:assemblySession ?session ; cno:agendaItem ?item ; cno:agendaItemTitle ?itemTitle }}""")
    assert [(s, str(d), o, n, i, t) for s, d, o, n, i, t in rows] == [
        (
            "A/70/174",
            "2015-07-22",
            "en",
            70,
            "93",
            "Progrès de l'informatique et des télécommunications et sécurité internationale",
        )
    ]
    assert sparql(
        """SELECT ?s WHERE { <https://w3id.org/cybernorms/id/document/A-70-174/cover> cno:cites/dcterms:identifier ?s }"""
    ) == [("A/70/150",)]


def test_the_letter_of_transmittal_date_and_author(sparql):
    rows = sparql("""SELECT ?d ?name WHERE { <https://w3id.org/cybernorms/id/document/A-70-174/letter> dcterms:issued ?d ;
                     dcterms:creator/foaf:name ?name }""")
    assert [(str(d), n) for d, n in rows] == [("2015-06-26", "Carlos Luís Dantas Coutinho Perez")]


def test_the_report_builds_on_the_2010_and_2013_reports_and_is_mandated_by_68_243(sparql):
    # para 2: "s'appuie sur les travaux des précédents groupes d'experts (documents A/65/201 et A/68/98)"
    assert {r[0] for r in sparql(f"SELECT ?s WHERE {{ {A70} cno:buildsOn/dcterms:identifier ?s }}")} == {
        "A/65/201",
        "A/68/98",
    }
    assert sparql(f"SELECT ?s WHERE {{ {A70} cno:mandatedBy/dcterms:identifier ?s }}") == [("A/RES/68/243",)]
    assert sparql(f"SELECT ?g WHERE {{ {A70} cno:authoredBy ?g }}") == [
        ("https://w3id.org/cybernorms/id/org/gge-2014-2015",)
    ]


def cited_by(sparql, notation, graph="A-70-174"):
    rows = sparql(f"""SELECT ?symbol WHERE {{
        GRAPH <{GRAPH}{graph}> {{ ?p cno:cites ?d }}
        ?p skos:notation "{notation}" ; cno:parent+ {A70} .
        {{ ?d dcterms:identifier ?symbol }} UNION {{ ?d cno:parent/dcterms:identifier ?s ; skos:notation ?n BIND(CONCAT(?s, " ", ?n) AS ?symbol) }}
        UNION {{ ?d a cno:Treaty ; dcterms:title ?t BIND(STR(?t) AS ?symbol) }}
        UNION {{ ?d a cno:Guidelines ; dcterms:title ?t BIND(STR(?t) AS ?symbol) }} }}""")
    return {r[0] for r in rows}


def test_documents_cited_by_paragraph_2(sparql):
    assert cited_by(sparql, "2") == {"A/65/201", "A/68/98"}


def test_documents_cited_by_paragraph_16(sparql):
    # "les principes directeurs pour l'élaboration de mesures de confiance, adoptés par la Commission
    # du désarmement en 1988 et approuvés par consensus par l'Assemblée générale dans sa résolution
    # 43/78 (point H)"
    assert cited_by(sparql, "16") == {
        "principes directeurs pour l'élaboration de mesures de confiance",
        "A/RES/43/78 H",
    }


def test_the_guidelines_of_1988(sparql):
    rows = sparql("""SELECT ?issued ?by ?part WHERE { ?g a cno:Guidelines ; dcterms:issued ?issued ;
                     cno:adoptedBy/rdfs:label ?by ; cno:endorsedBy/skos:notation ?part FILTER(LANG(?by) = "fr") }""")
    assert [(str(i), b, p) for i, b, p in rows] == [("1988", "Commission du désarmement", "H")]


def test_other_citations_by_symbol(sparql):
    assert cited_by(sparql, "12") == {"A/69/723"}  # "(document A/69/723)"
    assert cited_by(sparql, "21") == {"A/RES/64/211"}  # "la résolution 64/211"
    assert cited_by(sparql, "note/1") == {"A/RES/68/243 4"}  # "au paragraphe 4 de la résolution 68/243"
    assert cited_by(sparql, "letter/2") == {"A/RES/68/243", "A/68/98"}  # "Dans sa résolution", "(document A/68/98)"
    assert cited_by(sparql, "28") == {"Charte des Nations Unies", "A/RES/68/243"}


def test_citations_by_description_are_editorial(sparql):
    # para 20: "les rapports de 2010 et de 2013" names no symbol
    assert cited_by(sparql, "20") == set()
    assert cited_by(sparql, "20", "curation") == {"A/65/201", "A/68/98"}


def test_every_document_cited_by_the_report(sparql):
    rows = sparql(f"""SELECT DISTINCT ?d WHERE {{ ?p cno:cites ?x ; cno:parent+ {A70} .
                      {{ ?x a cno:Document BIND(?x AS ?d) }} UNION {{ ?x cno:parent ?d . ?d a cno:Document }} }}""")
    names = {r[0].rsplit("/", 1)[1] for r in rows}
    assert names == {
        "A-70-150",
        "A-RES-68-243",
        "A-68-98",
        "A-65-201",
        "A-69-723",
        "A-RES-64-211",
        "A-RES-43-78",
        "undc-cbm-guidelines-1988",
        "un-charter",
        "A-HRC-RES-20-8",
        "A-HRC-RES-26-13",
        "A-RES-68-167",
        "A-RES-69-166",
        "A-RES-58-199",
        "sg-plan-of-action-preventing-violent-extremism",
    }  # foreword/3 "mon plan d'action"


def test_symbols_as_printed_and_official(sparql):
    rows = sparql("""SELECT ?printed ?official WHERE { ?d cno:printedSymbol ?printed ; dcterms:identifier ?official
                     FILTER(STRSTARTS(?printed, "6") || STRSTARTS(?printed, "4")) }""")
    assert set(rows) >= {
        ("68/243", "A/RES/68/243"),
        ("64/211", "A/RES/64/211"),
        ("43/78", "A/RES/43/78"),
        ("68/167", "A/RES/68/167"),
        ("69/166", "A/RES/69/166"),
    }
    # the report prints "68/243": the official symbol comes from the reference graph
    assert sparql(f"""ASK {{ GRAPH <{GRAPH}reference> {{
        <https://w3id.org/cybernorms/id/document/A-RES-68-243> dcterms:identifier "A/RES/68/243" }} }}""")


def test_titles_where_the_text_gives_one(sparql):
    rows = sparql("""SELECT ?t WHERE { <https://w3id.org/cybernorms/id/document/A-RES-64-211> dcterms:title ?t }""")
    assert rows == [
        (
            (
                "Création d'une culture mondiale de la cybersécurité et évaluation des efforts nationaux "
                "visant à protéger les infrastructures essentielles"
            ),
        )
    ]
