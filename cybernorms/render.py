"""The pages of the site as HTML: one Jinja2 environment (autoescape on), and a Renderer that turns
what views.py reads from the store into the context of each template. The same Renderer serves the
live pages (absolute links: /id/norm/13f) and writes the static site (relative links to .html files),
so both show exactly the same thing.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape

from . import __version__
from . import search as search_index
from .formats import RDF_FORMATS, SITE_FORMATS, Format
from .layout import BASE, CNO, GRAPH, ID, ONTOLOGY_IRI, PREFIXES, Project, curie, graph_spec
from .views import (
    FOAF,
    ROLE_NOTE,
    SCHEMA,
    SKOS,
    TYPE,
    Catalogue,
    Description,
    Fact,
    IncidentSeries,
    Term,
    YearCount,
    graph_name,
    graph_role,
    natural_key,
    site_path,
)

TEMPLATES = Path(__file__).parent / "templates"
MACROS = ("text_block", "modality", "lang_attr", "bar_chart", "incidents_by_year")  # macros.html's, for every page
STATIC = Path(__file__).parent / "static"

# Properties a page shows in a block of its own rather than in the table of statements.
SHOWN_APART = {
    PREFIXES["rdf"] + "type",
    PREFIXES["rdfs"] + "label",
    SKOS + "altLabel",
    SKOS + "notation",
    FOAF + "name",
    CNO + "text",
    SKOS + "editorialNote",
    SKOS + "definition",
}
EXTERNAL = {FOAF + "page", SCHEMA + "sameAs", PREFIXES["owl"] + "sameAs", FOAF + "focus", SCHEMA + "encoding"}
# Entry points of the home page: (heading, class); the lists are read from the graph.
ENTRY_POINTS = (
    ("Norms", CNO + "Norm"),
    ("Documents", CNO + "Document"),
    ("States", CNO + "State"),
    ("Principles of international law", CNO + "LegalPrinciple"),
    ("Practices", CNO + "Practice"),
    ("Sessions and meetings", CNO + "Meeting"),
    ("People", CNO + "Person"),
    ("Topics", CNO + "Topic"),
    ("Organisations", CNO + "Organisation"),
)
INFERRED_ONLY = ("inferred",)  # the roles of a statement only the reasoner makes
INFERRED_SHOWN = 25  # values shown per inferred property; the RDF of the page holds them all
FRAGMENTS_KEPT = 100_000  # rendered fragments kept, of each kind (the whole static site makes 90,000 rows)
UNDOCS_LANG = re.compile(r"^https://undocs\.org/([a-z]{2})/")
# The measures of queries/incidents-by-year.rq, in the order a page shows them: heading, and what
# is counted (after "EuRepoC incidents ...").
MEASURES = {
    "received": ("Incidents it received", "with a receiver in this state, by the year the incident began"),
    "initiated": (
        "Incidents it is named as initiator of",
        "with an initiator EuRepoC gives this state as the country of, by the year the incident began",
    ),
    "attributed": (
        "Attributions it made",
        (
            "this state attributed (the attribution file names it as the attributing country), by the year"
            " of the attribution: an incident it attributed in two years counts in both"
        ),
    ),
    "breach": (
        "Incidents coded as a possible breach of it",
        (
            "whose legal coding marks a possible breach under an EuRepoC code matched to this principle"
            " (a curated match, below), by the year the incident began"
        ),
    ),
    "bears-on": (
        "Incidents that bear on it",
        (
            "that bear on it by the curated rule below (a reading of the project, not EuRepoC's words"
            " nor the report's), by the year the incident began"
        ),
    ),
}


@dataclass
class Linker:
    """Where a link points. Live pages link to absolute paths (/id/norm/13f); a static page links
    relatively to the .html file of the target, from where it is written itself."""

    static: bool = False
    here: str = ""  # the site path of the page being rendered ("id/norm/13f", "" for the home page)
    # the folder the links of the page are relative to ("" for live pages: absolute links), and the
    # page's own file; made with the linker, as every link reads them
    folder: str = field(init=False, repr=False, compare=False)
    own: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.own = self.file(self.here)
        self.folder = posixpath.dirname(self.own) if self.static else ""

    def path(self, path: str) -> str:
        page, mark, anchor = path.partition("#")
        fragment = mark + anchor
        if not self.static:
            return "/" + page + fragment
        if fragment and self.at(page):
            return fragment
        return _relative(_file_of(page), self.folder) + fragment

    def at(self, path: str) -> bool:
        """Whether a link to the path (with or without its "#anchor") is on the page itself: a
        static page links to its own anchors as "#x"."""
        return self.static and _file_of(path.partition("#")[0]) == self.own

    @property
    def formats(self) -> tuple[Format, ...]:
        """The RDF formats of a page: all six live, Turtle and JSON-LD in the static site."""
        return SITE_FORMATS if self.static else RDF_FORMATS

    @staticmethod
    def file(path: str) -> str:
        return "index.html" if path == "" else path + ".html"


def _file_of(path: str) -> str:
    """The file of a site path in the static site: id/norm/13f.html, index.html, static/style.css."""
    if path == "":
        return "index.html"
    return path if "." in posixpath.basename(path) or path.startswith(("static/", "dist/")) else path + ".html"


@cache
def _relative(target: str, start: str) -> str:
    """posixpath.relpath(target, start) for the clean relative paths of the site (no "." or ".."
    in them), without its calls to abspath for every link of every page."""
    into = start.split("/") if start else []
    parts = target.split("/")
    common = 0
    for a, b in zip(into, parts, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(into) - common) + parts[common:]) or "."


# The linker of the page being rendered: the templates' href() and url() read it, so that the macros
# they import need no render context (and Jinja keeps them compiled once).
_LINKER: contextvars.ContextVar[Linker | None] = contextvars.ContextVar("linker", default=None)


def _linker() -> Linker:
    return _LINKER.get() or Linker()


# The links to site paths the templates print (url()), escaped: the same from every page of a
# folder, so made once for each (a link to an anchor, "#x" on its own page, is made at each use).
_URLS: dict[tuple[str, bool, str], Markup] = {}


def _url(path: str) -> Markup:
    linker = _linker()
    if "#" in path:
        return escape(linker.path(path))
    key = (path, linker.static, linker.folder)
    found = _URLS.get(key)
    if found is None:
        if len(_URLS) >= FRAGMENTS_KEPT:  # a server up for long keeps no more than this
            _URLS.clear()
        found = _URLS[key] = escape(linker.path(path))
    return found


class _Fragment:
    """A macro of links.html that pages call many times (a link, a term, provenance), rendered once
    for each set of arguments and folder of pages: a relative link is the same from every page of
    a folder. `key` makes the arguments hashable."""

    def __init__(self, env: jinja2.Environment, name: str, key: Callable[..., Hashable] | None = None):
        self.env = env
        self.name = name
        self.key = key
        self.done: dict[Hashable, Markup] = {}
        self.macro: Callable[..., str] | None = None  # found when first called: the globals are all set

    def __call__(self, *args: Any) -> Markup:
        linker = _linker()
        key = (self.key(*args) if self.key else args, linker.static, linker.folder)
        html = self.done.get(key)
        if html is None:
            if self.macro is None:
                self.macro = getattr(self.env.get_template("links.html").module, self.name)
            if len(self.done) >= FRAGMENTS_KEPT:  # a server up for long keeps no more than this
                self.done.clear()
            html = self.done[key] = Markup(self.macro(*args))
        return html


class _Slots:
    """A macro of links.html that prints only its arguments and no link, rendered once with a
    marker in place of each argument and then filled in as a format string: the rows of the tables
    of statements, 90,000 on the static site, where a Jinja macro call per row was most of the time
    of a page. The macro may test whether an argument is empty: a shape is rendered for each
    combination of empty arguments. Arguments are escaped as Jinja would (Markup as it is)."""

    def __init__(self, env: jinja2.Environment, name: str):
        self.env = env
        self.name = name
        self.shapes: dict[tuple[bool, ...], str] = {}

    def __call__(self, *args: Any) -> Markup:
        return Markup(self.shape(*map(bool, args)).format(*[a if type(a) is Markup else escape(a) for a in args]))

    def shape(self, *given: bool) -> str:
        """The macro as a format string, for arguments that are given (True) or empty (False)."""
        found = self.shapes.get(given)
        if found is None:
            macro = getattr(self.env.get_template("links.html").module, self.name)
            text = str(macro(*(Markup(f"\x00{i}\x00" if g else "") for i, g in enumerate(given))))
            found = self.shapes[given] = "".join(
                "{" + x + "}" if i % 2 else x.replace("{", "{{").replace("}", "}}")
                for i, x in enumerate(text.split("\x00"))
            )
        return found


def _provenance_key(v: FactView) -> Hashable:
    return v.key


@dataclass
class FactView:
    fact: Fact
    roles: list[str]
    sources: list[str] = field(default_factory=list)  # provisions that state it (text facts)
    notes: list[ox.Literal] = field(default_factory=list)
    linksets: list[str] = field(default_factory=list)
    # what its provenance is made of (the key of its rendered provenance); made with the view (a
    # cached_property takes a lock at each read on Python 3.11, and the key is read for every row)
    key: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[ox.Literal, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.key = (tuple(self.roles), tuple(self.sources), tuple(self.linksets), tuple(self.notes))


@dataclass(frozen=True)
class Bar:
    """One year of a bar chart: its count, and where its bar and labels go."""

    year: int
    count: int
    x: float  # the left of the bar
    y: float  # the top of the bar
    height: float


@dataclass(frozen=True)
class BarChart:
    """A small chart of counts by year (drawn as inline SVG by macros.html's bar_chart): one bar
    per year from the first to the last, the years without a count at zero."""

    bars: list[Bar]
    most: int  # the largest count, the height of the plot
    label: str  # what the chart shows, with every figure in it (its <title>)
    width: float
    height: float = 0.0
    left: float = 0.0
    top: float = 0.0
    base: float = 0.0
    bar: float = 0.0


CHART_PITCH, CHART_BAR, CHART_LEFT, CHART_TOP, CHART_PLOT, CHART_BELOW = 24, 18, 30, 14, 80, 16


def bar_chart(counts: list[YearCount], title: str) -> BarChart | None:
    """The bar chart of the dated counts of a series (None when no count has a year: no empty
    chart); its label states the figures, and the count of the undated."""
    dated = {c.year: c.count for c in counts if c.year is not None}
    if not dated:
        return None
    first, last = min(dated), max(dated)
    most = max(dated.values())
    bars = []
    for i, year in enumerate(range(first, last + 1)):
        count = dated.get(year, 0)
        height = round(CHART_PLOT * count / most, 1)
        x = CHART_LEFT + i * CHART_PITCH + (CHART_PITCH - CHART_BAR) / 2
        bars.append(Bar(year, count, x, round(CHART_TOP + CHART_PLOT - height, 1), height))
    figures = "; ".join(f"{year}: {n}" for year, n in sorted(dated.items()))
    span = f"no other year from {first} to {last}" if len(dated) < last - first + 1 else f"from {first} to {last}"
    undated = sum(c.count for c in counts if c.year is None)
    label = f"{title}, by year: {figures} ({span})" + (f"; {undated} with no date" if undated else "")
    return BarChart(
        bars,
        most,
        label,
        width=CHART_LEFT + (last - first + 1) * CHART_PITCH + 4,
        height=CHART_TOP + CHART_PLOT + CHART_BELOW,
        left=CHART_LEFT,
        top=CHART_TOP,
        base=CHART_TOP + CHART_PLOT,
        bar=CHART_BAR,
    )


@dataclass
class MeasureView:
    """One series of incidents on an entity's page: its chart, its figures year by year (every year
    of the chart, the undated last) and its incidents, newest year first."""

    key: str
    heading: str
    counts: str  # what is counted
    total: int
    chart: BarChart | None
    figures: list[tuple[int | None, int]]
    years: list[tuple[int | None, list[tuple[str, list[str]]]]]
    via: list[str]


@dataclass
class IncidentFold:
    """The statements of a page that point to it from incident records (a receiver, an
    attribution, a bearing...), one property, as one row: the incidents by year, newest first, each
    with the statements' subjects (the parts, at their anchors)."""

    name: str  # the property's, read backwards
    statements: int
    roles: list[str]
    years: list[tuple[int | None, list[tuple[str, list[str]]]]]

    @property
    def incidents(self) -> int:
        return sum(len(incidents) for _, incidents in self.years)


