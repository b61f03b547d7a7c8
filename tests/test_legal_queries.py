"""The competency questions of issue 11, each with its exact answer read off the French texts
(quoted): what the 2015 report endorses or recalls and where, which elements are voluntary and which
state the law, which norms the G7 words more strongly while both texts call them voluntary, and which
provisions invoke the Charter."""

from __future__ import annotations

import pytest

import cybernorms

from conftest import ID, ROOT


@pytest.fixture(scope="module")
def q(project):
    def run(name, **params):
        return cybernorms.query(name, root=project.root, build=project.build, **params)

    return run


def test_what_the_2015_report_endorses_and_recalls_and_where(q):
    rows = {(r["act"], r["symbol"], r["notation"], r["stated"]) for r in q("report-acts-on-documents")}
    endorse_recall = {r for r in rows if r[0] in ("endorse", "recall")}
    assert endorse_recall == {
        # summary/6: "Le rapport publié en 2013 ... (document A/68/98) appelait ... Le Groupe actuel a
        # repris ces conclusions"
        ("endorse", "A/68/98", "summary/6", "text"),
        # 20: "Le Groupe a approuvé les recommandations sur le renforcement des capacités qui figurent
        # dans les rapports de 2010 et de 2013": by description, so the symbols are a reading
        ("endorse", "A/65/201", "20", "reading"),
        ("endorse", "A/68/98", "20", "reading"),
        # 24: "Le rapport de 2013 affirmait que le droit international ... est applicable"
        ("recall", "A/68/98", "24", "reading"),
        # 11: "Les rapports des précédents groupes d'experts faisaient état d'un consensus naissant"
        ("recall", "A/65/201", "11", "reading"),
        ("recall", "A/68/98", "11", "reading"),
    }
    assert rows - endorse_recall == {
        # 12: "Le Groupe a pris note du code de conduite ... (document A/69/723)"
        ("take-note", "A/69/723", "12", "text"),
        # 2: "s'appuie sur les travaux des précédents groupes d'experts (documents A/65/201 et A/68/98)"
        ("draw-on", "A/65/201", "2", "text"),
        ("draw-on", "A/68/98", "2", "text"),
        # 13: "en s'appuyant sur les constatations et les recommandations figurant dans les rapports des
        # groupes d'experts de 2010 et de 2013"; 28: "En s'appuyant sur les travaux des groupes
        # précédents"; foreword/2: "Ces experts se sont appuyés sur des rapports de consensus publiés en
        # 2010 et en 2013"
        *{("draw-on", s, n, "reading") for s in ("A/65/201", "A/68/98") for n in ("13", "28", "foreword/2")},
        # 1: "En application de la résolution 68/243"; letter/1: "en application du paragraphe 4 de la
        # résolution 68/243"; letter/3: "En application de cette résolution"
        ("pursuant-to", "A/RES/68/243", "1", "text"),
        ("pursuant-to", "A/RES/68/243, paragraph 4", "letter/1", "text"),
        ("pursuant-to", "A/RES/68/243", "letter/3", "text"),
    }
    assert {r["notation"] for r in q("report-acts-on-documents", act="endorse")} == {"summary/6", "20"}


def test_the_acts_the_report_records_of_bodies(sparql):
    rows = sparql("""SELECT ?actor ?kind ?on ?method ?where WHERE { ?a a cno:Act ; cno:actor ?actor ;
        cno:actKind/skos:notation ?kind ; cno:actedOn ?on ; cno:hasSource/skos:notation ?where .
        OPTIONAL { ?a cno:decisionMethod/skos:notation ?method } }""")
    short = {(*(str(v).rsplit("/", 1)[-1] if v else None for v in r[:4]), r[4]) for r in rows}
    assert short == {
        # letter/1: "le présent rapport a fait l'objet d'un consensus"
        ("gge-2014-2015", "adopt", "A-70-174", "consensus", "letter/1"),
        # 16: "adoptés par la Commission du désarmement en 1988 et approuvés par consensus par
        # l'Assemblée générale dans sa résolution 43/78 (point H)"
        ("un-disarmament-commission", "adopt", "undc-cbm-guidelines-1988", None, "16"),
        ("un-general-assembly", "endorse", "undc-cbm-guidelines-1988", "consensus", "16"),
        # letter/2: "Elle a également demandé au Groupe de tenir compte des constatations et
        # recommandations figurant dans le rapport du groupe précédent (document A/68/98)"
        ("un-general-assembly", "request-account", "A-68-98", None, "letter/2"),
    }


