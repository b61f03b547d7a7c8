"""Stage 3, validate: the asserted dataset must conform before anything is reasoned or stored.

In order, cheapest first: SHACL shapes (ontology/shapes.ttl, validated by rudof, a Rust SHACL
engine), the violation queries (queries/check-*.rq, any row is a failure), and OWL 2 DL
consistency of ontology and data, decided by HermiT. The first failing step stops the build with
one line naming the file, the line when it can be found, the problem and what to do; the full
list goes to the report file. HermiT runs in its Java process (Hermit), which decides, on a
summary of the asserted graphs made before, while the build reasons (see build.py).

HermiT does not see the data itself but a summary of it, and runs only when that summary or the
ontology changes (its verdict is kept under build/hermit/, keyed by a hash of what it read):

- The summary keeps the ontology graph as it is, and replaces the individuals of the other graphs
  by one individual per *kind*: the individuals with the same asserted types, the same properties
  used as subject (with the datatype and language of literal values), the same properties used as
  object, and, for each functional property (or subproperty of one), a value of the same kind. Each
  statement between two individuals becomes the statement between their kinds; each kind keeps one
  literal value per property, datatype and language (the least); individuals the ontology graph
  describes (vocabulary concepts, the ontology itself) stay themselves; the owl:Axiom nodes that
  annotate a statement are left out (see KINDS). More data of the same
  shape gives the same summary, so HermiT does not run again; a new kind, or a literal that sorts
  before the one a kind keeps, changes it (and HermiT takes a few seconds on a summary).
- What it preserves: the summary is the image of the data under a mapping that keeps every
  statement, so any model of the summary gives a model of the data: if the data is inconsistent
  (an individual in two disjoint classes, through its types, the domains and ranges of its
  properties and their superproperties and inverses, or through owl:sameAs that functional
  properties entail), so is the summary. Because kinds keep apart what functional properties point
  to, the summary adds no clash the data does not have.
- What it could miss, and what covers it instead: literal values other than the one each kind
  keeps. Two different values of a functional data property on one individual are found by a query
  on the real data (FUNCTIONAL_VALUES); an ill-formed value (say "12a"^^xsd:integer) is refused by
  the parse stage (parse.check_input), and by the SHACL datatype constraints on the properties they
  cover. A construct that identifies individuals (nominals, owl:hasKey, owl:differentFrom,
  negative assertions) would break the argument: reason.covered refuses every OWL construct the
  build does not know, so it cannot slip in unnoticed.

When HermiT finds the summary inconsistent, the explanation (which individual, which classes, which
statements of which files) is searched for in the real data.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, ServiceError
from .layout import ONTOLOGY, PREFIXES, SHAPES, curie
from .parse import Dataset, construct, parse_file, select
from .queries import load_query
from .release import ontology_version_quads

SH = PREFIXES["sh"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
OWL_DISJOINT_WITH = ox.NamedNode(PREFIXES["owl"] + "disjointWith")
ONTOLOGY_GRAPH = ONTOLOGY.iri


@dataclass
class Problem:
    focus: str | None
    text: str
    message: str = ""  # for SHACL: the shape's message alone (text adds the path and the value)
    predicate: str | None = None  # the property of the focus that is at fault, when one is


def asserted_ntriples(ds: Dataset) -> bytes:
    """The union of the asserted graphs as N-Triples (duplicates across graphs collapse), written
    by Oxigraph."""
    union = construct(ds.store, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return union.serialize(format=ox.RdfFormat.N_TRIPLES) or b""


def _fail(ds: Dataset, step: str, problems: list[Problem], hint: str, report: Path | None) -> InputError:
    first = problems[0]
    if first.focus and first.predicate:  # the statement at fault, not the first that names its subject
        where, line = ds.locate(first.focus, ds.files_stating(first.focus, first.predicate), first.predicate)
    else:
        where, line = ds.locate(first.focus) if first.focus else ("data", None)
    more = ""
    if len(problems) > 1:
        more = f" (and {len(problems) - 1} more"
        more += f", all listed in {ds.project.rel(report)})" if report else ")"
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            f"{step}: {len(problems)} problem(s)\n" + "".join(f"- {p.focus or ''} {p.text}\n" for p in problems),
            encoding="utf-8",
        )
    focus = f"<{first.focus}> " if first.focus else ""
    return InputError(where, line, f"{step}: {focus}{first.text}{more}", hint)


# ----------------------------------------------------------------------------------- SHACL


def shacl(ds: Dataset, report: Path | None = None) -> None:
    shapes_path = ds.project.root / SHAPES
    if not shapes_path.is_file():
        raise InputError(SHAPES, None, "the SHACL shapes file is missing", "restore it from version control")
    shapes = parse_file(ds.project, shapes_path, ONTOLOGY_GRAPH)  # syntax errors with their position
    problems = shacl_problems(asserted_ntriples(ds), shapes_path.read_text(encoding="utf-8"), shape_messages(shapes))
    if problems:
        raise _fail(
            ds,
            "SHACL violation",
            problems,
            "correct the data or, if the data is right, the shape in ontology/shapes.ttl",
            report,
        )


def shape_messages(shapes: list[ox.Quad]) -> dict[str, str]:
    """The sh:message of each shape that has an IRI."""
    return {
        q.subject.value: q.object.value
        for q in shapes
        if q.predicate.value == SH + "message"
        and isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.Literal)
    }


def shacl_problems(data: bytes, shapes: str, messages: dict[str, str]) -> list[Problem]:
    """The SHACL violations of some N-Triples data against the shapes (Turtle), sorted. A result's
    message is its shape's sh:message, as SHACL says (rudof reports it for shapes that are blank
    nodes, not always for shapes with an IRI, hence `messages`), else the engine's own words."""
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.decode("utf-8"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes)
    problems = []
    for r in rudof.validate_shacl():
        if str(r.severity) != "Violation":
            continue
        focus = str(r.focus_node)
        message = messages.get(str(r.source_shape)) or _unquote(str(r.message or "")) or "violates a shape"
        text = message
        path = str(r.path or "")
        if re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s()|^]+", path):  # a predicate, not a complex path
            text = f"{_short(path)}: {text}"
        if r.value is not None and str(r.value) != focus:
            text += f" (value: {_unquote(str(r.value))})"
        problems.append(Problem(None if focus.startswith("_:") else focus, text, message))
    problems.sort(key=lambda p: (p.focus or "", p.text))
    return problems


