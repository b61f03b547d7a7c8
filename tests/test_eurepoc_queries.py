"""The competency questions of the EuRepoC incidents (issue 13, point 5), each asked twice: of a
project whose EuRepoC files are the five incidents of tests/fixtures/eurepoc/ (the expected rows
read off those CSV rows by hand, the rows named in a comment), and of the real data (the expected
answers computed here from the CSV files with the csv module, independently of the mappings and of
the queries; the figures written out were computed that way too).

Fixture rows (line numbers of the files, the header being line 1):
- global file: 2 = incident 901, 3 = 902, 4 = 903, 5 = 904, 6 = 905;
- receiver file: 2-4 = 901 (United States twice, France), 5-6 = 902 (India, Germany),
  7 = 903 (Ukraine), 8-9 = 904 (China, Hong Kong), 10-11 = 905 (Russia, Europe (region));
- attribution file: 2-3 = 901 (by United States, France; to China), 4-5 = 902 (by Germany,
  Canada; to Russia), 6-8 = 903 (by Ukraine, by United Kingdom twice; to Russia), 9 = 904 (by
  China; to United States), 10 = 905 (by United Kingdom; to "Not available").
"""

from __future__ import annotations

import ast
import csv
import re
from collections import Counter, defaultdict

import pytest

import cybernorms
from cybernorms.errors import UsageError

from conftest import ROOT, built_copy

DATA = ROOT / "data/eurepoc"
ID = "https://w3id.org/cybernorms/id/"

# A/70/174, paragraph 4: "des experts des 20 pays suivants ont été nommés : Allemagne, Bélarus,
# Brésil, Chine, Colombie, Égypte, Espagne, Estonie, États-Unis d'Amérique, Fédération de Russie,
# France, Ghana, Israël, Japon, Kenya, Malaisie, Mexique, Pakistan, République de Corée et
# Royaume-Uni de Grande-Bretagne et d'Irlande du Nord"
GGE = {"DEU", "BLR", "BRA", "CHN", "COL", "EGY", "ESP", "EST", "USA", "RUS", "FRA", "GHA", "ISR", "JPN"}
GGE |= {"KEN", "MYS", "MEX", "PAK", "KOR", "GBR"}
# the G7's states: Canada, France, Germany, Italy, Japan, the United Kingdom, the United States
G7 = {"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"}


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------------------- fixture


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    """fx(name, **params) -> rows, on a build of the project with the fixture's EuRepoC files."""
    p = built_copy(tmp_path_factory, "eurepoc-fixture")  # its EuRepoC files: tests/fixtures/eurepoc/

    def run(name, **params):
        return cybernorms.query(name, root=p.root, build=p.build, **params)

    return run


def test_fixture_sovereignty_by_receiver_state_and_year(fx):
    got = [(r["code"], r["year"], r["incidents"], r["match"]) for r in fx("incidents-breaching-principle")]
    assert got == [
        ("CHN", None, 1, "exact"),  # global 5 (904, Sovereignty, no start date), receiver 8; Hong Kong (9) is no state
        ("DEU", 2020, 1, "exact"),  # global 3 (902, "Human rights; Sovereignty", 2020-05-01), receiver 6
        ("FRA", 2019, 1, "exact"),  # global 2 (901, Sovereignty, 2019-03-01), receiver 4
        ("IND", 2020, 1, "exact"),  # global 3, receiver 5
        ("USA", 2019, 1, "exact"),  # global 2, receivers 2 and 3: one incident
    ]
    # global 4 (903): "International peace" with the sub-code "Prohibition of intervention"
    got = [
        (r["code"], r["year"], r["incidents"])
        for r in fx("incidents-breaching-principle", principle="non-intervention")
    ]
    assert got == [("UKR", 2019, 1)]  # receiver 7
    # global 3: "Human rights" (a close match of the principle)
    principle = "human-rights-and-fundamental-freedoms"
    got = [(r["code"], r["year"], r["match"]) for r in fx("incidents-breaching-principle", principle=principle)]
    assert got == [("DEU", 2020, "close"), ("IND", 2020, "close")]


