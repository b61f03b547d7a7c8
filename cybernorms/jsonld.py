"""JSON-LD compacted with the project's context (ontology/context.jsonld), built directly from
pyoxigraph triples.

The document is the one rdflib's JSON-LD serializer writes with that context (`auto_compact`),
node for node and value for value (a test compares the two on every kind of page), without building
an rdflib graph nor parsing the context again for each document: the site writes one per page,
thousands of them, and rdflib took most of the site's time. Literals of a datatype other than
xsd:string keep rdflib's reading (its normal lexical form, its native numbers and booleans): rdflib
is asked once per distinct literal.

What rdflib does, and this module does alike, for a context of prefixes and terms:
- a node per IRI subject and per blank node no statement points at; a blank node that one points at
  becomes a node of its own when it is reached; the first blank node of an rdf:List becomes
  {"@list": [...]} where the property has no term; `rdf:type` values go to "@type";
- IRIs are shortened by a prefix whose namespace ends where the IRI's last '#', '/' or ':' is;
- a property takes the term of its IRI that fits the value (a term typed "@id" for an IRI or blank
  node, a term of the literal's datatype, a language map for a literal with a language, a plain
  term), else its prefixed name;
- a second value turns the first into an array, except where the first is empty or zero (it is
  replaced, as rdflib does);
- arrays are then sorted by the JSON text of their items (all but "@list"), keys are sorted, and
  the text is indented by two spaces: the same triples, the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import orjson
import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FIRST, REST, NIL, LIST_CLASS, TYPE = RDF + "first", RDF + "rest", RDF + "nil", RDF + "List", RDF + "type"
PLAIN = {XSD + "string", RDF + "langString"}
NATIVE = {XSD + "boolean", XSD + "integer", XSD + "double"}  # rdflib writes these as JSON values
GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")  # a term whose IRI ends so is a prefix (JSON-LD 1.1)
VOCAB_DELIMS = ("#", "/", ":")


class Context:
    """The terms of a JSON-LD context that compaction needs: prefixes by namespace, and the term of
    each property for each kind of value."""

    def __init__(self, context: dict[str, Any]):
        self.data = context
        self.prefixes: dict[str, str] = {}  # namespace -> prefix
        self.plain: dict[str, str] = {}  # property -> term
        self.ids: dict[str, str] = {}  # property -> term typed "@id"
        self.typed: dict[tuple[str, str], str] = {}  # (property, datatype) -> term
        self.languages: dict[str, str] = {}  # property -> term with a language map
        self.of_term: dict[str, str] = {}  # term -> its IRI
        self._shrunk: dict[str, str] = {}
        raw = {k: v for k, v in context.items() if not k.startswith("@")}
        if len(raw) != len(context):
            raise ValueError(f"JSON-LD context: keywords {sorted(set(context) - set(raw))} are not supported here")
        for name, value in raw.items():  # the prefixes the terms are written with
            if isinstance(value, str) and value.endswith(GEN_DELIMS):
                self.of_term[name] = value
        for name, value in raw.items():
            spec = {"@id": value} if isinstance(value, str) else dict(value)
            iri = self.expand(spec.pop("@id", name))
            self.of_term[name] = iri
            coercion = spec.pop("@type", None)
            container = spec.pop("@container", None)
            if spec or container not in (None, "@language") or (container and coercion):
                raise ValueError(f"JSON-LD context: term {name!r} uses what this module does not support: {value}")
            if container == "@language":
                self.languages[iri] = name
            elif coercion == "@id":
                self.ids[iri] = name
            elif coercion is not None:
                self.typed[(iri, self.expand(coercion))] = name
            else:  # a plain term; a prefix is one too (rdflib finds it for its namespace IRI itself)
                self.plain[iri] = name
                if isinstance(value, str) and iri.endswith(GEN_DELIMS):
                    self.prefixes[iri] = name

    def expand(self, value: str) -> str:
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.of_term and not local.startswith("//"):
            return self.of_term[prefix] + local
        return value

    def shrink(self, iri: str) -> str:
        """The IRI as prefix:name when its namespace (up to its last '#', '/' or ':') is a prefix."""
        found = self._shrunk.get(iri)
        if found is None:
            ns, name = _split(iri)
            prefix = self.prefixes.get(ns)
            found = f"{prefix}:{name}" if prefix and name is not None else iri
            if len(self._shrunk) < 1_000_000:
                self._shrunk[iri] = found
        return found

    def symbol(self, iri: str) -> str:
        """A class or datatype IRI as a value of @type: its plain term, else its prefixed name."""
        return self.plain.get(iri) or self.shrink(iri)


def _split(iri: str) -> tuple[str, str | None]:
    for delim in VOCAB_DELIMS:
        at = iri.rfind(delim)
        if at > -1:
            return iri[: at + 1], iri[at + 1 :]
    return iri, None


@cache
def _typed(lexical: str, datatype: str) -> tuple[str, Any]:
    """rdflib's reading of a typed literal: its lexical form (normalised) and, for the datatypes it
    writes natively, its Python value (the text itself when the literal is ill-typed)."""
    import rdflib

    literal = rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))
    text = str(literal)
    native = literal.toPython() if datatype in NATIVE else text
    return text, (str(native) if isinstance(native, rdflib.Literal) else native)


class _Graph:
    def __init__(self, triples: Iterable[ox.Triple]):
        self.edges: dict[str, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
        self.referenced: set[str] = set()
        self.order: list[str] = []
        self.firsts: set[str] = set()  # the nodes with an rdf:first
        all_edges, order = self.edges, self.order
        for t in triples:  # triples, or quads (of which the graph is not read)
            s, p, o = t.subject, t.predicate, t.object
            if type(o) is ox.Triple or type(s) is ox.Triple:
                raise ValueError("JSON-LD: RDF-star triples are not supported")
            key = s.value if type(s) is ox.NamedNode else "_:" + s.value
            edges = all_edges.get(key)
            if edges is None:
                edges = all_edges[key] = []
                order.append(key)
            predicate = p.value
            edges.append((predicate, o))
            if predicate == FIRST:
                self.firsts.add(key)
            if type(o) is ox.BlankNode:
                self.referenced.add("_:" + o.value)

    def has_first(self, key: str) -> bool:
        return key in self.firsts


def _key(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else "_:" + term.value


class _Converter:
    def __init__(self, ctx: Context, graph: _Graph):
        self.ctx = ctx
        self.graph = graph
        self.nodes: dict[str, dict[str, Any]] = {}

    def convert(self) -> dict[str, Any]:
        for key in self.graph.order:
            if not key.startswith("_:") or key not in self.graph.referenced:
                self.subject(key)
        nodes = list(self.nodes.values())
        if len(nodes) == 1:
            return nodes[0]
        return {"@graph": nodes}

    def subject(self, key: str) -> dict[str, Any] | None:
        node_id = key if key.startswith("_:") else self.ctx.shrink(key)
        if node_id in self.nodes:
            return None
        node: dict[str, Any] = {"@id": node_id}
        self.nodes[node_id] = node
        for p, o in self.graph.edges.get(key, ()):
            self.add(key, p, o, node)
        return node

    def add(self, s: str, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal, node: dict[str, Any]) -> None:
        ctx = self.ctx
        value: Any = None
        if type(o) is ox.Literal:
            datatype = o.datatype.value
            if datatype not in PLAIN and (p, datatype) in ctx.typed:
                key: str | None = ctx.typed[(p, datatype)]
                value = _typed(o.value, datatype)[0]
            elif o.language and p in ctx.languages:
                language = o.language
                languages = node.setdefault(ctx.languages[p], {})
                values = languages.get(language)
                if values:
                    if not isinstance(values, list):
                        languages[language] = values = [values]
                    values.append(o.value)
                else:
                    languages[language] = o.value
                return
            else:
                key = ctx.plain.get(p)
        elif p in ctx.ids:
            key = ctx.ids[p]
            value = ctx.shrink(o.value) if type(o) is ox.NamedNode else "_:" + o.value
        else:
            key = ctx.plain.get(p)
        if key is None:  # no term: the prefixed name, or @type
            key = ctx.shrink(p)
            if p == TYPE:
                key = "@type"
                if type(o) is ox.NamedNode:
                    value = ctx.symbol(o.value)
        if value is None:
            value = self.raw(o)
        existing = node.get(key)
        if existing:
            if type(existing) is not list:
                existing = [existing]
            existing.append(value)
            node[key] = existing
        else:
            node[key] = value

    def raw(self, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        kind = type(o)
        if kind is ox.NamedNode:  # an IRI starts no list but rdf:nil, the empty one
            return {"@list": []} if o.value == NIL else {"@id": self.ctx.shrink(o.value)}
        if kind is ox.BlankNode:
            key = "_:" + o.value
            if key in self.graph.firsts:
                collection = self.collection(o)
                if collection is not None:
                    return {"@list": [self.raw(item) for item in collection]}
            self.subject(key)
            return {"@id": key}
        assert isinstance(o, ox.Literal)
        datatype = o.datatype.value
        if datatype in PLAIN:
            return {"@language": o.language, "@value": o.value} if o.language else o.value
        text, native = _typed(o.value, datatype)
        if datatype in NATIVE:
            return native
        return {"@type": self.ctx.symbol(datatype), "@value": text}

    def collection(self, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[Any] | None:
        """The items of the rdf:List that starts at o, or None when o starts none."""
        if isinstance(o, ox.Literal):
            return None
        key = _key(o)
        if key != NIL and not self.graph.has_first(key):
            return None
        items: list[Any] = []
        chain = {key}
        while True:
            if key == NIL:
                return items
            if not key.startswith("_:"):
                return None
            first = rest = None
            for p, value in self.graph.edges.get(key, ()):
                if first is None and p == FIRST:
                    first = value
                elif rest is None and p == REST:
                    rest = value
                elif p != TYPE or not (isinstance(value, ox.NamedNode) and value.value == LIST_CLASS):
                    return None
            items.append(first)
            if rest is None or isinstance(rest, ox.Literal):
                return None
            key = _key(rest)
            if key in chain:
                return None
            chain.add(key)


def text(triples: Iterable[ox.Triple], ctx: Context) -> str:
    """The compacted document as text: arrays sorted, keys sorted, indented, one final newline."""
    return encoded(triples, ctx).decode("utf-8")


def encoded(triples: Iterable[ox.Triple], ctx: Context) -> bytes:
    """The text of the compacted document (`text`) in UTF-8, as it is written to a file."""
    out = _Converter(ctx, _Graph(triples)).convert()
    out["@context"] = ctx.data
    return dumps(out)


def dumps(document: dict[str, Any]) -> bytes:
    """A JSON-LD document in UTF-8 as json.dumps(document, indent=2, sort_keys=True,
    ensure_ascii=False) writes it once the arrays that carry no order (all but "@list") are sorted
    by the JSON text of their items, with one final newline: the same document, the same bytes.
    Written by orjson, whose escapes, separators and order of keys are json's; the arrays are
    sorted and the numbers orjson writes otherwise are made json's text first, in the document
    itself (`_order`)."""
    _order(document)
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _order(value: dict[str, Any] | list[Any], ordered: bool = False) -> None:
    """Sort in place, innermost first, the arrays of a document that carry no order (all but
    "@list") by the JSON text of their items, as json.dumps(item, sort_keys=True) writes it (orjson's
    compact text sorts alike: it differs only by the spaces after separators, which the same prefix
    places alike); numbers that orjson writes otherwise than json (floats, integers beyond 64 bits)
    are replaced by json's text."""
    if isinstance(value, dict):
        for key, x in value.items():
            if key == "@context":  # written as it is (the project's context: shared, no arrays)
                continue
            if type(x) is dict or type(x) is list:
                _order(x, key == "@list")
            elif type(x) in _NUMBERS and _unlike_json(x):
                value[key] = orjson.Fragment(_ENCODE(x))
        return
    for i, x in enumerate(value):
        if type(x) is dict or type(x) is list:
            _order(x)
        elif type(x) in _NUMBERS and _unlike_json(x):
            value[i] = orjson.Fragment(_ENCODE(x))
    if not ordered and len(value) > 1:
        value.sort(key=_sort_text)


_NUMBERS = (float, int)


def _unlike_json(x: Any) -> bool:
    """A number orjson writes otherwise than json: a float (1e+16, NaN), an integer beyond 64 bits."""
    return type(x) is float or (type(x) is int and not -(2**63) <= x < 2**64)


def _sort_text(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # JSON's own text of a number
