"""The Paris Call, the third document, registered by data alone: its two texts aligned provision by
provision, its principles, its supporters and the competency questions about them. Expected answers
are read off data/paris-call/text.en.md, text.fr.md and supporters.csv (counted here with the csv
module, independently of the mapping), and off A/70/174 and the G7 reference data for the groups."""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from collections import Counter

import pytest

import cybernorms
from cybernorms import registry
from cybernorms.errors import InputError
from cybernorms.layout import Project
from cybernorms.segment import aligned

from conftest import FEW_SUPPORTERS, ROOT, cli, copy_project, one_line_error

CALL = "https://w3id.org/cybernorms/id/document/paris-call"
ROWS = list(csv.DictReader((ROOT / "data/paris-call/supporters.csv").read_text(encoding="utf-8").splitlines()))


@pytest.fixture(scope="module")
def q(project):
    def run(name, **params):
        return cybernorms.query(name, root=project.root, build=project.build, **params)

    return run


@pytest.fixture(scope="module")
def call():
    return aligned(registry.load(Project.at(ROOT), ROOT / "data/paris-call"))


# ------------------------------------------------------------------------------ the texts


def test_both_languages_divide_into_the_same_25_provisions(call):
    # 15 paragraphs (one per line), the 9 bullets of paragraph 14, and "Paris, 12th of November, 2018"
    assert [p.notation for p in call] == [
        *[f"para/{k}" for k in range(1, 15)],
        *[f"para/14/{j}" for j in range(1, 10)],
        "para/15",
        "date",
    ]
    assert all(set(p.texts) == {"en", "fr"} for p in call)
    by = {p.notation: p for p in call}
    assert by["date"].texts == {"en": "Paris, 12th of November, 2018", "fr": "Paris, le 12 novembre 2018"}
    # the English text prints paragraphs 13 and 14 on consecutive lines: still two provisions
    assert by["para/13"].texts["en"].endswith("to build-up confidence, capacity and trust.")
    assert by["para/14"].texts["en"].startswith("To that end, we affirm our willingness to work together")
    # the French file writes some letters decomposed ("A" and a combining grave accent): kept as found
    assert unicodedata.normalize("NFC", by["para/14"].texts["fr"]).startswith(
        "À cet effet, nous nous déclarons résolus à agir de concert"
    )
    assert by["para/14/8"].texts["en"] == (
        "Take steps to prevent non-State actors, including the private sector, from hacking-back, for their own "
        "purposes or those of other non-State actors;"
    )
    assert {p.parent for p in call if p.notation.startswith("para/14/")} == {f"{CALL}/para/14"}
    assert by["para/14/3"].labels == {"fr": "paragraphe 14, point 3", "en": "paragraph 14, item 3"}


def test_texts_that_do_not_align_are_an_error_with_file_and_line(tmp_path):
    dest = tmp_path / "data/paris-call"
    shutil.copytree(ROOT / "data/paris-call", dest)
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    shutil.copytree(ROOT / "data/reference/tables", tmp_path / "data/reference/tables")
    lines = (dest / "text.fr.md").read_text(encoding="utf-8").split("\n")
    # the French text loses the line break between its first two bullets: one bullet fewer
    first = next(i for i, x in enumerate(lines) if x.startswith("- "))
    lines[first : first + 2] = [lines[first] + " " + lines[first + 1][2:]]
    (dest / "text.fr.md").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as e:
        aligned(registry.load(Project.at(tmp_path), dest))
    # provisions are aligned by their IRIs: the French text's items are numbered 1-8, so the first
    # that differs is the 23rd, where the French text has paragraph 15 and the English its ninth item
    line = next(i for i, x in enumerate(lines, start=1) if x.startswith("En vue d"))
    en = (ROOT / "data/paris-call/text.en.md").read_text(encoding="utf-8").split("\n")
    ninth = [i for i, x in enumerate(en, start=1) if x.startswith("- ")][8]
    assert e.value.message == (
        f"data/paris-call/text.fr.md:{line}: the fr text does not align with the en text: its provision 23 is "
        f"Paragraph para/15 where the en text has Item para/14/9 (data/paris-call/text.en.md:{ninth}); the "
        "texts of one document must divide into the same provisions, one to one; correct the text that differs "
        "from the published one"
    )


def test_modality_of_every_provision(sparql):
    rows = sparql(
        f"SELECT ?n ?m WHERE {{ ?p cno:parent+ <{CALL}> ; skos:notation ?n ; cno:modality/skos:notation ?m }}",
    )
    got = dict(rows)
    assert len(rows) == len(got) == 25
    # "it is the shared responsibility ... to improve"; "must also be protected online"
    assert {n for n, m in got.items() if m == "must"} == {"para/1", "para/4"}
    # "we affirm our willingness to work together", its nine bullets, "we agree on reconvening"
    assert {n for n, m in got.items() if m == "commitment"} == {"para/14", "para/15"} | {
        f"para/14/{j}" for j in range(1, 10)
    }


