"""The static site: dist/site/, the same pages as the live server, as files that any web server can
host, with the RDF of each page beside it and the rules that let https://w3id.org/cybernorms/...
redirect to it with content negotiation.

    dist/site/index.html, ontology.html, dataset.html, search.html, editor.html, 404.html
    dist/site/id/norm/13f.html  (+ .ttl .jsonld)                        every entity of the graph (the
                                parts of an incident record on their incident's page, at an anchor)
    dist/site/graph/{name}.html (+ the same RDF formats)                every named graph
    dist/site/static/...                                                style sheets, scripts, licences
    dist/site/dist/...                                                  the files of dist/ (if exported)
    dist/site/.htaccess        content negotiation on an Apache host of the site itself
    dist/site/w3id.htaccess    the rules to propose for https://w3id.org/cybernorms/ (303 redirects)

Links between pages are relative, so the site works from any directory, a file:// URL included.
The same store and inputs give the same bytes: pages and RDF are written in a fixed order, with
canonical blank nodes, and nothing depends on the time or the place of the run (nor on the order
in which the store gives its statements). The new site is written beside the old one and swapped in
when complete.
"""

from __future__ import annotations

import gc
import os
import posixpath
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import CybernormsError
from .formats import RDF_FORMATS, SITE_FORMATS, serialize_all
from .layout import BASE, Project, fork_cores, fork_pool, no_collection
from .pages import html_of, rdf_of
from .render import STATIC, Linker, Renderer, dist_files
from .store import open_current
from .views import Catalogue, IncidentSeries, all_pages, incident_series, site_path

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

DEFAULT_PUBLISH_URL = "https://cybernorms.example.org/"  # where the static site is hosted: give --publish-url


class Phases:
    """CPU seconds spent in each phase of writing the site, summed over the processes that write
    it (for the benchmark, scripts/bench_site.py: CPU time rather than wall time, which the load of
    the machine inflates)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.process_time()
        try:
            yield
        finally:
            self.seconds[name] += time.process_time() - started

    def add(self, other: dict[str, float]) -> None:
        for name, seconds in other.items():
            self.seconds[name] += seconds


@dataclass
class Written:
    directory: Path
    pages: int
    files: int
    phases: dict[str, float] = field(default_factory=dict)  # CPU seconds per phase, all processes


class _Files:
    """Writes the files of the site under a directory, making each directory once; counts them."""

    def __init__(self, root: Path):
        self.root = root
        self.made: set[str] = set()
        self.count = 0

    def write(self, path: str, data: str | bytes) -> None:
        folder = os.path.dirname(path)
        if folder not in self.made:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self.made.add(folder)
        # os.open and one os.write: no buffered file object, none of its fstat and ioctl calls
        fd = os.open(f"{self.root}/{path}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self.count += 1


def write(project: Project, publish_url: str = DEFAULT_PUBLISH_URL, store: ox.Store | None = None) -> Written:
    """Write dist/site/ from the built store; returns where, and how many pages and files.

    The store is read once, and every entity's description and every graph's statements are
    gathered in memory in that one pass (the same statements as queries/describe.rq gives for each
    entity), while a forked copy writes what needs no such index (_beside_reading: with a handle
    of its own on the store, so only when `store` is not given); the pages are then shared
    between this process and forked copies of it, one per core.

    When `store` is not given, all of this is done by a forked copy of this process (_written),
    which ends without freeing its millions of objects one by one: the index of the store is never
    made in this process, whose collector then has nothing of it to walk (a full collection over
    it at the end, then the interpreter freeing it at exit, took 1.3 to 3 s of the site's time,
    by the load)."""
    if store is not None or fork_cores() == 1:
        return _write(project, publish_url, store)
    tmp = project.dist / f".site.tmp-{os.getpid()}"  # made here: removed here if the copy is killed
    try:
        with fork_pool(1) as pool:
            return pool.submit(_written, project, publish_url, tmp).result()
    except BrokenProcessPool:  # the copy was killed (out of memory, say)
        shutil.rmtree(tmp, ignore_errors=True)
        raise _stopped(project) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _written(project: Project, publish_url: str, tmp: Path) -> Written:
    """The site written by a forked copy of the process (`write`), which ends with its work:
    Python's collector stays off to its end, and nothing it made is collected or freed."""
    gc.disable()  # before no_collection, which then leaves it off: no full collection at the end
    return _write(project, publish_url, None, tmp)


