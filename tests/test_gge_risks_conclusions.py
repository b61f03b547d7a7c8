"""The risks of A/70/174 chapter II (paragraphs 3-8) and the conclusions of chapter VII
(30(a), 30(b), 31-36). Expected rows are read off the French text, data/A-70-174/text.fr.txt."""

from __future__ import annotations

import pyoxigraph as ox

from conftest import ID

DOC = ID + "document/A-70-174/"


def short(iri: str) -> str:
    return iri.removeprefix(ID)


def modalities(sparql, provision: str) -> set[str]:
    rows = sparql("SELECT ?p ?m WHERE { ?p cno:modality ?m }", p=ox.NamedNode(DOC + provision))
    return {short(m).removeprefix("modality/") for _, m in rows}


def test_the_risks_are_paragraphs_3_to_8(sparql):
    # chapter II "Risques réels ou naissants": 3 malicious acts, 4 military capabilities, 5 attacks on
    # critical infrastructure, 6 terrorist use, 7 diverse actors and attribution, 8 capacity gaps
    rows = sparql("SELECT ?r ?n ?p WHERE { ?r a cno:Risk ; skos:notation ?n ; cno:hasSource ?p }")
    assert {(short(r), n, short(p)) for r, n, p in rows} == {
        (f"risk/{n}", str(n), f"document/A-70-174/para/{n}") for n in range(3, 9)
    }
    rows = sparql("SELECT ?r ?p WHERE { ?r a cno:Risk . ?p cno:expresses ?r }")
    assert {(short(r), short(p)) for r, p in rows} == {
        (f"risk/{n}", f"document/A-70-174/para/{n}") for n in range(3, 9)
    }


def test_risk_labels(sparql):
    rows = sparql("SELECT ?l WHERE { <https://w3id.org/cybernorms/id/risk/5> rdfs:label ?l }")
    assert {lbl for (lbl,) in rows} == {"risque 5", "risk 5"}


def test_the_risk_paragraphs_are_descriptive(sparql):
    # 3: "Ces tendances font courir un risque à tous les États et l'utilisation malveillante des TIC
    # peut compromettre la paix et la sécurité internationales." -- states, no deontic verb
    for n in range(3, 9):
        assert modalities(sparql, f"para/{n}") == {"descriptive"}, n


CONCLUSIONS = {
    ("conclusion/30a", "30(a)", "document/A-70-174/para/30/a"),
    ("conclusion/30b", "30(b)", "document/A-70-174/para/30/b"),
    *{(f"conclusion/{n}", str(n), f"document/A-70-174/para/{n}") for n in range(31, 37)},
}


def test_the_conclusions_of_chapter_vii(sparql):
    rows = sparql("SELECT ?c ?n ?p WHERE { ?c a cno:Conclusion ; skos:notation ?n ; cno:hasSource ?p }")
    assert {(short(c), n, short(p)) for c, n, p in rows} == CONCLUSIONS
    rows = sparql("SELECT ?c ?p WHERE { ?c a cno:Conclusion . ?p cno:expresses ?c }")
    assert {(short(c), short(p)) for c, p in rows} == {(c, p) for c, _, p in CONCLUSIONS}


def test_the_chapeau_of_30_is_a_provision_only(sparql):
    # 30: "le Groupe a estimé qu'il serait utile de recenser les mesures qui pourraient être prises en
    # vue de travaux futurs. Elles comprennent notamment les suivantes" -- introduces (a) and (b)
    assert (
        sparql("SELECT ?e WHERE { <https://w3id.org/cybernorms/id/document/A-70-174/para/30> cno:expresses ?e }") == []
    )
    assert modalities(sparql, "para/30") == {"may"}


def test_conclusion_labels(sparql):
    rows = sparql("SELECT ?l WHERE { <https://w3id.org/cybernorms/id/conclusion/30a> rdfs:label ?l }")
    assert {lbl for (lbl,) in rows} == {"conclusion 30 a)", "conclusion 30(a)"}


def test_modality_of_the_conclusions(sparql):
    got = {
        p: modalities(sparql, p)
        for p in ["para/30/a", "para/30/b", "para/31", "para/32", "para/33", "para/34", "para/35", "para/36"]
    }
    assert got == {
        # (a), (b) complete "les mesures qui pourraient être prises en vue de travaux futurs"
        "para/30/a": {"may"},
        "para/30/b": {"may"},
        # "C'est aux États qu'il incombe au premier chef de garantir": says where responsibility lies,
        # as the summary's "Les États sont responsables au premier chef" does for the same sentence.
        # Guards against reading "il incombe au premier chef" as an obligation (must).
        "para/31": {"descriptive"},
        # "l'Institut ... pourrait être invité à entreprendre les études pertinentes"
        "para/32": {"may"},
        # "L'ONU devait jouer un rôle moteur" (a main-clause imperfect about future work, read as the
        # conditional "devrait"), "on pourrait examiner", "Il faudrait veiller". Guards against reading
        # "devait" as an obligation (must).
        "para/33": {"should", "may"},
        # "instance qui devrait poursuivre l'étude de ces questions"
        "para/34": {"should"},
        # "Les États devraient tenir compte de ces avancées"
        "para/35": {"should"},
        # "Le Groupe d'experts recommande aux États Membres d'examiner activement"
        "para/36": {"should"},
    }
