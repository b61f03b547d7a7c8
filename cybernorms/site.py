"""The static site: dist/site/, the same pages as the live server, as files that any web server can
host, with the RDF of each page beside it and the rules that let https://w3id.org/cybernorms/...
redirect to it with content negotiation.

    dist/site/index.html, ontology.html, dataset.html, search.html, editor.html, 404.html
    dist/site/id/norm/13f.html  (+ .ttl .jsonld .nt .rdf .trig .nq)   every entity of the graph
    dist/site/graph/{name}.html (+ the same RDF formats)                every named graph
    dist/site/static/...                                                style sheets, scripts, licences
    dist/site/dist/...                                                  the files of dist/ (if exported)
    dist/site/.htaccess        content negotiation on an Apache host of the site itself
    dist/site/w3id.htaccess    the rules to propose for https://w3id.org/cybernorms/ (303 redirects)

Links between pages are relative, so the site works from any directory, a file:// URL included.
The same store and inputs give the same bytes: pages and RDF are written in a fixed order, with
canonical blank nodes, and nothing depends on the time or the place of the run. The new site is
written beside the old one and swapped in when complete.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .formats import RDF_FORMATS, serialize
from .layout import Project
from .pages import html_of, rdf_of
from .render import STATIC, Linker, Renderer
from .views import Catalogue, all_pages, site_path

DEFAULT_PUBLISH_URL = "https://cybernorms.example.org/"  # where the static site is hosted: give --publish-url


class Phases:
    """Seconds spent in each phase of writing the site, summed over the processes that write it
    (for the benchmark, scripts/bench_site.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started

    def add(self, other: dict[str, float]) -> None:
        for name, seconds in other.items():
            self.seconds[name] += seconds


@dataclass
class Written:
    directory: Path
    pages: int
    files: int
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase, all processes


def write(project: Project, publish_url: str = DEFAULT_PUBLISH_URL, store: ox.Store | None = None) -> Written:
    """Write dist/site/ from the built store; returns where, and how many pages and files. The
    pages are shared between this process and a second one (JSON-LD takes most of the time)."""
    phases = Phases()
    st = store or ox.Store.read_only(str(project.built_store()))
    with phases("catalogue"):
        renderer = Renderer(project, Catalogue(st, project.root))
    target = project.dist / "site"
    tmp = project.dist / f".site.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        paths = ["", "ontology", "dataset"] + [site_path(g) or "" for g in renderer.cat.graphs]
        paths += [site_path(iri) or "" for iri in all_pages(renderer.cat)]
        share = 2 if (os.cpu_count() or 1) > 1 else 1
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            others = [
                pool.submit(
                    _pages_in_worker,
                    str(project.root),
                    str(project.build),
                    str(project.dist),
                    str(tmp),
                    paths[i::share],
                )
                for i in range(1, share)
            ]
            pages = _pages(renderer, tmp, paths[0::share], phases)
            for f in others:
                done, seconds = f.result()
                pages += done
                phases.add(seconds)
        with phases("other pages, static, dist"):
            pages += _rest(project, renderer, tmp, publish_url)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with phases("swap"):
        old = project.dist / f".site.old-{os.getpid()}"
        if target.exists():
            os.rename(target, old)
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    with phases("count files"):
        files = sum(1 for p in target.rglob("*") if p.is_file())
    return Written(target, pages, files, dict(phases.seconds))


def _rest(project: Project, renderer: Renderer, tmp: Path, publish_url: str) -> int:
    """The pages that are not an IRI's (search, editor, 404), the static files, the copy of dist/
    and the rewrite rules; returns the pages written."""
    pages = 0
    for name, html in (
        ("search", renderer.search("", Linker(static=True, here="search"))),
        ("editor", renderer.editor(Linker(static=True, here="editor"), None)),
        ("404", renderer.not_found("", Linker(static=True, here="404"))),
    ):
        _write(tmp / f"{name}.html", html)
        pages += 1
    shutil.copytree(STATIC, tmp / "static", ignore=shutil.ignore_patterns("*.map", "__pycache__"))
    for name in sorted(renderer.dist_files()):
        (tmp / "dist" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.dist / name, tmp / "dist" / name)
    _write(tmp / ".htaccess", htaccess())
    _write(tmp / "w3id.htaccess", w3id_htaccess(publish_url))
    return pages


def _pages(renderer: Renderer, tmp: Path, paths: list[str], phases: Phases) -> int:
    """Write the page of each path and, beside it, its RDF in every format; returns the pages written."""
    pages = 0
    for path in paths:
        with phases("describe"):
            quads = rdf_of(renderer, path) if path else []
        with phases("html"):
            html = html_of(renderer, path, Linker(static=True, here=path))
        if html is None:
            continue
        with phases("write"):
            _write(tmp / Linker.file(path), html)
        pages += 1
        if path == "":
            continue
        for fmt in RDF_FORMATS:
            with phases(fmt.suffix):
                data = serialize(quads or [], fmt, renderer.project.root)
            with phases("write"):
                _write(tmp / f"{path}.{fmt.suffix}", data)
    return pages


def _pages_in_worker(root: str, build: str, dist: str, tmp: str, paths: list[str]) -> tuple[int, dict[str, float]]:
    phases = Phases()
    project = Project.at(root, build, dist)
    st = ox.Store.read_only(str(project.built_store()))
    with phases("catalogue"):
        renderer = Renderer(project, Catalogue(st, project.root))
    pages = _pages(renderer, Path(tmp), paths, phases)
    return pages, dict(phases.seconds)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _negotiation(target: str, flags: str) -> str:
    """Rewrite rules choosing the file of the asked format: RDF by Accept header, HTML otherwise."""
    lines = []
    for fmt in RDF_FORMATS:
        media = fmt.media.replace("+", "\\+")
        lines += [
            f"RewriteCond %{{HTTP_ACCEPT}} {media}",
            f"RewriteRule ^({target})$ {{prefix}}$1.{fmt.suffix} [{flags}]",
        ]
    return "\n".join(lines)


def htaccess() -> str:
    """Apache rules for a host that serves dist/site/ itself: /id/norm/13f answers the page or, by
    Accept header, its RDF (RDF/XML, Turtle, ...), with Vary: Accept."""
    rules = _negotiation("(?:id|dataset|graph)/[^.]+|ontology|dataset", "L").replace("{prefix}", "")
    types = "\n".join(f"AddType {f.media} .{f.suffix}" for f in RDF_FORMATS)
    return f"""# cybernorms static site: content negotiation on an Apache host (mod_rewrite, mod_headers)
Options -MultiViews
AddDefaultCharset utf-8
AddCharset utf-8 .ttl .jsonld .nt .trig .nq .html
{types}
DirectoryIndex index.html
ErrorDocument 404 /404.html
Header merge Vary Accept
RewriteEngine on
{rules}
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteCond %{{REQUEST_FILENAME}}.html -f
RewriteRule ^(.+)$ $1.html [L]
"""


def w3id_htaccess(publish_url: str) -> str:
    """The rules to propose to w3id.org (https://github.com/perma-id/w3id.org, folder cybernorms/):
    303 See Other from each IRI to the file of the asked format on the static host."""
    url = publish_url if publish_url.endswith("/") else publish_url + "/"
    rules = _negotiation("(?:id|dataset|graph)/.+|ontology|dataset", "R=303,L").replace("{prefix}", url)
    return f"""# https://w3id.org/cybernorms/ -> the static site at {url}
# Each IRI redirects (303 See Other) to the representation its Accept header asks for:
# RDF by media type, HTML otherwise. Propose this file as cybernorms/.htaccess to w3id.org.
Options +FollowSymLinks
RewriteEngine on
{rules}
RewriteRule ^$ {url}index.html [R=303,L]
RewriteRule ^dist/(.*)$ {url}dist/$1 [R=302,L]
RewriteRule ^((?:id|dataset|graph)/.+|ontology|dataset)$ {url}$1.html [R=303,L]
"""