def _stopped(project: Project) -> CybernormsError:
    return CybernormsError(
        project.rel(project.dist),
        None,
        "a process writing the static site stopped before it finished (killed, or out of memory)",
        "write the site again; if it stops again, free some memory",
    )


def _write(project: Project, publish_url: str, store: ox.Store | None, tmp: Path | None = None) -> Written:
    """Write the site in this process and the copies it forks (`write`), into `tmp` (by default a
    folder of this process beside the site), then swap it in."""
    phases = Phases()
    # Reading makes millions of objects that live to the end: the garbage collector is kept from
    # walking them again and again, while they are made and then (frozen) while the pages are
    # written; frozen, they are also shared as they are with the forked processes. Writing the
    # pages makes next to no cyclic garbage (80 objects for 2,700 pages, measured), but the
    # collector's rounds over what the caches of fragments keep took a tenth of the time: it stays
    # off until the site is written.
    read = store or open_current(project)  # a store that cannot be read stops it here, before any file
    with no_collection():
        tmp = tmp or project.dist / f".site.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            # The incidents by year (one query), the RDF of the graphs' pages, the static files and the
            # copy of dist/ need no index: a forked copy asks and writes them (from a handle of its own
            # on the store) while this process reads and indexes the store (the other core waited).
            early = fork_pool(1) if store is None and fork_cores() > 1 else None
            try:
                series = early.submit(_incident_series, project) if early else None
                graphs = early.submit(_beside_reading, project, tmp) if early else None
                with phases("read the store, index it (catalogue, descriptions)"):
                    catalogue = Catalogue(
                        read,
                        project.root,
                        descriptions=True,
                        series=series.result if series else None,
                    )
                    renderer = Renderer(project, catalogue)
                    renderer.compile(reload=False)  # once, before the processes that share the pages are forked
                    import rdflib  # noqa: F401 (read by the JSON-LD's typed literals: imported once, not in each process)
                gc.freeze()
                return _write_site(project, renderer, publish_url, phases, tmp, graphs)
            finally:
                if early:
                    early.shutdown(cancel_futures=True)
        except BrokenProcessPool:  # a forked process was killed (out of memory, say)
            shutil.rmtree(tmp, ignore_errors=True)
            raise _stopped(project) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            gc.unfreeze()


def _incident_series(project: Project) -> dict[str, dict[str, IncidentSeries]]:
    """The incidents by year of every entity (views.incident_series), asked by a forked copy of
    its own handle on the store while this process reads the store."""
    return incident_series(open_current(project), project.root)


def _beside_reading(project: Project, tmp: Path) -> tuple[set[str], int, dict[str, float]]:
    """What needs no index of the store, written by a forked copy while the store is read: the RDF
    of every named graph's page, from a store handle of this process's own, the static files and
    the copy of dist/; returns the paths of the pages whose RDF it wrote, the files and the CPU
    seconds per phase."""
    phases = Phases()
    files = _Files(tmp)
    done = set()
    with phases("read each graph (forked, beside the reading)"):
        store = open_current(project)
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    for graph in graphs:
        path = site_path(graph) or ""
        if not path.startswith("graph/"):
            continue
        with phases("read each graph (forked, beside the reading)"):
            quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        if not quads:
            continue
        _write_rdf(project.root, files, path, quads, phases)
        done.add(path)
    with phases("other pages, static, dist"):
        count = _copies(project, tmp)
    return done, files.count + count, dict(phases.seconds)


def _write_site(
    project: Project,
    renderer: Renderer,
    publish_url: str,
    phases: Phases,
    tmp: Path,
    graphs: Future[tuple[set[str], int, dict[str, float]]] | None,
) -> Written:
    """Write the pages into tmp, then swap it in for the site; `graphs` is the forked copy that
    writes the RDF of the graphs' pages (_beside_reading), if any."""
    target = project.dist / "site"
    paths = ["", "ontology", "dataset"] + [site_path(g) or "" for g in renderer.cat.graphs]
    paths += [site_path(iri) or "" for iri in all_pages(renderer.cat)]
    rest = partial(_rest, project, renderer, tmp, publish_url, graphs is not None)
    pages, files = _shared(renderer, tmp, paths, phases, rest, graphs is not None)
    if graphs is not None:
        done, written, seconds = graphs.result()
        phases.add(seconds)
        files += written
        missing = [p for p in paths if p.startswith("graph/") and p not in done]  # none: the same graphs
        files += _graph_rdf(renderer, _Files(tmp), missing, phases)
    with phases("swap in, remove the old site"):
        old = project.dist / f".site.old-{os.getpid()}"
        if target.exists():
            os.rename(target, old)
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    return Written(target, pages, files, dict(phases.seconds))


