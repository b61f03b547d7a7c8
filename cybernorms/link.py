"""Links: identifiers of the graph's entities in external datasets, made, checked and refreshed.

`cybernorms link` computes graph/links from what the built store contains (states, organisations,
documents, topics), never from a list of entities, and from four kinds of source:

    verified tables   data/reference/tables/*.csv: Wikidata items of states (by ISO 3166-1 alpha-3)
                      and of organisations (by name)
    URL rules         undocs.org pages (six UN languages) and documents.un.org PDFs of UN documents
                      (by symbol); EU Publications Office country concepts of states (by alpha-3)
    an endpoint       a SPARQL endpoint shaped like Wikidata (Wikidata itself by default): states by
                      ISO code (P298), documents by UN symbol (a configurable property), organisations
                      by label; its answers are cached and can be replayed with --offline
    people            data/links/curated.ttl (and any data/links/*.ttl not named generated-*), which
                      this module reads and never writes

It writes only data/links/generated-*.ttl, and only when asked (--write); otherwise it prints what
would be added, changed and removed, entity by entity, with the source of each link. A curated
link always wins: the generated files never restate or contradict it, and the report shows where
the table or the endpoint disagrees. Precedence for Wikidata items: curated, then the verified
table, then the endpoint (a lone answer; several answers are reported as ambiguous, not linked).

Every link is annotated in the Turtle with the void:Linkset it belongs to (an owl:Axiom whose
void:inDataset is the linkset, the OWL 2 way of annotating a statement), and every linkset names
its source (dcterms:source), its link predicate and its count, so "where does this link come
from?" is a SPARQL question (queries/links.rq) and the build checks that the counts are right.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, ServiceError, UsageError
from .export import DATASET
from .layout import (
    GENERATED_LINKS,
    ID,
    LINK_CACHE_DIR,
    LINK_TABLES_DIR,
    LINKS,
    LINKS_DIR,
    PREFIXES,
    TURTLE_PREFIXES,
    Project,
)
from .parse import parse, parse_file

RDF, RDFS, OWL, XSD = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"], PREFIXES["xsd"]
SKOS, DCTERMS, FOAF, SCHEMA = PREFIXES["skos"], PREFIXES["dcterms"], PREFIXES["foaf"], PREFIXES["schema"]
VOID = PREFIXES["void"]
CNO = PREFIXES["cno"]
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
WIKIDATA_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$")

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
STATE_CODE_PROPERTY = "P298"  # ISO 3166-1 alpha-3 code (given by the issue)
# The Wikidata property for UN document symbols. P3069 is listed as "UN document symbol" in a
# public table of Wikidata property labels, not checked against Wikidata itself: hence
# `cybernorms link --symbol-property`, and the property is recorded in the linkset it fills.
DEFAULT_SYMBOL_PROPERTY = "P3069"

# Deterministic URL rules (data/reference/tables/README.md and docs/links.md say where they come from).
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
UNDOCS = "https://undocs.org/{lang}/{symbol}"
ODS_PDF = "https://documents.un.org/api/symbol/access?s={symbol}&l={letter}&t=pdf"
ODS_LANGUAGES = (("en", "E"), ("fr", "F"))  # the two letters the verified pattern gives
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/{code}"
# UN document symbols of the principal organs' series (A/ General Assembly and its Human Rights
# Council, S/ Security Council, E/ ECOSOC): the documents the undocs.org and ODS rules apply to.
UN_SYMBOL = re.compile(r"^(A|S|E)/[A-Za-z0-9.()/-]*[A-Za-z0-9)]$")

LINKSET = DATASET + "/linkset/"
SOURCE = DATASET + "/source/"
TARGET = DATASET + "/target/"
CURATED = "curated.ttl"
FILES = {
    "wikidata": GENERATED_LINKS + "wikidata.ttl",
    "un-documents": GENERATED_LINKS + "un-documents.ttl",
    "eu-countries": GENERATED_LINKS + "eu-countries.ttl",
    "curated": GENERATED_LINKS + "curated-index.ttl",
}
BATCH = 50  # keys per VALUES block sent to the endpoint

WRITE_PREFIXES = {
    "rdf": RDF,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "schema": SCHEMA,
    "void": VOID,
    "prov": PREFIXES["prov"],
    "wd": WD,
    "linkset": LINKSET,
    **{k: TURTLE_PREFIXES[k] for k in ("state", "organisation", "document")},
}


# ----------------------------------------------------------------------------------- model


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
    extra: list = field(default_factory=list)  # triples describing the source and targets

    @property
    def iri(self) -> str:
        return LINKSET + self.name


@dataclass
class Entities:
    states: dict[str, str]  # IRI -> ISO alpha-3
    organisations: dict[str, list[tuple[str, str]]]  # IRI -> names (text, language)
    documents: dict[str, str]  # IRI -> UN symbol
    topics: int


@dataclass
class Plan:
    project: Project
    endpoint: str
    offline: bool
    links: dict[str, list[Link]]  # file key -> links it will hold
    linksets: dict[str, Linkset]
    old: dict[str, list[Link]]  # file key -> links it holds now
    old_linksets: dict[str, dict]  # linkset name -> its description triples as they are now
    notes: dict[str, list[str]]  # entity IRI -> remarks (conflicts, ambiguity, not found)
    details: dict[tuple, list]  # link triple -> triples describing its target (language, format)
    not_asked: list[str]  # entities the endpoint was not asked about (offline, not cached)
    header: list[str]  # how the endpoint was used
    unmatched_rows: list[str]
    topics: int
    cache_path: Path | None = None
    cache_data: dict | None = None

    def changes(self):
        """(file key, entity, kind, text) for every difference between the files now and the plan:
        + added, - removed, ~ changed (another target for the same entity and property, or the same
        link from another source)."""
        out = []
        for key in FILES:
            old = {(lnk.entity, lnk.predicate, lnk.target): lnk for lnk in self.old.get(key, [])}
            new = {(lnk.entity, lnk.predicate, lnk.target): lnk for lnk in self.links.get(key, [])}
            pairs = sorted({(e, p) for e, p, _ in set(old) | set(new)})
            for entity, predicate in pairs:
                gone = sorted(t for e, p, t in old if (e, p) == (entity, predicate) and (e, p, t) not in new)
                came = sorted(t for e, p, t in new if (e, p) == (entity, predicate) and (e, p, t) not in old)
                moved = sorted(
                    t
                    for e, p, t in new
                    if (e, p) == (entity, predicate)
                    and (e, p, t) in old
                    and old[(e, p, t)].linkset != new[(e, p, t)].linkset
                )
                p = short(predicate)
                if len(gone) == 1 and len(came) == 1:
                    was, now = old[(entity, predicate, gone[0])], new[(entity, predicate, came[0])]
                    out.append(
                        (
                            key,
                            entity,
                            "~",
                            (
                                f"{p} {short(gone[0])} -> {short(came[0])}  "
                                f"({self._source(now.linkset)}; was: {self._source(was.linkset)})"
                            ),
                        )
                    )
                    gone, came = [], []
                for t in moved:
                    out.append(
                        (
                            key,
                            entity,
                            "~",
                            (
                                f"{p} {short(t)}  (source: {self._source(old[(entity, predicate, t)].linkset)}"
                                f" -> {self._source(new[(entity, predicate, t)].linkset)})"
                            ),
                        )
                    )
                out += [
                    (key, entity, "+", f"{p} {short(t)}  ({self._source(new[(entity, predicate, t)].linkset)})")
                    for t in came
                ]
                out += [
                    (key, entity, "-", f"{p} {short(t)}  (was: {self._source(old[(entity, predicate, t)].linkset)})")
                    for t in gone
                ]
        return out

    def _source(self, name: str) -> str:
        ls = self.linksets.get(name)
        if ls:
            return ls.display
        old = self.old_linksets.get(name, {})
        return old.get("display", name)

    def files_changed(self) -> list[str]:
        """The generated files whose text would change."""
        texts = render(self)
        return [
            key
            for key, text in texts.items()
            if not (self.project.root / LINKS_DIR / FILES[key]).is_file()
            or (self.project.root / LINKS_DIR / FILES[key]).read_text(encoding="utf-8") != text
        ]


# ------------------------------------------------------------------------------ terms, text


def short(iri: str) -> str:
    for prefix, ns in WRITE_PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _fmt(term) -> str:
    if isinstance(term, str):
        return short(term) if term != RDF + "type" else "a"
    if isinstance(term, ox.NamedNode):
        return _fmt(term.value)
    if isinstance(term, ox.Literal) and term.datatype == ox.NamedNode(XSD + "integer"):
        return term.value
    return str(term)


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def _norm(name: str) -> str:
    """A name as tables and labels are compared: case, spaces and the -isation/-ization spelling ignored."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("organisation", "organization")