def test_which_elements_are_voluntary_and_which_state_the_law(q):
    rows = q("elements-by-status")
    by_status: dict[str, set[str]] = {}
    for r in rows:
        by_status.setdefault(r["status"], set()).add(r["notation"])
    # 13: "normes, règles ou principes de comportement responsable des États facultatifs, non contraignants"
    assert by_status["voluntary-norm"] == {f"13({c})" for c in "abcdefghijk"}
    # chapter VI, "Applicabilité du droit international": 24 to 28(f); 29 "Le Groupe a relevé" observes
    assert by_status["statement-of-law"] == {"24", "25", "26", "27"} | {f"28({c})" for c in "abcdef"}
    # 16 "mesures de confiance volontaires", 17 "convenir librement", 21 "mesures volontaires", 23 "peuvent envisager"
    assert by_status["voluntary-measure"] == (
        {"16(a)", "16(b)", "16(c)", "16(d)", "16(d)(i)", "16(d)(ii)", "16(d)(iii)", "16(d)(iv)"}
        | {f"17({c})" for c in "abcde"}
        | {f"21({c})" for c in "abcdefgh"}
        | {"23"}
    )
    # 18 "il recommande", 19 "devraient avoir pour objectif", 22 "serait bénéfique", 33-36
    assert by_status["recommendation"] == {"18", "19", "22", "33", "34", "35", "36"}
    assert by_status["proposal"] == {"30(a)", "30(b)", "32"}  # "qui pourraient être prises", "pourrait être invité"
    assert by_status["finding"] == {"3", "4", "5", "6", "7", "8", "31"}
    assert by_status["observation"] == {"14", "29"}
    assert len(by_status["reported-practice"]) == 34  # the G7 practices: 5, 5, 5, 4, 2, 2, 3, 2, 3, 2, 1
    # the Paris Call, 14: "we affirm our willingness to work together ... notably in order to:" (nine bullets)
    assert by_status["political-commitment"] == {f"para/14/{k}" for k in range(1, 10)}
    assert sum(len(v) for v in by_status.values()) == len(rows) == 96 + 9
    # the status is not the modality: a statement of law worded without a modal verb (27), a
    # voluntary norm worded "ne devraient pas" (13(c))
    modality = {r["notation"]: r["modality"] for r in rows}
    assert modality["27"] == "descriptive" and modality["13(c)"] == "should-not"
    assert {r["notation"] for r in q("elements-by-status", status="statement-of-law")} == by_status["statement-of-law"]


def test_norms_the_g7_words_more_strongly_while_both_call_them_voluntary(q):
    rows = q("norms-worded-stronger-by-the-g7")
    # every Norme says "doivent" / "ne doivent pas" where 13(a)-(k) say "devraient" / "ne devraient
    # pas"; A/70/174 13 calls the norms "facultatifs, non contraignants" and the G7 intro "normes
    # volontaires et non contraignantes"
    assert [(r["normNotation"], r["ggeModality"], r["g7Modality"], r["g7"]) for r in rows] == [
        (f"13({c})", gge, g7, str(i))
        for i, c in enumerate("abcdefghijk", start=1)
        for gge, g7 in [("should-not", "must-not") if c in "cfk" else ("should", "must")]
    ]
    assert {(r["ggeStatus"], r["g7Status"]) for r in rows} == {("voluntary-norm", "voluntary-norm")}
    assert [r["g7"] for r in q("norms-worded-stronger-by-the-g7", norm="13(c)")] == ["3"]