# What forked workers inherit: set just before forking them, read by _pages_forked.
_FORKED: dict[str, tuple[Renderer, Path, list[list[str]], Synchronized[int]]] = {}


def _shared(
    renderer: Renderer,
    tmp: Path,
    paths: list[str],
    phases: Phases,
    rest: Callable[[], tuple[int, int]],
    graphs_apart: bool = False,
) -> tuple[int, int]:
    """Write the pages of the paths, shared between this process and forked copies of it (one per
    core: each inherits the renderer and its index, nothing is read twice), and what `rest` writes,
    in this process before it takes pages; returns the pages and files written. Each process takes
    the next batch of pages (_batches) when it is done with its own, so that all end together.
    `graphs_apart`: the RDF of the graphs' pages is written apart (_beside_reading), not here."""
    share = min(fork_cores(), 4)
    if share == 1 or len(paths) < 100:
        files = _Files(tmp)
        pages = _pages(renderer, files, paths, phases, graphs_apart)
        with phases("other pages, static, dist"):
            more, more_files = rest()
        return pages + more, files.count + more_files
    import multiprocessing

    batches = _batches(renderer.cat, paths, graphs_apart)
    taken = multiprocessing.get_context("fork").Value("i", 0)  # the batches taken so far
    _FORKED["state"] = (renderer, tmp, batches, taken)
    try:
        with fork_pool(share - 1) as pool:
            others = [pool.submit(_pages_forked, graphs_apart) for _ in range(share - 1)]
            files = _Files(tmp)
            with phases("other pages, static, dist"):
                more, more_files = rest()
            pages = _taken(renderer, files, batches, taken, phases, graphs_apart)
            pages, count = pages + more, files.count + more_files
            for f in others:
                done, written, seconds = f.result()
                pages, count = pages + done, count + written
                phases.add(seconds)
    finally:
        _FORKED.clear()
    return pages, count


PAGE_COST = 30  # what making a page costs beyond its statements, in statements (measured: about 1 ms)
GRAPH_SHARE = 2  # a statement of a graph's page costs half an entity's (its RDF only, no row of HTML)
GRAPH_HTML_SHARE = 20  # and a twentieth without its RDF (counted by class and property)
BATCH_COST = 5_000  # the statements of a batch of pages (about 0.1 s; the site has about 100 batches)


def _batches(cat: Catalogue, paths: list[str], graphs_apart: bool = False) -> list[list[str]]:
    """The paths in batches of about BATCH_COST statements to write (a graph's page holds the whole
    graph, an incident's its parts'), pages of a folder together in the order of the paths (their
    fragments are made once per folder and process), the costliest batches first: the processes
    end within a small batch of each other, whatever the estimate misses. `graphs_apart`: the RDF
    of the graphs' pages is written apart, their HTML only here."""
    graph_share = GRAPH_HTML_SHARE if graphs_apart else GRAPH_SHARE
    batches: list[tuple[int, list[str]]] = []
    batch: list[str] = []
    load = 0
    for path in paths:
        batch.append(path)
        load += PAGE_COST + cat.statement_count(BASE + path) // (graph_share if path.startswith("graph/") else 1)
        if load >= BATCH_COST:
            batches.append((load, batch))
            batch, load = [], 0
    if batch:
        batches.append((load, batch))
    return [batch for _, batch in sorted(batches, key=lambda lb: -lb[0])]


def _taken(
    renderer: Renderer,
    files: _Files,
    batches: list[list[str]],
    taken: Synchronized[int],
    phases: Phases,
    graphs_apart: bool,
) -> int:
    """Write the pages of the batches that no other process has taken, one batch at a time;
    returns the pages written."""
    pages = 0
    while True:
        with taken.get_lock():
            i = taken.value
            taken.value = i + 1
        if i >= len(batches):
            return pages
        pages += _pages(renderer, files, batches[i], phases, graphs_apart)


