"""Reconciliation with a SPARQL endpoint shaped like Wikidata: which items it gives for the states
(by ISO code, P298), the documents (by UN symbol, a configurable property) and the organisations
(by label). Its answers are cached under build/ and replayed with --offline, which asks nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError, ServiceError, UsageError
from .layout import LINK_CACHE_DIR, Project
from .link_model import RDFS, WDT, WIKIDATA_ITEM, Entities, lit, slug

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
STATE_CODE_PROPERTY = "P298"  # ISO 3166-1 alpha-3 code (given by the issue)
# The Wikidata property for UN document symbols. P3069 is listed as "UN document symbol" in a
# public table of Wikidata property labels, not checked against Wikidata itself: hence
# `cybernorms link --symbol-property`, and the property is recorded in the linkset it fills.
DEFAULT_SYMBOL_PROPERTY = "P3069"
BATCH = 50  # keys per VALUES block sent to the endpoint
LABEL_LANGUAGES = ("en", "fr", "")  # names looked up by label: English, French, or untagged (as English)

# the groups of questions, each named in the cache
STATE_GROUP = f"state {STATE_CODE_PROPERTY}"
ORGANISATION_GROUP = "organisation rdfs:label"


def document_group(symbol_property: str) -> str:
    return f"document {symbol_property}"


def label_key(name: str, lang: str) -> ox.Literal:
    """A name as the endpoint is asked for it: a literal in its language, English if untagged."""
    return lit(name, lang or "en")


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


def check_symbol_property(symbol_property: str) -> str:
    if not re.fullmatch(r"P[1-9][0-9]*", symbol_property or ""):
        raise UsageError(
            "--symbol-property",
            None,
            f"{symbol_property!r} is not a Wikidata property identifier",
            f"write P followed by digits, e.g. {DEFAULT_SYMBOL_PROPERTY}",
        )
    return symbol_property


# ----------------------------------------------------------------------------- asking the endpoint


def _post(url: str, query: str, timeout: float) -> bytes:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
            "User-Agent": "cybernorms-link/0.1 (https://w3id.org/cybernorms; link reconciliation)",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read()
            return body
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


def ask(url: str, query: str, timeout: float) -> list[dict[str, dict[str, str]]]:
    """The bindings the endpoint answers to a SELECT query (SPARQL JSON results)."""
    body = _post(url, query, timeout)
    try:
        bindings: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise ServiceError(
            url,
            None,
            "the endpoint did not answer with SPARQL JSON results",
            "check that --endpoint is a SPARQL query endpoint",
        ) from None
    return bindings


def lookup(url: str, keys: list[ox.Literal], pattern: str, timeout: float) -> dict[str, list[str]]:
    """Ask which items match each key; keys are RDF literals, written into VALUES in N-Triples
    syntax (escaped by pyoxigraph), never pasted as raw text."""
    found: dict[str, set[str]] = {str(k): set() for k in keys}
    for i in range(0, len(keys), BATCH):
        batch = keys[i : i + BATCH]
        query = f"SELECT ?key ?item WHERE {{ VALUES ?key {{ {' '.join(str(k) for k in batch)} }} {pattern} }}"
        for row in ask(url, query, timeout):
            key, item = row.get("key"), row.get("item")
            if not key or not item or item.get("type") != "uri":
                continue
            k = str(lit(key["value"], key.get("xml:lang")))
            if k in found and WIKIDATA_ITEM.match(item["value"]):
                found[k].add(item["value"])
    return {k: sorted(v) for k, v in found.items()}


def lookup_groups(found: Entities, symbol_property: str) -> dict[str, tuple[list[ox.Literal], str]]:
    """What to ask, by group: the keys (ISO codes, symbols, names) and the pattern that matches them."""
    names = {
        label_key(n, lang) for names in found.organisations.values() for n, lang in names if lang in LABEL_LANGUAGES
    }
    return {
        STATE_GROUP: (
            [ox.Literal(c) for c in sorted(set(found.states.values()))],
            f"?item <{WDT}{STATE_CODE_PROPERTY}> ?key .",
        ),
        document_group(symbol_property): (
            [ox.Literal(s) for s in sorted(set(found.documents.values()))],
            f"?item <{WDT}{symbol_property}> ?key .",
        ),
        ORGANISATION_GROUP: (sorted(names, key=str), f"?item <{RDFS}label> ?key ."),
    }


# ------------------------------------------------------------------------------------ the cache


def cache_file(project: Project, endpoint: str) -> Path:
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:12]
    return project.build / LINK_CACHE_DIR / f"{slug(endpoint)[:60]}-{digest}.json"


def _load_cache(project: Project, path: Path, endpoint: str) -> dict[str, Any]:
    if not path.is_file():
        return {"endpoint": endpoint, "lookups": {}}
    try:
        cache: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise InputError(
            project.rel(path),
            None,
            "the cache of endpoint answers is not valid JSON",
            "delete it and run `cybernorms link` online",
        ) from None
    return cache


def save_cache(path: Path | None, data: dict[str, Any] | None) -> None:
    """Write the answers (all at once: written beside and renamed over); nothing when offline."""
    if data is None or path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------ reconciling


@dataclass(frozen=True)
class EndpointOptions:
    """Which endpoint to ask, and how (the options of `cybernorms link`)."""

    endpoint: str = DEFAULT_ENDPOINT
    offline: bool = False  # replay the cache, ask nothing
    symbol_property: str = DEFAULT_SYMBOL_PROPERTY
    timeout: float = 60.0

    def check(self) -> None:
        check_endpoint(self.endpoint)
        check_symbol_property(self.symbol_property)


@dataclass
class Answers:
    """What the endpoint says for each key, asked now or replayed from the cache."""

    cache_path: Path
    cache: dict[str, Any]
    offline: bool
    header: list[str] = field(default_factory=list)  # how the endpoint was used

    def asked(self, group: str, key: ox.Literal) -> list[str] | None:
        """The items the endpoint gives for a key, or None when it was not asked about it."""
        said: list[str] | None = self.cache.get("lookups", {}).get(group, {}).get(str(key))
        return said

    @property
    def cache_data(self) -> dict[str, Any] | None:
        """The cache to save: None when offline (nothing new was learnt)."""
        return None if self.offline else self.cache


def reconcile(project: Project, found: Entities, options: EndpointOptions) -> Answers:
    """Ask the endpoint about every state, document and organisation of the graph, or, offline,
    replay what the cache holds."""
    endpoint = options.endpoint
    path = cache_file(project, endpoint)
    answers = Answers(path, _load_cache(project, path, endpoint), options.offline)
    groups = lookup_groups(found, options.symbol_property)
    if options.offline:
        have = sum(len(v) for v in answers.cache.get("lookups", {}).values())
        answers.header.append(
            f"offline: endpoint answers replayed from the cache {project.rel(path)} "
            f"({have} cached answers for {endpoint}); nothing was asked of the endpoint"
            if path.is_file()
            else f"offline: no cached answers for {endpoint} ({project.rel(path)} does not exist); "
            "links found on an endpoint before are kept as they are"
        )
        return answers
    asked = {
        group: lookup(endpoint, keys, pattern, options.timeout) if keys else {}
        for group, (keys, pattern) in groups.items()
    }
    for group, items in asked.items():
        answers.cache.setdefault("lookups", {}).setdefault(group, {}).update(items)
    answers.cache["endpoint"] = endpoint
    answers.header.append(
        f"online: asked {endpoint} ({sum(len(k) for k, _ in groups.values())} keys); "
        f"answers cached in {project.rel(path)} for --offline"
    )
    return answers
