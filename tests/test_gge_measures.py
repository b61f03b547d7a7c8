"""The confidence-building measures (A/70/174 paragraphs 16-17), the call for dialogue of
paragraph 18 and the capacity-building measures (21-23). Expected rows are read off the French
text, data/A-70-174/text.fr.txt; each test quotes the words it rests on."""

from __future__ import annotations

import re

import pyoxigraph as ox

from conftest import ID

DOC = ID + "document/A-70-174/"


def short(iri: str) -> str:
    return iri.removeprefix(ID)


def french_notation(notation: str) -> str:
    """'16(d)(iv)' -> '16 d) iv)', the way the French labels of norms.ttl print notations."""
    head, _, rest = notation.partition("(")
    if not rest:
        return head
    return head + " " + " ".join(p + ")" for p in re.findall(r"\(([a-z]+)\)", notation))


def elements(sparql, cls: str) -> set[tuple[str, str, str]]:
    rows = sparql(f"SELECT ?e ?n ?p WHERE {{ ?e a {cls} ; skos:notation ?n ; cno:hasSource ?p }}")
    return {(short(e), n, short(p)) for e, n, p in rows}


def modalities(sparql, provision: str) -> set[str]:
    rows = sparql("SELECT ?p ?m WHERE { ?p cno:modality ?m }", p=ox.NamedNode(DOC + provision))
    return {short(m) for _, m in rows}


# 16: "le Groupe recommande aux États de réfléchir aux mesures de confiance volontaires suivantes :"
#     a) to d), and 16(d) "ces mesures pourraient inclure :" i) to iv);
# 17: "Ces mesures pourraient comprendre le fait, pour les États, de convenir librement de :" a) to e).
CBMS = {
    ("cbm/16a", "16(a)", "document/A-70-174/para/16/a"),
    ("cbm/16b", "16(b)", "document/A-70-174/para/16/b"),
    ("cbm/16c", "16(c)", "document/A-70-174/para/16/c"),
    ("cbm/16d", "16(d)", "document/A-70-174/para/16/d"),
    ("cbm/16d-i", "16(d)(i)", "document/A-70-174/para/16/d/i"),
    ("cbm/16d-ii", "16(d)(ii)", "document/A-70-174/para/16/d/ii"),
    ("cbm/16d-iii", "16(d)(iii)", "document/A-70-174/para/16/d/iii"),
    ("cbm/16d-iv", "16(d)(iv)", "document/A-70-174/para/16/d/iv"),
    ("cbm/17a", "17(a)", "document/A-70-174/para/17/a"),
    ("cbm/17b", "17(b)", "document/A-70-174/para/17/b"),
    ("cbm/17c", "17(c)", "document/A-70-174/para/17/c"),
    ("cbm/17d", "17(d)", "document/A-70-174/para/17/d"),
    ("cbm/17e", "17(e)", "document/A-70-174/para/17/e"),
}

# 21: "les États devraient réfléchir aux mesures volontaires suivantes ..." a) to h); 22 "L'élaboration
# de stratégies régionales pour renforcer les capacités serait bénéfique"; 23 "les États peuvent
# envisager de lancer des initiatives de coopération bilatérales et multilatérales".
CAPACITY = {(f"capacity-building/21{c}", f"21({c})", f"document/A-70-174/para/21/{c}") for c in "abcdefgh"} | {
    ("capacity-building/22", "22", "document/A-70-174/para/22"),
    ("capacity-building/23", "23", "document/A-70-174/para/23"),
}


def test_the_13_confidence_building_measures(sparql):
    assert elements(sparql, "cno:ConfidenceBuildingMeasure") == CBMS
    assert len(CBMS) == 13


def test_the_items_of_16d_are_sub_measures_of_16d(sparql):
    # 16(d) "... ces mesures pourraient inclure :" (i) référentiel, (ii) concertation,
    # (iii) mécanismes ... pour traiter les demandes, (iv) dispositifs ... pour classer les incidents
    rows = sparql("SELECT ?m ?b WHERE { ?m a cno:ConfidenceBuildingMeasure ; skos:broader ?b }")
    assert {(short(m), short(b)) for m, b in rows} == {
        ("cbm/16d-i", "cbm/16d"),
        ("cbm/16d-ii", "cbm/16d"),
        ("cbm/16d-iii", "cbm/16d"),
        ("cbm/16d-iv", "cbm/16d"),
    }


def test_the_10_capacity_building_measures(sparql):
    assert elements(sparql, "cno:CapacityBuildingMeasure") == CAPACITY
    assert len(CAPACITY) == 10


# 18: "il recommande l'instauration d'un dialogue institutionnel régulier à large participation sous
# les auspices de l'Organisation des Nations Unies"; 19: "Le Groupe estime que les mesures de
# renforcement des capacités devraient avoir pour objectif de promouvoir l'utilisation des technologies
# de l'information et des communications à des fins pacifiques".
RECOMMENDATIONS = {
    ("recommendation/18", "18", "document/A-70-174/para/18"),
    ("recommendation/19", "19", "document/A-70-174/para/19"),
}


def test_paragraphs_18_and_19_are_recommendations(sparql):
    # guards against leaving out the purpose the Group sets for all capacity building (19)
    assert elements(sparql, "cno:Recommendation") == RECOMMENDATIONS