def _pages_forked(graphs_apart: bool) -> tuple[int, int, dict[str, float]]:
    renderer, tmp, batches, taken = _FORKED["state"]  # inherited from the process that forked this one
    phases = Phases()
    files = _Files(tmp)
    pages = _taken(renderer, files, batches, taken, phases, graphs_apart)
    return pages, files.count, dict(phases.seconds)


def _pages(renderer: Renderer, files: _Files, paths: list[str], phases: Phases, graphs_apart: bool = False) -> int:
    """Write the page of each path and, beside it, its RDF in every format (but for the graphs'
    pages when their RDF is written apart); returns the pages written."""
    pages = 0
    for path in paths:
        rdf = path != "" and not (graphs_apart and path.startswith("graph/"))
        with phases("describe"):
            quads = rdf_of(renderer, path) if rdf else []
        with phases("html"):
            html = html_of(renderer, path, Linker(static=True, here=path))
        if html is None:
            continue
        with phases("write"):
            files.write(Linker.file(path), html)
        pages += 1
        if rdf:
            _write_rdf(renderer.project.root, files, path, quads or [], phases)
    return pages


def _graph_rdf(renderer: Renderer, files: _Files, paths: list[str], phases: Phases) -> int:
    """Write the RDF of the graphs' pages of the paths; returns the files written."""
    for path in paths:
        with phases("describe"):
            quads = rdf_of(renderer, path)
        if quads is not None:
            _write_rdf(renderer.project.root, files, path, quads, phases)
    return files.count


def _write_rdf(root: Path, files: _Files, path: str, quads: list[ox.Quad], phases: Phases) -> None:
    """Write the RDF of a page, its quads, beside it in every format of the site."""
    with phases("rdf"):
        representations = serialize_all(quads, root, SITE_FORMATS)
    with phases("write"):
        for fmt, data in representations:
            files.write(f"{path}.{fmt.suffix}", data)


def _rest(project: Project, renderer: Renderer, tmp: Path, publish_url: str, copied: bool) -> tuple[int, int]:
    """The pages that are not an IRI's (search, editor, 404), the static files and the copy of
    dist/ (unless `copied` already, by _beside_reading) and the rewrite rules; returns the pages
    and files written."""
    files = _Files(tmp)
    pages = 0
    for name, html in (
        ("search", renderer.search("", Linker(static=True, here="search"))),
        ("editor", renderer.editor(Linker(static=True, here="editor"), None)),
        ("404", renderer.not_found("", Linker(static=True, here="404"))),
    ):
        files.write(f"{name}.html", html)
        pages += 1
    count = 0 if copied else _copies(project, tmp)
    parts = part_rules(renderer.cat)
    files.write(".htaccess", htaccess(parts))
    files.write("w3id.htaccess", w3id_htaccess(publish_url, parts))
    return pages, files.count + count


def _copies(project: Project, tmp: Path) -> int:
    """Copy the static files and the files of dist/ into the site; returns the files copied."""
    ignore = shutil.ignore_patterns("*.map", "__pycache__")
    copied = shutil.copytree(STATIC, tmp / "static", ignore=ignore)
    count = sum(len(names) for _, _, names in os.walk(copied))
    for name in sorted(dist_files(project)):
        (tmp / "dist" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.dist / name, tmp / "dist" / name)
        count += 1
    return count


@dataclass(frozen=True)
class PartRule:
    """IRIs of parts described on their entity's page (views.PART_CLASSES), as one rewrite pattern:
    group 1 is the entity's path, the groups after it the segments of the part's path, which make
    its anchor (id/incident/X/receiver/6 -> id/incident/X, #receiver-6)."""

    pattern: str  # without ^ and $
    segments: int  # the groups after the entity's path


