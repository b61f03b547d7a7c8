"""The EuRepoC Global Database as a registered dataset, and the generic table machinery it uses.
Expected counts are read off the CSV files with the csv module, independently of the mappings."""

from __future__ import annotations

import ast
import csv
import shutil

import pyoxigraph as ox
import pytest

from cybernorms import registry
from cybernorms.errors import InputError
from cybernorms.layout import Project
from cybernorms.tables import TAB, _items, _rows, table_quads

from conftest import FEW_INCIDENTS, ROOT

DATA = ROOT / "data/eurepoc"
CNO = "https://w3id.org/cybernorms/ontology#"


def rows(name, folder=DATA):
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def few_incidents(tmp_path):
    """A project folder holding what the EuRepoC tables need (the mappings, checks and reference
    tables), with the five incidents of tests/fixtures/eurepoc/ as its tables: a mapping or check
    that refuses a row does so whatever the number of rows, and the thousands of real ones took
    seconds a test."""
    dest = tmp_path / "data/eurepoc"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("EuRepoC_*.csv"))
    for table in FEW_INCIDENTS.glob("*.csv"):
        shutil.copy(table, dest / table.name)
    shutil.copytree(ROOT / "data/reference/tables", tmp_path / "data/reference/tables")
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology/cybernorms.ttl").write_text("")
    return dest


def test_multi_valued_cells_divide_into_ordered_items_with_empty_places_kept():
    assert _items("['Korea, Republic of', \"Korea, Democratic People's Republic of\"]", "list") == [
        (None, "Korea, Republic of"),
        (None, "Korea, Democratic People's Republic of"),
    ]
    assert _items("[['A', 'B'], ['C']]", "nested") == [(1, "A"), (1, "B"), (2, "C")]
    # "Civic / political rights; " aligned with "Human rights; Sovereignty": the second place is empty
    assert _items("Civic / political rights; ", "; ") == [(None, "Civic / political rights"), (None, "")]
    assert _items("['a', ['b']]", "list") is None and _items("not a list", "nested") is None


def test_rows_are_written_as_n_triples_that_read_back_every_value_as_it_stands(tmp_path):
    # quotes, a backslash, a line break inside a quoted cell, a carriage return, a tab, non-ASCII,
    # and a file name with a space (its rows' IRIs escape it)
    values = ['say "no"', "C:\\path", "two\nlines", "cr\rhere", "tab\there", "Côte d’Ivoire"]
    path = tmp_path / "odd name.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["v", "items"], *[[v, "a; b"] for v in values]])
    text = _rows(Project.at(tmp_path), path, {"items": "; "})
    triples = list(ox.parse(text.encode(), ox.RdfFormat.N_TRIPLES))
    got = [t.object.value for t in triples if t.predicate.value == TAB + "v"]
    assert got == values
    items = sorted(t.object.value for t in triples if t.predicate.value == TAB + "value")
    assert items == sorted(["a", "b"] * len(values))
    assert {t.subject.value for t in triples if t.predicate.value == TAB + "v"} == {
        f"{TAB}odd%20name.csv/{n}" for n in range(1, len(values) + 1)
    }


@pytest.fixture(scope="module")
def mapped():
    project = Project.at(ROOT)
    entry = registry.load(project, DATA)
    return table_quads(entry, entry.tables[0])


@pytest.mark.slow
def test_every_incident_receiver_and_attribution_row_is_in_the_graph(mapped):
    incidents, receivers, attributions = (
        rows("EuRepoC_Global_Database_1.1.csv"),
        rows("EuRepoC_Receiver_dataset_1.1.csv"),
        rows("EuRepoC_Attribution_dataset_1.1.csv"),
    )
    assert (len(incidents), len(receivers), len(attributions)) == (1643, 6333, 2643)

    def count(predicate):
        return len({(q.subject, q.object) for q in mapped.quads if q.predicate.value == CNO + predicate})

    assert count("hasReceiver") == 6333
    assert count("hasAttribution") == 2643
    initiators = sum(len(ast.literal_eval(r["initiator_country"])) for r in incidents if r["initiator_country"])
    assert count("hasInitiator") == initiators
    typed = {q.subject.value for q in mapped.quads if q.object.value == CNO + "Incident"}
    assert len(typed) == 1643


def test_the_build_prints_every_unresolved_country_value_with_its_count(mapped):
    lines = "\n".join(mapped.reports)
    unresolved = {r["value"]: r["kind"] for r in rows("country-readings.csv") if r["kind"] != "state"}
    expected = 0
    for r in rows("EuRepoC_Receiver_dataset_1.1.csv"):
        expected += r["receiver_country"] in unresolved and r["receiver_country"] == "Hong Kong"
    assert f"    {expected}  territory  Hong Kong  receiver_country" in lines  # 47 receiver rows


@pytest.mark.slow
def test_a_mapping_that_loses_a_receiver_stops_the_build_with_the_incident_row(tmp_path):
    dest = few_incidents(tmp_path)
    mapping = dest / "receivers.rq"
    # the mapping forgets the receivers whose category is Media
    text = mapping.read_text(encoding="utf-8").replace(
        "  {\n    ?row tab:table",
        '  FILTER NOT EXISTS { ?row tab:receiver_category "Media" }\n  {\n    ?row tab:table',
        1,
    )
    mapping.write_text(text, encoding="utf-8")
    project = Project.at(tmp_path)
    entry = registry.load(project, dest)
    with pytest.raises(InputError) as e:
        table_quads(entry, entry.tables[0])
    assert e.value.where == "data/eurepoc/EuRepoC_Global_Database_1.1.csv"
    assert "receivers in the files" in e.value.problem and "in the graph" in e.value.problem


# A value the checks (data/eurepoc/check.rq) must refuse, put in the first row of a file (line 2):
# an unknown code in a multi-valued cell and in a plain cell, an unknown country in each form.
UNKNOWN = [
    (
        "EuRepoC_Global_Database_1.1.csv",
        "incident_type",
        "Disruption; Espionage",
        "incident_type: the code Espionage is not in codes.csv (scheme incident-type)",
    ),
    (
        "EuRepoC_Receiver_dataset_1.1.csv",
        "receiver_category",
        "Satellites",
        "receiver_category: the code Satellites is not in codes.csv (scheme receiver-category)",
    ),
    (
        "EuRepoC_Global_Database_1.1.csv",
        "initiator_country",
        "['Azerbaijan', 'Atlantis']",
        "initiator_country: the country Atlantis is neither an ISO 3166-1 name nor read in country-readings.csv",
    ),
    (
        "EuRepoC_Attribution_dataset_1.1.csv",
        "attributing_country",
        "Atlantis",
        "attributing_country: the country Atlantis is neither an ISO 3166-1 name nor read in country-readings.csv",
    ),
]


@pytest.mark.parametrize(("name", "column", "value", "problem"), UNKNOWN)
def test_an_unknown_code_or_country_stops_the_build_with_its_row(tmp_path, name, column, value, problem):
    dest = few_incidents(tmp_path)
    table = rows(name, FEW_INCIDENTS)
    table[0][column] = value
    with open(dest / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    project = Project.at(tmp_path)
    entry = registry.load(project, dest)
    with pytest.raises(InputError) as e:
        table_quads(entry, entry.tables[0])
    assert (e.value.where, e.value.line, e.value.problem) == (f"data/eurepoc/{name}", 2, problem)
