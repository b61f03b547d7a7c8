"""The sources of the generated links other than the endpoint: the verified tables
(data/reference/tables/*.csv) and the deterministic URL rules, and the description of the linkset
each source fills (tables, rules, the endpoint, the curated files, a linkset kept from an earlier run).

Where the tables and the rules come from is said in data/reference/tables/README.md and
docs/links.md.
"""

from __future__ import annotations

import csv
import re
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import InputError
from .export import DATASET
from .layout import LINK_TABLES_DIR, LINKS_DIR, Project
from .link_model import (
    DCTERMS,
    FOAF,
    PROV,
    RDF,
    SCHEMA,
    SOURCE,
    TARGET,
    VOID,
    WD,
    Linkset,
    LinksetRecord,
    Term,
    Triple,
    lit,
    short,
    slug,
)

# ------------------------------------------------------------------------------ verified tables

TABLES = ("iso3166-wikidata", "organizations-wikidata")


def _table_rows(project: Project, name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a table with their line numbers, once its header has the columns asked for."""
    path = project.root / LINK_TABLES_DIR / name
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    project.rel(path),
                    1,
                    f"the header lacks the column {missing[0]!r}",
                    f"the columns are {', '.join(columns)} (see {LINK_TABLES_DIR}/README.md)",
                )
            return [(reader.line_num, row) for row in reader]
    except OSError as e:
        raise InputError(
            project.rel(path),
            None,
            f"cannot read the table: {e.strerror}",
            f"restore it from version control (see {LINK_TABLES_DIR}/README.md)",
        ) from None


def read_table(project: Project, name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a verified table, each with a well-formed Wikidata item identifier."""
    rows = _table_rows(project, name, columns)
    for line, row in rows:
        if not re.fullmatch(r"Q[1-9][0-9]*", row["wikidata"] or ""):
            raise InputError(
                project.rel(project.root / LINK_TABLES_DIR / name),
                line,
                f"{row['wikidata']!r} is not a Wikidata item identifier",
                "write Q followed by digits, e.g. Q142",
            )
    return rows


def iso_table(project: Project) -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> Wikidata item IRI."""
    rows = read_table(project, "iso3166-wikidata.csv", ("iso_alpha3", "iso_alpha2", "wikidata"))
    return {row["iso_alpha3"]: WD + row["wikidata"] for _, row in rows}


def organisation_table(project: Project) -> list[tuple[str, str]]:
    """(name, Wikidata item IRI) rows."""
    rows = read_table(project, "organizations-wikidata.csv", ("name", "wikidata"))
    return [(row["name"], WD + row["wikidata"]) for _, row in rows]


# ------------------------------------------------------------------------------------ URL rules

UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
UNDOCS = "https://undocs.org/{lang}/{symbol}"
ODS_PDF = "https://documents.un.org/api/symbol/access?s={symbol}&l={letter}&t=pdf"
ODS_LANGUAGES = (("en", "E"), ("fr", "F"))  # the two letters the verified pattern gives
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/{code}"
# UN document symbols of the principal organs' series (A/ General Assembly and its Human Rights
# Council, S/ Security Council, E/ ECOSOC): the documents the undocs.org and ODS rules apply to.
UN_SYMBOL = re.compile(r"^(A|S|E)/[A-Za-z0-9.()/-]*[A-Za-z0-9)]$")


@dataclass(frozen=True)
class RuleLink:
    """A link a URL rule makes, with the statements that describe its target."""

    linkset: str  # the name of the rule's linkset (rule_linksets)
    subject: str
    predicate: str
    object: str
    details: tuple[Triple, ...] = ()


def state_rule_links(state: str, code: str) -> list[RuleLink]:
    """The EU country concept whose code is the state's ISO 3166-1 alpha-3 code."""
    return [RuleLink("state-eu-country", EU_COUNTRY.format(code=code), FOAF + "focus", state)]


def document_rule_links(doc: str, symbol: str) -> list[RuleLink]:
    """The undocs.org pages and ODS PDFs of a UN document, by its symbol; none for another symbol."""
    if not UN_SYMBOL.match(symbol):
        return []
    quoted = urllib.parse.quote(symbol, safe="/()")
    out = []
    for lang in UN_LANGUAGES:
        url = UNDOCS.format(lang=lang, symbol=quoted)
        out.append(RuleLink("document-undocs", doc, FOAF + "page", url, ((url, SCHEMA + "inLanguage", lit(lang)),)))
    for lang, letter in ODS_LANGUAGES:
        url = ODS_PDF.format(symbol=quoted, letter=letter)
        details: tuple[Triple, ...] = (
            (url, RDF + "type", SCHEMA + "MediaObject"),
            (url, SCHEMA + "encodingFormat", lit("application/pdf")),
            (url, SCHEMA + "inLanguage", lit(lang)),
        )
        out.append(RuleLink("document-ods-pdf", doc, SCHEMA + "encoding", url, details))
    return out


# ------------------------------------------------------------------------ linkset descriptions


def _target(name: str, title: str, uri_space: str) -> list[Triple]:
    """The description of a dataset that links point into (a void:Dataset with its URI space)."""
    t = TARGET + name
    return [
        (t, RDF + "type", VOID + "Dataset"),
        (t, DCTERMS + "title", lit(title, "en")),
        (t, VOID + "uriSpace", lit(uri_space)),
    ]


def _wikidata_target() -> list[Triple]:
    return [*_target("wikidata", "Wikidata", WD), (TARGET + "wikidata", FOAF + "homepage", "https://www.wikidata.org/")]


def _source(iri: str, title: str, description: str, derived: str | None = None) -> list[Triple]:
    triples: list[Triple] = [
        (iri, DCTERMS + "title", lit(title, "en")),
        (iri, DCTERMS + "description", lit(description, "en")),
    ]
    if derived:
        triples.append((iri, PROV + "wasDerivedFrom", derived))
    return triples


def table_linkset(kind: str, table: str, description: str, derived: str | None) -> Linkset:
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


def endpoint_linkset(kind: str, endpoint: str, how: str) -> Linkset:
    return Linkset(
        f"{kind}-{slug(endpoint)}",
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
            (endpoint, DCTERMS + "title", lit(f"SPARQL endpoint {endpoint}", "en")),
            *_wikidata_target(),
        ],
    )


