"""Deciding the links of a run, without writing anything: for each state, organisation and document
of the graph, its Wikidata item (curated, then the verified table, then a lone endpoint answer),
the links of the URL rules, and the index of the curated links; with a remark wherever a source
disagrees or says nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .layout import Project
from .link_endpoint import (
    LABEL_LANGUAGES,
    ORGANISATION_GROUP,
    STATE_CODE_PROPERTY,
    STATE_GROUP,
    Answers,
    EndpointOptions,
    document_group,
    label_key,
    reconcile,
)
from .link_inputs import LinkFiles, entities, read_link_files
from .link_model import FILES, SCHEMA, Entities, Link, Linkset, LinksetRecord, Triple, short
from .link_sources import (
    RuleLink,
    curated_linkset,
    document_rule_links,
    endpoint_linkset,
    iso_table,
    kept_linkset,
    organisation_table,
    rule_linksets,
    state_rule_links,
    table_linkset,
)
from .parse import parse


@dataclass
class Plan:
    project: Project
    endpoint: str
    offline: bool
    links: dict[str, list[Link]]  # file key -> links it will hold
    linksets: dict[str, Linkset]
    old: dict[str, list[Link]]  # file key -> links it holds now
    old_linksets: dict[str, LinksetRecord]  # linkset name -> its description as it is now
    notes: dict[str, list[str]]  # entity IRI -> remarks (conflicts, ambiguity, not found)
    details: dict[tuple[str, str, str], list[Triple]]  # link triple -> triples describing its target
    not_asked: list[str]  # entities the endpoint was not asked about (offline, not cached)
    header: list[str]  # how the endpoint was used
    unmatched_rows: list[str]
    topics: int
    cache_path: Path | None = None
    cache_data: dict[str, Any] | None = None


@dataclass(frozen=True)
class Candidates:
    """What the sources say of the Wikidata item of one entity."""

    entity: str
    kind: str  # state, organisation or document: the prefix of its linksets' names
    what: str  # what the endpoint was asked about, for the remarks ("code FRA")
    table_item: str | None
    endpoint_items: list[str] | None  # None: the endpoint was not asked
    table_ls: Linkset | None
    endpoint_ls: Linkset

    @property
    def said(self) -> str:
        if self.endpoint_items is None:
            return ""
        if not self.endpoint_items:
            return "the endpoint finds no item"
        return f"the endpoint says {', '.join(short(i) for i in self.endpoint_items)}"


def _norm(name: str) -> str:
    """A name as tables and labels are compared: case, spaces and the -isation/-ization spelling ignored."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("organisation", "organization")


def _match_table(found: Entities, rows: list[tuple[str, str]]) -> tuple[dict[str, set[str]], list[str]]:
    """The items the organisations table gives each organisation (by name), and the rows that
    match none or several."""
    by_name: dict[str, list[str]] = {}
    for org, names in found.organisations.items():
        for name, _ in names:
            by_name.setdefault(_norm(name), []).append(org)
    items: dict[str, set[str]] = {}
    unmatched = []
    for name, item in rows:
        orgs = sorted(set(by_name.get(_norm(name), [])))
        if len(orgs) == 1:
            items.setdefault(orgs[0], set()).add(item)
        elif orgs:
            unmatched.append(
                f"{name} ({short(item)}): matches {len(orgs)} organisations "
                f"({', '.join(short(o) for o in orgs)}), so none is linked"
            )
        else:
            unmatched.append(f"{name} ({short(item)}): no organisation of the graph has this name")
    return items, unmatched


