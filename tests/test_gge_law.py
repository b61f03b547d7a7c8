"""The views of A/70/174 on international law (chapter VI, paragraphs 24-29) and the principles
the report names. Expected rows are read off the French text, data/A-70-174/text.fr.txt."""

from __future__ import annotations

import pyoxigraph as ox

from conftest import ID

DOC = ID + "document/A-70-174/"
A70_GRAPH = "https://w3id.org/cybernorms/graph/A-70-174"
REFERENCE_GRAPH = "https://w3id.org/cybernorms/graph/reference"


def short(iri: str) -> str:
    return iri.removeprefix(ID)


def invoked_by(sparql, provision: str) -> set[str]:
    rows = sparql("SELECT ?p ?x WHERE { ?p cno:invokes ?x }", p=ox.NamedNode(DOC + provision))
    return {short(x) for _, x in rows}


def modalities(sparql, provision: str) -> set[str]:
    rows = sparql("SELECT ?p ?m WHERE { ?p cno:modality ?m }", p=ox.NamedNode(DOC + provision))
    return {short(m).removeprefix("modality/") for _, m in rows}


VIEWS = {
    (
        "legal-view/" + n.replace("(", "").replace(")", ""),
        n,
        "document/A-70-174/para/" + n.replace("(", "/").replace(")", ""),
    )
    for n in ["24", "25", "26", "27", "28(a)", "28(b)", "28(c)", "28(d)", "28(e)", "28(f)", "29"]
}

# 26: "égalité souveraine, règlement des différends internationaux par des moyens pacifiques, ...,
# fait de s'abstenir, dans leurs relations internationales, de recourir à la menace ou à l'emploi de
# la force, ..., respect des droits de l'homme et des libertés fondamentales et non-intervention dans
# les affaires intérieures d'autres États."
PRINCIPLES_26 = {
    "principle/sovereign-equality": ("égalité souveraine", "sovereign equality"),
    "principle/peaceful-settlement-of-disputes": (
        (
            "règlement des différends internationaux par des moyens pacifiques, de telle manière que la paix "
            "et la sécurité internationales ainsi que la justice ne soient pas mises en danger"
        ),
        (
            "settlement of international disputes by peaceful means in such a manner that international peace "
            "and security and justice are not endangered"
        ),
    ),
    "principle/non-use-of-force": (
        (
            "fait de s'abstenir, dans leurs relations internationales, de recourir à la menace ou à l'emploi de "
            "la force, soit contre l'intégrité territoriale ou l'indépendance politique de tout État, soit de "
            "toute autre manière incompatible avec les buts des Nations Unies"
        ),
        (
            "refraining in their international relations from the threat or use of force against the "
            "territorial integrity or political independence of any State, or in any other manner inconsistent "
            "with the purposes of the United Nations"
        ),
    ),
    "principle/human-rights-and-fundamental-freedoms": (
        "respect des droits de l'homme et des libertés fondamentales",
        "respect for human rights and fundamental freedoms",
    ),
    "principle/non-intervention": (
        "non-intervention dans les affaires intérieures d'autres États",
        "non-intervention in the internal affairs of other States",
    ),
}
# 28(d): "les principes d'humanité, de nécessité, de proportionnalité et de discrimination"
PRINCIPLES_28D = {
    "principle/humanity": ("humanité", "humanity"),
    "principle/necessity": ("nécessité", "necessity"),
    "principle/proportionality": ("proportionnalité", "proportionality"),
    "principle/distinction": ("discrimination", "distinction"),
}
# 27: "Les normes et principes internationaux qui procèdent de la souveraineté étatique s'appliquent
# ... ainsi qu'à leur compétence territoriale en matière d'infrastructure informatique."
PRINCIPLES_27 = {
    "principle/state-sovereignty": ("souveraineté étatique", "State sovereignty"),
    "principle/territorial-jurisdiction": ("compétence territoriale", "territorial jurisdiction"),
}
# The G7 synthesis, 6.1: "le respect du droit international, notamment du droit humanitaire"
PRINCIPLES_G7 = {
    "principle/international-humanitarian-law": ("droit humanitaire", "international humanitarian law"),
}
ALL_PRINCIPLES = PRINCIPLES_26 | PRINCIPLES_28D | PRINCIPLES_27 | PRINCIPLES_G7
G7_GRAPH = "https://w3id.org/cybernorms/graph/g7-2019"


