"""The incidents on the pages of states, principles and norms (issue 13, point 6). Each series of a
page (incidents received, named as initiator of, attributed; coded as a possible breach; bearing on
a norm) shows a chart (inline SVG: one <rect> per year, its <title> "year: count", the whole chart's
<title> stating every figure), a table of the same figures and its incidents by year. The figures
expected here are computed from the EuRepoC CSV files with the csv module (the readers of
test_eurepoc_queries.py: country values resolved by the curated readings and ISO names, the start
year of each incident read off the global file), independently of the mappings, the query and the
pages; the figures written out were computed that way too. Every page parses as HTML5."""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from xml.etree.ElementTree import Element

import html5lib
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from test_eurepoc_queries import ATTRIBUTIONS, INCIDENTS, RECEIVERS, RULES, YEAR, coded, state

from cybernorms.pages import routes
from cybernorms.render import bar_chart
from cybernorms.views import YearCount

from conftest import ID

SVG = "{http://www.w3.org/2000/svg}"
NAME = {r["ID"]: " ".join(r["name"].split()) for r in INCIDENTS}  # as a page reads, spaces collapsed
START = {r["ID"]: r["start_date"] for r in INCIDENTS}
DATE = re.compile(r"\d{4}-\d\d-\d\d")


@pytest.fixture(scope="module")
def client(project, store):
    app = Starlette(routes=routes(project, lambda: store))
    with TestClient(app) as c:
        yield c


def parsed(client, path: str) -> Element:
    """The page at a path, parsed as HTML5 by html5lib in strict mode: a parse error fails."""
    answer = client.get(path)
    assert answer.status_code == 200, path
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(answer.text)


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def series(page: Element, measure: str) -> dict:
    """What a page shows of one series: the chart's bars, its title, the table's figures, the total
    and the incidents listed under each year (by their EuRepoC ID, with the name and date shown)."""
    (section,) = page.findall(f".//section[@id='incidents-{measure}']")
    (svg,) = section.iter(SVG + "svg")
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == f"chart-{measure}-title"
    bars = {}
    for rect in svg.iter(SVG + "rect"):
        year, count = re.fullmatch(r"(\d{4}): (\d+)", rect.find(SVG + "title").text).groups()
        bars[int(year)] = int(count)
    (table,) = section.findall(".//table[@class='figures']")
    figures = {
        None if row.find("th").text == "no date" else int(row.find("th").text): int(row.find("td").text)
        for row in table.findall("tbody/tr")
    }
    listed = {}
    for details in section.findall(".//div[@class='by-year']/details"):
        year, count = text(details.find("summary")).rsplit(" ", 1)
        items = details.findall("ul/li")
        assert len(items) == int(count)
        listed[None if year == "no date" else int(year)] = {
            item.find("a").get("href").removeprefix("/id/incident/eurepoc-"): (
                text(item.find("a")),
                item.find("time").text if item.find("time") is not None else "",
            )
            for item in items
        }
    total = int(section.find("h3/span[@class='count']").text)
    return {"bars": bars, "title": svg.find(SVG + "title").text, "figures": figures, "listed": listed, "total": total}


def by_year(incidents: set[str]) -> Counter:
    return Counter(YEAR[i] for i in incidents)


def check(shown: dict, counts: Counter, lists: dict[int | None, set[str]]) -> None:
    """The chart, the table and the lists of a series against the counts computed from the files."""
    dated = {y: n for y, n in counts.items() if y is not None}
    years = range(min(dated), max(dated) + 1)
    assert shown["bars"] == {y: dated.get(y, 0) for y in years}  # one bar per year, zero where none
    assert shown["figures"] == {**{y: dated.get(y, 0) for y in years}, **({None: counts[None]} if counts[None] else {})}
    for y, n in dated.items():
        assert f"{y}: {n}" in shown["title"]
    assert list(shown["listed"]) == sorted(dated, reverse=True) + ([None] if counts[None] else [])  # newest first
    assert {y: set(ids) for y, ids in shown["listed"].items()} == lists
    for ids in shown["listed"].values():  # each incident by its name and start date, as the file gives them
        assert ids == {i: (NAME[i], START[i] if DATE.fullmatch(START[i]) else "") for i in ids}
        dates = [date for _, date in ids.values()]
        assert dates == sorted(dates, reverse=True)


def grouped(pairs) -> dict[int | None, set[str]]:
    out: dict[int | None, set[str]] = defaultdict(set)
    for incident, year in pairs:
        out[year].add(incident)
    return dict(out)


def test_a_state_page_charts_the_incidents_it_received(client):
    received = {r["ID"] for r in RECEIVERS if state(r["receiver_country"]) == "UKR"}
    shown = series(parsed(client, "/id/state/UKR"), "received")
    check(shown, by_year(received), grouped((i, YEAR[i]) for i in received))
    assert shown["total"] == len(received) == 59  # computed from the CSV files
    assert shown["bars"][2022] == 12 and shown["bars"][2008] == 0
    usa = series(parsed(client, "/id/state/USA"), "received")
    assert (usa["total"], usa["bars"][2011], usa["figures"][None]) == (397, 44, 4)


