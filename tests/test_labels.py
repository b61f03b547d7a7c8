"""The short names (skos:altLabel, in the curation graph) of the norms, measures, views,
recommendations, conclusions and observation of A/70/174 keep the force of their wording and every
qualifier that changes their scope (issue 11): a short name that drops "sciemment" turns a norm
against knowingly allowing wrongful acts into one against any use of the territory; one that says
"Report ICT vulnerabilities" where the text says "encourager le signalement responsable" makes
states report instead of encouraging reporting. The tables below quote the French words as printed
(each test checks that the text contains them) and the words each label must then contain."""

from __future__ import annotations

import re

import pytest

CURATION = "https://w3id.org/cybernorms/graph/curation"
KINDS = """VALUES ?c { cno:Norm cno:ConfidenceBuildingMeasure cno:CapacityBuildingMeasure cno:LegalView
                       cno:Recommendation cno:Conclusion cno:Observation }"""


def norm_space(text: str) -> str:
    return " ".join(text.split()).lower()


@pytest.fixture(scope="module")
def elements(sparql) -> dict[str, dict]:
    """notation -> its provision's text, its chapeau's notation and text, its modalities and labels."""
    rows = sparql(f"""SELECT ?e ?n ?text ?pn ?ptext ?m WHERE {{ {KINDS} ?e a ?c ; skos:notation ?n ; cno:hasSource ?p .
        ?p cno:text ?text ; cno:parent ?parent ; cno:modality/skos:notation ?m .
        FILTER(STRSTARTS(STR(?p), "https://w3id.org/cybernorms/id/document/A-70-174/"))
        OPTIONAL {{ ?parent cno:text ?ptext ; skos:notation ?pn }} }}""")
    out: dict[str, dict] = {}
    for e, n, text, pn, ptext, m in rows:
        entry = out.setdefault(n, {"iri": e, "text": text, "chapeau": pn, "chapeau_text": ptext or "", "m": set()})
        entry["m"].add(m)
    labels = sparql(f"""SELECT ?e ?l (LANG(?l) AS ?lang) WHERE {{ {KINDS} ?e a ?c .
        GRAPH <{CURATION}> {{ ?e skos:altLabel ?l }} }}""")
    for entry in out.values():
        entry["fr"] = [lbl for e, lbl, lang in labels if e == entry["iri"] and lang == "fr"]
        entry["en"] = [lbl for e, lbl, lang in labels if e == entry["iri"] and lang == "en"]
    return out


def test_every_element_has_one_short_name_in_each_language(elements):
    # 11 norms, 13 CBMs, 10 capacity-building measures, 11 views, 2 recommendations, 8 conclusions,
    # observation 14 (the risks, findings without force, are not in this check)
    assert len(elements) == 11 + 13 + 10 + 11 + 2 + 8 + 1
    assert {
        n: (len(e["fr"]), len(e["en"])) for n, e in elements.items() if (len(e["fr"]), len(e["en"])) != (1, 1)
    } == {}


# ------------------------------------------------------------------------------- modality

# Cue words of each force, in English and French labels. A negative form is taken out before its
# positive one is looked for ("should not" is not "should").
EN_CUES = {
    "should-not": r"\bshould not\b",
    "should": r"\bshould\b|\brecommends?\b",
    "must-not": r"\bmust not\b",
    "must": r"\bmust\b",
    "may": r"\bmay\b|\bha(?:ve|s) the right to\b",
}
FR_CUES = {
    "should-not": r"\bne devrai(?:t|ent) pas\b",
    "should": r"\bdevrai(?:t|ent)\b|\brecommand\w*|\bfaudrait\b",
    "must-not": r"\bne doi(?:t|vent) pas\b",
    "must": r"\bdoi(?:t|vent)\b|\btenus de\b",
    "may": r"\bpeu(?:t|vent)\b(?!-être)|\bpourr\w*|\bdroit de\b",
}


def forces(label: str, cues: dict[str, str]) -> set[str]:
    found, rest = set(), label
    for force, cue in cues.items():  # negative forms first, in the order of the table
        if re.search(cue, rest, re.IGNORECASE):
            found.add(force)
            rest = re.sub(cue, " ", rest, flags=re.IGNORECASE)
    return found