class Renderer:
    """Renders every page of the site for one store (the Catalogue of that store)."""

    def __init__(self, project: Project, catalogue: Catalogue):
        self.project = project
        self.cat = catalogue
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.globals.update(
            href=self.href,
            url=_url,
            cat=catalogue,
            role_note=ROLE_NOTE,
            formats=RDF_FORMATS,
            curie=curie,
            graph_name=graph_name,
            ID=ID,
            BASE=BASE,
            version=__version__,
            version_iri=f"{ONTOLOGY_IRI}/{__version__}",
        )
        self.env.filters["natural"] = catalogue.ordered
        self._fact_row = _Slots(self.env, "fact_row")
        self._entity_link = _Slots(self.env, "entity_link")
        self._external_link = _Slots(self.env, "external_link")
        self._literal = _Slots(self.env, "literal")
        self._blank = _Slots(self.env, "blank")
        self._incident_item = _Slots(self.env, "incident_item")
        self._part_link = _Slots(self.env, "part_link")
        self._names_block = _Slots(self.env, "names_block")
        self._name_item = _Slots(self.env, "name_item")
        self._facts_block = _Slots(self.env, "facts_block")
        self._external_block = _Slots(self.env, "external_block")
        self._external_item = _Slots(self.env, "external_item")
        self._inferred_block = _Slots(self.env, "inferred_block")
        self._part_article = _Slots(self.env, "part_article")
        self._links: dict[tuple[str, bool, bool, str] | tuple[str, bool, bool, str, bool], Markup] = {}
        self._terms: dict[Term, Markup] = {}  # the terms that are not links to a page
        self._hrefs: dict[tuple[str, bool, str], Markup] = {}
        # links to anchors from static pages: the file of the anchor's page, the link from another
        # page of the folder, and from that page itself ("#x")
        self._anchored: dict[tuple[str, bool, str], tuple[str, Markup, Markup]] = {}
        self._items: dict[tuple[str, bool, str], Markup] = {}  # incidents listed without their parts
        self._provenance = _Fragment(self.env, "provenance", _provenance_key)
        self.env.globals.update(
            entity=self.entity_link,
            term=self.term,
            badges=_Fragment(self.env, "badges", tuple),
            provenance=self._provenance,
            incident_items=self.incident_items,
            names_section=self.names_section,
            statements_sections=self.statements_sections,
            part_articles=self.part_articles,
        )
        # the macros of macros.html the entity pages call, as globals (the module made once
        # every other global is set: it keeps them as they are then): an import in the template
        # looked the module up again at each page (a set of the globals' names made each time)
        macros = self.env.get_template("macros.html").module
        self.env.globals.update({name: getattr(macros, name) for name in MACROS})
        self._fold_rows: Callable[..., str] = macros.fold_rows  # type: ignore[attr-defined]
        self._value_keys: dict[Term, tuple[str, str, str]] = {}
        self._classes: dict[tuple[str, ...], Markup] = {}  # the roles of a statement, as a class attribute
        self._sources: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[ox.Literal]]] = {}
        self._library: list[dict[str, str]] | None = None

    @cached_property
    def index(self) -> search_index.Index:
        """The search index, made when a search first needs it (the static site's pages do not)."""
        return search_index.Index(self.cat)

    # ------------------------------------------------------------------ helpers

    def href(self, iri: str) -> Markup:
        """The link of an IRI, escaped: the local page (or the anchor of a part on its entity's
        page) for the project's IRIs, the IRI itself otherwise. The same from every page of a
        folder, so made once for each, but for a link to an anchor ("#x" on its own page)."""
        linker = _linker()
        key = (iri, linker.static, linker.folder)
        found = self._hrefs.get(key)
        if found is not None:
            return found
        anchored = self._anchored.get(key)  # a link to an anchor of a static page
        if anchored is not None:
            return anchored[2] if anchored[0] == linker.own else anchored[1]
        if len(self._hrefs) + len(self._anchored) >= FRAGMENTS_KEPT:  # a server up for long keeps no more
            self._hrefs.clear()
            self._anchored.clear()
        path = self.cat.page_path(iri)
        if path is not None and "#" in path and linker.static:
            page, fragment = path.split("#", 1)
            anchored = self._anchored[key] = (
                _file_of(page),
                escape(_relative(_file_of(page), linker.folder) + "#" + fragment),
                escape("#" + fragment),
            )
            return anchored[2] if anchored[0] == linker.own else anchored[1]
        found = self._hrefs[key] = escape(iri if path is None else linker.path(path))
        return found

    def entity_link(self, iri: str, show_kind: bool = False) -> Markup:
        """The link to an entity (links.html's entity_link), with its kind if asked; the same from
        every page of a folder, so made once for each; a link to an anchor (a part on its entity's
        page, a term of the ontology) is "#x" on the page of the anchor itself, and made once more
        for it."""
        linker = _linker()
        key: tuple[str, bool, bool, str] | tuple[str, bool, bool, str, bool] = (
            iri,
            show_kind,
            linker.static,
            linker.folder,
        )
        html = self._links.get(key)  # a link to a page (never kept under this key for an anchor)
        if html is None:
            path = self.cat.page_path(iri)
            if path is not None and "#" in path:
                key = (iri, show_kind, linker.static, linker.folder, linker.at(path))
                html = self._links.get(key)
        if html is None:
            cat = self.cat
            href = iri if path is None else linker.path(path)
            kind = cat.kind_name(iri) if show_kind else ""
            html = self._entity_link(href, cat.name_lang(iri) or "", cat.name(iri), kind)
            if len(self._links) >= FRAGMENTS_KEPT:  # a server up for long keeps no more than this
                self._links.clear()
            self._links[key] = html
        return html

    def term(self, t: Term, show_kind: bool = False) -> Markup:
        """A term: the link to an entity of the project, an external IRI by its prefixed name, a
        literal with its language, a blank node. All but the first are the same on every page, so
        made once each."""
        if type(t) is ox.NamedNode and t.value.startswith(BASE):
            return self.entity_link(t.value, show_kind)
        html = self._terms.get(t)
        if html is None:
            if type(t) is ox.Literal:
                value, language = t.value, t.language or ""
                html = Markup(self._literal.shape(bool(value), bool(language)).format(escape(value), escape(language)))
            elif type(t) is ox.NamedNode:
                html = self._external_link(t.value, curie(t.value) or t.value)
            else:
                html = self._blank(t.value)
            if len(self._terms) >= FRAGMENTS_KEPT:  # a server up for long keeps no more than this
                self._terms.clear()
            self._terms[t] = html
        return html

    def fact_rows(self, groups: list[tuple[str, list[FactView]]]) -> Markup:
        """The rows of a table of statements (links.html's fact_row for each, the property named
        on the first row of its group), one line each."""
        term, provenance = self.term, self._provenance
        linker = _linker()
        static, folder = linker.static, linker.folder
        sources, classes, links = provenance.done, self._classes, self._links
        first = self._fact_row.shape(True, True, True, True, True)
        next_ = self._fact_row.shape(True, False, True, True, True)
        lines = []
        for prop, views in groups:
            shape, name, rowspan = first, escape(prop), len(views)
            for v in views:
                key = v.key
                source = sources.get((key, static, folder)) or provenance(v)
                roles = classes.get(key[0])
                if roles is None:
                    roles = classes[key[0]] = escape(" ".join(v.roles))
                other = v.fact.other
                value = None
                if type(other) is ox.NamedNode:  # the link to an entity's page, as term() keeps it
                    iri = other.value
                    if iri.startswith(BASE):
                        value = links.get((iri, True, static, folder))
                lines.append(shape.format(roles, name, rowspan, value or term(other, True), source))
                shape = next_
        return Markup("\n".join(lines) + "\n" if lines else "")

    def names_section(self, names: list[FactView], h: int = 2, prefix: str = "") -> Markup:
        """The names and notes of a description (Renderer._statements), for the entity of a page
        (headings h2) or one of its parts (h4, ids prefixed by its anchor): links.html's
        names_block and name_item."""
        if not names:
            return Markup("")
        name_item, property_name = self._name_item, self.cat.property_name
        items = []
        for v in names:
            fact = v.fact
            english = getattr(fact.object, "language", None) == "en" and fact.predicate.endswith(("label", "altLabel"))
            source = self._provenance(v)
            items.append(
                name_item(property_name(fact.predicate), english, " ".join(v.roles), self.term(fact.object), source)
            )
        return self._names_block(prefix, h, Markup("".join(items)))

    def statements_sections(self, s: dict[str, Any], h: int = 2, prefix: str = "") -> Markup:
        """The blocks of a description (Renderer._statements) after its names: the table of
        statements (with the folds of those from incident records), the external links, what the
        reasoner adds; links.html's facts_block, external_block and inferred_block."""
        facts = external = inferred = ""
        if s["groups"] or s["folds"]:
            rows = self.fact_rows(s["groups"])
            if s["folds"]:
                rows = Markup(rows + self._fold_rows(s["folds"]))
            facts = self._facts_block(prefix, h, rows)
        if s["external"]:
            name = self.cat.property_name
            items = [
                self._external_item(name(v.fact.predicate, v.fact.incoming), v.fact.other.value, self._provenance(v))
                for v in s["external"]
            ]
            external = self._external_block(prefix, h, Markup("".join(items)))
        if s["inferred"]:
            more = s["inferred_count"] > s["inferred_shown"]
            inferred = self._inferred_block(
                prefix, h, s["inferred_count"], more, INFERRED_SHOWN, self.fact_rows(s["inferred"])
            )
        return Markup(f"{facts}\n{external}\n{inferred}")

    def part_articles(self, parts: list[dict[str, Any]]) -> Markup:
        """The parts of an entity's page (its incident record's), each at its anchor with its kind,
        name, IRI and blocks of statements (headings h4): links.html's part_article."""
        cat, article = self.cat, self._part_article
        out = []
        for p in parts:
            anchor, kind, statements = p["anchor"], p["kind"], p["statements"]
            prefix = anchor + "-"
            out.append(
                article(
                    anchor,
                    self.href(kind) if kind else "",
                    cat.name(kind) if kind else "",
                    p["title_lang"],
                    p["title"],
                    p["iri"],
                    self.names_section(statements["names"], 4, prefix),
                    self.statements_sections(statements, 4, prefix),
                )
            )
        return Markup("".join(out))

    def incident_items(self, incidents: list[tuple[str, list[str]]]) -> Markup:
        """The items of a list of incidents (links.html's incident_item for each: the link to it,
        its start date, its parts named after it, linked at their anchors), one line each; the code
        pages list thousands of them. An item without parts is the same from every page of a
        folder (an incident has a page of its own): made once for each."""
        get, part_link, item = self.cat.get, self._part_link, self._incident_item
        linker = _linker()
        static, folder, done = linker.static, linker.folder, self._items
        lines = []
        for incident, parts in incidents:
            if parts:
                links = ", ".join([part_link(self.href(p), p[len(incident) + 1 :].replace("/", " ")) for p in parts])
                lines.append(item(self.entity_link(incident), get(incident).first("start"), Markup(links)))
                continue
            key = (incident, static, folder)
            line = done.get(key)
            if line is None:
                if len(done) >= FRAGMENTS_KEPT:  # a server up for long keeps no more than this
                    done.clear()
                line = done[key] = item(self.entity_link(incident), get(incident).first("start"), "")
            lines.append(line)
        return Markup("\n".join(lines) + "\n" if lines else "")

    def compile(self, reload: bool = True) -> None:
        """Compile every template now rather than when a page first needs it; without `reload`,
        a template is not looked at again on disk each time a page uses it (the static site's
        pages, written in one run)."""
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)
        self.env.auto_reload = reload

    def _render(self, template: str, linker: Linker, **context: Any) -> str:
        token = _LINKER.set(linker)
        try:
            html: str = self.env.get_template(template).render(static=linker.static, here=linker.here, **context)
        finally:
            _LINKER.reset(token)
        return html

    def fact_view(self, d: Description, fact: Fact) -> FactView:
        subject = fact.subject.value if isinstance(fact.subject, ox.NamedNode) else ""
        sources, notes = self._said_by(subject, tuple(fact.graphs))
        annotation = d.annotation(fact) if d.annotations else None
        if annotation:
            return FactView(fact, list(fact.kinds), list(sources), annotation.notes + notes, list(annotation.linksets))
        return FactView(fact, list(fact.kinds), list(sources), list(notes))

    def _said_by(self, subject: str, graphs: tuple[str, ...]) -> tuple[list[str], list[ox.Literal]]:
        """What a statement of `subject` held by `graphs` comes from: the provisions that state it
        (text graphs) and the notes of the curation (curated graphs); the same for every statement
        of that subject in those graphs, so found once."""
        found = self._sources.get((subject, graphs))
        if found is not None:
            return found
        sources: list[str] = []
        notes: list[ox.Literal] = []
        for graph in graphs:
            role = graph_role(graph)
            if role == "text":
                if self.cat.is_a(subject, CNO + "Provision"):
                    sources.append(subject)
                    continue
                doc = self.cat.source_document(graph)
                for src in self.cat.get(subject).iris("source"):
                    if doc is None or self.cat.document_of(src) == doc:
                        sources.append(src)
            elif role == "curated":
                notes += [n for n in self.cat.get(subject).all("note") if isinstance(n, ox.Literal)]
        found = self._sources[(subject, graphs)] = (list(dict.fromkeys(sources)), notes)
        return found

    def _value_key(self, term: Term) -> tuple[str, str, str]:
        key = self._value_keys.get(term)
        if key is None:
            key = self._value_keys[term] = _value_key(self.cat, term)
        return key

    def _grouped(self, d: Description, facts: list[Fact], limit: int | None = None) -> list[tuple[str, list[FactView]]]:
        """Facts grouped by property (read forwards or backwards), values in reading order. With a
        limit, a group keeps its first `limit` values (the RDF of the page holds them all)."""
        groups: dict[tuple[bool, str], list[FactView]] = defaultdict(list)
        for fact in facts:
            group = groups[(fact.incoming, fact.predicate)]
            if limit is None or len(group) < limit:
                group.append(self.fact_view(d, fact))
        out = []
        value_key = self._value_key
        for (incoming, predicate), views in sorted(
            groups.items(), key=lambda kv: (kv[0][0], self.cat.property_name(kv[0][1], kv[0][0]))
        ):
            if len(views) > 1:
                views.sort(key=lambda v: value_key(v.fact.other))
            out.append((self.cat.property_name(predicate, incoming), views))
        return out

    # ------------------------------------------------------------------ pages

    def entity(self, iri: str, linker: Linker) -> str:
        cat = self.cat
        d = cat.describe_page(iri)[0]
        context: dict[str, Any] = {
            "iri": iri,
            "summary": cat.get(iri),
            "title": cat.name(iri),
            "title_lang": cat.name_lang(iri),
            "kind": cat.kind(iri),
            "statements": self._statements(d),
            "parts": [
                {
                    "iri": part,
                    "anchor": cat.anchor(part),
                    "title": cat.name(part),
                    "title_lang": cat.name_lang(part),
                    "kind": cat.kind(part),
                    "statements": self._statements(cat.describe(part)),
                }
                for part in cat.parts.get(iri, [])
            ],
            "alternates": [(f, f"{site_path(iri)}.{f.suffix}") for f in linker.formats],
            "undocs_lang": _undocs_lang,
        }
        context.update(self._specifics(iri, d))
        return self._render("entity.html", linker, **context)

    def _statements(self, d: Description) -> dict[str, Any]:
        """The statements of a description as a page shows them: names and notes, the others by
        property (those that point to it from other incidents' records folded, by incident and
        year), the external links, and what the reasoner adds."""
        own = self.cat.incident_of(d.iri)
        main: list[Fact] = []  # asserted, neither external nor shown apart nor from other incidents
        from_incidents: list[Fact] = []
        inferred: list[Fact] = []
        external: list[FactView] = []
        names: list[FactView] = []
        for f in d.facts:  # one pass, each list in the order of the facts
            predicate = f.predicate
            if f.kinds == INFERRED_ONLY:  # held by graph/inferred alone: not asserted
                inferred.append(f)
            elif predicate in EXTERNAL:
                external.append(self.fact_view(d, f))
            elif not f.incoming and predicate in SHOWN_APART:
                if predicate != TYPE:
                    names.append(self.fact_view(d, f))
            elif f.incoming and self._incident_of(f) not in (None, own):
                from_incidents.append(f)
            else:
                main.append(f)
        shown = self._grouped(d, inferred, limit=INFERRED_SHOWN)
        return {
            "names": names,
            "groups": self._grouped(d, main),
            "folds": self._folds(from_incidents) if from_incidents else [],
            "inferred": shown,
            "inferred_count": len(inferred),
            "inferred_shown": sum(len(views) for _, views in shown),
            "external": sorted(external, key=lambda v: str(v.fact.other)),
        }

    def _incident_of(self, fact: Fact) -> str | None:
        return self.cat.incident_of(fact.subject.value) if isinstance(fact.subject, ox.NamedNode) else None

    def _folds(self, facts: list[Fact]) -> list[IncidentFold]:
        """Statements from incident records, by property (read backwards): each as the incidents
        it comes from, by year."""
        by_property: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            by_property[fact.predicate].append(fact)
        folds = []
        for predicate, group in by_property.items():
            subjects: dict[str, list[str]] = defaultdict(list)
            for fact in group:
                subject = fact.subject.value
                incident = self.cat.incident_of(subject) or subject
                if subject != incident:
                    subjects[incident].append(subject)
                else:
                    subjects.setdefault(incident, [])
            roles = sorted({r for f in group for r in f.roles}, key=list(ROLE_NOTE).index)
            folds.append(
                IncidentFold(
                    self.cat.property_name(predicate, True),
                    len(group),
                    roles,
                    [
                        (year, [(i, sorted(subjects[i], key=natural_key)) for i in incidents])
                        for year, incidents in self._by_year(subjects)
                    ],
                )
            )
        return sorted(folds, key=lambda f: f.name)

    def _by_year(self, incidents: Iterable[str]) -> list[tuple[int | None, list[str]]]:
        """Incidents by the year they began, newest first (the undated last), each year's newest
        first."""
        years: dict[int | None, list[str]] = defaultdict(list)
        for incident in incidents:
            years[_year(self.cat.get(incident).first("start"))].append(incident)
        return [(year, self._newest_first(years[year])) for year in sorted(years, key=lambda y: (y is None, -(y or 0)))]

    def _newest_first(self, incidents: Iterable[str]) -> list[str]:
        """Incidents by start date, the newest first, then by name."""
        dated = sorted(set(incidents), key=lambda i: (self.cat.name(i), i))
        return sorted(dated, key=lambda i: self.cat.get(i).first("start"), reverse=True)

    def _measures(self, iri: str) -> list[MeasureView]:
        """The series of incidents of an entity (queries/incidents-by-year.rq), each with its chart."""
        series = self.cat.incident_series.get(iri, {})
        return [self._measure(iri, key, series[key]) for key in MEASURES if key in series]

    def _measure(self, iri: str, key: str, series: IncidentSeries) -> MeasureView:
        heading, counts = MEASURES[key]
        chart = bar_chart(list(series.years), f"{heading} ({self.cat.name(iri)})")
        figures: list[tuple[int | None, int]] = [(b.year, b.count) for b in chart.bars] if chart else []
        figures += [(None, c.count) for c in series.years if c.year is None]
        dated = [c for c in series.years if c.year is not None]
        years = [(c.year, self._newest_first(c.incidents)) for c in reversed(dated)]
        years += [(None, self._newest_first(c.incidents)) for c in series.years if c.year is None]
        return MeasureView(
            key,
            heading,
            counts,
            series.total,
            chart,
            figures,
            [(year, [(i, []) for i in incidents]) for year, incidents in years],
            list(series.via),
        )

    def _specifics(self, iri: str, d: Description) -> dict[str, Any]:
        """The blocks of a page that depend on the entity's class."""
        cat = self.cat
        out: dict[str, Any] = {}
        # the wordings: every provision that expresses the element, or states it, whatever its document
        wording_iris = [f.subject.value for f in d.into(CNO + "expresses")]
        if not wording_iris and cat.is_a(iri, CNO + "FrameworkElement"):
            wording_iris = cat.get(iri).iris("source")
        if wording_iris:
            by_document: dict[str, list[str]] = defaultdict(list)
            for p in wording_iris:
                by_document[cat.document_of(p) or ""].append(p)
            out["wordings"] = [
                (doc, cat.ordered(ps)) for doc, ps in sorted(by_document.items(), key=lambda kv: _doc_key(cat, kv[0]))
            ]
        practices = [f.subject.value for f in d.into(CNO + "implements")]
        if practices:
            out["practices"] = cat.ordered(practices)
        if cat.is_a(iri, CNO + "Provision"):
            out["ancestors"] = cat.ancestors_of(iri)
            out["children"] = cat.children(iri)
            document = cat.document_of(iri)
            if document:
                sequence = cat.provisions_of(document)
                at = sequence.index(iri) if iri in sequence else -1
                out["previous"] = sequence[at - 1] if at > 0 else None
                out["next"] = sequence[at + 1] if 0 <= at < len(sequence) - 1 else None
            out["stated_here"] = cat.ordered(f.subject.value for f in d.into(CNO + "hasSource"))
        elif cat.is_a(iri, CNO + "Document"):
            tree = cat.provisions_of(iri)
            if tree:
                depth = {iri: 0}
                for p in tree:
                    parents = cat.get(p).iris("parent")
                    depth[p] = depth.get(parents[0], 0) + 1 if parents else 1
                out["tree"] = [(p, depth[p]) for p in tree]
        measures = self._measures(iri)
        if measures:
            out["measures"] = measures
        if cat.is_a(iri, CNO + "State"):
            out["experts"] = self._people(cat.ordered(f.subject.value for f in d.into(CNO + "represents")))
        if cat.is_a(iri, CNO + "Meeting"):
            out["participants"] = self._people(cat.ordered(f.subject.value for f in d.into(CNO + "tookPartIn")))
        if cat.is_a(iri, CNO + "Person"):
            out["roles"] = cat.ordered(f.subject.value for f in d.into(CNO + "member"))
            out["attendance"] = self._attendance(iri)
        return out

    def _attendance(self, person: str) -> list[tuple[str, list[str]]]:
        """The sessions a person took part in, each with the roles of the graphs that say so
        (text: the annex prints it; curated: a reading)."""
        summary = self.cat.get(person)
        return [
            (s, self.cat.graph_role_of("tookPartIn", summary, ox.NamedNode(s)))
            for s in self.cat.ordered(summary.iris("tookPartIn"))
        ]

    def _people(self, people: list[str]) -> list[dict[str, Any]]:
        """For each person: the sessions attended, each with where that comes from."""
        return [{"iri": p, "sessions": self._attendance(p)} for p in people]

    def home(self, linker: Linker) -> str:
        cat = self.cat
        entries = [(heading, cls, cat.instances(cls)) for heading, cls in ENTRY_POINTS]
        graphs = [(g, cat.graph_sizes.get(g, 0), _graph_description(g)) for g in cat.graphs]
        return self._render(
            "home.html",
            linker,
            entries=[e for e in entries if e[2]],
            graphs=graphs,
            total=sum(n for _, n, _ in graphs),
            documents={g: cat.source_document(g) for g in cat.graphs},
        )

    def ontology(self, linker: Linker) -> str:
        cat = self.cat
        onto = cat.get(ONTOLOGY_IRI)
        classes = sorted((c for c in cat.classes if c.startswith(CNO)), key=lambda c: c.lower())
        props = sorted((p for p in cat.properties if p.startswith(CNO)), key=lambda p: p.lower())
        schemes = [s for s in cat.instances(SKOS + "ConceptScheme") if _in_graph(cat, s, "ontology")]
        return self._render(
            "ontology.html",
            linker,
            onto=onto,
            classes=classes,
            properties=props,
            schemes=schemes,
            members=_concepts_of(cat, schemes),
            alternates=[(f, "ontology." + f.suffix) for f in linker.formats],
        )

    def graph(self, graph: str, linker: Linker) -> str:
        cat = self.cat
        classes: dict[str, int] = defaultdict(int)
        predicates: dict[str, int] = defaultdict(int)
        for q in cat.quads_of_graph(graph):
            predicates[q.predicate.value] += 1
            if q.predicate.value == PREFIXES["rdf"] + "type" and isinstance(q.object, ox.NamedNode):
                classes[q.object.value] += 1
        return self._render(
            "graph.html",
            linker,
            graph=graph,
            name=graph_name(graph),
            role=graph_role(graph),
            size=cat.graph_sizes.get(graph, 0),
            description=_graph_description(graph),
            document=cat.source_document(graph),
            classes=sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
            predicates=sorted(predicates.items(), key=lambda kv: (-kv[1], kv[0])),
            dist_files=[f"graphs/{graph_name(graph)}.ttl", f"graphs/{graph_name(graph)}.jsonld"],
            dist=self.dist_files(),
            alternates=[(f, f"graph/{graph_name(graph)}.{f.suffix}") for f in linker.formats],
        )

    def dist_files(self) -> dict[str, tuple[str, int]]:
        """The files of dist/ with their SHA-256 and size (`dist_files`)."""
        return dist_files(self.project)

    def dataset(self, linker: Linker) -> str:
        cat = self.cat
        linksets = cat.instances(PREFIXES["void"] + "Linkset")
        return self._render(
            "dataset.html",
            linker,
            graphs=[(g, cat.graph_sizes.get(g, 0), _graph_description(g)) for g in cat.graphs],
            total=sum(cat.graph_sizes.get(g, 0) for g in cat.graphs),
            dist=self.dist_files(),
            linksets=linksets,
            alternates=[(f, "dataset." + f.suffix) for f in linker.formats],
        )

    def search(self, query: str, linker: Linker) -> str:
        results = self.index.search(query) if query.strip() else []
        return self._render(
            "search.html",
            linker,
            query=query,
            results=results,
            everything=self.index.entries if not query.strip() else [],
        )

    def library(self) -> list[dict[str, str]]:
        """The library queries offered as examples on the query page (the check-* ones left out)."""
        if self._library is None:
            from .queries import library

            self._library = [
                {"name": q.name, "title": q.title, "description": q.description, "text": q.text}
                for q in library(self.project, checks=False).values()
            ]
        return self._library

    def editor(self, linker: Linker, endpoint: str | None) -> str:
        library = self.library()
        prefixes = {k: v for k, v in PREFIXES.items() if k != "sh"}
        config = {
            "endpoint": endpoint,
            "prefixes": prefixes,
            "base": BASE,
            "examples": library,
            "default": next((q["text"] for q in library if q["name"] == "norms"), ""),
        }
        return self._render(
            "editor.html",
            linker,
            library=library,
            endpoint=endpoint,
            config=json.dumps(config, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"),
        )

    def not_found(self, path: str, linker: Linker) -> str:
        guess = re.sub(r"[/_-]+", " ", path.rsplit("/", 1)[-1]).strip()
        return self._render(
            "404.html", linker, path=path, results=self.index.search(guess)[:10] if guess else [], query=guess
        )


def dist_files(project: Project) -> dict[str, tuple[str, int]]:
    """The files of dist/ with their SHA-256 and size, from dist/SHA256SUMS ({} before an export)."""
    sums = project.dist / "SHA256SUMS"
    if not sums.is_file():
        return {}
    files: dict[str, tuple[str, int]] = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = project.dist / name
        if path.is_file():
            files[name] = (digest, path.stat().st_size)
    if files:
        files["SHA256SUMS"] = (hashlib.sha256(sums.read_bytes()).hexdigest(), sums.stat().st_size)
    return files


def _graph_description(graph: str) -> str:
    spec = graph_spec(graph)
    return spec.description if spec else "A named graph outside the dataset."


def _in_graph(cat: Catalogue, iri: str, name: str) -> bool:
    return any(GRAPH + name in gs for gs in cat.get(iri).graphs.values())


def _concepts_of(cat: Catalogue, schemes: list[str]) -> dict[str, list[str]]:
    """The concepts of each scheme, in reading order (one pass over the catalogue)."""
    members: dict[str, list[str]] = {s: [] for s in schemes}
    for s in cat.summaries.values():
        for scheme in s.iris("scheme"):
            if scheme in members:
                members[scheme].append(s.iri)
    return {scheme: cat.ordered(concepts) for scheme, concepts in members.items()}


def _value_key(cat: Catalogue, term: Term) -> tuple[str, str, str]:
    if isinstance(term, ox.NamedNode):
        s = cat.get(term.value)
        order = s.first("order")
        return ("0", f"{int(order):08d}" if order else "~" + cat.name(term.value).lower(), term.value)
    return ("1", term.value if hasattr(term, "value") else str(term), str(term))


def _doc_key(cat: Catalogue, document: str) -> tuple[str, str]:
    issued = cat.get(document).first("issued")
    return (issued or "9999", document)


def _year(date: str) -> int | None:
    """The year of an xsd:date ("2022-03-01"), None for no date."""
    return int(date[:4]) if date[:4].isdigit() else None


def _undocs_lang(url: str) -> str | None:
    m = UNDOCS_LANG.match(url)
    return m.group(1) if m else None