def test_a_state_page_charts_the_incidents_it_is_named_as_initiator_of(client):
    named = {
        r["ID"]
        for r in INCIDENTS
        for value in (ast.literal_eval(r["initiator_country"]) if r["initiator_country"] else [])
        if state(value) == "CHN"
    }
    shown = series(parsed(client, "/id/state/CHN"), "initiated")
    check(shown, by_year(named), grouped((i, YEAR[i]) for i in named))
    assert shown["total"] == 240 and shown["bars"][2021] == 23 and shown["figures"][None] == 1


def test_a_state_page_charts_the_attributions_it_made_by_the_year_it_made_them(client):
    made = {
        (r["incident_ID"], int(r["attribution_date"][:4]) if DATE.fullmatch(r["attribution_date"]) else None)
        for r in ATTRIBUTIONS
        if state(r["attributing_country"]) == "USA"
    }
    shown = series(parsed(client, "/id/state/USA"), "attributed")
    check(shown, Counter(y for _, y in made), grouped(made))
    # 230 rows of the attribution file, on 68 incidents; 38 of them attributed in 2022
    assert shown["total"] == len({i for i, _ in made}) == 68 and shown["bars"][2022] == 38


def test_a_principle_page_charts_the_incidents_coded_as_a_possible_breach_of_it(client):
    breached = coded("IL_breach_indicator", "Sovereignty")  # the code matched to it (exact match)
    page = parsed(client, "/id/principle/state-sovereignty")
    shown = series(page, "breach")
    check(shown, by_year(breached), grouped((i, YEAR[i]) for i in breached))
    assert (shown["total"], shown["bars"][2022], shown["figures"][None]) == (140, 76, 6)
    (section,) = page.findall(".//section[@id='incidents-breach']")
    assert "Sovereignty" in text(section.find("p[@class='curated']"))  # the matched code, named


def test_a_norm_page_charts_the_incidents_that_bear_on_it_with_the_rule(client):
    bearing = RULES[("norm/13f", "rule/critical-infrastructure-13f")]  # receivers coded critical infrastructure
    page = parsed(client, "/id/norm/13f")
    shown = series(page, "bears-on")
    check(shown, by_year(bearing), grouped((i, YEAR[i]) for i in bearing))
    assert (shown["total"], shown["bars"][2022], shown["figures"][None]) == (378, 50, 6)
    (section,) = page.findall(".//section[@id='incidents-bears-on']")
    assert "curated" in text(section.find("h3"))  # marked as a reading
    (rule,) = section.findall("p[@class='curated']/a")
    assert rule.get("href") == "/id/rule/critical-infrastructure-13f"


def test_incoming_statements_from_incident_records_are_folded_by_year_and_named(client, sparql):
    """The USA page lists the receivers, initiators and attributions that name it by incident and
    year, each incident by its name, not one table row per statement; no link shows a bare IRI."""
    answer = client.get("/id/state/USA").text
    page = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(answer)
    rows = page.findall(".//table[@class='facts']/tbody/tr")
    assert len(rows) < 40  # 230 attributions, 397 incidents received: folded
    folds = {text(r.find("th")): r for r in rows if r.find("td/div[@class='by-year']") is not None}
    assert set(folds) == {"← country", "← attributing country", "← country of the attributed initiator"}
    made = [r for r in ATTRIBUTIONS if state(r["attributing_country"]) == "USA"]
    assert text(folds["← attributing country"].find("td")).startswith(
        f"{len(made)} statements from the records of {len({r['incident_ID'] for r in made})} incidents"
    )  # 230 statements, 68 incidents
    links = folds["← attributing country"].findall(".//li/span[@class='parts']/a")
    assert len(links) == len(made)  # every statement still there: its attribution, at its anchor
    assert all(re.fullmatch(r"/id/incident/eurepoc-\d+#attribution-\d+", a.get("href")) for a in links)
    for path in ("/id/state/USA", "/id/norm/13f", "/id/rule/critical-infrastructure-13f"):
        assert not re.search(r">\s*incident/eurepoc-", client.get(path).text), path


def test_a_page_with_no_incidents_shows_no_chart(client, sparql):
    named = {state(r["receiver_country"]) for r in RECEIVERS} | {state(r["attributing_country"]) for r in ATTRIBUTIONS}
    named |= {
        state(v)
        for r in INCIDENTS
        for v in (ast.literal_eval(r["initiator_country"]) if r["initiator_country"] else [])
    }
    rows = sparql("SELECT ?s ?c WHERE { ?s a cno:State ; dcterms:identifier ?c } ORDER BY ?c")
    quiet = [iri for iri, code in rows if code not in named]
    assert quiet
    for iri in [*quiet[:3], ID + "principle/sovereign-equality", ID + "norm/13k"]:
        html = client.get("/" + iri.removeprefix("https://w3id.org/cybernorms/")).text
        assert "<svg" not in html and 'class="incidents"' not in html, iri


def test_the_chart_has_a_bar_for_every_year_and_none_without_a_dated_count():
    chart = bar_chart([YearCount(2019, 2, ("a", "b")), YearCount(2021, 4, ("c",)), YearCount(None, 1, ("d",))], "x")
    assert chart is not None
    assert [(b.year, b.count) for b in chart.bars] == [(2019, 2), (2020, 0), (2021, 4)]
    assert [b.height for b in chart.bars] == [40.0, 0.0, 80.0] and chart.most == 4
    assert chart.label == "x, by year: 2019: 2; 2021: 4 (no other year from 2019 to 2021); 1 with no date"
    assert bar_chart([YearCount(None, 3, ("a", "b", "c"))], "x") is None