def required(modalities: set[str]) -> set[str]:
    """The forces a short name must carry: all but 'descriptive', and 'may' only when it is the
    provision's only force (a subsidiary option, as 16(c)'s "cela peut se traduire par", may be left
    out of a short name; it may not be added where the text has none)."""
    forces_ = modalities - {"descriptive"}
    return forces_ - {"may"} or forces_


def test_each_short_name_carries_the_force_of_its_wording_and_no_other(elements):
    """Guards against "Do not damage critical infrastructure" for 13(f) ("ne devrait pas", should
    not: a recommendation, not a prohibition), against a short name that drops the "should" of
    13(c), and against a short name that adds a force the wording lacks."""
    wrong = {}
    for n, e in elements.items():
        for lang, cues in (("fr", FR_CUES), ("en", EN_CUES)):
            got = forces(e[lang][0], cues)
            if not (required(e["m"]) <= got <= e["m"]):
                wrong[(n, lang)] = (sorted(e["m"]), sorted(got), e[lang][0])
    assert wrong == {}


def test_the_forces_issue_11_named(elements):
    assert forces(elements["13(c)"]["en"][0], EN_CUES) == {"should-not"}  # "knowingly" and "should"
    assert forces(elements["13(f)"]["en"][0], EN_CUES) == {"should-not"}
    assert forces(elements["13(f)"]["fr"][0], FR_CUES) == {"should-not"}
    assert forces(elements["28(e)"]["en"][0], EN_CUES) == {"must-not", "should"}


# ----------------------------------------------------------------------------- qualifiers

# Words that narrow or condition what an element asks, wherever its own text prints them: French as
# printed, then the words the French and the English short names must contain.
GENERIC = [
    ("sciemment", "sciemment", "knowingly"),
    ("intentionnellement", "intentionnellement", "intentionally"),
    ("agréées", "agréées", "authorized"),
    ("raisonnables", "raisonnables", "reasonable"),
    ("implicitement", "implicitement", "implicitly"),
    ("volontair", "volontair", "voluntar"),
    ("librement", "librement", "freely"),
    ("lorsqu'ils sont applicables", "lorsqu'ils sont applicables", "where applicable"),
    ("appropriées", "appropriées", "appropriate"),
]

# The same for the chapeau a subparagraph or item takes its force from.
CHAPEAU = {
    # "le Groupe recommande aux États de réfléchir aux mesures de confiance volontaires suivantes"
    "16": [("réfléchir aux mesures", "réfléchir", "consider"), ("volontaires", "volontaire", "voluntary")],
    # "ces mesures pourraient inclure :"
    "16(d)": [("ces mesures pourraient inclure", "pourraient inclure", "may include")],
    # "Ces mesures pourraient comprendre le fait, pour les États, de convenir librement de :"
    "17": [("convenir librement", "convenir librement", "freely agree")],
    # "les États devraient réfléchir aux mesures volontaires suivantes afin de fournir une assistance
    # ... pour permettre aux pays qui ont besoin d'aide et en font la demande de développer des capacités"
    "21": [
        ("réfléchir aux mesures volontaires", "réfléchir", "consider"),
        ("volontaires", "volontaire", "voluntary"),
        ("en font la demande", "en font la demande", "request"),
    ],
}