def part_rules(cat: Catalogue) -> list[PartRule]:
    """The patterns that send the IRIs of the parts to their entity's page: one per folder of
    entities and number of segments, naming the kinds of parts (receiver, attribution...). A part
    that such a pattern would get wrong (it also matches a page of its own, or leads elsewhere)
    gets a rule of its own."""
    groups: dict[tuple[str, int], set[str]] = defaultdict(set)
    for part, owner in cat.owner.items():
        folder, rest = posixpath.dirname(site_path(owner) or ""), part[len(owner) + 1 :].split("/")
        groups[(re.escape(folder) + "/[^/]+" if folder else "[^/]+", len(rest))].add(re.escape(rest[0]))
    rules = [
        PartRule(f"({owner})/({'|'.join(sorted(kinds))})" + "/([^/.]+)" * (n - 1), n)
        for (owner, n), kinds in sorted(groups.items())
    ]
    regexes = {rule: re.compile(f"^{rule.pattern}$") for rule in rules}
    pages = [site_path(iri) or "" for iri in all_pages(cat)]
    good = [rule for rule in rules if not any(regexes[rule].match(page) for page in pages)]
    own: list[PartRule] = []
    for part, owner in sorted(cat.owner.items()):
        path = site_path(part) or ""
        match = next((m for m in (regexes[rule].match(path) for rule in good) if m), None)
        if match is None or match.group(1) != site_path(owner) or "-".join(match.groups()[1:]) != cat.anchor(part):
            rest = part[len(owner) + 1 :].split("/")
            pattern = f"({re.escape(site_path(owner) or '')})/" + "/".join(f"({re.escape(x)})" for x in rest)
            own.append(PartRule(pattern, len(rest)))
    return good + own


def _escaped(media: str) -> str:
    return media.replace("+", "\\+")


# The static site holds Turtle and JSON-LD beside each page (SITE_FORMATS); a client that asks for
# another RDF format (N-Triples, RDF/XML, TriG, N-Quads) and would not take HTML is answered 406,
# as the live server answers a type it cannot give (docs/site.md, "The static site").
_NOT_HELD = "(" + "|".join(_escaped(f.media) for f in RDF_FORMATS if f not in SITE_FORMATS) + ")"
_TAKES_HTML = r"(text/html|application/xhtml\+xml|\*/\*|text/\*)"
NOT_ACCEPTABLE = (
    f"406 Not Acceptable: this copy of the site gives HTML, {' and '.join(f'{f.name} ({f.media})' for f in SITE_FORMATS)};"
    " the files of the dataset (dataset.html) hold the whole graph in TriG and N-Quads"
)


def _refusal() -> list[str]:
    """The conditions of a 406 answer: a type the site does not hold is asked, and HTML is not."""
    return [f"RewriteCond %{{HTTP_ACCEPT}} !{_TAKES_HTML}", f"RewriteCond %{{HTTP_ACCEPT}} {_NOT_HELD}"]


def _part_redirects(rules: list[PartRule], url: str) -> str:
    """For w3id.org: 303 redirects from the IRIs of the parts (and their suffix forms) to their
    entity's page at their anchor, or to its RDF by suffix or Accept header."""
    suffixes = "|".join(f.suffix for f in SITE_FORMATS)
    lines = []
    for rule in rules:
        anchor = "-".join(f"${i}" for i in range(2, rule.segments + 2))
        page = f"{url}$1.html#{anchor} [R=303,NE,L]"
        lines += [
            f"RewriteRule ^{rule.pattern}\\.html$ {page}",
            f"RewriteRule ^{rule.pattern}\\.({suffixes})$ {url}$1.${rule.segments + 2} [R=303,L]",
        ]
        for fmt in SITE_FORMATS:
            lines += [
                f"RewriteCond %{{HTTP_ACCEPT}} {_escaped(fmt.media)}",
                f"RewriteRule ^{rule.pattern}$ {url}$1.{fmt.suffix} [R=303,L]",
            ]
        lines += [*_refusal(), f"RewriteRule ^{rule.pattern}$ - [R=406,L]", f"RewriteRule ^{rule.pattern}$ {page}"]
    return "\n".join(lines)


