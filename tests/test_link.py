"""Links: `cybernorms link` against a local endpoint shaped like Wikidata, the links it writes and
their linksets, the curated links it never overrides, the offline path from the cache, its errors,
the build checks that guard graph/links, and the federated queries of the library.

The fixture project holds the ontology, the queries, the two source texts, the verified tables and
a small set of states, organisations and documents (tests/fixtures/links/entities.ttl), with one
curated link (tests/fixtures/links/curated.ttl) and no other link: the expected links follow from
the fixture alone, not from the real data. Its build leaves out the modality check, since it holds
no modality. The endpoint is an Oxigraph server loaded with tests/fixtures/links/wikidata.ttl."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import cybernorms
from cybernorms.build import build
from cybernorms.errors import UsageError
from cybernorms.layout import Project

from conftest import INPUTS, ROOT, cli, copy_project, one_line_error
from oxiserver import http_server, oxigraph

FIX = Path(__file__).parent / "fixtures" / "links"
LINKS = "data/links"
GENERATED = (
    "generated-wikidata.ttl",
    "generated-un-documents.ttl",
    "generated-eu-countries.ttl",
    "generated-curated-index.ttl",
)
WD = "http://www.wikidata.org/entity/"
ID = "https://w3id.org/cybernorms/id/"
LINKSET = "https://w3id.org/cybernorms/dataset/linkset/"


def fixture_project(tmp_path: Path) -> Project:
    dest = tmp_path / "project"
    for name in ("ontology", "queries", "profiles", "data/reference/tables"):
        shutil.copytree(ROOT / name, dest / name)
    # the two documents the fixture entities are about, without their curated Turtle (the Paris Call's
    # table of supporters would need its own Turtle)
    for name in ("A-70-174", "g7-2019"):
        shutil.copytree(ROOT / "data" / name, dest / "data" / name, ignore=shutil.ignore_patterns("*.ttl"))
    (dest / "queries" / "check-provision-without-modality.rq").unlink()
    (dest / LINKS).mkdir(parents=True)
    shutil.copy(FIX / "entities.ttl", dest / "data/reference/fixture-entities.ttl")
    shutil.copy(FIX / "curated.ttl", dest / LINKS / "curated.ttl")
    return Project.at(dest, dest / "build", dest / "dist")


def on_disk(p: Project) -> dict[str, bytes]:
    """The link files and the endpoint cache: what a failed or dry run must leave as it is."""
    files = {f.name: f.read_bytes() for f in sorted((p.root / LINKS).iterdir())}
    cache = p.build / "link-cache"
    files.update({f"cache/{f.name}": f.read_bytes() for f in sorted(cache.iterdir())} if cache.is_dir() else {})
    return files


def links_of(p: Project, name: str) -> set[tuple[str, str, str, str]]:
    """(subject, predicate, object, linkset) of every annotated link of a generated file, IRIs shortened."""
    triples = list(ox.parse(path=str(p.root / LINKS / name), format=ox.RdfFormat.TURTLE))
    by = {}
    for t in triples:
        by.setdefault(t.subject, {})[t.predicate.value.rsplit("#", 1)[-1]] = t.object
    present = {(t.subject, t.predicate, t.object) for t in triples}
    out = set()
    for props in by.values():
        if "annotatedSource" in props:
            s, pr, o = props["annotatedSource"], props["annotatedProperty"], props["annotatedTarget"]
            assert ox.Triple(s, pr, o) in {ox.Triple(*x) for x in present}, "annotation without its link"
            out.add(
                (shorten(s.value), shorten(pr.value), shorten(o.value), props["inDataset"].value.removeprefix(LINKSET))
            )
    return out


def shorten(iri: str) -> str:
    for prefix, ns in (
        ("wd:", WD),
        ("", ID),
        ("schema:", "https://schema.org/"),
        ("foaf:", "http://xmlns.com/foaf/0.1/"),
    ):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


def slug(url: str) -> str:
    return url.removeprefix("http://").replace(".", "-").replace(":", "-").replace("/", "-")


@pytest.fixture(scope="module")
def endpoint():
    with oxigraph(load=FIX / "wikidata.ttl") as base:
        yield base + "/query"


@pytest.fixture(scope="module")
def linked(tmp_path_factory, endpoint):
    """The fixture project linked online with --write, then built; with the report it printed."""
    p = fixture_project(tmp_path_factory.mktemp("linked"))
    code, out, err = cli(p, "link", "--endpoint", endpoint, "--write")
    assert code == 0, err
    build(p, log=lambda m: None)
    return p, out


# ------------------------------------------------------------------------ the diff, the writing


def test_a_dry_run_prints_the_diff_per_entity_and_writes_nothing(tmp_path, endpoint):
    p = fixture_project(tmp_path)
    before = {k: v for k, v in on_disk(p).items() if not k.startswith("cache/")}
    code, out, err = cli(p, "link", "--endpoint", endpoint)
    assert code == 0, err
    after = {k: v for k, v in on_disk(p).items() if not k.startswith("cache/")}
    assert after == before  # a dry run writes no link file
    lines = out.splitlines()
    start = lines.index("data/links/generated-wikidata.ttl")
    end = lines.index("data/links/generated-un-documents.ttl")
    assert lines[start + 1 : end] == [
        "  document:A-70-174",
        f"    + schema:sameAs wd:Q90000300  (endpoint {endpoint})",
        "  document:A-RES-68-167",
        f"    + schema:sameAs wd:Q90000301  (endpoint {endpoint})",
        "  organisation:g7",
        f"    + schema:sameAs wd:Q90000007  (endpoint {endpoint})",
        "  organisation:osce",
        "    + schema:sameAs wd:Q81299  (table organizations-wikidata.csv)",
        "  organisation:un",
        "    + schema:sameAs wd:Q1065  (table organizations-wikidata.csv)",
        "  organisation:un-general-assembly",
        "    + schema:sameAs wd:Q47423  (table organizations-wikidata.csv)",
        "  organisation:un-human-rights-council",
        "    + schema:sameAs wd:Q205650  (table organizations-wikidata.csv)",
        "  state:CAN",
        "    + schema:sameAs wd:Q16  (table iso3166-wikidata.csv)",
        "  state:DEU",
        "    + schema:sameAs wd:Q183  (table iso3166-wikidata.csv)",
        "  state:FRA",
        "    + schema:sameAs wd:Q142  (table iso3166-wikidata.csv)",
        "  state:NLD",
        "    + schema:sameAs wd:Q29999  (table iso3166-wikidata.csv)",
    ]
    # the curated link wins over the table and the endpoint, and the report says they disagree
    assert "  state:ITA: curated wd:Q90000038 kept; the table says wd:Q38; the endpoint says wd:Q38" in lines
    assert not any("state:ITA" in line and "+ " in line for line in lines[start:end])
    assert (
        "  state:NLD: conflict: the endpoint says wd:Q29999, wd:Q90000055 for code NLD; "
        "the verified table's wd:Q29999 kept"
    ) in lines
    assert (
        "  organisation:asean-regional-forum: ambiguous: the endpoint says wd:Q90000101, wd:Q90000102; "
        "not linked (curate the right one by hand)"
    ) in lines
    assert (
        "  organisation:un-general-assembly: conflict: the endpoint says wd:Q47423, wd:Q90000200 for the labels "
        "'Assemblée générale', 'General Assembly', 'United Nations General Assembly'; "
        "the verified table's wd:Q47423 kept" in lines
    )
    assert "  document:A-68-98: not found: the endpoint finds no item for the symbol A/68/98" in lines
    assert "  Council of Europe (wd:Q8908): no organisation of the graph has this name" in lines
    assert lines[-1] == (
        "dry run, nothing written: 73 added, 0 changed, 0 removed; links per file after this run: "
        "generated-wikidata.ttl 11, generated-un-documents.ttl 56, generated-eu-countries.ttl 5, "
        "generated-curated-index.ttl 1; run again with --write to apply"
    )


def test_write_produces_exactly_these_wikidata_links_with_their_sources(linked, endpoint):
    p, out = linked
    ep = slug(endpoint)
    # 11 Wikidata links, 7 documents x 8 pages and PDFs, 5 EU country concepts, 1 curated link
    assert "written: 73 added, 0 changed, 0 removed" in out.splitlines()[-1]
    assert links_of(p, "generated-wikidata.ttl") == {
        ("state/CAN", "schema:sameAs", "wd:Q16", "state-iso3166-wikidata"),
        ("state/DEU", "schema:sameAs", "wd:Q183", "state-iso3166-wikidata"),
        ("state/FRA", "schema:sameAs", "wd:Q142", "state-iso3166-wikidata"),
        ("state/NLD", "schema:sameAs", "wd:Q29999", "state-iso3166-wikidata"),
        ("org/un", "schema:sameAs", "wd:Q1065", "organisation-organizations-wikidata"),
        # matched through its altLabel, "Organisation" read as "Organization"
        ("org/osce", "schema:sameAs", "wd:Q81299", "organisation-organizations-wikidata"),
        ("org/un-general-assembly", "schema:sameAs", "wd:Q47423", "organisation-organizations-wikidata"),
        ("org/un-human-rights-council", "schema:sameAs", "wd:Q205650", "organisation-organizations-wikidata"),
        ("org/g7", "schema:sameAs", "wd:Q90000007", f"organisation-{ep}"),
        ("document/A-70-174", "schema:sameAs", "wd:Q90000300", f"document-{ep}"),
        ("document/A-RES-68-167", "schema:sameAs", "wd:Q90000301", f"document-{ep}"),
    }
    assert links_of(p, "generated-curated-index.ttl") == {
        ("state/ITA", "schema:sameAs", "wd:Q90000038", "curated-schema-sameAs")
    }
    assert links_of(p, "generated-eu-countries.ttl") == {
        (
            f"http://publications.europa.eu/resource/authority/country/{c}",
            "foaf:focus",
            f"state/{c}",
            "state-eu-country",
        )
        for c in ("CAN", "DEU", "FRA", "ITA", "NLD")
    }
    docs = links_of(p, "generated-un-documents.ttl")
    assert {row for row in docs if row[0] == "document/A-68-98"} == {
        *{
            ("document/A-68-98", "foaf:page", f"https://undocs.org/{lang}/A/68/98", "document-undocs")
            for lang in ("ar", "zh", "en", "fr", "ru", "es")
        },
        (
            "document/A-68-98",
            "schema:encoding",
            "https://documents.un.org/api/symbol/access?s=A/68/98&l=E&t=pdf",
            "document-ods-pdf",
        ),
        (
            "document/A-68-98",
            "schema:encoding",
            "https://documents.un.org/api/symbol/access?s=A/68/98&l=F&t=pdf",
            "document-ods-pdf",
        ),
    }
    # the seven documents with a UN symbol, each 6 pages and 2 PDFs; the G7 synthesis has no symbol
    assert {row[0] for row in docs} == {
        "document/A-68-98",
        "document/A-70-174",
        "document/A-HRC-RES-20-8",
        "document/A-HRC-RES-26-13",
        "document/A-RES-58-199",
        "document/A-RES-68-167",
        "document/A-RES-69-166",
    }
    assert len(docs) == 7 * 8


def test_the_curated_file_is_never_touched(linked):
    p, _ = linked
    assert (p.root / LINKS / "curated.ttl").read_bytes() == (FIX / "curated.ttl").read_bytes()


def test_a_second_run_finds_nothing_to_change(linked, endpoint):
    p, _ = linked
    before = on_disk(p)
    code, out, err = cli(p, "link", "--endpoint", endpoint)
    assert code == 0, err
    assert out.splitlines()[-1] == (
        "no change: the generated link files are up to date (generated-wikidata.ttl 11, "
        "generated-un-documents.ttl 56, generated-eu-countries.ttl 5, "
        "generated-curated-index.ttl 1)"
    )
    assert {k: v for k, v in on_disk(p).items() if not k.startswith("cache/")} == {
        k: v for k, v in before.items() if not k.startswith("cache/")
    }


def test_another_endpoint_with_other_answers_shows_changes_and_removals(tmp_path, endpoint):
    p = fixture_project(tmp_path)
    assert cli(p, "link", "--endpoint", endpoint, "--write")[0] == 0
    changed = tmp_path / "wikidata-changed.ttl"
    text = (FIX / "wikidata.ttl").read_text(encoding="utf-8")
    text = text.replace('wd:Q90000300 wdt:P3069 "A/70/174" .', 'wd:Q90000399 wdt:P3069 "A/70/174" .')
    text = text.replace('wd:Q90000007 rdfs:label "G7"@en .', "")
    changed.write_text(text, encoding="utf-8")
    with oxigraph(load=changed) as base:
        other = base + "/query"
        code, out, err = cli(p, "link", "--endpoint", other)
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index("data/links/generated-wikidata.ttl")
    end = lines.index("remarks (where a source disagrees or says nothing; curate a link by hand where one is right):")
    assert lines[start + 1 : end] == [
        "  document:A-70-174",
        f"    ~ schema:sameAs wd:Q90000300 -> wd:Q90000399  (endpoint {other}; was: endpoint {endpoint})",
        "  document:A-RES-68-167",
        f"    ~ schema:sameAs wd:Q90000301  (source: endpoint {endpoint} -> endpoint {other})",
        "  organisation:g7",
        f"    - schema:sameAs wd:Q90000007  (was: endpoint {endpoint})",
    ]
    assert "  organisation:g7: not found: the endpoint finds no item for the labels 'G7'" in lines
    assert lines[-1].startswith("dry run, nothing written: 0 added, 2 changed, 1 removed;")


def test_a_generated_link_never_gives_an_entity_the_item_of_a_curated_one(tmp_path):
    """The table gives org/un wd:Q1065; a curator has given that item to org/g7: the generated link
    is dropped and reported, rather than two entities claiming one identity."""
    p = fixture_project(tmp_path)
    curated = p.root / LINKS / "curated.ttl"
    curated.write_text(curated.read_text() + "<org/g7> schema:sameAs wd:Q1065 .\n")
    code, out, err = cli(p, "link", "--offline", "--write")
    assert code == 0, err
    assert "  organisation:un: wd:Q1065 is also the item of organisation:g7: not linked" in out.splitlines()
    assert not any(row[0] == "org/un" for row in links_of(p, "generated-wikidata.ttl"))
    assert ("org/g7", "schema:sameAs", "wd:Q1065", "curated-schema-sameAs") in links_of(
        p, "generated-curated-index.ttl"
    )
    assert cli(p, "build", "--quiet")[0] == 0


# ---------------------------------------------------------------------------- offline, errors


def test_offline_replays_the_cached_answers_exactly(tmp_path):
    first = fixture_project(tmp_path / "a")
    with oxigraph(load=FIX / "wikidata.ttl") as base:
        url = base + "/query"
        code, _, err = cli(first, "link", "--endpoint", url, "--write")
        assert code == 0, err
    # the server is gone: online fails with one line and changes nothing ...
    before = on_disk(first)
    code, out, err = cli(first, "link", "--endpoint", url, "--write")
    assert code == 2 and out == ""
    assert one_line_error(err).startswith(f"{url}: the endpoint cannot be reached: ")
    assert on_disk(first) == before
    # ... offline works from the cache and says so
    code, out, err = cli(first, "link", "--endpoint", url, "--offline")
    assert code == 0, err
    assert out.startswith("cybernorms link: offline: endpoint answers replayed from the cache build/link-cache/")
    assert "nothing was asked of the endpoint" in out.splitlines()[0]
    assert out.splitlines()[-1].startswith("no change: the generated link files are up to date")
    # another checkout with that cache makes the same files, byte for byte
    second = fixture_project(tmp_path / "b")
    shutil.copytree(first.build / "link-cache", second.build / "link-cache")
    code, out, err = cli(second, "link", "--endpoint", url, "--offline", "--write")
    assert code == 0, err
    for name in GENERATED:
        assert (second.root / LINKS / name).read_bytes() == (first.root / LINKS / name).read_bytes(), name


def test_offline_without_a_cache_keeps_the_links_found_before(linked, endpoint, tmp_path):
    p, _ = linked
    elsewhere = Project.at(p.root, tmp_path / "fresh-build")  # no cache there
    before = on_disk(p)
    code, out, err = cli(elsewhere, "link", "--endpoint", endpoint, "--offline")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"cybernorms link: offline: no cached answers for {endpoint}")
    assert lines[0].endswith("links found on an endpoint before are kept as they are")
    assert any(
        row.startswith("not asked of the endpoint (offline, not in the cache") and "organisation:g7" in row
        for row in lines
    )
    assert lines[-1].startswith("no change: the generated link files are up to date (generated-wikidata.ttl 11,")
    assert on_disk(p) == before


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "ftp://example.org/sparql",
            (
                "--endpoint: 'ftp://example.org/sparql' is not an http(s) URL; give the SPARQL "
                "endpoint's URL, e.g. https://query.wikidata.org/sparql"
            ),
        ),
        (
            "not a url",
            (
                "--endpoint: 'not a url' is not an http(s) URL; give the SPARQL endpoint's URL, "
                "e.g. https://query.wikidata.org/sparql"
            ),
        ),
    ],
)
def test_a_bad_endpoint_url_is_one_line_and_changes_nothing(tmp_path, url, expected):
    p = fixture_project(tmp_path)
    before = on_disk(p)
    code, out, err = cli(p, "link", "--endpoint", url, "--write")
    assert (code, out) == (2, "")
    assert one_line_error(err) == expected
    assert on_disk(p) == before


@pytest.mark.parametrize(
    "status, body, expected",
    [
        (
            200,
            b"<html>YASGUI</html>",
            "the endpoint did not answer with SPARQL JSON results; check that --endpoint is a SPARQL query endpoint",
        ),
        (
            404,
            b"not found",
            (
                "the endpoint answered HTTP 404 Not Found; check the --endpoint URL (it must be the SPARQL "
                "query URL), or retry later; --offline replays the cached answers"
            ),
        ),
    ],
)
def test_an_endpoint_that_does_not_answer_sparql_is_one_line_and_changes_nothing(tmp_path, status, body, expected):
    p = fixture_project(tmp_path)
    before = on_disk(p)
    with http_server(lambda *request: (status, "text/html", body)) as (base, received):
        code, out, err = cli(p, "link", "--endpoint", base + "/sparql", "--write")
    assert (code, out) == (2, "")
    assert one_line_error(err) == f"{base}/sparql: {expected}"
    assert on_disk(p) == before
    assert received[0][0] == "POST" and received[0][3].startswith(b"query=SELECT")


def test_the_document_symbol_property_is_configurable(tmp_path, endpoint):
    p = fixture_project(tmp_path)
    code, _out, err = cli(p, "link", "--endpoint", endpoint, "--symbol-property", "P9999", "--write")
    assert code == 0, err
    wikidata = links_of(p, "generated-wikidata.ttl")
    assert {row for row in wikidata if row[0].startswith("document/")} == {
        ("document/A-68-98", "schema:sameAs", "wd:Q90000302", f"document-{slug(endpoint)}")
    }
    text = (p.root / LINKS / "generated-wikidata.ttl").read_text(encoding="utf-8")
    assert "its UN document symbol (wdt:P9999)" in text  # the linkset records the property used
    code, _out, err = cli(p, "link", "--endpoint", endpoint, "--symbol-property", "symbol")
    assert code == 2
    assert one_line_error(err) == (
        "--symbol-property: 'symbol' is not a Wikidata property identifier; write P followed by digits, e.g. P3069"
    )


def test_a_malformed_table_row_is_one_line(tmp_path, endpoint):
    p = fixture_project(tmp_path)
    table = p.root / "data/reference/tables/iso3166-wikidata.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("FRA,FR,Q142", "FRA,FR,142"), encoding="utf-8")
    before = on_disk(p)
    code, _out, err = cli(p, "link", "--offline", "--write")
    assert code == 2
    assert one_line_error(err) == (
        "data/reference/tables/iso3166-wikidata.csv:77: '142' is not a Wikidata item "
        "identifier; write Q followed by digits, e.g. Q142"
    )
    assert on_disk(p) == before


# --------------------------------------------------------------------- the project's own links


def test_the_committed_link_files_are_what_the_command_generates(tmp_path):
    """Regenerating from the project's data (offline, no cache: nothing asked of an endpoint)
    changes nothing: the committed generated-*.ttl files are up to date with the data."""
    p = copy_project(tmp_path)
    code, out, err = cli(p, "link", "--offline")
    assert code == 0, err
    assert out.splitlines()[-1].startswith("no change: the generated link files are up to date")


# ----------------------------------------------------------------- the built graph, the checks


def test_linksets_are_queryable_with_their_sources_and_counts(linked, endpoint):
    p, _ = linked
    rows = cybernorms.query("linksets", root=p.root, build=p.build)
    ep = slug(endpoint)
    source = "https://w3id.org/cybernorms/dataset/source/"
    assert [
        (r["linkset"].removeprefix(LINKSET), r["predicate"].rsplit("/", 1)[-1], r["source"], r["links"]) for r in rows
    ] == [
        ("curated-schema-sameAs", "sameAs", source + "curated", 1),
        (f"document-{ep}", "sameAs", endpoint, 2),
        ("document-ods-pdf", "encoding", source + "rule-ods-pdf", 14),
        ("document-undocs", "page", source + "rule-undocs", 42),
        (f"organisation-{ep}", "sameAs", endpoint, 1),
        ("organisation-organizations-wikidata", "sameAs", source + "organizations-wikidata", 4),
        ("state-eu-country", "focus", source + "rule-eu-country", 5),
        ("state-iso3166-wikidata", "sameAs", source + "iso3166-wikidata", 4),
    ]
    rows = cybernorms.query("links", root=p.root, build=p.build, entity=ID + "state/ITA")
    assert [(r["property"], r["target"], r["linkset"].removeprefix(LINKSET)) for r in rows] == [
        (
            "http://xmlns.com/foaf/0.1/focus",
            "http://publications.europa.eu/resource/authority/country/ITA",
            "state-eu-country",
        ),
        ("https://schema.org/sameAs", WD + "Q90000038", "curated-schema-sameAs"),
    ]


def test_identity_links_do_not_merge_states_with_wikidata_items(linked):
    """schema:sameAs, not owl:sameAs: the OWL RL materialisation copies nothing onto Wikidata IRIs,
    so 'the states' are still the graph's five states and nothing else."""
    p, _ = linked
    st = ox.Store.read_only(str(p.store))
    rows = st.query(
        "SELECT ?s WHERE { ?s a <https://w3id.org/cybernorms/ontology#State> } ORDER BY ?s",
        use_default_graph_as_union=True,
    )
    assert [r["s"].value for r in rows] == [ID + f"state/{c}" for c in ("CAN", "DEU", "FRA", "ITA", "NLD")]
    assert not list(st.quads_for_pattern(ox.NamedNode(WD + "Q142"), None, None, None))