def test_fixture_incidents_received_by_gge_members_and_attributed_by_g7_states(fx):
    got = [
        (r["id"], set(r["received_by"].split()), set(r["attributed_by"].split()))
        for r in fx("incidents-received-and-attributed")
    ]
    assert got == [
        ("901", {"FRA", "USA"}, {"FRA", "USA"}),  # receivers 2-4, attributions 2-3
        ("902", {"DEU"}, {"CAN", "DEU"}),  # receivers 5-6 (India is no GGE member), attributions 4-5
        ("905", {"RUS"}, {"GBR"}),  # receiver 10 (the region is no state), attribution 10
    ]  # 903: Ukraine received it (no GGE member); 904: China attributed it (no G7 state)


def test_fixture_gge_members_that_g7_states_attributed_incidents_to(fx):
    got = [
        (r["code"], r["incidents"], set(r["attributed_by"].split()), r["attributions"])
        for r in fx("incidents-attributed-to-group")
    ]
    assert got == [
        # attributions 4-5 (902, by Germany, Canada) and 7-8 (903, by the United Kingdom, two rows);
        # attribution 6 is by Ukraine, no G7 state
        ("RUS", 2, {"CAN", "DEU", "GBR"}, 4),
        ("CHN", 1, {"FRA", "USA"}, 2),  # attributions 2-3 (901)
    ]  # attribution 9 names the United States, but China, no G7 state, made it


def test_fixture_incidents_bearing_on_norms_by_year_and_rule(fx):
    got = [
        (r["norm"].removeprefix(ID), r["year"], r["incidents"], r["rule"].removeprefix(ID))
        for r in fx("incidents-bearing-on-norm")
    ]
    assert got == [
        # receiver 7: "Election infrastructure / related systems" (903, 2019)
        ("principle-of-action/paris-call-3", 2019, 1, "rule/elections-paris-call-3"),
        ("norm/13c", 2021, 1, "rule/due-diligence-13c"),  # global 6: "Due diligence" (905, 2021)
        ("norm/13e", 2020, 1, "rule/human-rights-13e"),  # global 3: "Human rights" (902, 2020)
        # "Critical infrastructure" receivers: 8-9 (904, no start date), 2 (901), 6 (902), 10-11 (905)
        ("norm/13f", None, 1, "rule/critical-infrastructure-13f"),
        ("norm/13f", 2019, 1, "rule/critical-infrastructure-13f"),
        ("norm/13f", 2020, 1, "rule/critical-infrastructure-13f"),
        ("norm/13f", 2021, 1, "rule/critical-infrastructure-13f"),
        ("norm/13i", None, 1, "rule/supply-chain-13i"),  # global 5: "Supply Chain Compromise" (904)
    ]
    assert [(r["year"], r["incidents"]) for r in fx("incidents-bearing-on-norm", norm="paris-call-3")] == [(2019, 1)]
    assert fx("incidents-bearing-on-norm", norm="13(k)") == []  # no rule reads 13(k)


def test_an_unknown_norm_lists_the_norms_and_principles_of_action(fx):
    with pytest.raises(UsageError) as e:
        fx("incidents-bearing-on-norm", norm="13(z)")
    message = e.value.message
    assert message.startswith("query incidents-bearing-on-norm: unknown norm or principle of action '13(z)'")
    assert "accepted: 13(a), 13(b)" in message and message.endswith("paris-call-8, paris-call-9")


