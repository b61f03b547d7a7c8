"""Search over the entities of the graph: an in-memory index built once per store, accent- and
case-insensitive, over the French and English labels, notations, symbols and texts.

A query matches an entity when each of its words matches a word of the entity: the same word, a
word it begins (infrastructure, infrastructures), or a word of the same stem in the other language
(critique, critical; securite, security: five letters or more in common at the start, and no more
than three letters left over). A query that reads as an identifier once spaces and punctuation are
dropped (13(c), 13c, A/RES/68/167, 68/167) matches the notations and symbols it spells exactly.

Ranking, best first: an identifier spelled exactly; a name said exactly; words found in a name
(rather than only in a text); a name the query mostly says (half its words or more); then the kind
of thing (norms first, provisions after the elements they state), more of the name covered, and the
reading order. Short names (a topic, a person) thus come first when the query says them, and a word
found in the long, faithful names of norms ranks the norms before the actors that also use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .layout import BASE, CNO, ONTOLOGY_IRI

if TYPE_CHECKING:
    from .views import Catalogue

WORD = re.compile(r"[a-z0-9]+")
HALF = 0.5  # a name is "mostly said" by a query that matches at least half of its words
STOP = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "un",
        "une",
        "ou",
        "par",
        "pour",
        "sur",
        "dans",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "an",
    ]
)
# Kinds in the order a reader looks for them when names tie.
KIND_ORDER = [
    CNO + k
    for k in (
        "Norm",
        "Topic",
        "LegalPrinciple",
        "State",
        "Person",
        "ActorCategory",
        "Organisation",
        "Document",
        "ConfidenceBuildingMeasure",
        "CapacityBuildingMeasure",
        "LegalView",
        "Risk",
        "Conclusion",
        "Recommendation",
        "Practice",
        "Meeting",
        "Provision",
        "Membership",
    )
]


def normalize(text: str) -> str:
    """Lower case, accents removed, œ and æ spelled out: "Sécurité" -> "securite"."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return WORD.findall(normalize(text))


def compact(text: str) -> str:
    """An identifier without its spaces and punctuation: "A/RES/68/167" -> "ares68167"."""
    return "".join(words(text))


def _match(query_word: str, word: str) -> float:
    """How well a query word matches a word: 1 the same, 0.8 a beginning, 0.6 the same stem."""
    if query_word == word:
        return 1.0
    if len(query_word) >= 3 and word.startswith(query_word):
        return 0.8
    common = 0
    for a, b in zip(query_word, word, strict=False):
        if a != b:
            break
        common += 1
    if common >= 5 and max(len(query_word), len(word)) - common <= 3:
        return 0.6
    return 0.0


@dataclass
class Entry:
    iri: str
    kind: str
    title: str
    title_lang: str | None
    ids: set[str]  # compact notations and symbols
    slug: str  # the end of the IRI, compact
    names: list[list[str]]  # the words of each name
    phrases: set[str]  # each name, normalized, as a whole
    text: set[str]  # the words of the texts and definitions
    rank: int  # kind order
    snippet: str = ""
    snippet_lang: str | None = None
    keys: str = field(default="")  # normalized words, for the static site's filter


@dataclass
class Result:
    entry: Entry
    score: tuple[float, ...]


class Index:
    def __init__(self, catalogue: Catalogue):
        self.entries: list[Entry] = []
        for iri, summary in catalogue.summaries.items():
            if not iri.startswith(BASE) or iri.startswith(ONTOLOGY_IRI) or not catalogue.exists(iri):
                continue
            kind = catalogue.kind(iri)
            names = [t.value for key in ("label", "alt") for t in summary.all(key)]
            ids = [t.value for key in ("notation", "identifier", "symbol") for t in summary.all(key)]
            texts = [t.value for key in ("text", "definition") for t in summary.all(key)]
            if not names and not ids and not texts:
                continue
            snippet_term = summary.one("text") or summary.one("definition")
            rank = next(
                (i for i, k in enumerate(KIND_ORDER) if k == kind or k in catalogue.ancestors(kind)),
                len(KIND_ORDER),
            )
            entry = Entry(
                iri=iri,
                kind=catalogue.kind_name(iri),
                title=catalogue.name(iri),
                title_lang=catalogue.name_lang(iri),
                ids={compact(i) for i in ids},
                slug=compact(iri.rsplit("/", 1)[-1]),
                names=[words(n) for n in names + ids],
                phrases={" ".join(words(n)) for n in names},
                text={w for t in texts for w in words(t)},
                rank=rank,
                snippet=snippet_term.value if snippet_term is not None else "",
                snippet_lang=snippet_term.language if isinstance(snippet_term, ox.Literal) else None,
            )
            entry.keys = " ".join(sorted({w for n in entry.names for w in n} | entry.ids | {entry.slug}))
            self.entries.append(entry)
        self.entries.sort(key=lambda e: (e.rank, e.title.lower(), e.iri))
        self.name_words: dict[str, list[int]] = defaultdict(list)
        self.text_words: dict[str, list[int]] = defaultdict(list)
        self.by_id: dict[str, list[int]] = defaultdict(list)
        self.by_slug: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(self.entries):
            for w in sorted({w for name in e.names for w in name}):
                self.name_words[w].append(i)
            for w in sorted(e.text):
                self.text_words[w].append(i)
            for c in e.ids:
                self.by_id[c].append(i)
            self.by_slug[e.slug].append(i)

    def _best(self, query_word: str, vocabulary: dict[str, list[int]]) -> dict[int, float]:
        """For each entry that has a word matching the query word, the best match."""
        best: dict[int, float] = {}
        for word, at in vocabulary.items():
            m = _match(query_word, word)
            if m:
                for i in at:
                    if m > best.get(i, 0.0):
                        best[i] = m
        return best

    def search(self, query: str, limit: int = 50) -> list[Result]:
        q_words = [w for w in words(query) if w not in STOP] or words(query)
        q_compact = compact(query)
        q_phrase = " ".join(words(query))
        if not q_compact:
            return []
        in_names = [self._best(qw, self.name_words) for qw in q_words]
        in_texts = [self._best(qw, self.text_words) for qw in q_words]
        candidates = set(self.by_id.get(q_compact, ())) | set(self.by_slug.get(q_compact, ()))
        if q_words:
            everywhere = [set(n) | set(t) for n, t in zip(in_names, in_texts, strict=True)]
            candidates |= set.intersection(*everywhere)
        results = []
        for i in candidates:
            entry = self.entries[i]
            name_score = sum(n.get(i, 0.0) for n in in_names)
            text_score = sum(t.get(i, 0.0) for n, t in zip(in_names, in_texts, strict=True) if n.get(i, 0.0) < 1)
            coverage = max(
                (
                    sum(1 for w in name if w not in STOP and any(_match(qw, w) for qw in q_words))
                    / max(1, len([w for w in name if w not in STOP]))
                    for name in entry.names
                ),
                default=0.0,
            )
            score = (
                1.0 if q_compact in entry.ids else 0.0,
                1.0 if q_phrase in entry.phrases else 0.0,
                round(name_score, 3),
                1.0 if coverage >= HALF else 0.0,  # a short name the query mostly says: a topic, a person
                -entry.rank,  # else the kind of thing decides: a norm before an actor that names the word
                round(coverage, 3),
                1.0 if q_compact == entry.slug else 0.0,
                round(text_score, 3),
            )
            results.append(Result(entry, score))
        results.sort(key=lambda r: (tuple(-x for x in r.score), r.entry.rank, r.entry.title.lower(), r.entry.iri))
        return results[:limit]