def test_provisions_that_invoke_the_charter(q):
    rows = q("charter-invocations")
    named = {r["notation"] for r in rows if r["how"] == "names it"}
    # derived from the text: the provisions of A/70/174 that print "Charte"
    text = (ROOT / "data/A-70-174/text.fr.txt").read_text(encoding="utf-8")
    assert text.count("Charte") == 9  # summary/7 (2), foreword/1, 24, 25, 26, 28, 28(c) (2)
    assert named == {"summary/7", "foreword/1", "24", "25", "26", "28", "28(c)"}
    assert all("Charte" in r["text"] for r in rows)
    # 28(c) "reconnues par la Charte" is read with Article 51: a reading, named as one
    assert [(r["notation"], r["charterPart"]) for r in rows if r["how"] != "names it"] == [
        ("28(c)", "Charter of the United Nations, Article 51")
    ]


TITLE_64_211 = (
    "Création d'une culture mondiale de la cybersécurité et évaluation des efforts nationaux visant à "
    "protéger les infrastructures essentielles"
)
TITLE_58_199 = "Création d'une culture mondiale de la cybersécurité et protection des infrastructures essentielles de l'information"


def test_official_titles_only_where_a_text_prints_them_as_titles(sparql):
    """Guards against guessed titles: each official title has the provision it was read in, whose
    text prints it as a title; no English title is stated, since no English text is held here."""
    rows = sparql("""SELECT ?doc ?title (LANG(?title) AS ?lang) ?where ?text WHERE {
        GRAPH <https://w3id.org/cybernorms/graph/reference> { ?doc cno:officialTitle ?title }
        OPTIONAL { ?ax owl:annotatedSource ?doc ; owl:annotatedProperty cno:officialTitle ;
                       owl:annotatedTarget ?title ; cno:titleReadIn ?where . ?where cno:text ?text } }""")
    got = {(doc.rsplit("/", 1)[1], title, lang, where.removeprefix(ID)) for doc, title, lang, where, _ in rows}
    assert got == {
        (
            "A-RES-64-211",
            TITLE_64_211,
            "fr",
            "document/A-70-174/para/21",
        ),
        (
            "A-RES-58-199",
            TITLE_58_199,
            "fr",
            "document/g7-cyber-norm-initiative-2019/norme/7",
        ),
        ("un-charter", "Charte des Nations Unies", "fr", "document/A-70-174/summary/7"),
    }
    for doc, title, _, _, raw in rows:
        text = " ".join(raw.split())
        if doc.endswith("un-charter"):
            assert f"de la {title}" in text
        else:  # "intitulée « ... »" (para 21), "sur la « ... »" (Norme 7)
            assert f"« {title} »" in text


def test_the_plan_of_action_gets_no_title_the_text_does_not_print(sparql):
    """Foreword/3 only describes the Secretary-General's plan, not yet presented: "mon plan d'action
    pour la prévention de l'extrémisme violent, qui sera présenté prochainement". That description,
    in French, is all the graph says of its name: no official title, no English title guessed."""
    plan = ID + "document/sg-plan-of-action-preventing-violent-extremism"
    rows = sparql(
        f"""SELECT ?g ?p ?title (LANG(?title) AS ?lang) WHERE {{
            VALUES ?p {{ dcterms:title cno:officialTitle rdfs:label skos:prefLabel skos:altLabel }}
            GRAPH ?g {{ <{plan}> ?p ?title }} }}"""
    )
    assert rows == [
        (
            "https://w3id.org/cybernorms/graph/A-70-174",
            "http://purl.org/dc/terms/title",
            "plan d'action pour la prévention de l'extrémisme violent",
            "fr",
        )
    ]
    (source,) = sparql(f"SELECT ?text WHERE {{ <{plan}> cno:hasSource ?p . ?p cno:text ?text }}")
    described = "mon plan d'action pour la prévention de l'extrémisme violent, qui sera présenté prochainement"
    assert described in " ".join(source[0].split())