def test_fixture_state_profiles(fx):
    got = {
        r["code"]: (r["received"], r["initiated"], r["attributions"], r["attributed_incidents"])
        for r in fx("state-incidents")
        if r["received"] or r["initiated"] or r["attributions"]
    }
    assert got == {
        "USA": (1, 1, 1, 1),  # receivers 2-3 (901); global 5 initiator (904); attribution 2
        "FRA": (1, 0, 1, 1),  # receiver 4; attribution 3
        "IND": (1, 0, 0, 0),  # receiver 5
        "DEU": (1, 0, 1, 1),  # receiver 6; attribution 4
        "UKR": (1, 0, 1, 1),  # receiver 7; attribution 6
        "CHN": (1, 1, 1, 1),  # receiver 8; global 2 initiator (901); attribution 9
        "RUS": (1, 2, 0, 0),  # receiver 10; global 3 and 4 initiators (902, 903: "Unknown" is no state)
        "CAN": (0, 0, 1, 1),  # attribution 5
        "GBR": (0, 0, 3, 2),  # attributions 7-8 (903, one statement, two rows) and 10 (905)
    }
    (usa,) = fx("state-incidents", state="USA")
    # a member of the GGE (paragraph 4) and of the G7, and the Paris Call lists it among its supporters
    assert (usa["member_of_group"], usa["member_of_other_group"], usa["supports"]) == (True, True, True)
    (rus,) = fx("state-incidents", state="RUS")
    assert (rus["member_of_group"], rus["member_of_other_group"], rus["supports"]) == (True, False, False)


def test_fixture_principles_of_the_report_beside_breach_counts(fx):
    got = [
        (r["principle"].removeprefix(ID), set(r["provisions"].split(", ")), r["incidents"])
        for r in fx("principles-breach-counts")
    ]
    assert got == [
        # "Sovereignty": global 2, 3, 5; 27 "qui procèdent de la souveraineté étatique", 28(b) "la
        # souveraineté étatique", 13(h) "de la souveraineté", summary/7 "du principe de souveraineté"
        ("principle/state-sovereignty", {"27", "28(b)", "13(h)", "summary/7"}, 3),
        # "Prohibition of intervention": global 4; 26 and 28(b) "la non-intervention"
        ("principle/non-intervention", {"26", "28(b)"}, 1),
        # "Human rights": global 3; 26 "respect des droits de l'homme et des libertés fondamentales",
        # 28(b), 13(e) and summary/3 "le plein respect des droits de l'homme"
        ("principle/human-rights-and-fundamental-freedoms", {"26", "28(b)", "13(e)", "summary/3"}, 1),
        # 28(d) and summary/7: "les principes d'humanité, de nécessité, de proportionnalité et de discrimination"
        ("principle/distinction", {"28(d)", "summary/7"}, 0),
        ("principle/humanity", {"28(d)", "summary/7"}, 0),
        ("principle/necessity", {"28(d)", "summary/7"}, 0),
        ("principle/proportionality", {"28(d)", "summary/7"}, 0),
        ("principle/non-use-of-force", {"26"}, 0),  # "Use of force": no fixture incident
        ("principle/peaceful-settlement-of-disputes", {"26", "28(b)"}, 0),
        ("principle/sovereign-equality", {"26", "28(b)"}, 0),
        ("principle/territorial-jurisdiction", {"27", "28(a)"}, 0),  # "leur compétence territoriale"
    ]


# ----------------------------------------------------------------------------- real data

INCIDENTS = rows(DATA / "EuRepoC_Global_Database_1.1.csv")
RECEIVERS = rows(DATA / "EuRepoC_Receiver_dataset_1.1.csv")
ATTRIBUTIONS = rows(DATA / "EuRepoC_Attribution_dataset_1.1.csv")
READINGS = {r["value"]: r for r in rows(DATA / "country-readings.csv")}
ISO = {r["name"]: r["iso_alpha3"] for r in rows(ROOT / "data/reference/tables/iso3166-names.csv")}
YEAR = {
    r["ID"]: int(r["start_date"][:4]) if re.fullmatch(r"\d{4}-\d\d-\d\d", r["start_date"]) else None for r in INCIDENTS
}


