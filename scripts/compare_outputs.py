"""Compare the outputs of two builds of the same sources (say, before and after a change of the
pipeline): the store graph by graph, and every exported file, byte for byte or, when the bytes
differ, as RDF (the same graph, up to blank node labels). Usage:

    python scripts/compare_outputs.py OLD NEW

where OLD and NEW each hold build/ (with build/store) and dist/ (from `cybernorms export
--dist-dir`). Prints one line per graph and per file, and exits with status 1 if a graph differs
(different bytes of the same graph are reported, not counted as a difference)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import rdflib

from cybernorms.export import canonical
from cybernorms.layout import Project

RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".owl": ox.RdfFormat.RDF_XML,
}


def lines(quads) -> list[str]:
    """The quads as sorted N-Quads lines, blank nodes canonically labelled."""
    return sorted(f"{q} ." for q in canonical(quads))


def parsed(path: Path) -> list[str]:
    if path.suffix == ".jsonld":
        g = rdflib.Graph().parse(path, format="json-ld")
        data = g.serialize(format="nt", encoding="utf-8")
        return lines(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return lines(ox.parse(path=str(path), format=RDF_FORMATS[path.suffix]))


def main() -> int:
    old, new = (Path(a) for a in sys.argv[1:3])
    differ = 0
    a, b = ox.Store.read_only(str(old / "build" / "store")), ox.Store.read_only(str(new / "build" / "store"))
    for spec in Project.at().graphs():
        g = ox.NamedNode(spec.iri)
        x, y = lines(a.quads_for_pattern(None, None, None, g)), lines(b.quads_for_pattern(None, None, None, g))
        same = x == y
        differ += not same
        extra = "" if same else f": {len(set(x) - set(y))} only in old, {len(set(y) - set(x))} only in new"
        print(f"store graph/{spec.name:10} {len(x):>9,} / {len(y):>9,} quads  {'same' if same else 'DIFFERENT'}{extra}")
    files = sorted({p.relative_to(old / "dist") for p in (old / "dist").rglob("*") if p.is_file()})
    files += sorted({p.relative_to(new / "dist") for p in (new / "dist").rglob("*") if p.is_file()} - set(files))
    for rel in files:
        p, q = old / "dist" / rel, new / "dist" / rel
        if not p.is_file() or not q.is_file():
            print(f"dist/{rel}: only in {'new' if q.is_file() else 'old'}")
            differ += 1
        elif p.read_bytes() == q.read_bytes():
            print(f"dist/{rel}: same bytes")
        elif p.suffix in RDF_FORMATS or p.suffix == ".jsonld":
            same = parsed(p) == parsed(q)
            differ += not same
            print(f"dist/{rel}: {'same graph, different bytes' if same else 'DIFFERENT graph'}")
        else:
            print(f"dist/{rel}: different bytes (not RDF)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