def test_the_legal_views_are_paragraphs_24_to_29_with_each_of_28a_to_28f(sparql):
    rows = sparql("SELECT ?e ?n ?p WHERE { ?e a cno:LegalView ; skos:notation ?n ; cno:hasSource ?p }")
    assert {(short(e), n, short(p)) for e, n, p in rows} == VIEWS
    rows = sparql("SELECT ?e ?p WHERE { ?e a cno:LegalView . ?p cno:expresses ?e }")
    assert {(short(e), short(p)) for e, p in rows} == {(e, p) for e, _, p in VIEWS}


def test_view_labels(sparql):
    rows = sparql("SELECT ?l WHERE { <https://w3id.org/cybernorms/id/legal-view/28d> rdfs:label ?l }")
    assert {lbl for (lbl,) in rows} == {"point de vue juridique 28 d)", "legal view 28(d)"}
    rows = sparql("SELECT ?l WHERE { <https://w3id.org/cybernorms/id/legal-view/24> rdfs:label ?l }")
    assert {lbl for (lbl,) in rows} == {"point de vue juridique 24", "legal view 24"}


def test_the_principles_of_paragraph_26(sparql):
    assert invoked_by(sparql, "para/26") == set(PRINCIPLES_26)


def test_the_principles_of_28d(sparql):
    assert invoked_by(sparql, "para/28/d") == set(PRINCIPLES_28D)


def test_the_principles_of_28b(sparql):
    # 28(b): "les États doivent respecter, entre autres principes du droit international, la souveraineté
    # étatique, l'égalité souveraine, le règlement des différends par des moyens pacifiques et la
    # non-intervention ...; ... de respecter et de protéger les droits de l'homme et les libertés fondamentales"
    assert invoked_by(sparql, "para/28/b") == {
        "principle/state-sovereignty",
        "principle/sovereign-equality",
        "principle/peaceful-settlement-of-disputes",
        "principle/non-intervention",
        "principle/human-rights-and-fundamental-freedoms",
    }


def test_every_provision_that_names_a_principle_invokes_it(sparql):
    # the provisions of the report (the other documents invoke principles too: their own tests)
    rows = sparql("SELECT ?p ?x WHERE { ?p cno:invokes ?x FILTER(STRSTARTS(STR(?p), STR(id:document\\/A-70-174\\/))) }")
    got: dict[str, set[str]] = {}
    for p, x in rows:
        got.setdefault(short(p).removeprefix("document/A-70-174/"), set()).add(short(x))
    assert got == {
        # "les États devraient garantir le plein respect des droits de l'homme"
        "summary/3": {"principle/human-rights-and-fundamental-freedoms"},
        # "du principe de souveraineté ... les principes d'humanité, de nécessité, de proportionnalité
        # et de discrimination"
        "summary/7": {"principle/state-sovereignty"} | set(PRINCIPLES_28D),
        # 13(e) "afin de garantir le plein respect des droits de l'homme"
        "para/13/e": {"principle/human-rights-and-fundamental-freedoms"},
        # 13(h) "en tenant dûment compte de la souveraineté"
        "para/13/h": {"principle/state-sovereignty"},
        "para/26": set(PRINCIPLES_26),
        "para/27": set(PRINCIPLES_27),
        # 28(a) "La compétence territoriale des États s'applique aux infrastructures informatiques"
        "para/28/a": {"principle/territorial-jurisdiction"},
        "para/28/b": {
            "principle/state-sovereignty",
            "principle/sovereign-equality",
            "principle/peaceful-settlement-of-disputes",
            "principle/non-intervention",
            "principle/human-rights-and-fundamental-freedoms",
        },
        "para/28/d": set(PRINCIPLES_28D),
    }