# Each element's own limbs and conditions: (notation, French words as printed, French short name
# must contain, English short name must contain).
LIMBS = [
    ("13(a)", "à prévenir les pratiques informatiques jugées nocives", "prévenir les pratiques", "prevent practices"),
    ("13(b)", "En cas d'incident informatique", "en cas d'incident", "in case of ICT incidents"),
    (
        "13(c)",
        "faits internationalement illicites",
        "faits internationalement illicites",
        "internationally wrongful acts",
    ),
    ("13(d)", "réfléchir à la meilleure façon de coopérer", "meilleure façon de coopérer", "how best to cooperate"),
    (
        "13(e)",
        "lorsqu'ils veillent à une utilisation sûre",
        "lorsqu'ils veillent à une utilisation sûre",
        "in ensuring the secure use",
    ),
    ("13(e)", "droits de l'homme sur Internet", "droits de l'homme sur Internet", "human rights on the Internet"),
    ("13(e)", "droit à la vie privée à l'ère du numérique", "vie privée", "privacy"),
    ("13(f)", "mener ou soutenir sciemment", "mener ou soutenir", "conduct or support"),
    (
        "13(f)",
        "contraire aux obligations qu'il a contractées en vertu du droit international",
        "contraire à ses obligations en droit international",
        "contrary to its obligations under international law",
    ),
    ("13(f)", "endommage intentionnellement une infrastructure essentielle", "endommage", "damages"),
    (
        "13(f)",
        "compromet l'utilisation et le fonctionnement",
        "compromet l'utilisation et le fonctionnement",
        "impairs its use and operation",
    ),
    ("13(f)", "pour fournir des services au public", "services au public", "services to the public"),
    ("13(g)", "mesures appropriées", "mesures appropriées", "appropriate measures"),
    ("13(h)", "demandes d'aide appropriées", "demandes d'aide appropriées", "appropriate requests for assistance"),
    ("13(h)", "atténuer les conséquences d'activités informatiques malveillantes", "atténuer", "mitigate"),
    ("13(h)", "exercées depuis leur territoire", "depuis leur territoire", "from their territory"),
    (
        "13(h)",
        "en tenant dûment compte de la souveraineté",
        "en tenant dûment compte de la souveraineté",
        "with due regard for sovereignty",
    ),
    ("13(i)", "mesures raisonnables", "mesures raisonnables", "reasonable steps"),
    ("13(i)", "prévenir la prolifération", "prolifération", "proliferation"),
    ("13(i)", "fonctionnalités cachées malveillantes", "fonctionnalités cachées", "hidden functions"),
    (
        "13(j)",
        "encourager le signalement responsable",
        "encourager le signalement responsable",
        "encourage responsible reporting",
    ),
    (
        "13(j)",
        "partager les informations correspondantes sur les moyens permettant de les corriger",
        "partager les informations sur les moyens de les corriger",
        "share associated information on available remedies",
    ),
    ("13(k)", "mener ou soutenir sciemment", "mener ou soutenir", "conduct or support"),
    ("13(k)", "systèmes d'information", "systèmes d'information", "information systems"),
    (
        "13(k)",
        "équipes d'intervention d'urgence agréées",
        "équipes d'intervention d'urgence agréées",
        "authorized emergency response teams",
    ),
    # the second limb: "un État ne devrait pas se servir d'équipes d'intervention d'urgence agréées pour
    # se livrer à des activités internationales malveillantes"
    ("13(k)", "un État ne devrait pas se servir", "un État ne devrait pas se servir", "a State should not use"),
    (
        "13(k)",
        "activités internationales malveillantes",
        "activités internationales malveillantes",
        "malicious international activity",
    ),
    (
        "14",
        "en particulier dans les pays en développement",
        "en particulier dans les pays en développement",
        "in particular in developing countries",
    ),
    (
        "14",
        "jusqu'à ce que ces derniers acquièrent les capacités suffisantes",
        "capacités suffisantes",
        "adequate capacity",
    ),
    ("16(c)", "à titre volontaire", "à titre volontaire", "on a voluntary basis"),
    (
        "16(d)",
        "les États devraient s'attacher à faciliter la coopération transfrontière",
        "faciliter la coopération transfrontière",
        "facilitate cross-border cooperation",
    ),
    ("17(c)", "ils devraient soutenir et faciliter le travail de ces équipes", "devraient soutenir", "should support"),
    (
        "17(e)",
        "dans le respect de la législation nationale et du droit international",
        "dans le respect de la législation nationale et du droit international",
        "consistent with national law and international law",
    ),
    ("19", "à des fins pacifiques", "à des fins pacifiques", "for peaceful purposes"),
    ("21(b)", "aux pays en développement", "pays en développement", "developing countries"),
    ("21(h)", "Inciter à la poursuite des travaux", "inciter à la poursuite", "encourage further"),
    ("24", "Le rapport de 2013 affirmait", "Le rapport de 2013 affirmait", "The 2013 report affirmed"),
    ("28(b)", "la souveraineté étatique", "souveraineté étatique", "State sovereignty"),
    (
        "28(b)",
        "de respecter et de protéger les droits de l'homme",
        "respecter et protéger les droits de l'homme",
        "respect and protect human rights",
    ),
    ("28(c)", "reconnues par la Charte", "reconnues par la Charte", "recognized by the Charter"),
    ("28(c)", "il a convenu de la nécessité d'approfondir la question", "approfondir", "further study"),
    ("28(e)", "faire appel à des intermédiaires", "intermédiaires", "proxies"),
    ("28(e)", "des acteurs non étatiques n'utilisent pas leur territoire", "acteurs non étatiques", "non-State actors"),
    (
        "28(f)",
        "peut être insuffisant à lui seul",
        "ne suffit pas nécessairement à elle seule",
        "not necessarily sufficient in itself",
    ),
    ("28(f)", "devaient être étayées", "étayées", "substantiated"),
    (
        "30(a)",
        "collectivement et individuellement",
        "collectivement et individuellement",
        "collectively and individually",
    ),
    ("35", "autant qu'il y a lieu", "autant qu'il y a lieu", "as appropriate"),
    ("36", "examiner activement", "examiner activement", "actively consider"),
]