def test_owl_sameAs_would_copy_a_state_onto_its_wikidata_item(linked, tmp_path):
    """Why the links are not owl:sameAs: the same identity as owl:sameAs (curated here for FRA) passes
    every check, and the OWL RL materialisation then makes the Wikidata IRI a state too, with the
    state's code, so that every question about states counts France twice."""
    p = Project.at(tmp_path / "project", tmp_path / "project" / "build")
    for part in INPUTS:
        shutil.copytree(linked[0].root / part, p.root / part)
    curated = p.root / LINKS / "curated.ttl"
    curated.write_text(curated.read_text() + "<state/FRA> <http://www.w3.org/2002/07/owl#sameAs> wd:Q142 .\n")
    assert cli(p, "link", "--offline", "--write")[0] == 0
    assert cli(p, "build", "--quiet")[0] == 0
    st = ox.Store.read_only(str(p.store))
    rows = st.query(
        "SELECT ?s ?code WHERE { ?s a <https://w3id.org/cybernorms/ontology#State> ; "
        "<http://purl.org/dc/terms/identifier> ?code } ORDER BY ?s",
        use_default_graph_as_union=True,
    )
    assert [(r["s"].value.removeprefix(ID), r["code"].value) for r in rows] == [
        (WD + "Q142", "FRA"),
        ("state/CAN", "CAN"),
        ("state/DEU", "DEU"),
        ("state/FRA", "FRA"),
        ("state/ITA", "ITA"),
        ("state/NLD", "NLD"),
    ]