@dataclass(frozen=True)
class _Rule:
    """A URL rule as its linkset describes it."""

    linkset: str
    file: str  # key of FILES
    title: str
    description: str
    predicate: str
    display: str
    source: str  # the name of the source (dataset/source/{name})
    rule: str  # the URL template
    explained: str  # what the variables of the template are
    target: tuple[str, str, str]  # name, title and URI space of the dataset the URLs belong to
    urls_are_objects: bool = True  # False: the rule's URLs are the subjects of the links (foaf:focus)


RULES = (
    _Rule(
        "document-undocs",
        "un-documents",
        "undocs.org pages of the UN documents",
        "Each UN document is linked with foaf:page to its undocs.org page in each of the six UN "
        "languages, by the rule https://undocs.org/{lang}/{symbol}; the language of each page is "
        "its schema:inLanguage.",
        FOAF + "page",
        "rule undocs.org",
        "rule-undocs",
        "https://undocs.org/{lang}/{symbol}",
        "lang is one of ar, zh, en, fr, ru, es; symbol is the document's official UN symbol (dcterms:identifier).",
        ("undocs", "undocs.org", "https://undocs.org/"),
    ),
    _Rule(
        "document-ods-pdf",
        "un-documents",
        "PDF files of the UN documents in the Official Document System",
        "Each UN document is linked with schema:encoding to its PDF in English and in French on "
        "documents.un.org, by the rule https://documents.un.org/api/symbol/access?s={symbol}&l={E|F}&t=pdf.",
        SCHEMA + "encoding",
        "rule documents.un.org PDF",
        "rule-ods-pdf",
        "https://documents.un.org/api/symbol/access?s={symbol}&l={letter}&t=pdf",
        "symbol is the document's official UN symbol; letter is E (English) or F (French), "
        "the two letters the verified pattern gives.",
        ("ods", "United Nations Official Document System", "https://documents.un.org/"),
    ),
    _Rule(
        "state-eu-country",
        "eu-countries",
        "EU Publications Office country concepts of the states",
        "Each state is the foaf:focus of the concept of the EU Publications Office country authority "
        "table whose code is its ISO 3166-1 alpha-3 code, by the rule "
        "http://publications.europa.eu/resource/authority/country/{code}. The concept is a "
        "skos:Concept that stands for the country; it is not the state itself, hence not sameAs.",
        FOAF + "focus",
        "rule EU country authority",
        "rule-eu-country",
        "http://publications.europa.eu/resource/authority/country/{code}",
        "code is the state's ISO 3166-1 alpha-3 code (dcterms:identifier).",
        (
            "eu-country",
            "EU Publications Office, authority table of countries",
            "http://publications.europa.eu/resource/authority/country/",
        ),
        urls_are_objects=False,
    ),
)


def _rule_linkset(rule: _Rule) -> Linkset:
    src = SOURCE + rule.source
    urls = TARGET + rule.target[0]
    return Linkset(
        rule.linkset,
        rule.file,
        rule.title,
        rule.description,
        rule.predicate,
        src,
        urls if rule.urls_are_objects else DATASET,
        DATASET if rule.urls_are_objects else urls,
        display=rule.display,
        extra=_source(src, f"URL rule {rule.rule}", rule.explained) + _target(*rule.target),
    )


def rule_linksets() -> dict[str, Linkset]:
    """The linksets of the URL rules, by name."""
    return {rule.linkset: _rule_linkset(rule) for rule in RULES}


def curated_linkset(stem: str, predicate: str) -> Linkset:
    """The linkset of the links of one predicate in a hand-curated file (data/links/{stem}.ttl)."""
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


def kept_linkset(name: str, old_linksets: dict[str, LinksetRecord]) -> Linkset | None:
    """The linkset of links kept from an earlier run, described as it was then."""
    old = old_linksets.get(name)
    if not old:
        return None

    def value(p: str) -> str | None:
        term: Term | None = old.props.get(p, [None])[0]
        return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else None

    source = value(DCTERMS + "source") or ""
    return Linkset(
        name,
        "wikidata",
        value(DCTERMS + "title") or name,
        value(DCTERMS + "description") or "",
        value(VOID + "linkPredicate") or "",
        source,
        value(VOID + "objectsTarget"),
        value(VOID + "subjectsTarget"),
        display=old.display,
        extra=endpoint_linkset("", source, "").extra,
    )


def display(name: str, source: str) -> str:
    """How the report names the source of a linkset read from a file (as the plan names new ones)."""
    rules = rule_linksets()
    if name in rules:
        return rules[name].display
    if source.startswith(SOURCE):
        rest = source[len(SOURCE) :]
        return f"table {rest}.csv" if rest in TABLES else f"curated {LINKS_DIR}/{rest}.ttl"
    return f"endpoint {source}"
