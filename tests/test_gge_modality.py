"""The deontic modality of every provision of A/70/174 that has text, read from its French wording
(data/A-70-174/text.fr.txt): "devraient" should, "ne devraient pas" should not, "doivent" /
"sont tenus de" must, "ne doivent pas" must not, "peuvent" / "pourraient" may (when they open an
option), no deontic verb descriptive; a subparagraph without a verb of its own takes the force of
its chapeau."""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from conftest import ID, ROOT

DOC = ID + "document/A-70-174/"
CNO = "https://w3id.org/cybernorms/ontology#"
A70_GRAPH = "https://w3id.org/cybernorms/graph/A-70-174"
SCHEME = {"should", "should-not", "must", "must-not", "may", "descriptive"}


def short(iri: str) -> str:
    return iri[len(DOC) :] if iri.startswith(DOC) else iri.removeprefix(ID)


def text_provisions(sparql) -> dict[str, tuple[str, str | None, set[str]]]:
    """notation-path -> (text, parent path, modalities) for every A/70/174 provision with text."""
    rows = sparql("""SELECT ?p ?text ?parent ?m WHERE {
        ?p cno:text ?text ; cno:parent ?parent ;
           cno:parent+ <https://w3id.org/cybernorms/id/document/A-70-174> .
        OPTIONAL { ?p cno:modality ?m } }""")
    out: dict[str, tuple[str, str | None, set[str]]] = {}
    for p, text, parent, m in rows:
        entry = out.setdefault(short(p), (" ".join(text.split()), short(parent), set()))
        if m is not None:
            entry[2].add(short(m).removeprefix("modality/"))
    return out


def test_every_provision_with_text_has_a_modality(sparql):
    provisions = text_provisions(sparql)
    # cover, note/1, summary/1-9, foreword/1-4, letter/date, letter/1-6, letter/signature (23),
    # paragraphs 1-36 (36), their subparagraphs 13(a)-(k), 16(a)-(d), 17(a)-(e), 21(a)-(h),
    # 28(a)-(f), 30(a)-(b) (36), the items 16(d)(i)-(iv) (4) and the 31 entries of the annex
    assert len(provisions) == 23 + 36 + 36 + 4 + 31
    assert [p for p, (_, _, ms) in provisions.items() if not ms] == []


def test_every_modality_is_a_concept_of_the_deontic_scheme(sparql):
    rows = sparql("""SELECT DISTINCT ?m WHERE { ?p cno:modality ?m
        FILTER(STRSTARTS(STR(?p), "https://w3id.org/cybernorms/id/document/A-70-174/")) }""")
    assert {short(m).removeprefix("modality/") for (m,) in rows} == SCHEME
    assert (
        sparql("""SELECT ?m WHERE { ?p cno:modality ?m FILTER NOT EXISTS {
        ?m a cno:DeonticModality ; skos:topConceptOf <https://w3id.org/cybernorms/id/scheme/deontic-modality> } }""")
        == []
    )


def test_sections_without_text_have_no_modality(sparql):
    assert (
        sparql("""SELECT ?p WHERE { ?p a cno:Section ; cno:modality ?m
        FILTER NOT EXISTS { ?p cno:text ?t } }""")
        == []
    )


