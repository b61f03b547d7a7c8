"""The pages of the graph over HTTP: Starlette routes that a front door mounts.

    routes(project, store) -> list of Starlette routes for
      /                     the home page
      /id/...               every entity of https://w3id.org/cybernorms/id/... (and /dataset/...)
      /ontology             the ontology, one anchor per term (/ontology#Norm)
      /graph/{name}         a named graph
      /dataset              the dataset: VoID/DCAT, downloads of dist/ with checksums
      /dist/{file}          the files of dist/
      /search?q=...         search
      /editor               the SPARQL query page (it sends queries to /query)
      /static/...           style sheets and scripts shipped with the package

Content negotiation follows "Cool URIs for the Semantic Web": an IRI answers HTML by default and
Turtle, JSON-LD, N-Triples, RDF/XML, TriG or N-Quads by Accept header (read by python-mimeparse) or
by suffix (13a.ttl, 13a.jsonld, ...), always with `Vary: Accept`, a Content-Location naming the
suffix form, Link headers to the alternates, and 406 for a type the site cannot give. An unknown
IRI answers 404: a page with a search box for HTML, a line of plain text otherwise. The IRI of a
part of an incident record answers 303 See Other to its incident's page, at the part's anchor (its
suffix forms: to the incident's RDF, which describes the part too; docs/site.md).

`store()` gives the current read-only store; it may be a new one after a rebuild, and the index
of pages and search is rebuilt the first time a new store is seen.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .formats import BY_SUFFIX, HTML, OFFERED_TYPES, RDF_FORMATS, Format, negotiate, serialize
from .layout import BASE, GRAPH, ONTOLOGY_IRI, Project
from .render import STATIC, Linker, Renderer
from .views import Catalogue

LIVE = Linker(static=False)


class Site:
    """The renderer of the current store, rebuilt when the store changes.

    Its catalogue reads the store once and keeps every entity's statements as describe.rq gathers
    them (as the static site does): a page asks no query of the store, and the largest pages (an
    incident with 266 parts, a code with thousands of statements pointing at it) are not a query
    of hundreds of entities each. The catalogue's objects are then frozen out of the garbage
    collector, whose full rounds over them (about 0.25 s each) were most of the slowest answers.
    """

    def __init__(self, project: Project, store: Callable[[], ox.Store]):
        self.project = project
        self.store = store
        self._lock = threading.Lock()
        self._current: tuple[ox.Store, Renderer] | None = None

    def renderer(self) -> Renderer:
        st = self.store()
        current = self._current
        if current is not None and current[0] is st:
            return current[1]
        with self._lock:
            if self._current is None or self._current[0] is not st:
                gc.unfreeze()  # the previous store's catalogue may go
                self._current = None
                gc.collect()
                self._current = (st, Renderer(self.project, Catalogue(st, self.project.root, descriptions=True)))
                self._current[1].compile()
                self._current[1].index  # noqa: B018 (the search index, made now to be frozen with the rest)
                gc.freeze()
            return self._current[1]


def rdf_of(renderer: Renderer, path: str) -> list[ox.Quad] | None:
    """The quads that are the RDF of a page: an entity's description, a named graph's statements,
    the ontology graph; None when the path names nothing the graph knows."""
    cat = renderer.cat
    iri = BASE + path
    if path == "ontology":
        return cat.quads_of_graph(GRAPH + "ontology")
    if path.startswith("graph/"):
        return cat.quads_of_graph(iri) if iri in cat.graph_sizes else None
    if path == "dataset":
        return dataset_quads(renderer)
    if cat.exists(iri) and not iri.startswith(ONTOLOGY_IRI) and iri not in cat.owner:
        own, *parts = cat.describe_page(iri)  # the page describes its parts too
        return list(dict.fromkeys(own.quads + [q for part in parts for q in part.quads])) if parts else own.quads
    return None


def dataset_quads(renderer: Renderer) -> list[ox.Quad]:
    """The VoID and DCAT description of the dataset, from dist/ (written by `cybernorms export`),
    or the statements of the store about the dataset before any export."""
    dist = renderer.project.dist
    quads: list[ox.Quad] = []
    for name in ("void.ttl", "dcat.ttl"):
        path = dist / name
        if path.is_file():
            quads += [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(path=str(path))]
    if quads:
        return quads
    return renderer.cat.describe(BASE + "dataset").quads


def html_of(renderer: Renderer, path: str, linker: Linker) -> str | None:
    """The HTML page of a site path, or None when the graph knows nothing there."""
    cat = renderer.cat
    iri = BASE + path
    if path == "":
        return renderer.home(linker)
    if path == "ontology":
        return renderer.ontology(linker)
    if path.startswith("graph/"):
        return renderer.graph(iri, linker) if iri in cat.graph_sizes else None
    if path == "dataset":
        return renderer.dataset(linker)
    if cat.exists(iri) and not iri.startswith(ONTOLOGY_IRI) and iri not in cat.owner:
        return renderer.entity(iri, linker)
    return None


def _split_suffix(renderer: Renderer, path: str) -> tuple[str, Format | None]:
    """A path and the format its suffix asks for: ("id/norm/13a", Turtle) for "id/norm/13a.ttl";
    a path the graph knows as it is keeps its dots."""
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in BY_SUFFIX and (BASE + path) not in renderer.cat.known:
        return stem, BY_SUFFIX[suffix]
    if dot and suffix == "html" and (BASE + path) not in renderer.cat.known:
        return stem, HTML
    return path, None


def _part_location(renderer: Renderer, path: str, by_suffix: Format | None) -> str:
    """Where a part's IRI sends a client: the page of its entity, at the part's anchor, or the
    file of the asked format (the RDF of the page describes the part too)."""
    page = renderer.cat.page_path(BASE + path) or ""
    if by_suffix is not None and by_suffix is not HTML:
        return "/" + page.split("#", 1)[0] + "." + by_suffix.suffix
    return "/" + page


def _links(path: str) -> str:
    return ", ".join(f'</{path}.{f.suffix}>; rel="alternate"; type="{f.media}"' for f in RDF_FORMATS)


def routes(project: Project, store: Callable[[], ox.Store]) -> list[BaseRoute]:
    site = Site(project, store)

    def answer(request: Request, path: str) -> Response:
        renderer = site.renderer()
        path, by_suffix = _split_suffix(renderer, path)
        fmt = by_suffix or negotiate(request.headers.get("accept"))
        headers = {"Vary": "Accept"} if by_suffix is None else {}
        owner = renderer.cat.owner.get(BASE + path)
        if owner is not None and fmt is not None:  # a part: described on its entity's page
            return RedirectResponse(_part_location(renderer, path, by_suffix), status_code=303, headers=headers)
        if fmt is None:
            return PlainTextResponse(
                f"406 Not Acceptable: /{path} is available as {OFFERED_TYPES}\n", status_code=406, headers=headers
            )
        if fmt is HTML:
            html = html_of(renderer, path, LIVE)
            if html is None:
                return HTMLResponse(renderer.not_found(path, LIVE), status_code=404, headers=headers)
            if by_suffix is None:
                headers["Link"] = _links(path)
            return HTMLResponse(html, headers=headers)
        quads = rdf_of(renderer, path)
        if quads is None:
            return PlainTextResponse(f"404 Not Found: the graph holds nothing about /{path}\n", 404, headers=headers)
        if by_suffix is None:
            headers["Content-Location"] = f"/{path}.{fmt.suffix}"
        body = serialize(quads, fmt, project.root)
        return Response(body, media_type=fmt.media, headers=headers)

    async def home(request: Request) -> Response:
        return answer(request, "")

    async def entity(request: Request) -> Response:
        return answer(request, request.url.path.lstrip("/"))

    async def search(request: Request) -> Response:
        return HTMLResponse(site.renderer().search(request.query_params.get("q", ""), LIVE))

    async def editor(request: Request) -> Response:
        return HTMLResponse(site.renderer().editor(LIVE, "/query"))

    async def dist(request: Request) -> Response:
        name = request.path_params["file"]
        base = project.dist.resolve()
        path = (base / name).resolve()
        if not path.is_relative_to(base) or not path.is_file() or path.is_relative_to(base / "site"):
            return PlainTextResponse(f"404 Not Found: no file dist/{name}; run `cybernorms export`\n", 404)
        return FileResponse(path, media_type=_media_of(path))

    return [
        Route("/", home),
        Route("/search", search),
        Route("/editor", editor),
        Route("/dist/{file:path}", dist),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
        Route("/ontology", entity),
        Route("/ontology.{suffix}", entity),
        Route("/dataset", entity),
        Route("/dataset.{suffix}", entity),
        Route("/dataset/{path:path}", entity),
        Route("/graph/{path:path}", entity),
        Route("/id/{path:path}", entity),
    ]


def _media_of(path: Path) -> str:
    fmt = BY_SUFFIX.get(path.suffix.lstrip("."))
    if fmt is not None:
        return fmt.media
    return {".owl": "application/rdf+xml", ".jsonld": "application/ld+json"}.get(
        path.suffix, "text/plain; charset=utf-8"
    )