def _part_redirects_on_host(rules: list[PartRule]) -> str:
    """The same redirects for an Apache host of the site itself: the path asked is read from
    REQUEST_URI (group 1 is what comes before it), so that the site may live in a folder."""
    suffixes = "|".join(f.suffix for f in SITE_FORMATS)
    lines = []
    for rule in rules:
        anchor = "-".join(f"%{i}" for i in range(3, rule.segments + 3))
        lines += [
            f"RewriteCond %{{REQUEST_URI}} ^(.*/){rule.pattern}\\.({suffixes})$",
            f"RewriteRule ^ %1%2.%{rule.segments + 3} [R=303,L]",
        ]
        for fmt in SITE_FORMATS:
            lines += [
                f"RewriteCond %{{HTTP_ACCEPT}} {_escaped(fmt.media)}",
                f"RewriteCond %{{REQUEST_URI}} ^(.*/){rule.pattern}$",
                f"RewriteRule ^ %1%2.{fmt.suffix} [R=303,L]",
            ]
        lines += [
            *_refusal(),
            f"RewriteCond %{{REQUEST_URI}} ^(.*/){rule.pattern}$",
            "RewriteRule ^ - [R=406,L]",
            f"RewriteCond %{{REQUEST_URI}} ^(.*/){rule.pattern}(\\.html)?$",
            f"RewriteRule ^ %1%2.html#{anchor} [R=303,NE,L]",
        ]
    return "\n".join(lines)


def _negotiation(target: str, flags: str) -> str:
    """Rewrite rules choosing the file of the asked format: RDF by Accept header, 406 for RDF the
    site does not hold, HTML otherwise (the rules after these)."""
    lines = []
    for fmt in SITE_FORMATS:
        lines += [
            f"RewriteCond %{{HTTP_ACCEPT}} {_escaped(fmt.media)}",
            f"RewriteRule ^({target})$ {{prefix}}$1.{fmt.suffix} [{flags}]",
        ]
    lines += [*_refusal(), f"RewriteRule ^({target})$ - [R=406,L]"]
    return "\n".join(lines)


def htaccess(parts: list[PartRule]) -> str:
    """Apache rules for a host that serves dist/site/ itself: /id/norm/13f answers the page or, by
    Accept header, its RDF (Turtle, JSON-LD), with Vary: Accept; 406 for RDF the site does not hold;
    the IRI of a part redirects to its entity's page."""
    rules = _negotiation("(?:id|dataset|graph)/[^.]+|ontology|dataset", "L").replace("{prefix}", "")
    types = "\n".join(f"AddType {f.media} .{f.suffix}" for f in SITE_FORMATS)
    charsets = " ".join(f".{f.suffix}" for f in SITE_FORMATS)
    return f"""# cybernorms static site: content negotiation on an Apache host (mod_rewrite, mod_headers)
Options -MultiViews
AddDefaultCharset utf-8
AddCharset utf-8 {charsets} .html
{types}
DirectoryIndex index.html
ErrorDocument 404 /404.html
ErrorDocument 406 "{NOT_ACCEPTABLE}"
Header merge Vary Accept
RewriteEngine on
# the parts described on their entity's page (docs/site.md)
{_part_redirects_on_host(parts)}
{rules}
RewriteCond %{{REQUEST_FILENAME}} !-f
RewriteCond %{{REQUEST_FILENAME}}.html -f
RewriteRule ^(.+)$ $1.html [L]
"""


def w3id_htaccess(publish_url: str, parts: list[PartRule]) -> str:
    """The rules to propose to w3id.org (https://github.com/perma-id/w3id.org, folder cybernorms/):
    303 See Other from each IRI to the file of the asked format on the static host; the IRI of a
    part to its entity's page (at its anchor) or RDF."""
    url = publish_url if publish_url.endswith("/") else publish_url + "/"
    rules = _negotiation("(?:id|dataset|graph)/.+|ontology|dataset", "R=303,L").replace("{prefix}", url)
    return f"""# https://w3id.org/cybernorms/ -> the static site at {url}
# Each IRI redirects (303 See Other) to the representation its Accept header asks for:
# Turtle or JSON-LD by media type, HTML otherwise; 406 for other RDF types when HTML is not taken. Propose this file as cybernorms/.htaccess to w3id.org.
Options +FollowSymLinks
RewriteEngine on
# the parts described on their entity's page (docs/site.md)
{_part_redirects(parts, url)}
{rules}
RewriteRule ^$ {url}index.html [R=303,L]
RewriteRule ^dist/(.*)$ {url}dist/$1 [R=302,L]
RewriteRule ^((?:id|dataset|graph)/.+|ontology|dataset)$ {url}$1.html [R=303,L]
"""