def test_what_the_call_names(sparql):
    rows = sparql(
        f"""SELECT ?n ?x WHERE {{ ?p cno:parent+ <{CALL}> ; skos:notation ?n ; cno:cites|cno:mentions|cno:invokes ?x }}""",
    )
    names = {(n, x.removeprefix("https://w3id.org/cybernorms/id/")) for n, x in rows}
    assert {
        ("para/3", "document/un-charter"),
        ("para/3", "topic/humanitarian-law"),
        ("para/4", "principle/human-rights-and-fundamental-freedoms"),
        ("para/5", "framework/international-framework-stability-cyberspace"),
        ("para/8", "document/budapest-convention"),
        ("para/15", "org/paris-peace-forum"),
        ("para/15", "event/igf-2019"),
    } <= names


def test_nine_principles_expressed_by_the_bullets(sparql):
    rows = sparql("SELECT ?e ?n WHERE { ?e a cno:Principle ; cno:hasSource/skos:notation ?n ; ^cno:expresses ?p }")
    assert sorted(n for _, n in rows) == sorted(f"para/14/{j}" for j in range(1, 10))


# ------------------------------------------------------------------------------ supporters


def test_every_supporter_with_its_category(q):
    rows = q("supporters-by-category", document="paris-call")
    by_category = Counter()
    for r in rows:
        by_category[r["category"]] += r["supporters"]
    expected = Counter(ROWS_CATEGORY.get(r["category"], "none") for r in ROWS)
    assert (
        by_category
        == expected
        == {
            "private sector": 708,
            "civil society": 391,
            "states": 81,
            "public authorities": 37,
            "none": 5,
        }
    )


ROWS_CATEGORY = {
    "state": "states",
    "public-authority": "public authorities",
    "civil-society": "civil society",
    "private-sector": "private sector",
}
READINGS = {"ROM": "ROU", "MTG": "MNE", "SCG": "SRB"}


def test_supporters_by_country_read_the_three_non_iso_codes(q):
    rows = q("supporters-by-category", document="paris-call")
    got = {(r["category"], r["country"]): r["supporters"] for r in rows}
    expected = Counter(
        (ROWS_CATEGORY.get(r["category"], "none"), READINGS.get(r["nationality"], r["nationality"])) for r in ROWS
    )
    assert got == dict(expected)
    assert got["states", "ROU"] == got["states", "MNE"] == got["states", "SRB"] == 1
    assert not any(code in ("ROM", "MTG", "SCG") for _, code in got)


def test_the_81_states_are_states_of_the_graph_by_iso_code(sparql):
    rows = sparql(
        f"""SELECT ?code ?listed WHERE {{ ?s cno:supportOf <{CALL}> ; cno:actorCategory <https://w3id.org/cybernorms/id/actor/states> ;
           cno:supporter ?state ; cno:listedCode ?listed . ?state a cno:State ; dcterms:identifier ?code }}""",
    )
    listed = {r["nationality"] for r in ROWS if r["category"] == "state"}
    assert len(rows) == 81
    assert {READINGS.get(c, c) for c in listed} == {code for code, _ in rows}
    assert {(c, listed_code) for c, listed_code in rows if c != listed_code} == {
        ("ROU", "ROM"),
        ("MNE", "MTG"),
        ("SRB", "SCG"),
    }


def test_non_iso_readings_are_curation_with_their_evidence(sparql):
    rows = sparql(
        """SELECT ?s ?note WHERE { GRAPH <https://w3id.org/cybernorms/graph/curation> {
           ?s cno:countryCode ?c ; skos:editorialNote ?note } }"""
    )
    assert len(rows) == sum(1 for r in ROWS if r["nationality"] in READINGS) == 35
    notes = {s.rsplit("/", 1)[1]: n for s, n in rows}
    assert "read as SRB" in notes["serbie-state-scg"] and "evidence: serbie-state-SCG.md" in notes["serbie-state-scg"]
    # the reading is never a fact of the Call's graph
    assert (
        sparql(
            """ASK { GRAPH <https://w3id.org/cybernorms/graph/paris-call> {
               <https://w3id.org/cybernorms/id/support/paris-call/roumanie-state-rom> cno:supporter ?x } }"""
        )
        is False
    )


def test_names_as_given(sparql):
    rows = sparql(
        """SELECT ?name ?agent WHERE { <https://w3id.org/cybernorms/id/support/paris-call/coree-du-sud-state-kor> cno:listedName ?name ;
           cno:supporter ?agent }"""
    )
    assert rows == [("Corée du Sud", "https://w3id.org/cybernorms/id/state/KOR")]
    rows = sparql("SELECT ?n WHERE { <https://w3id.org/cybernorms/id/agent/abb-private-sector-swe> foaf:name ?n }")
    assert rows == [("ABB",)]