def _unquote(value: str) -> str:
    """The lexical form of a literal as the engine writes it ("x"@fr, "1"^^xsd:integer), else the text."""
    m = re.fullmatch(r'"(.*)"(@[A-Za-z0-9-]+|\^\^\S+)?', value, re.DOTALL)
    return m.group(1) if m else value


def _short(iri: str) -> str:
    return curie(iri) or f"<{iri}>"


# ------------------------------------------------------------------------- violation queries


def checks(ds: Dataset, report: Path | None = None) -> None:
    """Run every queries/check-*.rq over the union of the asserted graphs; any row fails."""
    for path in ds.project.check_queries():
        query = load_query(path)
        try:
            result = select(ds.store, query.text, union=True)
            rows = list(result)
        except SyntaxError as e:
            raise InputError(ds.project.rel(path), None, f"SPARQL syntax error: {e}", "fix the query") from None
        if not rows:
            continue
        # the variables are those of the result (a QuerySolution does not list them)
        variables = [v.value for v in result.variables] if hasattr(result, "variables") else []
        problems = []
        for row in rows:
            focus = row["focus"] if "focus" in variables else None
            at_fault = row["property"] if "property" in variables else None
            detail = ", ".join(f"{v}={_term(row[v])}" for v in variables if v != "focus" and row[v] is not None)
            problems.append(
                Problem(
                    focus.value if isinstance(focus, ox.NamedNode) else None,
                    query.title + (f" ({detail})" if detail else ""),
                    predicate=at_fault.value if isinstance(at_fault, ox.NamedNode) else None,
                )
            )
        raise _fail(
            ds,
            f"check {path.stem}",
            problems,
            query.hint or f"see {ds.project.rel(path)} for what the check requires",
            report,
        )