def state(value: str) -> str | None:
    """A country value's state (its curated reading first, else its ISO 3166-1 name), or None."""
    if value in READINGS:
        return READINGS[value]["iso_alpha3"] if READINGS[value]["kind"] == "state" else None
    return ISO.get(value)


def items(cell: str) -> list[str]:
    return cell.split("; ")


def coded(column: str, label: str) -> set[str]:
    """The incidents whose `column` ("; "-separated) has the item `label`."""
    return {r["ID"] for r in INCIDENTS if label in items(r[column])}


@pytest.fixture(scope="module")
def q(project):
    def run(name, **params):
        return cybernorms.query(name, root=project.root, build=project.build, **params)

    return run


def test_real_sovereignty_by_receiver_state_and_year(q):
    breached = coded("IL_breach_indicator", "Sovereignty")
    expected = Counter(
        (s, YEAR[i])
        for i, s in {(r["ID"], state(r["receiver_country"])) for r in RECEIVERS if r["ID"] in breached}
        if s is not None
    )
    got = q("incidents-breaching-principle")
    assert {(r["code"], r["year"]): r["incidents"] for r in got} == expected
    assert {r["match"] for r in got} == {"exact"}
    # computed from the CSV files: 140 incidents coded Sovereignty, 97 (state, year) rows in 52
    # states; the United States received 31 of them (2 with no start date, 12 in 2022)
    assert (len(breached), len(got), len({r["code"] for r in got})) == (140, 97, 52)
    assert sum(r["incidents"] for r in got if r["code"] == "USA") == 31


def test_real_incidents_received_by_gge_members_and_attributed_by_g7_states(q):
    received, attributed = defaultdict(set), defaultdict(set)
    for r in RECEIVERS:
        if state(r["receiver_country"]) in GGE:
            received[r["ID"]].add(state(r["receiver_country"]))
    for r in ATTRIBUTIONS:
        if state(r["attributing_country"]) in G7:
            attributed[r["incident_ID"]].add(state(r["attributing_country"]))
    expected = {(i, frozenset(received[i]), frozenset(attributed[i])) for i in received.keys() & attributed.keys()}
    got = q("incidents-received-and-attributed")
    assert {
        (r["id"], frozenset(r["received_by"].split()), frozenset(r["attributed_by"].split())) for r in got
    } == expected
    assert len(got) == len(expected) == 50  # 50 incidents, computed from the CSV files


def test_real_gge_members_that_g7_states_attributed_incidents_to(q):
    incidents, by, made = defaultdict(set), defaultdict(set), Counter()
    for r in ATTRIBUTIONS:
        to, frm = state(r["attributed_initiator_country"]), state(r["attributing_country"])
        if to in GGE and frm in G7:
            incidents[to].add(r["incident_ID"])
            by[to].add(frm)
            made[to] += 1
    got = q("incidents-attributed-to-group")
    assert {r["code"]: (r["incidents"], set(r["attributed_by"].split()), r["attributions"]) for r in got} == {
        s: (len(incidents[s]), by[s], made[s]) for s in incidents
    }
    # computed from the CSV files: Russia 22 incidents (58 rows), China 19 (22 rows), 8 states in all
    assert [(r["code"], r["incidents"]) for r in got][:2] == [("RUS", 22), ("CHN", 19)] and len(got) == 8


RULES = {  # the rules of data/curation/eurepoc-rules.ttl, as the CSV files show what they key on
    ("norm/13f", "rule/critical-infrastructure-13f"): {
        r["ID"] for r in RECEIVERS if r["receiver_category"] == "Critical infrastructure"
    },
    ("norm/13i", "rule/supply-chain-13i"): coded("MITRE_initial_access", "Supply Chain Compromise"),
    ("norm/13c", "rule/due-diligence-13c"): coded("IL_breach_indicator", "Due diligence"),
    ("norm/13e", "rule/human-rights-13e"): coded("IL_breach_indicator", "Human rights"),
    ("principle-of-action/paris-call-3", "rule/elections-paris-call-3"): {
        r["ID"] for r in RECEIVERS if r["receiver_category_subcode"] == "Election infrastructure / related systems"
    },
}