@pytest.mark.parametrize(
    "change, check, message",
    [
        (
            "curated",
            "check-link-without-linkset",
            (
                "<https://w3id.org/cybernorms/id/org/un> External link that no linkset records "
                "(link=foaf:page, target=<https://www.un.org/>); run `cybernorms link --write`"
            ),
        ),
        (
            "count",
            "check-linkset-count",
            (
                "<https://w3id.org/cybernorms/dataset/linkset/state-eu-country> Linkset whose count or source is wrong "
                "(declared='6', actual='5', problem='void:triples differs from the links it holds')"
            ),
        ),
        (
            "shared",
            "check-identity-link-shared",
            (
                "<https://w3id.org/cybernorms/id/org/g7> Identity link that is not one to one (target=wd:Q1065, "
                "other=<https://w3id.org/cybernorms/id/org/un>)"
            ),
        ),
    ],
)
def test_the_build_refuses_unrecorded_miscounted_or_shared_links(linked, tmp_path, change, check, message):
    p = Project.at(tmp_path / "project", tmp_path / "project" / "build")
    for part in INPUTS:
        shutil.copytree(linked[0].root / part, p.root / part)
    curated = p.root / LINKS / "curated.ttl"
    if change == "curated":  # a hand-written link that `cybernorms link --write` has not recorded yet
        curated.write_text(
            curated.read_text()
            + "<org/un> foaf:page <https://www.un.org/> .\n".replace("foaf:page", "<http://xmlns.com/foaf/0.1/page>")
        )
    elif change == "count":
        eu = p.root / LINKS / "generated-eu-countries.ttl"
        eu.write_text(eu.read_text().replace("void:triples 5 .", "void:triples 6 ."))
    else:  # two entities, one Wikidata item, both curated (and recorded)
        curated.write_text(
            curated.read_text() + "<org/g7> schema:sameAs wd:Q1065 .\n<org/un> schema:sameAs wd:Q1065 .\n"
        )
        assert cli(p, "link", "--offline", "--write")[0] == 0
    code, _out, err = cli(p, "build", "--quiet")
    assert code == 2
    line = one_line_error(err)
    assert f"check {check}: {message}" in line