def _term(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(t, ox.NamedNode):
        return _short(t.value)
    if isinstance(t, ox.Literal):
        return repr(t.value)
    return str(t)


# ---------------------------------------------------------------------- OWL 2 DL consistency

# Why might an individual be in two disjoint classes? Each class comes from a type assertion
# (?why = rdf:type), or from the domain (?side = "s") or range (?side = "o") of a property ?why.
# Of the reasons for a class, a type assertion comes first, then the others in the order of their
# IRIs: the same data always gives the same message.
# It is asked of the individuals `clashing` finds (VALUES ?x, filled in): over all of the data, the
# engine would try every pair of disjoint classes on every statement, for minutes.
DIAGNOSIS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?c1 ?why1 ?side1 ?o1 ?c2 ?why2 ?side2 ?o2 WHERE {
  VALUES ?x { %s }
  { ?c1 owl:disjointWith ?c2 } UNION
  { ?d a owl:AllDisjointClasses ; owl:members ?l1 , ?l2 .
    ?l1 rdf:rest*/rdf:first ?c1 . ?l2 rdf:rest*/rdf:first ?c2 . FILTER(?c1 != ?c2) }
  { ?x a ?t1 . ?t1 rdfs:subClassOf* ?c1 BIND(rdf:type AS ?why1) BIND("s" AS ?side1) BIND(?t1 AS ?o1) }
    UNION { ?x ?why1 ?o1 . ?why1 rdfs:subPropertyOf*/rdfs:domain/rdfs:subClassOf* ?c1 BIND("s" AS ?side1) }
    UNION { ?o1 ?why1 ?x . ?why1 rdfs:subPropertyOf*/rdfs:range/rdfs:subClassOf* ?c1 BIND("o" AS ?side1) }
  { ?x a ?t2 . ?t2 rdfs:subClassOf* ?c2 BIND(rdf:type AS ?why2) BIND("s" AS ?side2) BIND(?t2 AS ?o2) }
    UNION { ?x ?why2 ?o2 . ?why2 rdfs:subPropertyOf*/rdfs:domain/rdfs:subClassOf* ?c2 BIND("s" AS ?side2) }
    UNION { ?o2 ?why2 ?x . ?why2 rdfs:subPropertyOf*/rdfs:range/rdfs:subClassOf* ?c2 BIND("o" AS ?side2) }
  FILTER(isIRI(?x) && isIRI(?c1) && isIRI(?c2) && STR(?c1) < STR(?c2))
} ORDER BY ?x ?c1 ?c2 DESC(?why1 = rdf:type) ?why1 ?side1 ?o1 DESC(?why2 = rdf:type) ?why2 ?side2 ?o2 LIMIT 50
"""


DISJOINT_MEMBERS = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?c1 ?c2 WHERE { ?d a owl:AllDisjointClasses ; owl:members ?l1 , ?l2 .
  ?l1 rdf:rest*/rdf:first ?c1 . ?l2 rdf:rest*/rdf:first ?c2 . FILTER(?c1 != ?c2) }"""


def clashing(store: ox.Store) -> list[ox.NamedNode]:
    """The individuals (IRIs, in order) with two classes declared disjoint (owl:disjointWith, either
    way round, or owl:AllDisjointClasses), through their types or the domains and ranges of the
    properties they are used with, and the superclasses and superproperties of these: the
    individuals DIAGNOSIS may explain (a superset of them), found in one pass over the statements."""

    def edges(rdfs: str) -> dict[Term, set[Term]]:
        out: dict[Term, set[Term]] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(PREFIXES["rdfs"] + rdfs), None, None):
            out.setdefault(q.subject, set()).add(q.object)
        return out

    def closure(start: Term, up: dict[Term, set[Term]]) -> set[Term]:
        seen, todo = {start}, [start]
        while todo:
            for above in up.get(todo.pop(), ()):
                if above not in seen:
                    seen.add(above)
                    todo.append(above)
        return seen

    superclasses, superproperties = edges("subClassOf"), edges("subPropertyOf")
    domains, ranges = edges("domain"), edges("range")
    disjoint: dict[Term, set[Term]] = {}
    pairs = [(q.subject, q.object) for q in store.quads_for_pattern(None, OWL_DISJOINT_WITH, None, None)]
    pairs += [(row["c1"], row["c2"]) for row in select(store, DISJOINT_MEMBERS, union=True)]
    for a, b in pairs:
        disjoint.setdefault(a, set()).add(b)
        disjoint.setdefault(b, set()).add(a)
    classes_of_type: dict[Term, set[Term]] = {}
    by_property: dict[tuple[Term, bool], set[Term]] = {}

    def through(p: Term, subject: bool) -> set[Term]:
        """The classes a property gives its subject (its domains) or its object (its ranges)."""
        if (p, subject) not in by_property:
            found: set[Term] = set()
            for q in closure(p, superproperties):
                for c in (domains if subject else ranges).get(q, ()):
                    found |= closure(c, superclasses)
            by_property[p, subject] = found
        return by_property[p, subject]

    classes: dict[ox.NamedNode, set[Term]] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        s, p, o = q.subject, q.predicate, q.object
        if isinstance(s, ox.NamedNode):
            got = through(p, True)
            if p == RDF_TYPE:
                if o not in classes_of_type:
                    classes_of_type[o] = closure(o, superclasses)
                got = got | classes_of_type[o]
            if got:
                classes.setdefault(s, set()).update(got)
        if isinstance(o, ox.NamedNode) and (got := through(p, False)):
            classes.setdefault(o, set()).update(got)
    found = [x for x, cs in classes.items() if any(disjoint.get(c, set()) & cs for c in cs)]
    return sorted(found, key=lambda x: x.value)


