"""The representations of a description: which media types the site gives, by Accept header or by
file suffix, and how a set of quads is written in each of them.

The Accept header is read by python-mimeparse (q-values, wildcards, specificity); this module only
lists what is on offer. Triple formats hold each statement once, whatever graphs it comes from; TriG
and N-Quads keep the named graph of each statement. JSON-LD is compacted with the project's context
(ontology/context.jsonld), as the exports are (cybernorms/jsonld.py). Blank nodes get canonical
labels and statements are sorted, so the same store always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import mimeparse
import pyoxigraph as ox

from . import jsonld
from .errors import InputError
from .layout import CONTEXT, TURTLE_PREFIXES


@dataclass(frozen=True)
class Format:
    suffix: str  # file suffix of the static site and of the suffix URLs (13a.ttl)
    media: str  # the media type served
    name: str  # for people: "Turtle"
    quads: bool  # keeps the named graphs


HTML = Format("html", "text/html", "HTML", False)
RDF_FORMATS = (
    Format("ttl", "text/turtle", "Turtle", False),
    Format("jsonld", "application/ld+json", "JSON-LD", False),
    Format("nt", "application/n-triples", "N-Triples", False),
    Format("rdf", "application/rdf+xml", "RDF/XML", False),
    Format("trig", "application/trig", "TriG", True),
    Format("nq", "application/n-quads", "N-Quads", True),
)
# The static site writes two of them beside each page (issue 9, point 5), the live server gives all
# six: writing four more files per page doubled the time of the site (docs/site.md, "The static site").
SITE_FORMATS = RDF_FORMATS[:2]
BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS}
# Media types a client may ask for, mapped to what is served. python-mimeparse breaks ties in favour
# of the LAST type of the list: HTML comes last, so that */*, text/* or no Accept header get HTML.
_OFFERED: dict[str, Format] = {
    "application/json": RDF_FORMATS[1],
    **{f.media: f for f in reversed(RDF_FORMATS)},
    "application/xhtml+xml": HTML,
    "text/html": HTML,
}
OFFERED_TYPES = ", ".join(dict.fromkeys(f.media for f in _OFFERED.values()))


def negotiate(accept: str | None) -> Format | None:
    """The format to answer an Accept header with: HTML when the header is absent, empty or
    unreadable, None when nothing on offer is acceptable (406)."""
    if not accept or not accept.strip():
        return HTML
    try:
        best = mimeparse.best_match(list(_OFFERED), accept)
    except (ValueError, IndexError):  # a header mimeparse cannot read: answer as to */*
        return HTML
    return _OFFERED.get(best) if best else None


@cache
def context(root: Path) -> dict[str, Any]:
    """The JSON-LD context of the project (the "@context" object of ontology/context.jsonld)."""
    data: dict[str, Any] = json.loads((root / CONTEXT).read_text(encoding="utf-8"))["@context"]
    return data


@cache
def compactor(root: Path) -> jsonld.Context:
    """The project's JSON-LD context, read once, as the compaction uses it."""
    try:
        return jsonld.Context(context(root))
    except ValueError as e:
        raise InputError(
            CONTEXT, None, str(e), "keep to prefixes and terms with @id, @type and @language maps"
        ) from None


def serialize(quads: Iterable[ox.Quad], fmt: Format, root: Path) -> bytes:
    """The quads written in an RDF format, canonical and sorted (the same input, the same bytes)."""
    return _Statements(quads).write(fmt, root)


def serialize_all(quads: Iterable[ox.Quad], root: Path, formats: Iterable[Format]) -> list[tuple[Format, bytes]]:
    """The quads written in each of the formats (canonicalised and sorted once)."""
    statements = _Statements(quads)
    return [(fmt, statements.write(fmt, root)) for fmt in formats]


class _Statements:
    """Quads made canonical, for writing in any format: sorted (for the quad formats), or the
    triples they state, sorted (for the others); each made when a format first needs it."""

    def __init__(self, quads: Iterable[ox.Quad]):
        from .export import canonical_labels

        self.quads = canonical_labels(quads)

    @cached_property
    def ordered(self) -> list[ox.Quad]:
        """The quads sorted by their N-Quads text."""
        return sorted(self.quads, key=str)

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """Each statement once, whatever graphs hold it, sorted by its N-Triples text."""
        found: dict[str, ox.Triple] = {}
        for q in self.quads:
            triple = q.triple
            found.setdefault(str(triple), triple)
        return [found[text] for text in sorted(found)]

    def write(self, fmt: Format, root: Path) -> bytes:
        if fmt.quads:
            kind = ox.RdfFormat.TRIG if fmt.suffix == "trig" else ox.RdfFormat.N_QUADS
            prefixes = TURTLE_PREFIXES if fmt.suffix == "trig" else None
            return ox.serialize(self.ordered, format=kind, prefixes=prefixes) or b""
        if fmt.suffix == "jsonld":
            return jsonld.encoded(self.triples, compactor(root))
        if fmt.suffix == "nt":
            return "".join(f"{t} .\n" for t in self.triples).encode("utf-8")
        kind = ox.RdfFormat.TURTLE if fmt.suffix == "ttl" else ox.RdfFormat.RDF_XML
        return ox.serialize(self.triples, format=kind, prefixes=TURTLE_PREFIXES) or b""