# ------------------------------------------------------------------------------- federation


def test_federated_continent_and_population_of_the_states(linked, endpoint):
    p, _ = linked
    rows = cybernorms.query(
        "federated-states-continent-population", root=p.root, build=p.build, endpoint=endpoint, allow_service=[endpoint]
    )
    assert [
        (
            r["code"],
            r["item"].removeprefix(WD),
            r["continent"].removeprefix(WD),
            r["continentLabel"],
            r["population"],
            r["endpoint"],
        )
        for r in rows
    ] == [
        ("CAN", "Q16", "Q49", "North America", 38000000, endpoint),
        ("DEU", "Q183", "Q46", "Europe", 83000000, endpoint),
        ("FRA", "Q142", "Q46", "Europe", 68000000, endpoint),
        ("NLD", "Q29999", "Q46", "Europe", 17000000, endpoint),
        # ITA's item is its curated link wd:Q90000038, of which the endpoint knows nothing: no row
    ]


def test_federated_g7_members_beside_the_graph(linked, endpoint):
    p, _ = linked
    rows = cybernorms.query(
        "federated-g7-members", root=p.root, build=p.build, endpoint=endpoint, allow_service=[endpoint]
    )
    assert [(r["code"], r["member"].removeprefix(WD), r["state"], r["memberInGraph"], r["group"]) for r in rows] == [
        ("CAN", "Q16", ID + "state/CAN", True, WD + "Q90000007"),
        ("DEU", "Q183", ID + "state/DEU", True, WD + "Q90000007"),
        ("FRA", "Q142", ID + "state/FRA", True, WD + "Q90000007"),
        ("ITA", "Q38", ID + "state/ITA", True, WD + "Q90000007"),
        ("USA", "Q30", None, False, WD + "Q90000007"),  # a member Wikidata knows and the graph does not
    ]


def test_a_federated_query_with_an_unreachable_endpoint_is_one_line(linked):
    p, _ = linked
    from oxiserver import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = cli(p, "query", "federated-g7-members", "--param", f"endpoint={url}", "--allow-service", url)
    assert (code, out) == (2, "")
    assert one_line_error(err).startswith(f"{p.root}/queries/federated-g7-members.rq: the SERVICE endpoint failed: ")


@pytest.mark.parametrize(
    "value",
    [
        "file:///etc/passwd",
        "ftp://example.org/sparql",
        "query.wikidata.org/sparql",
        "http://example.org/> } SERVICE <http://evil.example/",
    ],
)
def test_the_endpoint_parameter_must_be_an_http_iri(linked, value):
    p, _ = linked
    with pytest.raises(UsageError) as e:
        cybernorms.query("federated-g7-members", root=p.root, build=p.build, endpoint=value)
    assert e.value.message == (
        f"query federated-g7-members: parameter endpoint must be an absolute http(s) IRI, "
        f"not {value!r}; give e.g. https://query.wikidata.org/sparql"
    )