class _Planner:
    """The links of one run as the sources add them; a curated statement is never restated."""

    def __init__(self, files: LinkFiles, answers: Answers):
        self.files = files
        self.answers = answers
        self.rules = rule_linksets()
        self.curated_triples = files.curated_triples
        self.curated_wd = files.curated_wikidata
        self.linksets: dict[str, Linkset] = {}
        self.links: dict[str, list[Link]] = {k: [] for k in FILES}
        self.notes: dict[str, list[str]] = {}
        self.details: dict[tuple[str, str, str], list[Triple]] = {}
        self.not_asked: list[str] = []

    def add(self, ls: Linkset, s: str, p: str, o: str, extra: Sequence[Triple] = ()) -> None:
        if (s, p, o) in self.curated_triples:
            return
        self.linksets.setdefault(ls.name, ls)
        self.links[ls.file].append(Link(s, p, o, ls.name))
        if extra:
            self.details[(s, p, o)] = list(extra)

    def add_rule_links(self, links: list[RuleLink]) -> None:
        for rl in links:
            self.add(self.rules[rl.linkset], rl.subject, rl.predicate, rl.object, rl.details)

    def note(self, entity: str, text: str) -> None:
        self.notes.setdefault(entity, []).append(text)

    # ---- the Wikidata item of one entity: curated, then table, then a lone endpoint answer

    def choose_wikidata(self, c: Candidates) -> None:
        if c.entity in self.curated_wd:
            self._keep_curated(c)
        elif c.table_item:
            self._from_table(c, c.table_item)
        elif c.endpoint_items is None:
            self._keep_earlier(c)
        else:
            self._from_endpoint(c, c.endpoint_items)

    def _keep_curated(self, c: Candidates) -> None:
        mine = sorted(self.curated_wd[c.entity])
        others = set(([c.table_item] if c.table_item else []) + (c.endpoint_items or []))
        if others and others != set(mine):
            parts = [f"the table says {short(c.table_item)}"] if c.table_item and c.table_item not in mine else []
            parts += [c.said] if c.endpoint_items and set(c.endpoint_items) != set(mine) else []
            self.note(c.entity, f"curated {', '.join(short(m) for m in mine)} kept; " + "; ".join(parts))

    def _from_table(self, c: Candidates, item: str) -> None:
        if c.table_ls is not None:
            self.add(c.table_ls, c.entity, SCHEMA + "sameAs", item)
        if c.endpoint_items is not None and c.endpoint_items != [item]:
            self.note(
                c.entity,
                f"{'conflict: ' if c.endpoint_items else ''}{c.said} for {c.what}; the verified table's {short(item)} kept",
            )

    def _keep_earlier(self, c: Candidates) -> None:
        """Not asked (offline, not cached): keep the links an endpoint gave before, as they were."""
        table = c.table_ls.name if c.table_ls else None
        for lnk in self.files.old.get("wikidata", []):
            if lnk.entity != c.entity or not lnk.linkset.startswith(f"{c.kind}-") or lnk.linkset == table:
                continue
            ls = self.linksets.get(lnk.linkset) or kept_linkset(lnk.linkset, self.files.old_linksets)
            if ls:
                self.add(ls, lnk.subject, lnk.predicate, lnk.object)
        self.not_asked.append(c.entity)

    def _from_endpoint(self, c: Candidates, items: list[str]) -> None:
        if len(items) == 1:
            self.add(c.endpoint_ls, c.entity, SCHEMA + "sameAs", items[0])
        elif items:
            self.note(c.entity, f"ambiguous: {c.said}; not linked (curate the right one by hand)")
        else:
            self.note(c.entity, f"not found: {c.said} for {c.what}")

    # ---- each kind of entity

    def states(self, found: Entities, iso: dict[str, str], endpoint: str) -> None:
        """Wikidata items (table, endpoint) and EU country concepts (rule)."""
        table = table_linkset(
            "state", "iso3166-wikidata.csv", "by ISO 3166-1 alpha-3 code", "https://github.com/owid/owid-grapher"
        )
        asked = endpoint_linkset("state", endpoint, f"its ISO 3166-1 alpha-3 code (wdt:{STATE_CODE_PROPERTY})")
        for state, code in sorted(found.states.items()):
            said = self.answers.asked(STATE_GROUP, ox.Literal(code))
            self.choose_wikidata(Candidates(state, "state", f"code {code}", iso.get(code), said, table, asked))
            self.add_rule_links(state_rule_links(state, code))

    def organisations(self, found: Entities, rows: list[tuple[str, str]], endpoint: str) -> list[str]:
        """Wikidata items (table by name, endpoint by label); returns the table rows that link nothing."""
        table = table_linkset("organisation", "organizations-wikidata.csv", "by name", None)
        asked = endpoint_linkset("organisation", endpoint, "one of its names (rdfs:label, in English or French)")
        table_items, unmatched = _match_table(found, rows)
        for org, names in sorted(found.organisations.items()):
            items = sorted(table_items.get(org, set()))
            if len(items) > 1:
                self.note(org, f"the table gives {', '.join(short(i) for i in items)}; not linked")
                items = []
            keys = {label_key(n, lang) for n, lang in names if lang in LABEL_LANGUAGES}
            answers = [self.answers.asked(ORGANISATION_GROUP, k) for k in sorted(keys, key=str)]
            said = None if any(a is None for a in answers) else sorted({i for a in answers for i in a or []})
            labels = ", ".join(repr(n) for n in sorted({n for n, lang in names if lang in LABEL_LANGUAGES}))
            what = f"the labels {labels}"
            self.choose_wikidata(Candidates(org, "organisation", what, items[0] if items else None, said, table, asked))
        return unmatched

    def documents(self, found: Entities, endpoint: str, symbol_property: str) -> None:
        """Wikidata items (endpoint by symbol), undocs.org pages and ODS PDFs (rules)."""
        asked = endpoint_linkset("document", endpoint, f"its UN document symbol (wdt:{symbol_property})")
        for doc, symbol in sorted(found.documents.items()):
            said = self.answers.asked(document_group(symbol_property), ox.Literal(symbol))
            self.choose_wikidata(Candidates(doc, "document", f"the symbol {symbol}", None, said, None, asked))
            self.add_rule_links(document_rule_links(doc, symbol))

    # ---- the whole

    def drop_shared_items(self) -> None:
        """One Wikidata item, one entity: a generated link that would share an item is dropped."""
        holders: dict[str, set[str]] = {}
        for lnk in self.links["wikidata"]:
            holders.setdefault(lnk.target, set()).add(lnk.entity)
        for entity, items in self.curated_wd.items():
            for i in items:
                holders.setdefault(i, set()).add(entity)
        shared = {item for item, ents in holders.items() if len(ents) > 1}
        for lnk in [lnk for lnk in self.links["wikidata"] if lnk.target in shared]:
            others = sorted(holders[lnk.target] - {lnk.entity})
            self.note(
                lnk.entity, f"{short(lnk.target)} is also the item of {', '.join(short(o) for o in others)}: not linked"
            )
            self.links["wikidata"].remove(lnk)

    def index_curated(self) -> None:
        """Curated links: indexed (annotated with their linkset), never rewritten."""
        for stem, s, p, o in self.files.curated:
            ls = curated_linkset(stem, p)
            self.linksets.setdefault(ls.name, ls)
            self.links["curated"].append(Link(s, p, o, ls.name))

    def finish(self) -> tuple[dict[str, list[Link]], dict[str, Linkset]]:
        """The links of each file, sorted and without repeats, and the linksets they use."""
        links = {
            key: sorted(set(found), key=lambda lnk: (lnk.entity, lnk.predicate, lnk.target))
            for key, found in self.links.items()
        }
        used = {lnk.linkset for ls in links.values() for lnk in ls}
        return links, {n: ls for n, ls in self.linksets.items() if n in used}


def plan(project: Project, options: EndpointOptions, store: ox.Store | None = None) -> Plan:
    """Everything `cybernorms link` would write, and why, without writing anything."""
    options.check()
    # the entities are read from the inputs as the build reads them (parsed, not yet validated), so
    # that links can be made before the build that needs them, and never from a stale store
    found = entities(store or parse(project).store)
    iso = iso_table(project)
    org_rows = organisation_table(project)
    files = read_link_files(project)
    answers = reconcile(project, found, options)
    planner = _Planner(files, answers)
    planner.states(found, iso, options.endpoint)
    unmatched = planner.organisations(found, org_rows, options.endpoint)
    planner.documents(found, options.endpoint, options.symbol_property)
    planner.drop_shared_items()
    planner.index_curated()
    links, linksets = planner.finish()
    return Plan(
        project,
        options.endpoint,
        options.offline,
        links,
        linksets,
        files.old,
        files.old_linksets,
        planner.notes,
        planner.details,
        sorted(planner.not_asked),
        answers.header,
        unmatched,
        found.topics,
        answers.cache_path,
        answers.cache_data,
    )