def _reason(ds: Dataset, x: str, why: str, side: str, other: str) -> tuple[str, str, int | None]:
    """How x got a class, in words, with the file and line of the statement responsible."""
    if side == "s":
        where, line = ds.locate(x, ds.files_stating(x, why), why)
        how = f"typed {_short(other)}" if why == PREFIXES["rdf"] + "type" else f"subject of {_short(why)}"
    else:
        where, line = ds.locate(other, ds.files_stating(None, why, x), why)
        how = f"object of {_short(why)}"
    return how, where, line


# The functional properties and their subproperties (a statement through one, between data
# individuals, tells the kind of its subject the kind of its object: see summary).
FUNCTIONAL = f"""PREFIX rdfs: <{PREFIXES["rdfs"]}> PREFIX owl: <{PREFIXES["owl"]}>
SELECT DISTINCT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p rdfs:subPropertyOf* ?f . ?f a owl:FunctionalProperty }} }}"""

# Two different values of a functional data property on one individual (the summary keeps one).
FUNCTIONAL_VALUES = f"""PREFIX rdf: <{PREFIXES["rdf"]}> PREFIX owl: <{PREFIXES["owl"]}>
SELECT ?x ?p ?v1 ?v2 WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a owl:FunctionalProperty , owl:DatatypeProperty }}
  GRAPH ?g1 {{ ?x ?p ?v1 }} GRAPH ?g2 {{ ?x ?p ?v2 }}
  FILTER(isLiteral(?v1) && isLiteral(?v2) && STR(?v1) < STR(?v2) && !(?v1 = ?v2))
}} ORDER BY ?x ?p LIMIT 1"""

