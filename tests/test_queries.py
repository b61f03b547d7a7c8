"""The query library: every query's answer, through the Python API, checked against what the
source texts say (the sentences are quoted), and the rules every library query obeys."""

from __future__ import annotations

import re

import pytest

import cybernorms
from cybernorms.errors import UsageError
from cybernorms.layout import Project
from cybernorms.queries import PARAM_TYPES, library

from conftest import ROOT

A70 = (ROOT / "data/A-70-174/text.fr.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def q(project):
    """q(name, **params) -> rows (list of dicts) through the public API, on the test build."""

    def run(name, **params):
        return cybernorms.query(name, root=project.root, build=project.build, **params)

    return run


def col(rows, key):
    return [r[key] for r in rows]


# ---------------------------------------------------------------------- library-wide rules

LIBRARY = library(Project.at(ROOT), checks=False)


def test_the_library_has_a_header_for_every_query():
    for name, query in LIBRARY.items():
        assert query.title and query.description, name
        assert query.example and query.example.startswith(f"cybernorms query {name}"), name


# federated-* queries need an endpoint: test_link.py runs them against a local one
@pytest.mark.parametrize("name", sorted(n for n in LIBRARY if not n.startswith("federated-")))
def test_every_query_runs_with_its_defaults(name, q):
    rows = q(name)
    assert isinstance(rows, (list, bool))


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_parameters_are_projected_columns(name):
    query = LIBRARY[name]
    if query.kind != "select":
        return
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    head = body[body.upper().index("SELECT") : body.upper().index("WHERE")]
    for p in query.params:
        assert re.search(rf"\?{p.name}\b", head), f"{name}: parameter {p.name} is not projected"


# ---------------------------------------------------------------------------------- norms


def test_norms(q):
    rows = q("norms")
    assert col(rows, "notation") == [f"13({c})" for c in "abcdefghijk"]
    by = {r["notation"]: r for r in rows}
    # 13(c) "Les États ne devraient pas permettre sciemment ..."; 13(d) "devraient ... peuvent être amenés"
    assert by["13(c)"]["modality"] == "should-not"
    assert set(by["13(d)"]["modality"].split(", ")) == {"should", "may"}
    assert {r["notation"] for r in rows if r["modality"] == "should-not"} == {"13(c)", "13(f)", "13(k)"}
    assert by["13(j)"]["text"].startswith("Les États devraient encourager le signalement responsable des failles")
    assert q("norms", norm="13g")[0]["norm"] == "https://w3id.org/cybernorms/id/norm/13g"


def test_norm_citations(q):
    rows = q("norm-citations", norm="13(e)")
    # 13(e): "les résolutions 20/8 et 26/13 du Conseil des droits de l'homme ... ainsi que les
    # résolutions 68/167 et 69/166 de l'Assemblée générale"
    gge = {r["symbol"] for r in rows if r["provisionLabel"] == "A/70/174, subparagraph 13(e)"}
    assert gge == {"A/HRC/RES/20/8", "A/HRC/RES/26/13", "A/RES/68/167", "A/RES/69/166"}
    # 13(g): "en tenant compte de la résolution 58/199 de l'Assemblée générale"
    assert {r["symbol"] for r in q("norm-citations", norm="13(g)") if r["provisionLabel"].startswith("A/70/174")} == {
        "A/RES/58/199"
    }


def test_describe_norm_is_a_graph(q):
    triples = q("describe-norm", norm="13(e)")
    cites = {o for s, p, o in triples if p.endswith("#cites")}
    assert {c.rsplit("/", 1)[1] for c in cites} >= {"A-HRC-RES-20-8", "A-HRC-RES-26-13", "A-RES-68-167", "A-RES-69-166"}
    assert (
        "https://w3id.org/cybernorms/id/document/A-70-174/para/13/e",
        "https://w3id.org/cybernorms/ontology#expresses",
        "https://w3id.org/cybernorms/id/norm/13e",
    ) in triples


# ------------------------------------------------------------------------------- measures


def test_confidence_building_measures(q):
    rows = q("confidence-building-measures")
    assert col(rows, "notation") == [
        "16(a)",
        "16(b)",
        "16(c)",
        "16(d)",
        "16(d)(i)",
        "16(d)(ii)",
        "16(d)(iii)",
        "16(d)(iv)",
        "17(a)",
        "17(b)",
        "17(c)",
        "17(d)",
        "17(e)",
    ]
    by = {r["notation"]: r for r in rows}
    # "ces mesures pourraient inclure :" introduces (i)-(iv), which detail 16(d)
    assert {r["notation"] for r in rows if r["detailsMeasure"] == "16(d)"} == {
        "16(d)(i)",
        "16(d)(ii)",
        "16(d)(iii)",
        "16(d)(iv)",
    }
    assert by["16(a)"]["text"] == (
        "Recenser les points de contact appropriés aux niveaux décisionnel et technique "
        "pour parer aux graves incidents informatiques et créer un répertoire de ces contacts;"
    )
    assert "points-of-contact" in by["16(a)"]["topics"]
    assert "incident-classification" in by["16(d)(iv)"]["topics"]


def test_capacity_building_measures(q):
    rows = q("capacity-building-measures")
    assert col(rows, "notation") == [f"21({c})" for c in "abcdefgh"] + ["22", "23"]
    assert rows[0]["text"] == (
        "Contribuer à renforcer les mécanismes de coopération avec les équipes "
        "d'intervention informatique d'urgence nationales et d'autres organes compétents;"
    )


def test_elements_by_topic(q):
    rows = q("elements-by-topic", topic="cert-csirt")
    notations = {(r["kind"], r["notation"]) for r in rows}
    # 13(k) protects the emergency response teams; 17(c) "Constituer une équipe d'intervention ...";
    # 21(a) "les équipes d'intervention informatique d'urgence nationales"
    assert {
        ("Norm", "13(k)"),
        ("ConfidenceBuildingMeasure", "17(c)"),
        ("ConfidenceBuildingMeasure", "17(d)"),
        ("CapacityBuildingMeasure", "21(a)"),
    } <= notations
    assert {r["topic"] for r in rows} == {"https://w3id.org/cybernorms/id/topic/cert-csirt"}


# ------------------------------------------------------------------------ international law


def test_principles_of_26(q):
    # 26: "égalité souveraine, règlement des différends internationaux par des moyens pacifiques ...,
    # fait de s'abstenir ... de recourir à la menace ou à l'emploi de la force ..., respect des droits
    # de l'homme et des libertés fondamentales et non-intervention dans les affaires intérieures"
    rows = q("legal-principles", notation="26")
    assert {r["principle"].rsplit("/", 1)[1] for r in rows} == {
        "sovereign-equality",
        "peaceful-settlement-of-disputes",
        "non-use-of-force",
        "human-rights-and-fundamental-freedoms",
        "non-intervention",
    }


def test_principles_of_28d(q):
    # 28(d): "les principes d'humanité, de nécessité, de proportionnalité et de discrimination"
    rows = q("legal-principles", notation="28(d)")
    assert {r["principle_fr"] for r in rows} == {"humanité", "nécessité", "proportionnalité", "discrimination"}
    assert {r["principle_en"] for r in rows} == {"humanity", "necessity", "proportionality", "distinction"}


def test_legal_views(q):
    rows = q("legal-views")
    assert col(rows, "notation") == ["24", "25", "26", "27"] + [f"28({c})" for c in "abcdef"] + ["29"]
    by = {r["notation"]: r for r in rows}
    # 28(b) "les États doivent respecter"; 28(e) "ne doivent pas faire appel ... et devraient veiller"
    assert set(by["28(b)"]["modality"].split(", ")) == {"must"}
    assert set(by["28(e)"]["modality"].split(", ")) == {"must-not", "should"}


# ---------------------------------------------------------------------- risks, conclusions


def test_risks(q):
    rows = q("risks")
    assert col(rows, "notation") == ["3", "4", "5", "6", "7", "8"]
    assert rows[2]["text"].startswith(
        "Les attaques les plus graves qui sont menées à l'aide des TIC comprennent "
        "celles qui sont dirigées contre une infrastructure essentielle"
    )
    # norm 13(f) and 13(g) respond to attacks on critical infrastructure (editorial link)
    assert {"13(f)", "13(g)"} <= set(rows[2]["addressedBy"].split(", "))


def test_conclusions(q):
    rows = q("conclusions")
    assert [(r["notation"], r["kind"]) for r in rows] == [
        ("18", "recommendation"),
        # 19 "Le Groupe estime que les mesures de renforcement des capacités devraient avoir pour objectif"
        ("19", "recommendation"),
        ("30(a)", "conclusion"),
        ("30(b)", "conclusion"),
    ] + [(str(n), "conclusion") for n in range(31, 37)]
    assert rows[-1]["text"].startswith("Le Groupe d'experts recommande aux États Membres d'examiner activement")


# ------------------------------------------------------------------------------ provisions


def test_provision_by_notation(q):
    rows = q("provision", notation="16(d)(iv)")
    assert len(rows) == 1
    assert rows[0]["parentNotation"] == "16(d)"
    assert rows[0]["label"] == "A/70/174, item 16(d)(iv)"
    assert rows[0]["text"].endswith("afin de faciliter les échanges d'informations sur les incidents.")
    g7 = q("provision", notation="7", document="A/70/174")
    assert [r["text"][:40] for r in g7] == ["La diversité des acteurs non étatiques m"]


def test_search_text_finds_exactly_the_provisions_that_say_it(q, store):
    rows = q("search-text", words="points de contact")
    assert {(r["document"], r["notation"]) for r in rows} == {
        ("A/70/174", "16(a)"),  # "Recenser les points de contact appropriés"
        ("g7-cyber-norm-initiative-2019", "8.1"),
    }  # "des points de contact permanents"


def test_modality_by_document_follows_the_verbs(q, sparql):
    rows = {(r["document"], r["modality"]): r["provisions"] for r in q("modality-by-document")}
    # in A/70/174 only 28(e) says "ne doivent pas"
    assert rows[("A/70/174", "must-not")] == 1
    # the should-not provisions are those that say "ne devrai(en)t pas", and summary/3, which reports
    # the recommendation "que les États ... ne permettent pas sciemment que leur territoire soit utilisé"
    texts = sparql("""SELECT ?n ?t WHERE { ?p cno:text ?t ; skos:notation ?n ;
                      cno:parent+ <https://w3id.org/cybernorms/id/document/A-70-174> }""")
    should_not = {n for n, t in texts if re.search(r"ne devrai(en)?t pas", t)}
    assert should_not == {"13(c)", "13(f)", "13(k)", "summary/4"}
    assert (
        "a recommandé que les États coopèrent en vue de prévenir les pratiques informatiques nocives et "
        "ne permettent pas sciemment" in dict(texts)["summary/3"]
    )
    assert rows[("A/70/174", "should-not")] == len(should_not | {"summary/3"})


# ------------------------------------------------------------------------------ provenance


def test_triples_per_graph_match_the_store(q, store):
    rows = {r["graph"]: r["triples"] for r in q("triples-per-graph")}
    for g in store.named_graphs():
        assert rows[g.value.split("/cybernorms/")[1]] == sum(1 for _ in store.quads_for_pattern(None, None, None, g))


def test_facts_about_a_norm_name_their_graph(q):
    rows = q("facts-about-norm", norm="13(k)")
    graphs = {(r["graph"].rsplit("/", 1)[1], r["property"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for r in rows}
    assert ("A-70-174", "hasSource") in graphs  # stated by the report
    assert ("curation", "hasTopic") in graphs  # editorial
    assert ("inferred", "expressedBy") in graphs  # entailed by the inverse of cno:expresses


def test_sources_of_elements(q):
    rows = q("sources-of-elements")
    assert ("Norm", "13(g)", "A/70/174, subparagraph 13(g)", "A/70/174") in {
        (r["kind"], r["notation"], r["source"], r["document"]) for r in rows
    }
    assert len(rows) == len({(r["kind"], r["notation"], r["source"]) for r in rows})  # no duplicates


def test_inferred_by_predicate(q):
    rows = {r["property"]: r["triples"] for r in q("inferred-by-predicate")}
    cno = "https://w3id.org/cybernorms/ontology#"
    assert rows[cno + "expressedBy"] >= 11 + 13 + 10
    assert rows[cno + "partOf"] > rows[cno + "expressedBy"]


def test_entities_per_class(q):
    rows = {r["class"].rsplit("#", 1)[1]: r for r in q("entities-per-class")}
    assert rows["Norm"]["assertedInstances"] == 11
    assert rows["ConfidenceBuildingMeasure"]["assertedInstances"] == 13
    assert rows["FrameworkElement"]["assertedInstances"] == 0
    assert rows["FrameworkElement"]["withInferred"] >= 11 + 13 + 10 + 11 + 6


def test_topics(q):
    rows = {r["topic"]: r for r in q("topics")}
    assert rows["privacy"]["broader"] == "human-rights"
    assert rows["critical-infrastructure"]["elements"] >= 3


def test_related_to_norm(q):
    rows = q("related-to-norm", norm="13(h)")
    # 13(h) "répondre aux demandes d'aide appropriées" ~ 17(e) "Donner suite ... aux demandes d'autres États"
    assert ("corresponds to", "ConfidenceBuildingMeasure", "17(e)") in {
        (r["relation"], r["kind"], r["notation"]) for r in rows
    }


# --------------------------------------------------------------------- parameters, safety


def test_unknown_parameter_lists_the_accepted_ones(q):
    with pytest.raises(UsageError) as e:
        q("norms", state="FRA")
    assert e.value.message == "query norms: unknown parameter 'state'; accepted: norm (norm)"


def test_unknown_norm_lists_the_norms(q):
    with pytest.raises(UsageError) as e:
        q("norms", norm="13(z)")
    assert e.value.message.startswith("query norms: unknown norm '13(z)' for parameter norm; accepted: 13(a), 13(b)")


@pytest.mark.parametrize("hostile", ['"} ; DROP ALL #', "') } UNION { ?s ?p ?o } #", 'x" . } DELETE WHERE { ?s ?p ?o'])
def test_hostile_text_is_only_ever_data(q, store, hostile):
    before = len(store)
    assert q("search-text", words=hostile) == []
    assert len(store) == before
    with pytest.raises(UsageError):
        q("norms", norm=hostile)


def test_integer_and_language_parameters_are_checked():
    from cybernorms.queries import Param

    with pytest.raises(UsageError) as e:
        PARAM_TYPES["integer"]("two", None, Param("session", "integer", None, ""))
    assert "must be an integer" in e.value.message
    with pytest.raises(UsageError) as e:
        PARAM_TYPES["lang"]("de", None, Param("lang", "lang", None, ""))
    assert "accepted: en, fr" in e.value.message


# ------------------------------------------------------------------ documents and citations


def test_documents(q):
    rows = {r["document"].rsplit("/", 1)[1]: r for r in q("documents")}
    assert rows["A-69-723"]["kind"] == "CodeOfConductLetter"  # one row, its most specific kind
    assert rows["A-RES-69-166"]["printedAs"].split(" | ") in (["69/166", "A/RES 69/166"], ["A/RES 69/166", "69/166"])
    assert rows["A-RES-64-211"]["issuer"] == "General Assembly"
    assert rows["budapest-convention"]["kind"] == "Treaty"
    assert str(rows["budapest-convention"]["issued"]) == "2001"  # "de 2001 (Convention de Budapest)"
    # seven provisions of the report and the Paris Call's paragraph 3 ("la Charte des Nations Unies")
    assert rows["un-charter"]["citedBy"] == 8


def test_citation_graph(q):
    rows = {(r["from"], r["to"]): r["provisions"] for r in q("citation-graph", citing="A/70/174")}
    # 13(e) cites the four human rights resolutions; 16 cites 43/78 (point H) and the 1988 guidelines
    assert rows[("A/70/174", "A/HRC/RES/20/8")] == 1
    assert rows[("A/70/174", "A/RES/43/78")] == 1
    assert rows[("A/70/174", "undc-cbm-guidelines-1988")] == 1
    g7 = {r["to"] for r in q("citation-graph") if r["from"] == "g7-cyber-norm-initiative-2019"}
    assert g7 == {
        "A/HRC/RES/20/8",
        "A/HRC/RES/26/13",
        "A/RES/68/167",
        "A/RES/69/166",
        "A/RES/58/199",
        "budapest-convention",
        "coe-guide-human-rights-internet-users",
        "eu-gdpr",
    }


def test_cited_by(q):
    rows = q("cited-by", document="A/RES/68/243")
    # note/1 and letter/1 cite its paragraph 4; letter/2 ("Dans sa résolution"), 1 and 28 cite it
    assert col(rows, "label") == [
        "A/70/174, note by the Secretary-General, paragraph 1",
        "A/70/174, letter of transmittal, paragraph 1",
        "A/70/174, letter of transmittal, paragraph 2",
        "A/70/174, letter of transmittal, paragraph 3",  # "cette résolution"
        "A/70/174, paragraph 1",
        "A/70/174, paragraph 28",
    ]


# ------------------------------------------------------------------ states, experts, sessions


def test_states(q):
    rows = {r["code"]: r for r in q("states")}
    # 24 states of the report (20 with experts, 4 more proposing the code of conduct), Canada and Italy
    # (G7), 68 more among the 81 states that support the Paris Call, and 53 more that EuRepoC's
    # incidents name as receiver, initiator or attributing state
    assert len(rows) == 26 + 68 + 53
    assert (rows["CHN"]["gge"], rows["CHN"]["codeOfConduct"], rows["CHN"]["g7"]) == (True, True, False)
    assert (rows["FRA"]["gge"], rows["FRA"]["g7"]) == (True, True)
    assert (rows["ITA"]["gge"], rows["ITA"]["g7"]) == (False, True)
    assert rows["KGZ"]["name_fr"] == "Kirghizistan" and rows["KGZ"]["codeOfConduct"] is True


def test_experts_by_state(q):
    rows = q("experts-by-state", state="JPN")
    # annex: "Takashi Okada (troisième et quatrième sessions)", "Akira Kono (deuxième session)",
    # "Takao Imafuku (première session)"
    assert {(r["name"], frozenset(r["sessions"].split(", ")), r["attendance"]) for r in rows} == {
        ("Takashi Okada", frozenset({"3", "4"}), "text"),
        ("Akira Kono", frozenset({"2"}), "text"),
        ("Takao Imafuku", frozenset({"1"}), "text"),
    }
    fra = {r["name"]: r["attendance"] for r in q("experts-by-state", state="FRA")}
    assert fra == {"Florence Mangin": "reading", "Léonard Rolland": "text"}


def test_sessions(q):
    rows = q("sessions")
    # eight entries print the first session: Gerasimovich, Cong Fu, Rolland, Imafuku, Md Shah Nuri bin
    # Md Zain, Ausaf Ali, Hyuncheol Jang, Alicia Moral; thirteen print none (read as all four)
    assert [(r["number"], r["place"], r["statedInAnnex"], r["withReading"]) for r in rows] == [
        (1, "United Nations Headquarters", 8, 21),
        (2, "Geneva", 7, 20),
        (3, "United Nations Headquarters", 8, 21),
        (4, "United Nations Headquarters", 7, 20),
    ]


def test_session_attendance(q):
    rows = q("session-attendance", number=2)
    text = {r["name"] for r in rows if r["attendance"] == "text"}
    assert text == {
        "Ivan Grinevich",
        "Cong Fu",
        "Akira Kono",
        "Md Shah Nuri bin Md Zain",
        "Ausaf Ali",
        "Chul Lee",
        "Alicia Moral",
    }
    assert len(rows) == 20


def test_group_roles(q):
    rows = {(r["role"], r["name"]) for r in q("group-roles")}
    assert rows == {
        ("chair", "Carlos Luís Dantas Coutinho Perez"),
        ("facilitator", "Ricardo Mor"),
        ("facilitator", "Florence Mangin"),
        ("facilitator", "Katherine Getao"),
        ("facilitator", "Ausaf Ali"),
        ("facilitator", "Olivia Preston"),
        ("consultant", "James Lewis"),
        ("consultant", "Kerstin Vignard"),
        ("secretary", "Ewen Buchanan"),
    }


def test_meetings(q):
    rows = q("meetings")
    assert [str(r["start"]) for r in rows] == [
        "2014-07-21",
        "2015-01-12",
        "2015-04-13",
        "2015-06-22",
        "2019-04-06",
        "None",
        "None",
    ]
    assert (rows[4]["place"], rows[4]["country"], rows[4]["group"]) == ("Dinard", "France", "G7")
    # the Paris Call names two 2019 meetings by forum and year only ("at the Paris Peace Forum in 2019
    # and at the Internet Governance Forum in Berlin in 2019"): listed last, without dates
    assert [(r["meeting_en"], r["place"]) for r in rows[5:]] == [
        ("Internet Governance Forum, Berlin (2019)", "Berlin"),
        ("Paris Peace Forum (2019)", "Paris"),
    ]


# ----------------------------------------------------------------------------------- G7


def test_norm_wording_compared(q):
    rows = q("norm-wording-compared")
    # one row per document that words the norm, and per language it holds: the GGE subparagraph
    # and the G7 "Norme" statement express each norm (French only)
    text = [(r["normNotation"], r["document"].rsplit("/", 1)[1], r["provision"]) for r in rows if r["how"] == "text"]
    assert text == [
        (f"13({c})", doc, notation)
        for i, c in zip(range(1, 12), "abcdefghijk", strict=True)
        for doc, notation in (("A-70-174", f"13({c})"), ("g7-cyber-norm-initiative-2019", str(i)))
    ]
    by = {(r["normNotation"], r["document"].rsplit("/", 1)[1], r["language"]): r for r in rows}
    # 13(c) "ne devraient pas permettre" / Norme 3 "ne doivent pas permettre"
    assert (
        by["13(c)", "A-70-174", "fr"]["modality"],
        by["13(c)", "g7-cyber-norm-initiative-2019", "fr"]["modality"],
    ) == (
        "should-not",
        "must-not",
    )
    assert by["13(g)", "g7-cyber-norm-initiative-2019", "fr"]["text"].startswith(
        "Les États doivent prendre des mesures appropriées pour protéger"
    )
    # the Paris Call principles the curation graph links to a norm, in English and in French:
    # 13(c) "Take steps to prevent non-State actors ... from hacking-back" (para 14, item 8)
    assert {
        (r["document"].rsplit("/", 1)[1], r["provision"], r["language"], r["modality"])
        for r in rows
        if r["normNotation"] == "13(c)" and r["how"] == "curation"
    } == {
        ("paris-call", "para/14/8", "en", "commitment"),
        ("paris-call", "para/14/8", "fr", "commitment"),
    }
    assert by["13(c)", "paris-call", "fr"]["text"].startswith(
        "de prendre des mesures pour empêcher les acteurs non étatiques"
    )
    curated = {(r["normNotation"], r["provision"]) for r in rows if r["how"] == "curation"}
    assert curated == {
        ("13(c)", "para/14/8"),
        ("13(f)", "para/14/1"),
        ("13(f)", "para/14/2"),
        ("13(g)", "para/14/1"),
        ("13(h)", "para/14/1"),
        ("13(i)", "para/14/5"),
        ("13(i)", "para/14/6"),
    }


def test_g7_practice_counts(q):
    rows = {r["normNotation"]: (r["practices"], r["all"], r["some"], r["several"]) for r in q("g7-practice-counts")}
    assert rows == {
        "13(a)": (5, 5, 0, 0),
        "13(b)": (5, 4, 1, 0),
        "13(c)": (5, 3, 2, 0),
        "13(d)": (4, 3, 1, 0),
        "13(e)": (2, 2, 0, 0),
        "13(f)": (2, 1, 0, 1),
        "13(g)": (3, 3, 0, 0),
        "13(h)": (2, 2, 0, 0),
        "13(i)": (3, 3, 0, 0),
        "13(j)": (2, 2, 0, 0),
        "13(k)": (1, 1, 0, 0),
    }


def test_g7_practices_by_norm(q):
    rows = q("g7-practices-by-norm", norm="13(g)")
    # Norme 7: "les pays du G7 ont : - mis en place des cadres réglementaires ... - encouragé la
    # coopération régionale ... - élaboré des programmes ..."
    assert [(r["practice"], r["scope"]) for r in rows] == [("7.2", "all"), ("7.3", "all"), ("7.4", "all")]
    assert rows[0]["text"].startswith("mis en place des cadres réglementaires efficaces")


def test_g7_practices_by_scope(q):
    assert [r["practice"] for r in q("g7-practices-by-scope")] == ["2.5", "3.5a", "3.5b", "4.5"]  # default: some
    assert [r["practice"] for r in q("g7-practices-by-scope", scope="several-g7")] == ["6.1b"]


def test_g7_organisations(q):
    rows = {(r["name"], r["kind"]) for r in q("g7-organisations", norm="13(a)")}
    assert rows == {
        ("OSCE", "IntergovernmentalOrganisation"),
        ("Organization of American States", "IntergovernmentalOrganisation"),
        ("ARF", "Forum"),
    }


def test_g7_members(q):
    assert col(q("g7-members"), "code") == ["CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "USA"]
    assert set(col(q("g7-members"), "graph")) == {"graph/reference"}


def test_g7_gge_correspondences(q):
    rows = {(r["practice"], r["ggeNotation"]) for r in q("g7-gge-correspondences", norm="13(h)")}
    # 8.1 "points de contact permanents" ~ 16(a) "Recenser les points de contact", 17(b), 17(c)
    assert rows == {("8.1a", "16(a)"), ("8.1a", "17(b)"), ("8.1a", "17(c)"), ("8.1b", "16(a)")}


def test_describe_an_entity(q):
    getao = "https://w3id.org/cybernorms/id/person/katherine-getao"
    rows = q("describe", entity=getao)
    graph = "https://w3id.org/cybernorms/graph/"
    out = {
        (r["predicate"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], r["object"], r["graph"])
        for r in rows
        if r["subject"] == getao
    }
    # annex: "Kenya / Katherine Getao / Secrétaire des technologies de l'information et des communications, ..."
    assert ("name", "Katherine Getao", graph + "A-70-174") in out
    assert ("represents", "https://w3id.org/cybernorms/id/state/KEN", graph + "A-70-174") in out
    # the annex prints no sessions for her: all four sessions are a reading, in graph/curation
    sessions = {o for p, o, g in out if p == "tookPartIn" and g == graph + "curation"}
    assert sessions == {f"https://w3id.org/cybernorms/id/event/gge-2014-2015-session-{n}" for n in (1, 2, 3, 4)}
    # incoming: her two roles, facilitator (letter/5) and expert (annex), are memberships naming her
    incoming = {(r["subject"], r["predicate"].rsplit("#", 1)[-1], r["graph"]) for r in rows if r["object"] == getao}
    assert (
        "https://w3id.org/cybernorms/id/membership/katherine-getao-expert",
        "member",
        graph + "A-70-174",
    ) in incoming
    assert (
        "https://w3id.org/cybernorms/id/membership/katherine-getao-facilitator",
        "member",
        graph + "A-70-174",
    ) in incoming
    assert {r["subject"] for r in rows} <= {getao} | {s for s, _, _ in incoming}
    assert {r["entity"] for r in rows} == {getao}


def test_confidence_building_measures_by_topic(q):
    rows = {(r["kind"], r["notation"]) for r in q("elements-by-topic", topic="confidence-building")}
    # the 13 measures of 16 and 17, and the G7 practices 1.3 ("mesures de confiance (notamment à
    # l'OSCE, l'OEA et l'ARF)") and 7.3 ("l'élaboration de mesures de confiance entre États")
    assert {n for k, n in rows if k == "ConfidenceBuildingMeasure"} == {
        "16(a)",
        "16(b)",
        "16(c)",
        "16(d)",
        "16(d)(i)",
        "16(d)(ii)",
        "16(d)(iii)",
        "16(d)(iv)",
        "17(a)",
        "17(b)",
        "17(c)",
        "17(d)",
        "17(e)",
    }
    assert {n for k, n in rows if k == "Practice"} == {"1.3", "7.3"}