def test_principles_have_their_printed_french_name_and_english_name(sparql):
    rows = sparql("SELECT ?x ?l (LANG(?l) AS ?lang) WHERE { ?x a cno:LegalPrinciple ; rdfs:label ?l }")
    got: dict[str, dict[str, set[str]]] = {}
    for x, lbl, lang in rows:
        got.setdefault(short(x), {}).setdefault(lang, set()).add(lbl)
    assert got == {x: {"fr": {fr}, "en": {en}} for x, (fr, en) in ALL_PRINCIPLES.items()}
    # the French text prints "discrimination" for the principle known in English as distinction
    assert got["principle/distinction"] == {"fr": {"discrimination"}, "en": {"distinction"}}


def test_french_names_are_stated_by_the_report_and_english_names_by_the_reference(sparql):
    rows = sparql("""SELECT ?g ?lang (COUNT(*) AS ?n) WHERE {
        GRAPH ?g { ?x rdfs:label ?l } ?x a cno:LegalPrinciple BIND(LANG(?l) AS ?lang) } GROUP BY ?g ?lang""")
    assert set(rows) == {(A70_GRAPH, "fr", 11), (G7_GRAPH, "fr", 1), (REFERENCE_GRAPH, "en", 12)}


def test_each_principle_has_as_source_the_first_provision_that_prints_its_name(sparql):
    rows = sparql("""SELECT ?x ?l ?src ?p ?order ?text WHERE {
        ?x a cno:LegalPrinciple ; rdfs:label ?l ; cno:hasSource ?src . FILTER(LANG(?l) = "fr")
        ?p cno:invokes ?x ; cno:order ?order ; cno:text ?text }""")
    sources: dict[str, set[str]] = {}
    printing: dict[str, list[tuple[int, str]]] = {}
    for x, label, src, p, order, text in rows:
        sources.setdefault(x, set()).add(short(src))
        if label.lower() in " ".join(text.split()).lower():
            printing.setdefault(x, []).append((order, short(p)))
    assert len(sources) == 12
    for x, src in sources.items():
        assert src == {min(printing[x])[1]}, x
    assert sources[ID + "principle/humanity"] == {"document/A-70-174/summary/7"}
    assert sources[ID + "principle/sovereign-equality"] == {"document/A-70-174/para/26"}
    assert sources[ID + "principle/state-sovereignty"] == {"document/A-70-174/para/27"}
    assert sources[ID + "principle/international-humanitarian-law"] == {
        "document/g7-cyber-norm-initiative-2019/norme/6/1"
    }


def test_modality_of_the_views(sparql):
    got = {
        p: modalities(sparql, p)
        for p in [
            "para/24",
            "para/25",
            "para/26",
            "para/27",
            "para/28",
            "para/28/a",
            "para/28/b",
            "para/28/c",
            "para/28/d",
            "para/28/e",
            "para/28/f",
            "para/29",
        ]
    }
    assert got == {
        "para/24": {"descriptive"},
        "para/25": {"descriptive"},
        "para/26": {"descriptive"},
        "para/27": {"descriptive"},
        "para/28": {"descriptive"},
        "para/28/a": {"descriptive"},
        # "les États doivent respecter ... ces derniers doivent remplir l'obligation"
        "para/28/b": {"must"},
        # "les États avaient implicitement le droit de prendre des mesures"
        "para/28/c": {"may"},
        # "Le Groupe rappelle les principes de droit international reconnus"
        "para/28/d": {"descriptive"},
        # "Les États ne doivent pas faire appel à des intermédiaires ... et devraient veiller"
        "para/28/e": {"must-not", "should"},
        # "Les États sont tenus de remplir leurs obligations ...; le Groupe a fait observer que les
        # accusations ... devaient être étayées": "devaient" is the imperfect of "doivent" that the past
        # verb of saying requires (a "devraient" would have stayed "devraient"), so no "should" is
        # added; that 28(f) is not itself binding is its status, not its modality. Guards against
        # weakening the reported "devaient" to should, and against the status leaking into the modality.
        "para/28/f": {"must"},
        "para/29": {"descriptive"},
    }