KIND = "urn:x-cybernorms:kind/"
OWL_AXIOM = ox.NamedNode(PREFIXES["owl"] + "Axiom")
# The literals whose order is that of their text (code points, as Oxigraph compares strings); the
# least of several values of another datatype (numbers, dates) is asked of Oxigraph (LEAST).
TEXTUAL = (ox.NamedNode(PREFIXES["xsd"] + "string"), ox.NamedNode(PREFIXES["rdf"] + "langString"))
LEAST = "SELECT ?k (MIN(?v) AS ?least) WHERE { VALUES (?k ?v) { %s } } GROUP BY ?k"
Node = ox.NamedNode | ox.BlankNode


@dataclass
class _Data:
    """The data graphs (all but the ontology graph), read in one pass: the features of each node
    that is the subject of a statement or the object of one other than rdf:type, each as the line
    of its kind that says it (see _kind), the statements between nodes (rdf:type included) and those
    with a literal value (a statement stated in two graphs is there twice)."""

    features: dict[Node, set[str]]
    edges: list[ox.Quad]
    literals: list[ox.Quad]


def _read(store: ox.Store) -> _Data:
    data = _Data({}, [], [])
    features = data.features
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    for graph in store.named_graphs():
        if graph == ontology:
            continue
        for q in store.quads_for_pattern(None, None, None, graph):
            s, p, o = q.subject, q.predicate, q.object
            if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
                continue
            mine = features.get(s)
            if mine is None:
                mine = features[s] = set()
            if isinstance(o, ox.Literal):
                mine.add(f"> {p.value} ^{o.datatype.value}@{o.language or ''}")
                data.literals.append(q)
                continue
            data.edges.append(q)
            if p == RDF_TYPE:
                mine.add(f"a {o.value}")
                continue
            mine.add(f"> {p.value}")
            theirs = features.get(o)
            if theirs is None:
                theirs = features[o] = set()
            theirs.add(f"< {p.value}")
    return data


def _kind(features: set[str]) -> str:
    """A kind as the text its name is made from: one line per feature, sorted. A type is "a T", a
    property used as subject "> P" ("> P ^D@L" with a literal of datatype D and language L, or
    none), a property used as object "< P"."""
    return "\n".join(sorted(features))