def test_modality_of_a_representative_set_of_provisions(sparql):
    provisions = text_provisions(sparql)
    expected = {
        # "Les États ne devraient pas permettre sciemment que leur territoire soit utilisé"
        "para/13/c": {"should-not"},
        # "Les États devraient réfléchir ...; à cet égard, les États peuvent être amenés à déterminer"
        "para/13/d": {"should", "may"},
        # "les États doivent respecter ... la souveraineté étatique"
        "para/28/b": {"must"},
        # "Les États ne doivent pas faire appel à des intermédiaires ... et devraient veiller"
        "para/28/e": {"must-not", "should"},
        # "les États pourront prendre en considération ces organes ...; ils devraient soutenir"
        "para/17/c": {"may", "should"},
        # "Les TIC ouvrent des possibilités immenses ... l'utilisation malveillante des TIC peut
        # compromettre la paix" -- states what may happen, no deontic verb
        "para/3": {"descriptive"},
        # "un État ne devrait pas mener ...; Les États devraient aussi prendre les mesures appropriées"
        "summary/4": {"should", "should-not"},
        # "cette coopération doit reposer sur le droit international"
        "foreword/1": {"must"},
        # "Le Groupe estime que les mesures de renforcement des capacités devraient avoir pour objectif"
        "para/19": {"should"},
        # "de nouvelles normes pourraient être élaborées au fil du temps"
        "para/15": {"may"},
        # "Le Groupe a approuvé les recommandations ... Le rapport de 2010 recommandait" -- reported
        "para/20": {"descriptive"},
        # "Le Groupe a pris note du code de conduite international"
        "para/12": {"descriptive"},
        "cover": {"descriptive"},
        "letter/signature": {"descriptive"},
        "annex/florence-mangin": {"descriptive"},
    }
    assert {p: provisions[p][2] for p in expected} == expected
    assert {p for p, (_, _, ms) in provisions.items() if p.startswith("annex/") and ms == {"descriptive"}} == {
        p for p in provisions if p.startswith("annex/")
    }


# Cue words of the French text. A provision whose wording contains a cue has the modality; a
# provision with a modality has a cue for it or inherits it from its chapeau.
SHOULD_CUE = re.compile(r"(?<!ne )\bdevrai(t|ent)\b", re.IGNORECASE)
SHOULD_NOT_CUE = re.compile(r"\bne devrai(t|ent) pas\b", re.IGNORECASE)
MUST_CUE = re.compile(r"(?<!ne )\bdoi(t|vent)\b|\btenus de\b", re.IGNORECASE)
MUST_NOT_CUE = re.compile(r"\bne doivent pas\b", re.IGNORECASE)
# 13(d) "déterminer si de nouvelles mesures doivent être élaborées": an indirect question, not an
# obligation (norms.ttl gives should and may).
MUST_CUE_EXCEPTIONS = {"para/13/d"}

JUSTIFY = {
    "should": re.compile(r"devrai|recommand|propos|demande aux|appelé à|faudrait|préconis", re.IGNORECASE),
    "should-not": re.compile(r"\bne devrai\w* pas\b|\bne permettent pas\b", re.IGNORECASE),
    "must": re.compile(r"\bdoi(t|vent)\b|\btenus de\b", re.IGNORECASE),
    "must-not": re.compile(r"\bne doivent pas\b", re.IGNORECASE),
    "may": re.compile(r"\bpeu(t|vent)\b|\bpourr(a|ai|aient|ait|ont)\b|\bdroit de\b", re.IGNORECASE),
}


def test_deontic_verbs_of_the_text_are_reflected(sparql):
    for p, (text, _, ms) in text_provisions(sparql).items():
        if SHOULD_CUE.search(text):
            assert "should" in ms, p
        if SHOULD_NOT_CUE.search(text):
            assert "should-not" in ms, p
        if MUST_CUE.search(text) and p not in MUST_CUE_EXCEPTIONS:
            assert "must" in ms, p
        if MUST_NOT_CUE.search(text):
            assert "must-not" in ms, p


def test_every_modality_has_a_cue_in_the_wording_or_the_chapeau(sparql):
    provisions = text_provisions(sparql)
    for p, (text, parent, ms) in provisions.items():
        for m in ms - {"descriptive"}:
            inherited = parent in provisions and m in provisions[parent][2]
            assert JUSTIFY[m].search(text) or inherited, (p, m)


def test_descriptive_excludes_every_other_modality(sparql):
    for p, (text, _, ms) in text_provisions(sparql).items():
        if "descriptive" in ms:
            assert ms == {"descriptive"}, p
            assert not (SHOULD_CUE.search(text) or MUST_CUE.search(text) or SHOULD_NOT_CUE.search(text)), p