def requirements(elements) -> list[tuple[str, str, str, str]]:
    """(notation, where the French words must be, fr words, en words) for every element."""
    reqs = []
    for n, e in elements.items():
        for printed, fr, en in GENERIC:
            if printed in norm_space(e["text"]):
                reqs.append((n, "text", fr, en))
        for printed, fr, en in CHAPEAU.get(e["chapeau"], []):
            assert printed.lower() in norm_space(e["chapeau_text"]), (n, printed)
            reqs.append((n, "chapeau", fr, en))
    for n, printed, fr, en in LIMBS:
        assert printed.lower() in norm_space(elements[n]["text"]), (n, printed)
        reqs.append((n, "text", fr, en))
    return reqs


def test_the_tables_quote_the_text(elements):
    reqs = requirements(elements)
    # every norm has a requirement beyond its force, and so has every element a chapeau qualifies
    assert {f"13({c})" for c in "abcdefghijk"} <= {n for n, *_ in reqs}
    assert {n for n, e in elements.items() if e["chapeau"] in CHAPEAU} <= {
        n for n, where, *_ in reqs if where == "chapeau"
    }


def test_each_short_name_keeps_every_qualifier_of_its_text(elements):
    """Guards against: 13(c) and 13(f) without "knowingly"; 13(f) without "contrary to its
    obligations under international law" and "intentionally"; 13(j) "Report ICT vulnerabilities"
    instead of encouraging responsible reporting and sharing remedies; 13(k) without "authorized",
    "information systems" and its second limb; 13(i) without "reasonable steps"; the measures of 16,
    17 and 21 without the "consider", "voluntary" and "freely agree" of their chapeau."""
    missing = [
        (n, lang, want)
        for n, _, fr, en in requirements(elements)
        for lang, want in (("fr", fr), ("en", en))
        if want.lower() not in elements[n][lang][0].lower()
    ]
    assert missing == []


def test_short_names_of_the_norms_issue_11_named(elements):
    assert elements["13(c)"]["en"] == [
        "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs"
    ]
    assert "knowingly" in elements["13(k)"]["en"][0] and "authorized" in elements["13(k)"]["en"][0]
    assert elements["13(j)"]["en"][0].startswith("States should encourage responsible reporting")


# ----------------------------------------------------------------------------- the annex


def test_annex_headings_have_english_names_in_their_english_labels(sparql):
    """Guards against "A/70/174, annex, Égypte"@en: each heading of the annex (a state, printed in
    French) is labelled in English with the English name of that state (data/reference/states.ttl),
    and in French as printed."""
    rows = sparql("""SELECT ?fr ?en ?state_en WHERE {
        ?s a cno:Section ; cno:parent <https://w3id.org/cybernorms/id/document/A-70-174/annex> ;
           dcterms:title ?heading ; rdfs:label ?fr , ?en .
        FILTER(LANG(?fr) = "fr" && LANG(?en) = "en")
        ?state a cno:State ; rdfs:label ?state_fr , ?state_en .
        FILTER(LANG(?state_fr) = "fr" && LANG(?state_en) = "en")
        FILTER(REPLACE(STR(?state_fr), "-", " ") = REPLACE(STR(?heading), "-", " ")) }""")
    assert len(rows) == 20
    for fr, en, state_en in rows:
        assert en == f"A/70/174, annex, {state_en}"
        assert fr.startswith("A/70/174, annexe, ")
    assert ("A/70/174, annexe, Égypte", "A/70/174, annex, Egypt", "Egypt") in rows


def test_person_entries_keep_the_name_as_printed_in_both_languages(sparql):
    rows = sparql(
        """SELECT ?l WHERE { <https://w3id.org/cybernorms/id/document/A-70-174/annex/leonard-rolland> rdfs:label ?l }"""
    )
    assert {lbl for (lbl,) in rows} == {"A/70/174, annexe, Léonard Rolland", "A/70/174, annex, Léonard Rolland"}
