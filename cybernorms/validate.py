"""Stage 3, validate: the asserted dataset must conform before anything is reasoned or stored.

In order, cheapest first: SHACL shapes (ontology/shapes.ttl), the violation queries
(queries/check-*.rq, any row is a failure), and OWL 2 DL consistency of ontology and data with
HermiT through owlready2. The first failing step stops the build with one line naming the file,
the line when it can be found, the problem and what to do; the full list goes to the report file.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, ServiceError
from .layout import GRAPH_BY_NAME, PREFIXES, SHAPES
from .parse import Dataset
from .queries import load_query

SH = PREFIXES["sh"]


@dataclass
class Problem:
    focus: str | None
    text: str


def ntriples(quads) -> str:
    """The union of some quads as N-Triples (duplicates across graphs collapse)."""
    return "".join(sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in quads}))


def asserted_quads(ds: Dataset):
    inferred = ox.NamedNode(GRAPH_BY_NAME["inferred"].iri)
    return [q for q in ds.store.quads_for_pattern(None, None, None, None) if q.graph_name != inferred]


def _fail(ds: Dataset, step: str, problems: list[Problem], hint: str, report: Path | None) -> InputError:
    first = problems[0]
    where, line = ds.locate(first.focus) if first.focus else ("data", None)
    more = ""
    if len(problems) > 1:
        more = f" (and {len(problems) - 1} more"
        more += f", all listed in {ds.project.rel(report)})" if report else ")"
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(f"{step}: {len(problems)} problem(s)\n" +
                          "".join(f"- {p.focus or ''} {p.text}\n" for p in problems), encoding="utf-8")
    focus = f"<{first.focus}> " if first.focus else ""
    return InputError(where, line, f"{step}: {focus}{first.text}{more}", hint)


# ----------------------------------------------------------------------------------- SHACL

def shacl(ds: Dataset, report: Path | None = None) -> None:
    import rdflib
    from pyshacl import validate as shacl_validate

    shapes_path = ds.project.root / SHAPES
    if not shapes_path.is_file():
        raise InputError(SHAPES, None, "the SHACL shapes file is missing", "restore it from version control")
    from .parse import parse_file
    shape_quads = parse_file(ds.project, shapes_path, GRAPH_BY_NAME["ontology"].iri)   # syntax errors with position
    shapes = rdflib.Graph().parse(data=ntriples(shape_quads), format="nt")
    data = rdflib.Graph().parse(data=ntriples(asserted_quads(ds)), format="nt")
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none",
                                          allow_warnings=True, advanced=True)
    if conforms:
        return
    problems = []
    for r in results.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult")):
        if results.value(r, rdflib.URIRef(SH + "resultSeverity")) != rdflib.URIRef(SH + "Violation"):
            continue
        focus = results.value(r, rdflib.URIRef(SH + "focusNode"))
        path = results.value(r, rdflib.URIRef(SH + "resultPath"))
        message = results.value(r, rdflib.URIRef(SH + "resultMessage"))
        value = results.value(r, rdflib.URIRef(SH + "value"))
        text = str(message) if message else "violates a shape"
        if path is not None and not isinstance(path, rdflib.BNode):
            text = f"{_short(str(path))}: {text}"
        if value is not None and value != focus:
            text += f" (value: {value})"
        problems.append(Problem(str(focus) if isinstance(focus, rdflib.URIRef) else None, text))
    if problems:
        problems.sort(key=lambda p: (p.focus or "", p.text))
        raise _fail(ds, "SHACL violation", problems,
                    "correct the data or, if the data is right, the shape in ontology/shapes.ttl", report)


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "id":
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


# ------------------------------------------------------------------------- violation queries

def checks(ds: Dataset, report: Path | None = None) -> None:
    """Run every queries/check-*.rq over the union of the asserted graphs; any row fails."""
    for path in ds.project.check_queries():
        query = load_query(path)
        try:
            rows = list(ds.store.query(query.text, use_default_graph_as_union=True))
        except SyntaxError as e:
            raise InputError(ds.project.rel(path), None, f"SPARQL syntax error: {e}", "fix the query") from None
        if not rows:
            continue
        variables = [v.value for v in rows[0].variables] if hasattr(rows[0], "variables") else []
        problems = []
        for row in rows:
            focus = row["focus"] if "focus" in variables else None
            detail = ", ".join(f"{v}={_term(row[v])}" for v in variables if v != "focus" and row[v] is not None)
            problems.append(Problem(focus.value if isinstance(focus, ox.NamedNode) else None,
                                    query.title + (f" ({detail})" if detail else "")))
        raise _fail(ds, f"check {path.stem}", problems,
                    query.hint or f"see {ds.project.rel(path)} for what the check requires", report)


def _term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return _short(t.value)
    if isinstance(t, ox.Literal):
        return repr(t.value)
    return str(t)


# ---------------------------------------------------------------------- OWL 2 DL consistency

DIAGNOSIS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?c1 ?c2 WHERE {
  { ?c1 owl:disjointWith ?c2 } UNION
  { ?d a owl:AllDisjointClasses ; owl:members ?l1 , ?l2 .
    ?l1 rdf:rest*/rdf:first ?c1 . ?l2 rdf:rest*/rdf:first ?c2 . FILTER(?c1 != ?c2) }
  { ?x a/rdfs:subClassOf* ?c1 } UNION { ?x ?p1 [] . ?p1 rdfs:subPropertyOf*/rdfs:domain/rdfs:subClassOf* ?c1 }
    UNION { [] ?p2 ?x . ?p2 rdfs:subPropertyOf*/rdfs:range/rdfs:subClassOf* ?c1 }
  { ?x a/rdfs:subClassOf* ?c2 } UNION { ?x ?p3 [] . ?p3 rdfs:subPropertyOf*/rdfs:domain/rdfs:subClassOf* ?c2 }
    UNION { [] ?p4 ?x . ?p4 rdfs:subPropertyOf*/rdfs:range/rdfs:subClassOf* ?c2 }
  FILTER(isIRI(?x) && isIRI(?c1) && isIRI(?c2) && STR(?c1) < STR(?c2))
} ORDER BY ?x LIMIT 20
"""


