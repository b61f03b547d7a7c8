"""What `cybernorms link` works with: a link, the linkset it belongs to, the entities links are made
for, the generated files, and how an IRI is printed in the report and in the generated Turtle.

Every other link module reads these records; this one reads none of them.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from .export import DATASET
from .layout import GENERATED_LINKS, ID, PREFIXES, TURTLE_PREFIXES

RDF, RDFS, OWL, XSD = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"], PREFIXES["xsd"]
SKOS, DCTERMS, FOAF, SCHEMA = PREFIXES["skos"], PREFIXES["dcterms"], PREFIXES["foaf"], PREFIXES["schema"]
VOID, PROV = PREFIXES["void"], PREFIXES["prov"]
CNO = PREFIXES["cno"]
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
WIKIDATA_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$")

LINKSET = DATASET + "/linkset/"
SOURCE = DATASET + "/source/"
TARGET = DATASET + "/target/"
CURATED = "curated.ttl"
# the generated files, by key: `cybernorms link` writes these and nothing else
FILES = {
    "wikidata": GENERATED_LINKS + "wikidata.ttl",
    "un-documents": GENERATED_LINKS + "un-documents.ttl",
    "eu-countries": GENERATED_LINKS + "eu-countries.ttl",
    "curated": GENERATED_LINKS + "curated-index.ttl",
}

WRITE_PREFIXES = {
    "rdf": RDF,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "schema": SCHEMA,
    "void": VOID,
    "prov": PROV,
    "wd": WD,
    "linkset": LINKSET,
    **{k: TURTLE_PREFIXES[k] for k in ("state", "organisation", "document")},
}

# A statement to write: subject IRI, predicate IRI, and an IRI (as a string) or a literal.
Triple = tuple[str, str, str | ox.Literal]
# A term read from a link file.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Link:
    subject: str
    predicate: str
    object: str
    linkset: str  # the name of the linkset it belongs to

    @property
    def triple(self) -> tuple[str, str, str]:
        return self.subject, self.predicate, self.object

    @property
    def entity(self) -> str:
        """The graph's own entity the link is about (the subject, or the object of foaf:focus)."""
        return self.subject if self.subject.startswith(ID) else self.object

    @property
    def target(self) -> str:
        return self.object if self.subject.startswith(ID) else self.subject


@dataclass
class Linkset:
    name: str
    file: str  # key of FILES
    title: str
    description: str
    predicate: str
    source: str  # IRI of the source
    objects_target: str | None = None
    subjects_target: str | None = DATASET
    display: str = ""  # how the report names the source
    extra: list[Triple] = field(default_factory=list)  # triples describing the source and targets

    @property
    def iri(self) -> str:
        return LINKSET + self.name


@dataclass
class LinksetRecord:
    """A linkset as a generated file describes it now: its statements, and how the report names its
    source."""

    props: dict[str, list[Term]]
    display: str


@dataclass
class Entities:
    states: dict[str, str]  # IRI -> ISO alpha-3
    organisations: dict[str, list[tuple[str, str]]]  # IRI -> names (text, language)
    documents: dict[str, str]  # IRI -> UN symbol
    topics: int


def short(iri: str) -> str:
    """An IRI as the report and the generated files print it: prefix:local where a prefix fits."""
    for prefix, ns in WRITE_PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def fmt(term: str | ox.NamedNode | ox.Literal) -> str:
    """A term in Turtle: an IRI shortened (rdf:type as `a`), an integer bare, another literal as is."""
    if isinstance(term, str):
        return short(term) if term != RDF + "type" else "a"
    if isinstance(term, ox.NamedNode):
        return fmt(term.value)
    if term.datatype == ox.NamedNode(XSD + "integer"):
        return term.value
    return str(term)


def lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def slug(url: str) -> str:
    """A URL as a name: its host and path in lower case, every other character a hyphen."""
    parts = urllib.parse.urlsplit(url)
    text = (parts.netloc + parts.path).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