def summary(ds: Dataset) -> list[str]:
    """The data graphs summarised (see the module's docstring), as sorted N-Triples lines."""
    store = ds.store
    data = _read(store)
    # individuals the ontology graph describes (vocabulary concepts, the ontology) stay themselves;
    # the reified axioms that carry the curation notes (owl:Axiom) are annotations, which have no
    # bearing on consistency in OWL 2: they stay out of the summary (merged into kinds they would
    # be malformed)
    described = {q.subject for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))}
    axioms = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, OWL_AXIOM, None)}
    base: dict[Term, str] = {x: _kind(f) for x, f in data.features.items() if x not in described and x not in axioms}
    # refine: a kind also says, for each functional property, the kind of its value (until stable)
    properties = {row["p"] for row in select(store, FUNCTIONAL)}
    functional = [
        (q.subject, q.predicate.value, q.object) for q in data.edges if q.predicate in properties and q.subject in base
    ]
    kinds = base
    while functional:
        digests = {kind: _digest(kind) for kind in set(kinds.values())}
        extra: dict[Term, list[str]] = {}
        for x, p, y in functional:
            kind = kinds.get(y)
            extra.setdefault(x, []).append(f"= {p} {_digest(str(y)) if kind is None else digests[kind]}")
        refined = dict(base)
        for node, said in extra.items():
            refined[node] += "".join(f"\n{e}" for e in sorted(said))
        stable = len(set(refined.values())) == len(set(kinds.values()))
        kinds = refined
        if stable:
            break
    # each individual's name in N-Triples: that of its kind, or its own if the ontology describes it
    names = {kind: f"<{KIND}{_digest(kind)}>" for kind in set(kinds.values())}
    of: dict[Term, str] = {x: names[kind] for x, kind in kinds.items()}
    of.update((x, str(x)) for x in data.features if x in described)
    # each statement between two individuals as the statement between their kinds
    edges = set()
    for q in data.edges:
        if (kx := of.get(q.subject)) is not None and (ky := of.get(q.object)) is not None:
            edges.add((kx, q.predicate, ky))
    lines = {f"{kx} {p} {ky} .\n" for kx, p, ky in edges}
    # one literal per kind, property, datatype and language: the least
    values: dict[tuple[str, ox.NamedNode, ox.NamedNode, str], set[ox.Literal]] = {}
    for q in data.literals:
        if (kx := of.get(q.subject)) is not None:
            v = q.object
            assert isinstance(v, ox.Literal)
            values.setdefault((kx, q.predicate, v.datatype, v.language or ""), set()).add(v)
    ordered: list[tuple[tuple[str, ox.NamedNode, ox.NamedNode, str], set[ox.Literal]]] = []
    for group, found in values.items():
        if len(found) == 1 or group[2] in TEXTUAL:
            lines.add(f"{group[0]} {group[1]} {min(found, key=lambda v: v.value)} .\n")
        else:
            ordered.append((group, found))
    if ordered:
        rows = " ".join(f"({i} {v})" for i, (_, found) in enumerate(ordered) for v in found)
        for row in select(store, LEAST % rows):
            group = ordered[int(row["k"].value)][0]
            lines.add(f"{group[0]} {group[1]} {row['least']} .\n")
    rdf_type = f"<{PREFIXES['rdf']}type>"
    for kind, name in names.items():
        lines |= {f"{name} {rdf_type} <{entry[2:]}> .\n" for entry in kind.split("\n") if entry.startswith("a ")}
    return sorted(lines)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _hermit() -> list[str]:
    """The class path of the HermiT that owlready2 ships (found without importing owlready2)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(
            "owlready2", None, "the owlready2 package (which ships HermiT) is missing", "run make install"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "hermit"
    return [str(folder), str(folder / "HermiT.jar")]


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise ServiceError(
            "java",
            None,
            "Java was not found, and HermiT needs it",
            "install a Java runtime (17 or later) and put java on PATH",
        )
    return java


def consistency(ds: Dataset) -> None:
    """OWL 2 DL consistency of the ontology with all asserted data, decided by HermiT on the
    summary of the data, unless the same summary was already found consistent."""
    with Hermit(ds) as hermit:
        hermit.verdict()


class Hermit:
    """HermiT deciding the consistency of the summary in a Java process of its own, which the
    build lets run while it reasons (the JVM's start and HermiT's run take about a second of
    wall time, spent waiting): opening it checks what the summary cannot show (FUNCTIONAL_VALUES),
    computes the summary and starts Java unless the same summary was already found consistent;
    `verdict` waits for HermiT and raises the error that explains an inconsistency. Leaving it
    (after a verdict, an error or a signal) stops Java if it still runs and removes its folder."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.process: subprocess.Popen[bytes] | None = None
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.known = ds.project.build / "hermit" / "none"  # where the verdict is kept, once known

    def __enter__(self) -> Hermit:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self._stop()

    def _start(self) -> None:
        ds = self.ds
        row = next(iter(select(ds.store, FUNCTIONAL_VALUES)), None)
        if row is not None:
            x, p = row["x"].value, row["p"].value
            where, line = ds.locate(x, ds.files_stating(x, p), p)
            raise InputError(
                where,
                line,
                f"OWL inconsistency: <{x}> has two values of {_short(p)}, which the ontology declares functional "
                f"(one value at most): {row['v1']} and {row['v2']}",
                "keep one value, or correct the axioms in ontology/cybernorms.ttl",
            )
        classpath = _hermit()
        ontology = construct(ds.store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
        lines = summary(ds)
        key = hashlib.sha256()
        for spec, path in ds.project.graph_files():
            if spec.iri == ONTOLOGY_GRAPH:
                key.update(ds.project.rel(path).encode() + b"\0" + path.read_bytes())
        key.update("".join(sorted(str(q) for q in ontology_version_quads(ds.project, ONTOLOGY_GRAPH))).encode())
        key.update("".join(lines).encode())
        key.update(Path(classpath[1]).read_bytes())
        self.known = ds.project.build / "hermit" / f"{key.hexdigest()[:32]}.consistent"
        if self.known.is_file():
            return
        java = _java()
        self.folder = tempfile.TemporaryDirectory(prefix="cybernorms-hermit-")
        folder = Path(self.folder.name)
        path = folder / "summary.nt"
        with open(path, "wb") as f:
            ontology.serialize(f, format=ox.RdfFormat.N_TRIPLES)
            f.write("".join(lines).encode("utf-8"))
        heap = 256 + 16 * (path.stat().st_size >> 20)  # MiB: the summary is small; its size decides
        # a short run: the client compiler only and the serial collector start faster and use less CPU
        command = [java, f"-Xmx{heap}m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", ":".join(classpath)]
        command.append("org.semanticweb.HermiT.cli.CommandLine")
        # -k: consistency only (no classification); xsd:date is outside the OWL 2 datatype map
        command += ["-k", "--ignoreUnsupportedDatatypes", path.as_uri()]
        # its output goes to files (a pipe nobody reads while the build reasons could fill and stop it)
        with open(folder / "out", "wb") as out, open(folder / "err", "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)

    def verdict(self, leave_out: str | None = None) -> None:
        """Wait for HermiT; if it finds the summary inconsistent, raise the error that explains it,
        found in the real data, after removing the graph `leave_out` (what was added since the
        start: the inferred graph) so that the explanation rests on the asserted statements."""
        if self.process is None or self.folder is None:
            return
        code = self.process.wait()
        folder = Path(self.folder.name)
        said = (folder / "out").read_text(errors="replace") + (folder / "err").read_text(errors="replace")
        if code == 0:
            self.known.parent.mkdir(parents=True, exist_ok=True)
            self.known.write_text("consistent\n", encoding="utf-8")
            return
        if "Inconsistent ontology" not in said:
            first = (folder / "err").read_text(errors="replace").strip() or said.strip()
            raise ServiceError(
                "java",
                None,
                f"HermiT failed to run: {(first.splitlines() or [''])[0][:200]}",
                "check the Java installation",
            )
        if leave_out is not None:
            self.ds.store.remove_graph(ox.NamedNode(leave_out))
        explain(self.ds)

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None


def explain(ds: Dataset) -> None:
    """Raise the error that says why the data is inconsistent, found in the real data."""
    individuals = clashing(ds.store)
    rows = list(select(ds.store, DIAGNOSIS % " ".join(map(str, individuals)), union=True)) if individuals else []
    if not rows:
        raise InputError(
            "data",
            None,
            "OWL inconsistency: HermiT finds the ontology and data "
            "inconsistent, and no clash of disjoint classes explains it",
            "look for a functional data property with two values, or a restriction the data violates",
        )
    r = rows[0]
    x = r["x"].value
    reasons = [_reason(ds, x, r[f"why{i}"].value, r[f"side{i}"].value, r[f"o{i}"].value) for i in (1, 2)]
    # point at the statement that is not a plain type assertion, if one is: the usual mistake
    # is a property used on the wrong kind of thing (its domain or range adds the clashing class)
    culprit = next((rs for rs in reversed(reasons) if not rs[0].startswith("typed")), reasons[1])
    detail = "; ".join(
        f"{_short(r[f'c{i}'].value)} as {how} ({where}{':' + str(line) if line else ''})"
        for i, (how, where, line) in zip((1, 2), reasons, strict=False)
    )
    raise InputError(
        culprit[1],
        culprit[2],
        f"OWL inconsistency: <{x}> is both {_short(r['c1'].value)} and "
        f"{_short(r['c2'].value)}, which the ontology declares disjoint: {detail}",
        "correct the statement, or the axioms in ontology/cybernorms.ttl",
    )