def test_real_incidents_bearing_on_norms_by_year_and_rule(q):
    expected = Counter((norm, YEAR[i], rule) for (norm, rule), ids in RULES.items() for i in ids)
    got = q("incidents-bearing-on-norm")
    assert {
        (r["norm"].removeprefix(ID), r["year"], r["rule"].removeprefix(ID)): r["incidents"] for r in got
    } == expected
    # computed from the CSV files: incidents per rule, all years
    assert {norm: len(ids) for (norm, _), ids in RULES.items()} == {
        "norm/13f": 378,
        "norm/13i": 7,
        "norm/13c": 35,
        "norm/13e": 50,
        "principle-of-action/paris-call-3": 39,
    }
    assert sum(r["incidents"] for r in q("incidents-bearing-on-norm", norm="13f")) == 378


def test_real_state_profiles(q):
    received, initiated, made, made_for = defaultdict(set), defaultdict(set), Counter(), defaultdict(set)
    for r in RECEIVERS:
        received[state(r["receiver_country"])].add(r["ID"])
    for r in INCIDENTS:
        for value in ast.literal_eval(r["initiator_country"]) if r["initiator_country"] else []:
            initiated[state(value)].add(r["ID"])
    for r in ATTRIBUTIONS:
        made[state(r["attributing_country"])] += 1
        made_for[state(r["attributing_country"])].add(r["incident_ID"])
    # the Paris Call's state supporters: their ISO codes, as the list gives them or as corrected
    corrected = {r["code"]: r["iso_alpha3"] for r in rows(ROOT / "data/paris-call/country-codes.csv")}
    supporters = rows(ROOT / "data/paris-call/supporters.csv")
    paris = {corrected.get(r["nationality"], r["nationality"]) for r in supporters if r["category"] == "state"}
    got = {r["code"]: r for r in q("state-incidents")}
    named = (received.keys() | initiated.keys() | made.keys()) - {None}
    assert named <= got.keys()  # every state the files name is a state of the graph
    for code, r in got.items():
        counts = (len(received[code]), len(initiated[code]), made[code], len(made_for[code]))
        assert (r["received"], r["initiated"], r["attributions"], r["attributed_incidents"]) == counts, code
        assert (r["member_of_group"], r["member_of_other_group"], r["supports"]) == (
            code in GGE,
            code in G7,
            code in paris,
        )
    # computed from the CSV files
    assert [r["code"] for r in q("state-incidents")][:3] == ["USA", "RUS", "GBR"]
    usa = got["USA"]
    assert (usa["received"], usa["initiated"], usa["attributions"], usa["attributed_incidents"]) == (397, 51, 230, 68)
    chn = got["CHN"]
    assert (chn["received"], chn["initiated"], chn["attributions"], chn["attributed_incidents"]) == (62, 240, 3, 3)


def test_real_principles_of_the_report_beside_breach_counts(q):
    matched = {  # data/curation/eurepoc-principles.ttl: the code each principle is matched to
        "principle/state-sovereignty": coded("IL_breach_indicator", "Sovereignty"),
        "principle/human-rights-and-fundamental-freedoms": coded("IL_breach_indicator", "Human rights"),
        "principle/non-intervention": coded("IL_breach_indicator_subcode", "Prohibition of intervention"),
        "principle/non-use-of-force": coded("IL_breach_indicator_subcode", "Use of force"),
    }
    got = {r["principle"].removeprefix(ID): r["incidents"] for r in q("principles-breach-counts")}
    assert len(got) == 11  # the principles of the report (the fixture test names them)
    assert {p: n for p, n in got.items() if n} == {p: len(ids) for p, ids in matched.items() if ids}
    # computed from the CSV files: 140, 50, 28 and 1 incidents
    assert [got[p] for p in matched] == [140, 50, 28, 1]