def test_modality_is_stated_in_the_report_graph_only(sparql):
    rows = sparql("""SELECT DISTINCT ?g WHERE { GRAPH ?g { ?p cno:modality ?m }
        FILTER(STRSTARTS(STR(?p), "https://w3id.org/cybernorms/id/document/A-70-174/")) }""")
    assert rows == [(A70_GRAPH,)]


def test_each_modality_triple_is_written_in_exactly_one_file():
    where = defaultdict(list)
    for path in sorted((ROOT / "data" / "A-70-174").glob("*.ttl")):  # the G7's are in test_g7.py
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == CNO + "modality":
                where[(t.subject.value, t.object.value)].append(path.relative_to(ROOT).as_posix())
    assert where, "no modality triples found"
    assert {k: v for k, v in where.items() if len(v) > 1} == {}
    files = {f for fs in where.values() for f in fs}
    assert files == {f"data/A-70-174/{n}.ttl" for n in ("norms", "measures", "law", "risks", "conclusions", "modality")}
    # norms.ttl keeps paragraph 13 and 13(a)-(k), and only those
    in_norms = {s for (s, _), fs in where.items() if fs == ["data/A-70-174/norms.ttl"]}
    assert {short(s) for s in in_norms} == {"para/13"} | {f"para/13/{c}" for c in "abcdefghijk"}


# Readings that issue 11 questioned, each with the French words and the error it guards against.
READINGS = {
    # "L'ONU devait jouer un rôle moteur" in a main clause about future work, between "on pourrait
    # examiner" and "Il faudrait veiller": the conditional sense of "devrait". Error guarded against:
    # an imperfect "devait" read as an obligation (must).
    "para/33": {"should", "may"},
    # "C'est aux États qu'il incombe au premier chef de garantir un environnement informatique sûr":
    # where responsibility lies, restated by the summary as "sont responsables au premier chef".
    # Error: "il incombe au premier chef" read as must while "sont responsables au premier chef" is not.
    "para/31": {"descriptive"},
    "summary/5": {"should"},  # "sont responsables au premier chef" adds nothing; "a proposé", "a appelé à"
    "para/19": {"should"},  # "sont responsables au premier chef" adds nothing; "devraient avoir pour objectif"
    # "L'élaboration de stratégies régionales ... serait bénéfique, car ces stratégies pourraient prendre
    # en compte": an evaluation, and what such strategies can do. Error: "serait bénéfique" read as may.
    "para/22": {"descriptive"},
    # "Les États sont tenus de remplir ...; le Groupe a fait observer que les accusations ... devaient
    # être étayées": the imperfect of "doivent" that reported speech requires. Error: the reported
    # "devaient" weakened to should, or the status (a view of the law) taken for the modality.
    "para/28/f": {"must"},
}


def test_readings_questioned_by_issue_11(sparql):
    provisions = text_provisions(sparql)
    assert {p: provisions[p][2] for p in READINGS} == READINGS


def test_no_obligation_read_from_primary_responsibility_or_a_main_clause_devait(sparql):
    """No provision is must because of "il incombe au premier chef" or of a "devait" that no verb of
    saying governs: every must has "doit", "doivent", "sont tenus de", or a "devaient" after "a fait
    observer que"."""
    provisions = text_provisions(sparql)
    for p, (text, parent, ms) in provisions.items():
        if "must" in ms:
            inherited = parent in provisions and "must" in provisions[parent][2]
            assert JUSTIFY["must"].search(text) or inherited, p
    assert "L'ONU devait jouer un rôle moteur" in provisions["para/33"][0]
    assert "il incombe au premier chef" in provisions["para/31"][0]
    assert "le Groupe a fait observer que les accusations" in provisions["para/28/f"][0]