def test_each_measure_is_expressed_by_its_source_and_only_by_it(sparql):
    rows = sparql("""SELECT ?e ?p WHERE {
        VALUES ?c { cno:ConfidenceBuildingMeasure cno:CapacityBuildingMeasure cno:Recommendation }
        ?e a ?c . ?p cno:expresses ?e }""")
    expected = {(e, p) for e, _, p in CBMS | CAPACITY | RECOMMENDATIONS}
    assert {(short(e), short(p)) for e, p in rows} == expected


def test_labels_are_derived_from_the_notation_like_the_norms(sparql):
    rows = sparql("""SELECT ?e ?n ?l WHERE {
        VALUES ?c { cno:ConfidenceBuildingMeasure cno:CapacityBuildingMeasure cno:Recommendation }
        ?e a ?c ; skos:notation ?n ; rdfs:label ?l }""")
    got: dict[str, set[str]] = {}
    for e, _n, lbl in rows:
        got.setdefault(short(e), set()).add(lbl)
    kinds = {
        "cbm": ("mesure de confiance", "confidence-building measure"),
        "capacity-building": ("mesure de renforcement des capacités", "capacity-building measure"),
        "recommendation": ("recommandation", "recommendation"),
    }
    expected = {}
    for e, n, _ in CBMS | CAPACITY | RECOMMENDATIONS:
        fr, en = kinds[e.split("/")[0]]
        expected[e] = {f"{fr} {french_notation(n)}", f"{en} {n}"}
    assert got == expected
    assert expected["cbm/16d-iv"] == {"mesure de confiance 16 d) iv)", "confidence-building measure 16(d)(iv)"}


def test_labels_are_tagged_french_and_english(sparql):
    rows = sparql("""SELECT ?e (LANG(?l) AS ?lang) WHERE {
        VALUES ?c { cno:ConfidenceBuildingMeasure cno:CapacityBuildingMeasure cno:Recommendation }
        ?e a ?c ; rdfs:label ?l }""")
    langs: dict[str, list[str]] = {}
    for e, lang in rows:
        langs.setdefault(e, []).append(lang)
    assert len(langs) == 25
    assert all(sorted(v) == ["en", "fr"] for v in langs.values())


def test_modality_of_the_chapeaux(sparql):
    # 16: "les États devraient prendre en considération ... le Groupe recommande aux États de réfléchir"
    assert modalities(sparql, "para/16") == {"modality/should"}
    # 17: "Les États devraient envisager d'autres mesures de confiance ... Ces mesures pourraient comprendre"
    assert modalities(sparql, "para/17") == {"modality/should", "modality/may"}
    # 21: "les États devraient réfléchir aux mesures volontaires suivantes"
    assert modalities(sparql, "para/21") == {"modality/should"}


def test_modality_of_the_measures(sparql):
    expected = {
        "para/16/a": {"should"},
        "para/16/b": {"should"},
        # 16(c) "cela peut se traduire par des échanges volontaires de vues"
        "para/16/c": {"should", "may"},
        # 16(d) "les États devraient s'attacher à faciliter ... ces mesures pourraient inclure"
        "para/16/d": {"should", "may"},
        "para/16/d/i": {"may"},
        "para/16/d/ii": {"may"},
        "para/16/d/iii": {"may"},
        "para/16/d/iv": {"may"},
        "para/17/a": {"may"},
        "para/17/b": {"may"},
        # 17(c) "les États pourront prendre en considération ces organes ... ils devraient soutenir"
        "para/17/c": {"may", "should"},
        "para/17/d": {"may"},
        "para/17/e": {"may"},
        # 18 "il recommande l'instauration d'un dialogue institutionnel régulier"
        "para/18": {"should"},
        **{f"para/21/{c}": {"should"} for c in "abcdefh"},
        # 21(g) "cette mesure peut comprendre ... ces programmes pourraient être couplés"
        "para/21/g": {"should", "may"},
        # 22 "L'élaboration de stratégies régionales ... serait bénéfique, car ces stratégies pourraient
        # prendre en compte ...": an evaluation, and in the clause of reason what such strategies are
        # able to do; no verb opens an option to anyone. Guards against the earlier reading "may".
        "para/22": {"descriptive"},
        # 23 "les États peuvent envisager"
        "para/23": {"may"},
    }
    got = {p: {m.removeprefix("modality/") for m in modalities(sparql, p)} for p in expected}
    assert got == expected


def test_subparagraphs_inherit_the_force_of_their_chapeau(sparql):
    """A subparagraph or item keeps at least the force of the chapeau that introduces it: should
    under 16 and 21, may under 16(d) ("pourraient inclure") and 17 ("pourraient comprendre")."""
    rows = sparql("""SELECT ?p ?m WHERE {
        VALUES ?chapeau { <https://w3id.org/cybernorms/id/document/A-70-174/para/16>
                          <https://w3id.org/cybernorms/id/document/A-70-174/para/16/d>
                          <https://w3id.org/cybernorms/id/document/A-70-174/para/17>
                          <https://w3id.org/cybernorms/id/document/A-70-174/para/21> }
        ?p cno:parent ?chapeau ; cno:modality ?m }""")
    got: dict[str, set[str]] = {}
    for p, m in rows:
        got.setdefault(short(p).removeprefix("document/A-70-174/"), set()).add(short(m))
    assert len(got) == 4 + 4 + 5 + 8
    for p, ms in got.items():
        inherited = "modality/may" if p.startswith(("para/16/d/", "para/17/")) else "modality/should"
        assert inherited in ms, p