# ---------------------------------------------------------------------- competency questions


GGE_SUPPORTING = {"COL", "DEU", "ESP", "EST", "FRA", "GBR", "JPN", "KOR", "MEX", "USA"}
GGE_NOT = {"BLR", "BRA", "CHN", "EGY", "GHA", "ISR", "KEN", "MYS", "PAK", "RUS"}


def test_gge_members_supporting_the_call(q):
    # the 20 states of the annex of A/70/174; the supporters.csv rows of category state
    rows = q("members-supporting", group="gge-2014-2015", document="paris-call")
    assert {r["code"] for r in rows if r["supports"]} == GGE_SUPPORTING
    assert {r["code"] for r in rows if not r["supports"]} == GGE_NOT
    listed = {r["nationality"] for r in ROWS if r["category"] == "state"}
    assert listed >= GGE_SUPPORTING and not GGE_NOT & listed


def test_g7_members_all_support_the_call(q):
    rows = q("members-supporting", group="g7", document="paris-call")
    assert [(r["code"], r["supports"]) for r in rows] == [
        (c, True) for c in ("CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "USA")
    ]


def test_principles_without_a_gge_norm(q):
    rows = q("principles-without-norm", document="paris-call")
    # electoral processes, intellectual property, cyber hygiene, acceptance of the norms
    assert [r["notation"] for r in rows] == ["para/14/3", "para/14/4", "para/14/7", "para/14/9"]
    assert {r["notation"]: set(filter(None, (r["correspondsTo"] or "").split(", "))) for r in rows} == {
        "para/14/3": set(),
        "para/14/4": set(),
        "para/14/7": {"1.4a", "3.3"},
        "para/14/9": {"1.2", "1.3"},
    }


def test_every_curated_link_has_its_reason(sparql):
    rows = sparql(
        """SELECT ?a ?b ?note WHERE { GRAPH <https://w3id.org/cybernorms/graph/curation> {
           ?a cno:correspondsTo ?b . FILTER(STRSTARTS(STR(?a), "https://w3id.org/cybernorms/id/principle-of-action/"))
           OPTIONAL { ?ax owl:annotatedSource ?a ; owl:annotatedProperty cno:correspondsTo ;
                      owl:annotatedTarget ?b ; skos:editorialNote ?note } } }"""
    )
    assert len(rows) == 16
    assert all(note for _, _, note in rows)


# ------------------------------------------------------------------------- bad input


def test_an_unknown_country_code_stops_the_build_with_its_file_and_line(tmp_path):
    built = copy_project(tmp_path)
    path = built.root / "data/paris-call/supporters.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = next(i for i, x in enumerate(lines) if x.startswith("abb-private-sector-SWE.md"))
    lines[n] = lines[n].replace(",SWE\n", ",SWD\n")
    path.write_text("".join(lines), encoding="utf-8")
    code, _, err = cli(built, "build", "--quiet")
    assert code == 2
    assert one_line_error(err) == (
        f"data/paris-call/supporters.csv:{n + 1}: country code SWD is neither an ISO 3166-1 alpha-3 code nor "
        "read in country-codes.csv; correct the row, or, for a country code that is not an ISO 3166-1 alpha-3 "
        "code, add its reading to data/paris-call/country-codes.csv"
    )


# ------------------------------------------------------------------ the engine names no document


def test_no_module_of_the_package_names_a_document():
    """Every document is registered by data alone: no module of cybernorms/ may name one by its
    folder, its symbol or its IRI (the registry's documents, and the names they were once known by)."""
    names = {"A-70-174", "A/70/174", "g7-2019", "g7-cyber-norm", "paris-call", "Paris Call", "GGE", "G7"}
    for folder in Project.at(ROOT).document_folders():
        entry = registry.load(Project.at(ROOT), folder)
        names |= {folder.name, entry.iri.rsplit("/", 1)[1], *([entry.meta["symbol"]] if "symbol" in entry.meta else [])}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "cybernorms").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_test_copys_list_of_supporters_is_rows_of_the_real_one():
    """The list conftest.copy_project gives the test copy of the project: lines of
    data/paris-call/supporters.csv, unchanged and in their order, holding every state, public
    authority and row without a category, and ten of the civil society and of the private sector."""
    real = (ROOT / "data/paris-call/supporters.csv").read_text(encoding="utf-8").splitlines()
    few = (FEW_SUPPORTERS / "supporters.csv").read_text(encoding="utf-8").splitlines()
    assert few[0] == real[0]
    places = [real.index(line) for line in few[1:]]
    assert places == sorted(set(places))
    kept = Counter(row["category"] for row in csv.DictReader(few))
    listed = Counter(row["category"] for row in ROWS)
    assert kept == {
        **{category: listed[category] for category in ("state", "public-authority", "")},
        "civil-society": 10,
        "private-sector": 10,
    }
