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
from .layout import INFERRED, ONTOLOGY, PREFIXES, SHAPES, curie
from .parse import Dataset, parse_file
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
    inferred = ox.NamedNode(INFERRED.iri)
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
        report.write_text(
            f"{step}: {len(problems)} problem(s)\n" + "".join(f"- {p.focus or ''} {p.text}\n" for p in problems),
            encoding="utf-8",
        )
    focus = f"<{first.focus}> " if first.focus else ""
    return InputError(where, line, f"{step}: {focus}{first.text}{more}", hint)


# ----------------------------------------------------------------------------------- SHACL


def shacl(ds: Dataset, report: Path | None = None) -> None:
    import rdflib
    from pyshacl import validate as shacl_validate

    shapes_path = ds.project.root / SHAPES
    if not shapes_path.is_file():
        raise InputError(SHAPES, None, "the SHACL shapes file is missing", "restore it from version control")
    shape_quads = parse_file(ds.project, shapes_path, ONTOLOGY.iri)  # syntax errors with position
    shapes = rdflib.Graph().parse(data=ntriples(shape_quads), format="nt")
    data = rdflib.Graph().parse(data=ntriples(asserted_quads(ds)), format="nt")
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
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
        raise _fail(
            ds,
            "SHACL violation",
            problems,
            "correct the data or, if the data is right, the shape in ontology/shapes.ttl",
            report,
        )


def _short(iri: str) -> str:
    return curie(iri) or f"<{iri}>"


# ------------------------------------------------------------------------- violation queries


def checks(ds: Dataset, report: Path | None = None) -> None:
    """Run every queries/check-*.rq over the union of the asserted graphs; any row fails."""
    for path in ds.project.check_queries():
        query = load_query(path)
        try:
            result = ds.store.query(query.text, use_default_graph_as_union=True)
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
            detail = ", ".join(f"{v}={_term(row[v])}" for v in variables if v != "focus" and row[v] is not None)
            problems.append(
                Problem(
                    focus.value if isinstance(focus, ox.NamedNode) else None,
                    query.title + (f" ({detail})" if detail else ""),
                )
            )
        raise _fail(
            ds,
            f"check {path.stem}",
            problems,
            query.hint or f"see {ds.project.rel(path)} for what the check requires",
            report,
        )


def _term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return _short(t.value)
    if isinstance(t, ox.Literal):
        return repr(t.value)
    return str(t)


# ---------------------------------------------------------------------- OWL 2 DL consistency

# Why might an individual be in two disjoint classes? Each class comes from a type assertion
# (?why = rdf:type), or from the domain (?side = "s") or range (?side = "o") of a property ?why.
DIAGNOSIS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?c1 ?why1 ?side1 ?o1 ?c2 ?why2 ?side2 ?o2 WHERE {
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
} ORDER BY ?x ?c1 ?c2 LIMIT 50
"""


def _reason(ds: Dataset, x: str, why: str, side: str, other: str) -> tuple[str, str, int | None]:
    """How x got a class, in words, with the file and line of the statement responsible."""
    if side == "s":
        files = ds.stated_in.get((x, why), [])
        where, line = ds.locate(x, files, why)
        how = f"typed {_short(other)}" if why == PREFIXES["rdf"] + "type" else f"subject of {_short(why)}"
    else:
        files = ds.stated_in.get((why, x), [])
        where, line = ds.locate(other, files, why)
        how = f"object of {_short(why)}"
    return how, where, line


def consistency(ds: Dataset) -> None:
    """OWL 2 DL consistency of the ontology with all asserted data, decided by HermiT."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ServiceError(
            "java",
            None,
            "Java was not found, and HermiT needs it",
            "install a Java runtime (17 or later) and put java on PATH",
        )
    with tempfile.TemporaryDirectory(prefix="cybernorms-hermit-") as tmp:
        path = Path(tmp) / "all.nt"
        path.write_text(ntriples(asserted_quads(ds)), encoding="utf-8")
        world = owlready2.World(filename=str(Path(tmp) / "quadstore.sqlite3"))
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            # xsd:date literals are outside the OWL 2 datatype map: HermiT treats them as opaque values.
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            rows = list(ds.store.query(DIAGNOSIS, use_default_graph_as_union=True))
            if not rows:
                raise InputError(
                    "data",
                    None,
                    "OWL inconsistency: HermiT finds the ontology and data "
                    "inconsistent, and no clash of disjoint classes explains it",
                    "look for a functional data property with two values, or a restriction the data violates",
                ) from None
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
            ) from None
        except owlready2.OwlReadyJavaError as e:
            raise ServiceError(
                "java", None, f"HermiT failed to run: {str(e).splitlines()[0][:200]}", "check the Java installation"
            ) from None
        finally:
            world.close()