def consistency(ds: Dataset) -> None:
    """OWL 2 DL consistency of the ontology with all asserted data, decided by HermiT."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ServiceError("java", None, "Java was not found, and HermiT needs it",
                           "install a Java runtime (17 or later) and put java on PATH")
    with tempfile.TemporaryDirectory(prefix="cybernorms-hermit-") as tmp:
        path = Path(tmp) / "all.nt"
        path.write_text(ntriples(asserted_quads(ds)), encoding="utf-8")
        world = owlready2.World(filename=str(Path(tmp) / "quadstore.sqlite3"))
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            # xsd:date literals are outside the OWL 2 datatype map: HermiT treats them as opaque values.
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                           ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            rows = list(ds.store.query(DIAGNOSIS, use_default_graph_as_union=True))
            if rows:
                problems = [Problem(r["x"].value, f"is both {_short(r['c1'].value)} and {_short(r['c2'].value)}, "
                                                  "which the ontology declares disjoint") for r in rows]
            else:
                problems = [Problem(None, "HermiT finds the ontology and data inconsistent "
                                          "(no disjointness clash located; look for functional data properties "
                                          "with two values or restrictions the data violates)")]
            raise _fail(ds, "OWL inconsistency", problems,
                        "correct the typing of the entity, or the axioms in ontology/cybernorms.ttl", None)
        except owlready2.OwlReadyJavaError as e:
            raise ServiceError("java", None, f"HermiT failed to run: {str(e).splitlines()[0][:200]}",
                               "check the Java installation") from None
        finally:
            world.close()