LABEL_LANGUAGES = ("en", "fr", "")  # names looked up by label: English, French, or untagged (as English)


def _label_key(name: str, lang: str) -> ox.Literal:
    return _lit(name, lang or "en")


def _slug(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    text = (parts.netloc + parts.path).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ------------------------------------------------------------------------- what the graph has

ENTITY_QUERIES = {
    "states": f"""PREFIX cno: <{CNO}> PREFIX dcterms: <{DCTERMS}>
        SELECT DISTINCT ?e ?v WHERE {{ ?e a cno:State ; dcterms:identifier ?v }}""",
    "organisations": f"""PREFIX cno: <{CNO}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX foaf: <{FOAF}>
        SELECT DISTINCT ?e ?v WHERE {{ ?e a ?c . ?c rdfs:subClassOf* cno:Organisation .
                                       ?e rdfs:label|skos:prefLabel|skos:altLabel|foaf:name ?v }}""",
    "documents": f"""PREFIX cno: <{CNO}> PREFIX rdfs: <{RDFS}> PREFIX dcterms: <{DCTERMS}>
        SELECT DISTINCT ?e ?v WHERE {{ ?e a ?c . ?c rdfs:subClassOf* cno:Document . ?e dcterms:identifier ?v }}""",
    "topics": f"""PREFIX cno: <{CNO}> SELECT DISTINCT ?e ?v WHERE {{ ?e a cno:Topic BIND(1 AS ?v) }}""",
}


def entities(store: ox.Store) -> Entities:
    """The states, organisations, documents and topics the store describes (its own IRIs only)."""
    found: dict[str, list] = {}
    for kind, body in ENTITY_QUERIES.items():
        rows = []
        for row in store.query(f"PREFIX rdf: <{RDF}> " + body, use_default_graph_as_union=True):
            e, v = row["e"], row["v"]
            if isinstance(e, ox.NamedNode) and e.value.startswith(ID) and isinstance(v, ox.Literal):
                rows.append((e.value, v.value, v.language))
        found[kind] = sorted(set(rows))
    states = {e: v for e, v, _ in found["states"] if re.fullmatch(r"[A-Z]{3}", v)}
    organisations: dict[str, list] = {}
    for e, v, lang in found["organisations"]:
        organisations.setdefault(e, []).append((v, lang or ""))
    documents = {e: v for e, v, _ in found["documents"]}
    return Entities(states, organisations, documents, len(found["topics"]))


# ------------------------------------------------------------------------------------ tables


def _read_table(project: Project, name: str, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    path = project.root / LINK_TABLES_DIR / name
    rel = project.rel(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    rel,
                    1,
                    f"the header lacks the column {missing[0]!r}",
                    f"the columns are {', '.join(columns)} (see {LINK_TABLES_DIR}/README.md)",
                )
            rows = [(reader.line_num, row) for row in reader]
    except OSError as e:
        raise InputError(
            rel,
            None,
            f"cannot read the table: {e.strerror}",
            f"restore it from version control (see {LINK_TABLES_DIR}/README.md)",
        ) from None
    for line, row in rows:
        if not re.fullmatch(r"Q[1-9][0-9]*", row["wikidata"] or ""):
            raise InputError(
                rel,
                line,
                f"{row['wikidata']!r} is not a Wikidata item identifier",
                "write Q followed by digits, e.g. Q142",
            )
    return rows


TABLES = ("iso3166-wikidata", "organizations-wikidata")


def iso_table(project: Project) -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> Wikidata item IRI."""
    rows = _read_table(project, "iso3166-wikidata.csv", ("iso_alpha3", "iso_alpha2", "wikidata"))
    return {row["iso_alpha3"]: WD + row["wikidata"] for _, row in rows}


def organisation_table(project: Project) -> list[tuple[str, str]]:
    """(name, Wikidata item IRI) rows."""
    rows = _read_table(project, "organizations-wikidata.csv", ("name", "wikidata"))
    return [(row["name"], WD + row["wikidata"]) for _, row in rows]


# ---------------------------------------------------------------------------------- endpoint


def check_endpoint(url: str) -> str:
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        raise UsageError(
            "--endpoint",
            None,
            f"{url!r} is not an http(s) URL",
            f"give the SPARQL endpoint's URL, e.g. {DEFAULT_ENDPOINT}",
        )
    return url


def _ask_endpoint(url: str, query: str, timeout: float) -> list[dict]:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
            "User-Agent": "cybernorms-link/0.1 (https://w3id.org/cybernorms; link reconciliation)",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as e:
        raise ServiceError(
            url,
            None,
            f"the endpoint answered HTTP {e.code} {e.reason}",
            "check the --endpoint URL (it must be the SPARQL query URL), or retry later; "
            "--offline replays the cached answers",
        ) from None
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ServiceError(
            url,
            None,
            f"the endpoint cannot be reached: {reason}",
            "check the URL and the network, or use --offline to work from the cached answers",
        ) from None
    try:
        return json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise ServiceError(
            url,
            None,
            "the endpoint did not answer with SPARQL JSON results",
            "check that --endpoint is a SPARQL query endpoint",
        ) from None


def _lookup(url: str, keys: list[ox.Literal], pattern: str, timeout: float) -> dict[str, list[str]]:
    """Ask which items match each key; keys are RDF literals, written into VALUES in N-Triples
    syntax (escaped by pyoxigraph), never pasted as raw text."""
    found: dict[str, set] = {str(k): set() for k in keys}
    for i in range(0, len(keys), BATCH):
        batch = keys[i : i + BATCH]
        query = f"SELECT ?key ?item WHERE {{ VALUES ?key {{ {' '.join(str(k) for k in batch)} }} {pattern} }}"
        for row in _ask_endpoint(url, query, timeout):
            key, item = row.get("key"), row.get("item")
            if not key or not item or item.get("type") != "uri":
                continue
            lang = key.get("xml:lang")
            k = str(_lit(key["value"], lang))
            if k in found and WIKIDATA_ITEM.match(item["value"]):
                found[k].add(item["value"])
    return {k: sorted(v) for k, v in found.items()}


def _cache_file(project: Project, endpoint: str) -> Path:
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:12]
    return project.build / LINK_CACHE_DIR / f"{_slug(endpoint)[:60]}-{digest}.json"


# ------------------------------------------------------------------------- existing link files


def _is_link(s, p, o) -> bool:
    """A triple of graph/links that connects one of our IRIs with an IRI outside our namespace."""
    if p.value == RDF + "type" or not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
        return False
    return s.value.startswith(ID) != o.value.startswith(ID)


def _read_links_file(project: Project, path: Path) -> tuple[list, list[Link], dict[str, dict]]:
    """(triples, annotated links, linkset descriptions) of one data/links file."""
    quads = parse_file(project, path, LINKS.iri)
    triples = [(q.subject, q.predicate, q.object) for q in quads]
    by_subject: dict = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p.value, []).append(o)
    links = []
    linksets: dict[str, dict] = {}
    for s, props in by_subject.items():
        types = {t.value for t in props.get(RDF + "type", []) if isinstance(t, ox.NamedNode)}
        keys = (OWL + "annotatedSource", OWL + "annotatedProperty", OWL + "annotatedTarget", VOID + "inDataset")
        if OWL + "Axiom" in types and all(k in props for k in keys):
            src, prop, tgt, ds = (props[k][0] for k in keys)
            if ds.value.startswith(LINKSET):
                links.append(Link(src.value, prop.value, tgt.value, ds.value[len(LINKSET) :]))
        if VOID + "Linkset" in types and isinstance(s, ox.NamedNode) and s.value.startswith(LINKSET):
            name = s.value[len(LINKSET) :]
            source = props.get(DCTERMS + "source", [ox.NamedNode(SOURCE + name)])[0].value
            linksets[name] = {"props": props, "display": _display(name, source)}
    present = {
        (s.value, p.value, o.value)
        for s, p, o in triples
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)
    }
    return triples, [lnk for lnk in links if lnk.triple in present], linksets


def _display(name: str, source: str) -> str:
    """How the report names the source of a linkset read from a file (as plan() names new ones)."""
    rules = _rule_linksets()
    if name in rules:
        return rules[name].display
    if source.startswith(SOURCE):
        rest = source[len(SOURCE) :]
        return f"table {rest}.csv" if rest in TABLES else f"curated {LINKS_DIR}/{rest}.ttl"
    return f"endpoint {source}"


# ----------------------------------------------------------------------------------- planning


def _target(name: str, title: str, uri_space: str) -> list:
    """The description of a dataset that links point into (a void:Dataset with its URI space)."""
    t = TARGET + name
    return [
        (t, RDF + "type", VOID + "Dataset"),
        (t, DCTERMS + "title", _lit(title, "en")),
        (t, VOID + "uriSpace", _lit(uri_space)),
    ]


def _wikidata_target() -> list:
    return [*_target("wikidata", "Wikidata", WD), (TARGET + "wikidata", FOAF + "homepage", "https://www.wikidata.org/")]


def _source(iri: str, title: str, description: str, derived: str | None = None) -> list:
    triples = [(iri, DCTERMS + "title", _lit(title, "en")), (iri, DCTERMS + "description", _lit(description, "en"))]
    if derived:
        triples.append((iri, PREFIXES["prov"] + "wasDerivedFrom", derived))
    return triples


def _table_linkset(kind: str, table: str, description: str, derived: str | None) -> Linkset:
    src = SOURCE + table.removesuffix(".csv")
    return Linkset(
        f"{kind}-{table.removesuffix('.csv')}",
        "wikidata",
        f"Wikidata items of the {kind}s, from the verified table {table}",
        f"Each {kind} is linked with schema:sameAs to the Wikidata item the table {LINK_TABLES_DIR}/{table} "
        f"gives for it ({description}).",
        SCHEMA + "sameAs",
        src,
        TARGET + "wikidata",
        display=f"table {table}",
        extra=_source(
            src,
            f"verified table {LINK_TABLES_DIR}/{table}",
            f"Identifier table copied into the project; provenance in {LINK_TABLES_DIR}/README.md.",
            derived,
        )
        + _wikidata_target(),
    )


def _endpoint_linkset(kind: str, endpoint: str, how: str) -> Linkset:
    return Linkset(
        f"{kind}-{_slug(endpoint)}",
        "wikidata",
        f"Wikidata items of the {kind}s, found on the endpoint {endpoint}",
        f"Each {kind} is linked with schema:sameAs to the one item the SPARQL endpoint {endpoint} gives "
        f"for {how}, when no curated link and no verified table gives one.",
        SCHEMA + "sameAs",
        endpoint,
        TARGET + "wikidata",
        display=f"endpoint {endpoint}",
        extra=[
            (endpoint, RDF + "type", VOID + "Dataset"),
            (endpoint, DCTERMS + "title", _lit(f"SPARQL endpoint {endpoint}", "en")),
            *_wikidata_target(),
        ],
    )


def _rule_linksets() -> dict[str, Linkset]:
    undocs, ods, eu = SOURCE + "rule-undocs", SOURCE + "rule-ods-pdf", SOURCE + "rule-eu-country"
    return {
        ls.name: ls
        for ls in (
            Linkset(
                "document-undocs",
                "un-documents",
                "undocs.org pages of the UN documents",
                "Each UN document is linked with foaf:page to its undocs.org page in each of the six UN "
                "languages, by the rule https://undocs.org/{lang}/{symbol}; the language of each page is "
                "its schema:inLanguage.",
                FOAF + "page",
                undocs,
                TARGET + "undocs",
                display="rule undocs.org",
                extra=_source(
                    undocs,
                    "URL rule https://undocs.org/{lang}/{symbol}",
                    "lang is one of ar, zh, en, fr, ru, es; symbol is the document's official UN "
                    "symbol (dcterms:identifier).",
                )
                + _target("undocs", "undocs.org", "https://undocs.org/"),
            ),
            Linkset(
                "document-ods-pdf",
                "un-documents",
                "PDF files of the UN documents in the Official Document System",
                "Each UN document is linked with schema:encoding to its PDF in English and in French on "
                "documents.un.org, by the rule https://documents.un.org/api/symbol/access?s={symbol}&l={E|F}&t=pdf.",
                SCHEMA + "encoding",
                ods,
                TARGET + "ods",
                display="rule documents.un.org PDF",
                extra=_source(
                    ods,
                    "URL rule https://documents.un.org/api/symbol/access?s={symbol}&l={letter}&t=pdf",
                    "symbol is the document's official UN symbol; letter is E (English) or F (French), "
                    "the two letters the verified pattern gives.",
                )
                + _target("ods", "United Nations Official Document System", "https://documents.un.org/"),
            ),
            Linkset(
                "state-eu-country",
                "eu-countries",
                "EU Publications Office country concepts of the states",
                "Each state is the foaf:focus of the concept of the EU Publications Office country authority "
                "table whose code is its ISO 3166-1 alpha-3 code, by the rule "
                "http://publications.europa.eu/resource/authority/country/{code}. The concept is a "
                "skos:Concept that stands for the country; it is not the state itself, hence not sameAs.",
                FOAF + "focus",
                eu,
                DATASET,
                display="rule EU country authority",
                subjects_target=TARGET + "eu-country",
                extra=_source(
                    eu,
                    "URL rule http://publications.europa.eu/resource/authority/country/{code}",
                    "code is the state's ISO 3166-1 alpha-3 code (dcterms:identifier).",
                )
                + _target(
                    "eu-country",
                    "EU Publications Office, authority table of countries",
                    "http://publications.europa.eu/resource/authority/country/",
                ),
            ),
        )
    }


def _curated_linkset(stem: str, predicate: str) -> Linkset:
    src = SOURCE + stem
    local = short(predicate).replace(":", "-").strip("<>")
    local = re.sub(r"[^A-Za-z0-9-]+", "-", local).strip("-")
    return Linkset(
        f"{stem}-{local}",
        "curated",
        f"Hand-curated {short(predicate)} links of {LINKS_DIR}/{stem}.ttl",
        f"Links checked and written by a person in {LINKS_DIR}/{stem}.ttl; `cybernorms link` never "
        "changes them and generates nothing that contradicts them.",
        predicate,
        src,
        None,
        display=f"curated {LINKS_DIR}/{stem}.ttl",
        extra=_source(
            src, f"hand-curated links, {LINKS_DIR}/{stem}.ttl", "Each link was checked by the person who wrote it."
        ),
    )


def plan(
    project: Project,
    endpoint: str = DEFAULT_ENDPOINT,
    offline: bool = False,
    symbol_property: str = DEFAULT_SYMBOL_PROPERTY,
    timeout: float = 60.0,
    store: ox.Store | None = None,
) -> Plan:
    """Everything `cybernorms link` would write, and why, without writing anything."""
    check_endpoint(endpoint)
    if not re.fullmatch(r"P[1-9][0-9]*", symbol_property or ""):
        raise UsageError(
            "--symbol-property",
            None,
            f"{symbol_property!r} is not a Wikidata property identifier",
            f"write P followed by digits, e.g. {DEFAULT_SYMBOL_PROPERTY}",
        )
    # the entities are read from the inputs as the build reads them (parsed, not yet validated), so
    # that links can be made before the build that needs them, and never from a stale store
    found = entities(store or parse(project).store)
    iso = iso_table(project)
    org_rows = organisation_table(project)
    links_dir = project.root / LINKS_DIR

    # what the link files hold now: curated ones (read-only) and generated ones (to compare with)
    curated: list[tuple[str, str, str, str]] = []  # (file stem, s, p, o)
    old: dict[str, list[Link]] = {}
    old_linksets: dict[str, dict] = {}
    generated_names = set(FILES.values())
    for path in sorted(links_dir.glob("*.ttl")):
        triples, links, sets = _read_links_file(project, path)
        if path.name in generated_names:
            key = next(k for k, v in FILES.items() if v == path.name)
            old[key] = links
            old_linksets.update(sets)
        elif path.name.startswith(GENERATED_LINKS):
            raise InputError(
                project.rel(path),
                None,
                "this generated-* file is not one `cybernorms link` writes",
                f"rename it (hand-curated links go in {LINKS_DIR}/{CURATED}) or remove it",
            )
        else:
            curated += [(path.stem, s.value, p.value, o.value) for s, p, o in triples if _is_link(s, p, o)]
    curated_triples = {(s, p, o) for _, s, p, o in curated}
    curated_wd: dict[str, set] = {}
    for _, s, _p, o in curated:
        for a, b in ((s, o), (o, s)):
            if a.startswith(ID) and WIKIDATA_ITEM.match(b):
                curated_wd.setdefault(a, set()).add(b)

    linksets: dict[str, Linkset] = {}
    links: dict[str, list[Link]] = {k: [] for k in FILES}
    notes: dict[str, list[str]] = {}
    details: dict[tuple, list] = {}
    not_asked: list[str] = []

    def add(ls: Linkset, s: str, p: str, o: str, extra: list = ()):
        if (s, p, o) in curated_triples:
            return
        linksets.setdefault(ls.name, ls)
        links[ls.file].append(Link(s, p, o, ls.name))
        if extra:
            details[(s, p, o)] = list(extra)

    # ---- the endpoint: what it says for each key, or None when it was not asked
    cache_path = _cache_file(project, endpoint)
    cache = {"endpoint": endpoint, "lookups": {}}
    if cache_path.is_file():
        try:
            cache = json.loads(cache_path.read_text(encoding="utf-8"))
        except ValueError:
            raise InputError(
                project.rel(cache_path),
                None,
                "the cache of endpoint answers is not valid JSON",
                "delete it and run `cybernorms link` online",
            ) from None
    groups = {
        f"state {STATE_CODE_PROPERTY}": (
            [ox.Literal(c) for c in sorted(set(found.states.values()))],
            f"?item <{WDT}{STATE_CODE_PROPERTY}> ?key .",
        ),
        f"document {symbol_property}": (
            [ox.Literal(s) for s in sorted(set(found.documents.values()))],
            f"?item <{WDT}{symbol_property}> ?key .",
        ),
        "organisation rdfs:label": (
            sorted(
                {
                    _label_key(n, lang)
                    for names in found.organisations.values()
                    for n, lang in names
                    if lang in LABEL_LANGUAGES
                },
                key=str,
            ),
            f"?item <{RDFS}label> ?key .",
        ),
    }
    header = []
    if offline:
        have = sum(len(v) for v in cache.get("lookups", {}).values())
        header.append(
            f"offline: endpoint answers replayed from the cache {project.rel(cache_path)} "
            f"({have} cached answers for {endpoint}); nothing was asked of the endpoint"
            if cache_path.is_file()
            else f"offline: no cached answers for {endpoint} ({project.rel(cache_path)} does not exist); "
            "links found on an endpoint before are kept as they are"
        )
    else:
        answers = {}
        for group, (keys, pattern) in groups.items():
            answers[group] = _lookup(endpoint, keys, pattern, timeout) if keys else {}
        for group, found_items in answers.items():
            cache.setdefault("lookups", {}).setdefault(group, {}).update(found_items)
        cache["endpoint"] = endpoint
        header.append(
            f"online: asked {endpoint} ({sum(len(k) for k, _ in groups.values())} keys); "
            f"answers cached in {project.rel(cache_path)} for --offline"
        )
    lookups = cache.get("lookups", {})

    def asked(group: str, key: ox.Literal) -> list[str] | None:
        return lookups.get(group, {}).get(str(key))

    def wd_choice(
        entity: str,
        kind: str,
        table_item: str | None,
        endpoint_items: list[str] | None,
        table_ls: Linkset | None,
        endpoint_ls: Linkset,
        what: str,
    ):
        """Decide the Wikidata link of one entity: curated, then table, then a lone endpoint answer."""
        said = ""
        if endpoint_items is not None:
            said = (
                "the endpoint finds no item"
                if not endpoint_items
                else f"the endpoint says {', '.join(short(i) for i in endpoint_items)}"
            )
        if entity in curated_wd:
            mine = sorted(curated_wd[entity])
            others = set(([table_item] if table_item else []) + (endpoint_items or []))
            if others and others != set(mine):
                parts = [f"the table says {short(table_item)}"] if table_item and table_item not in mine else []
                parts += [said] if endpoint_items and set(endpoint_items) != set(mine) else []
                notes.setdefault(entity, []).append(
                    f"curated {', '.join(short(m) for m in mine)} kept; " + "; ".join(parts)
                )
            return
        if table_item:
            add(table_ls, entity, SCHEMA + "sameAs", table_item)
            if endpoint_items is not None and endpoint_items != [table_item]:
                notes.setdefault(entity, []).append(
                    f"{'conflict: ' if endpoint_items else ''}{said} for {what}; "
                    f"the verified table's {short(table_item)} kept"
                )
            return
        if endpoint_items is None:
            kept = [
                lnk
                for lnk in old.get("wikidata", [])
                if lnk.entity == entity
                and lnk.linkset.startswith(f"{kind}-")
                and lnk.linkset != (table_ls.name if table_ls else None)
            ]
            for lnk in kept:
                ls = linksets.get(lnk.linkset) or _kept_linkset(lnk.linkset, old_linksets)
                if ls:
                    add(ls, lnk.subject, lnk.predicate, lnk.object)
            not_asked.append(entity)
            return
        if len(endpoint_items) == 1:
            add(endpoint_ls, entity, SCHEMA + "sameAs", endpoint_items[0])
        elif endpoint_items:
            notes.setdefault(entity, []).append(f"ambiguous: {said}; not linked (curate the right one by hand)")
        else:
            notes.setdefault(entity, []).append(f"not found: {said} for {what}")

    # ---- states: Wikidata (table, endpoint) and the EU country authority (rule)
    rules = _rule_linksets()
    iso_ls = _table_linkset(
        "state", "iso3166-wikidata.csv", "by ISO 3166-1 alpha-3 code", "https://github.com/owid/owid-grapher"
    )
    state_ep = _endpoint_linkset("state", endpoint, f"its ISO 3166-1 alpha-3 code (wdt:{STATE_CODE_PROPERTY})")
    for state, code in sorted(found.states.items()):
        wd_choice(
            state,
            "state",
            iso.get(code),
            asked(f"state {STATE_CODE_PROPERTY}", ox.Literal(code)),
            iso_ls,
            state_ep,
            f"code {code}",
        )
        add(rules["state-eu-country"], EU_COUNTRY.format(code=code), FOAF + "focus", state)

    # ---- organisations: Wikidata (table by name, endpoint by label)
    org_ls = _table_linkset("organisation", "organizations-wikidata.csv", "by name", None)
    org_ep = _endpoint_linkset("organisation", endpoint, "one of its names (rdfs:label, in English or French)")
    by_name: dict[str, list[str]] = {}
    for org, names in found.organisations.items():
        for name, _ in names:
            by_name.setdefault(_norm(name), []).append(org)
    table_item: dict[str, set] = {}
    unmatched = []
    for name, item in org_rows:
        orgs = sorted(set(by_name.get(_norm(name), [])))
        if len(orgs) == 1:
            table_item.setdefault(orgs[0], set()).add(item)
        elif orgs:
            unmatched.append(
                f"{name} ({short(item)}): matches {len(orgs)} organisations "
                f"({', '.join(short(o) for o in orgs)}), so none is linked"
            )
        else:
            unmatched.append(f"{name} ({short(item)}): no organisation of the graph has this name")
    for org, names in sorted(found.organisations.items()):
        items = sorted(table_item.get(org, set()))
        if len(items) > 1:
            notes.setdefault(org, []).append(f"the table gives {', '.join(short(i) for i in items)}; not linked")
            items = []
        keys = {_label_key(n, lang) for n, lang in names if lang in LABEL_LANGUAGES}
        answers = [asked("organisation rdfs:label", k) for k in sorted(keys, key=str)]
        ep_items = None if any(a is None for a in answers) else sorted({i for a in answers for i in a})
        labels = ", ".join(repr(n) for n in sorted({n for n, lang in names if lang in LABEL_LANGUAGES}))
        wd_choice(org, "organisation", items[0] if items else None, ep_items, org_ls, org_ep, f"the labels {labels}")

    # ---- documents: Wikidata (endpoint by symbol), undocs.org and ODS (rules)
    doc_ep = _endpoint_linkset("document", endpoint, f"its UN document symbol (wdt:{symbol_property})")
    for doc, symbol in sorted(found.documents.items()):
        wd_choice(
            doc,
            "document",
            None,
            asked(f"document {symbol_property}", ox.Literal(symbol)),
            None,
            doc_ep,
            f"the symbol {symbol}",
        )
        if not UN_SYMBOL.match(symbol):
            continue
        quoted = urllib.parse.quote(symbol, safe="/()")
        for lang in UN_LANGUAGES:
            url = UNDOCS.format(lang=lang, symbol=quoted)
            add(rules["document-undocs"], doc, FOAF + "page", url, [(url, SCHEMA + "inLanguage", _lit(lang))])
        for lang, letter in ODS_LANGUAGES:
            url = ODS_PDF.format(symbol=quoted, letter=letter)
            add(
                rules["document-ods-pdf"],
                doc,
                SCHEMA + "encoding",
                url,
                [
                    (url, RDF + "type", SCHEMA + "MediaObject"),
                    (url, SCHEMA + "encodingFormat", _lit("application/pdf")),
                    (url, SCHEMA + "inLanguage", _lit(lang)),
                ],
            )

    # ---- one Wikidata item, one entity: a generated link that would share an item is dropped
    holders: dict[str, set] = {}
    for lnk in links["wikidata"]:
        holders.setdefault(lnk.target, set()).add(lnk.entity)
    for entity, items in curated_wd.items():
        for i in items:
            holders.setdefault(i, set()).add(entity)
    shared = {item for item, ents in holders.items() if len(ents) > 1}
    if shared:
        for lnk in [lnk for lnk in links["wikidata"] if lnk.target in shared]:
            others = sorted(holders[lnk.target] - {lnk.entity})
            notes.setdefault(lnk.entity, []).append(
                f"{short(lnk.target)} is also the item of {', '.join(short(o) for o in others)}: not linked"
            )
            links["wikidata"].remove(lnk)

    # ---- curated links: indexed (annotated with their linkset), never rewritten
    for stem, s, p, o in curated:
        ls = _curated_linkset(stem, p)
        linksets.setdefault(ls.name, ls)
        links["curated"].append(Link(s, p, o, ls.name))

    for key in links:
        links[key] = sorted(set(links[key]), key=lambda lnk: (lnk.entity, lnk.predicate, lnk.target))
    used = {lnk.linkset for ls in links.values() for lnk in ls}
    linksets = {n: ls for n, ls in linksets.items() if n in used}
    return Plan(
        project,
        endpoint,
        offline,
        links,
        linksets,
        old,
        old_linksets,
        notes,
        details,
        sorted(not_asked),
        header,
        unmatched,
        found.topics,
        cache_path,
        None if offline else cache,
    )


def _kept_linkset(name: str, old_linksets: dict[str, dict]) -> Linkset | None:
    """The linkset of links kept from an earlier run, described as it was then."""
    old = old_linksets.get(name)
    if not old:
        return None
    props = old["props"]

    def first(p):
        return props.get(p, [None])[0]

    def value(t):
        return t.value if t is not None else None

    source = value(first(DCTERMS + "source"))
    return Linkset(
        name,
        "wikidata",
        value(first(DCTERMS + "title")) or name,
        value(first(DCTERMS + "description")) or "",
        value(first(VOID + "linkPredicate")),
        source,
        value(first(VOID + "objectsTarget")),
        value(first(VOID + "subjectsTarget")),
        display=old["display"],
        extra=_endpoint_linkset("", source, "").extra,
    )


# ---------------------------------------------------------------------------------- rendering

HEADER = """# Generated by `cybernorms link`: {what}.
# Do not edit: the next `cybernorms link --write` rewrites this file. Hand-curated links go in
# data/links/curated.ttl, which the command never touches; see docs/links.md.
"""
WHAT = {
    "wikidata": "Wikidata items, from the verified tables and the endpoint's answers",
    "un-documents": "undocs.org pages and ODS PDF files of UN documents, by URL rule",
    "eu-countries": "EU Publications Office country concepts of the states, by URL rule",
    "curated": "the linksets of the hand-curated links, and which link is in which",
}


def _blocks(triples) -> list[str]:
    """Turtle statements grouped by subject, in a fixed order."""
    by: dict[str, set] = {}
    for s, p, o in triples:
        by.setdefault(_fmt(s), set()).add((0 if p == RDF + "type" else 1, _fmt(p), _fmt(o)))
    return [f"{s} " + " ;\n    ".join(f"{p} {o}" for _, p, o in sorted(by[s])) + " ." for s in sorted(by)]


def render(plan: Plan) -> dict[str, str]:
    """The text of each generated file: linksets, then the links entity by entity, each with the
    annotation that puts it in its linkset. Deterministic: the same plan gives the same bytes."""
    out = {}
    for key in FILES:
        links = plan.links.get(key, [])
        sets = sorted({lnk.linkset for lnk in links})
        used = set(WRITE_PREFIXES)
        lines = [HEADER.format(what=WHAT[key])]
        lines += [f"@prefix {p}: <{ns}> ." for p, ns in WRITE_PREFIXES.items() if p in used]
        lines.append("")
        extra: list = []
        for name in sets:
            ls = plan.linksets[name]
            count = sum(1 for lnk in links if lnk.linkset == name)
            body = [
                ("a", "void:Linkset"),
                ("dcterms:title", str(_lit(ls.title, "en"))),
                ("dcterms:description", str(_lit(ls.description, "en"))),
                ("dcterms:source", _fmt(ls.source)),
                ("void:linkPredicate", _fmt(ls.predicate)),
            ]
            if ls.subjects_target:
                body.append(("void:subjectsTarget", _fmt(ls.subjects_target)))
            if ls.objects_target:
                body.append(("void:objectsTarget", _fmt(ls.objects_target)))
            body.append(("void:triples", str(count)))
            lines.append(f"{_fmt(ls.iri)}\n" + " ;\n".join(f"    {p} {o}" for p, o in body) + " .\n")
            extra += [t for t in ls.extra if t not in extra]
        if extra:
            lines.append("# the sources and targets of the linksets")
            lines += _blocks(extra)
            lines.append("")
        by_entity: dict[str, list[Link]] = {}
        for lnk in links:
            by_entity.setdefault(lnk.entity, []).append(lnk)
        for entity in sorted(by_entity):
            lines.append(f"# {short(entity)}")
            for lnk in by_entity[entity]:
                lines.append(f"{_fmt(lnk.subject)} {_fmt(lnk.predicate)} {_fmt(lnk.object)} .")
                lines.append(
                    f"[ a owl:Axiom ; void:inDataset {_fmt(LINKSET + lnk.linkset)} ;\n"
                    f"  owl:annotatedSource {_fmt(lnk.subject)} ; owl:annotatedProperty {_fmt(lnk.predicate)} ;\n"
                    f"  owl:annotatedTarget {_fmt(lnk.object)} ] ."
                )
                lines += _blocks(plan.details.get(lnk.triple, []))
            lines.append("")
        if not links:
            lines.append("# (no links)")
        out[key] = "\n".join(lines).rstrip("\n") + "\n"
    return out


def report(plan: Plan, written: bool) -> str:
    """The reviewable diff: per generated file and entity, what is added (+), changed (~) and
    removed (-) with its source, the remarks per entity, and a summary."""
    out = [f"cybernorms link: {h}" for h in plan.header]
    changes = plan.changes()
    by_file: dict[str, dict[str, list]] = {}
    for key, entity, kind, text in changes:
        by_file.setdefault(key, {}).setdefault(entity, []).append(f"    {kind} {text}")
    for key, name in FILES.items():
        if key in by_file:
            out.append(f"{LINKS_DIR}/{name}")
            for entity, lines in sorted(by_file[key].items()):
                out.append(f"  {short(entity)}")
                out += lines
    if plan.notes:
        out.append("remarks (where a source disagrees or says nothing; curate a link by hand where one is right):")
        for entity in sorted(plan.notes):
            for note in plan.notes[entity]:
                out.append(f"  {short(entity)}: {note}")
    if plan.not_asked:
        out.append(
            f"not asked of the endpoint (offline, not in the cache; a link found on an endpoint before "
            f"is kept): {', '.join(short(e) for e in plan.not_asked)}"
        )
    if plan.unmatched_rows:
        out.append(f"rows of {LINK_TABLES_DIR}/organizations-wikidata.csv that link nothing:")
        out += [f"  {row}" for row in plan.unmatched_rows]
    out.append(
        f"topics: {plan.topics} in the graph, none linked: no identifier of theirs in an external "
        "vocabulary is verified (UNBIS Thesaurus ids are unknown here)"
    )
    counts = {k: sum(1 for c in changes if c[2] == k) for k in "+~-"}
    totals = ", ".join(f"{FILES[k]} {len(plan.links[k])}" for k in FILES)
    summary = (
        f"{counts['+']} added, {counts['~']} changed, {counts['-']} removed; links per file after this run: {totals}"
    )
    files = plan.files_changed()
    if files:
        out.append(
            f"files {'rewritten' if written else 'that --write would rewrite'}: "
            + ", ".join(f"{LINKS_DIR}/{FILES[k]}" for k in files)
        )
    if not changes and not files:
        out.append(f"no change: the generated link files are up to date ({totals})")
    elif written:
        out.append(f"written: {summary}; run `cybernorms build` to load them")
    else:
        out.append(f"dry run, nothing written: {summary}; run again with --write to apply")
    return "\n".join(out) + "\n"


def write(plan: Plan) -> list[Path]:
    """Rewrite the generated files (all or none: each is written beside and renamed over), and the
    endpoint cache. Never touches curated files."""
    texts = render(plan)
    links_dir = plan.project.root / LINKS_DIR
    links_dir.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for key, text in texts.items():
            tmp = links_dir / f".{FILES[key]}.{os.getpid()}.tmp"
            tmp.write_text(text, encoding="utf-8")
            staged.append((tmp, links_dir / FILES[key]))
    except OSError as e:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise InputError(
            plan.project.rel(links_dir),
            None,
            f"cannot write the link files: {e.strerror}",
            "check the directory's permissions",
        ) from None
    for tmp, final in staged:
        os.replace(tmp, final)
    save_cache(plan)
    return [final for _, final in staged]


def save_cache(plan: Plan) -> None:
    if plan.cache_data is None or plan.cache_path is None:
        return
    plan.cache_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = plan.cache_path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(plan.cache_data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, plan.cache_path)


def run(
    project: Project,
    endpoint: str = DEFAULT_ENDPOINT,
    offline: bool = False,
    write_files: bool = False,
    symbol_property: str = DEFAULT_SYMBOL_PROPERTY,
    timeout: float = 60.0,
) -> tuple[Plan, str]:
    """Plan the links, write them if asked, and return the plan with its report."""
    p = plan(project, endpoint, offline, symbol_property, timeout)
    text = report(p, write_files)  # before writing: it compares the plan with the files
    if write_files:
        write(p)
    else:
        save_cache(p)  # the answers are worth keeping even on a dry run (build/, not data/)
    return p, text
