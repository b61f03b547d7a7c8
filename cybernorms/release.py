"""Release: the version, where it flows, and what changed between two releases.

The version lives in one place, `cybernorms.__version__`. From there it reaches the package metadata
(hatchling reads it), the ontology (`owl:versionIRI`, `owl:versionInfo` and `owl:priorVersion`, added
to graph/ontology by the parse stage, never written by hand in the Turtle), VoID/DCAT and the site.
The previous release is the second release heading of CHANGELOG.md (Keep a Changelog).

`diff` compares two releases as ODK's release diff does: the triples added and removed in each named
graph, blank nodes compared after canonicalisation. `archive` zips dist/ reproducibly.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import InputError, UsageError
from .layout import GRAPH, ONTOLOGY_IRI, PREFIXES, Project

CHANGELOG = "CHANGELOG.md"
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)
OWL = PREFIXES["owl"]


def version() -> str:
    return __version__


def version_iri(v: str) -> str:
    return f"{ONTOLOGY_IRI}/{v}"


def releases(project: Project) -> list[tuple[str, str]]:
    """The (version, date) of every release CHANGELOG.md lists, newest first."""
    path = project.root / CHANGELOG
    if not path.is_file():
        return []
    return RELEASE_HEADING.findall(path.read_text(encoding="utf-8"))


def prior_version(project: Project) -> str | None:
    """The release before this version, by CHANGELOG.md."""
    versions = [v for v, _ in releases(project)]
    if version() in versions:
        i = versions.index(version())
        return versions[i + 1] if i + 1 < len(versions) else None
    return versions[0] if versions else None


def release_date(project: Project) -> str | None:
    """The date CHANGELOG.md gives this version (None while it is unreleased)."""
    return dict(releases(project)).get(version())


def ontology_version_quads(project: Project, graph: str) -> list[ox.Quad]:
    """owl:versionIRI, owl:versionInfo and owl:priorVersion of the ontology, for graph/ontology."""
    g, onto = ox.NamedNode(graph), ox.NamedNode(ONTOLOGY_IRI)
    quads = [
        ox.Quad(onto, ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(version_iri(version())), g),
        ox.Quad(onto, ox.NamedNode(OWL + "versionInfo"), ox.Literal(version()), g),
    ]
    prior = prior_version(project)
    if prior:
        quads.append(ox.Quad(onto, ox.NamedNode(OWL + "priorVersion"), ox.NamedNode(version_iri(prior)), g))
    return quads


# ------------------------------------------------------------------------------------ diff


@dataclass
class GraphDiff:
    graph: str
    added: list[str] = field(default_factory=list)  # N-Triples lines
    removed: list[str] = field(default_factory=list)


def _dataset_file(path: Path) -> tuple[Path, ox.RdfFormat]:
    """The whole-dataset dump of a release: an .nq or .trig file, a dist/ directory, or a release zip."""
    if path.is_dir():
        for name, fmt in (("cybernorms.nq", ox.RdfFormat.N_QUADS), ("cybernorms.trig", ox.RdfFormat.TRIG)):
            if (path / name).is_file():
                return path / name, fmt
        raise UsageError(
            str(path),
            None,
            "no cybernorms.nq or cybernorms.trig in this directory",
            "give a dist/ directory written by `cybernorms export`, a release zip or a dump",
        )
    formats = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
    if path.suffix in formats and path.is_file():
        return path, formats[path.suffix]
    raise UsageError(
        str(path),
        None,
        "not a release: expected a dist/ directory, a .zip, .nq or .trig file",
        "run `cybernorms export` or `cybernorms release` to make one",
    )


def _quads(path: Path) -> Iterator[ox.Quad]:
    try:
        if path.suffix == ".zip" and path.is_file():
            with zipfile.ZipFile(path) as z:
                names = [n for n in z.namelist() if n.endswith("/cybernorms.nq") or n == "cybernorms.nq"]
                if not names:
                    raise UsageError(
                        str(path), None, "the archive holds no cybernorms.nq", "give a zip made by `cybernorms release`"
                    )
                data = z.read(names[0])
            yield from ox.parse(data, format=ox.RdfFormat.N_QUADS)
            return
        file, fmt = _dataset_file(path)
        yield from ox.parse(path=str(file), format=fmt)
    except SyntaxError as e:
        raise InputError(str(path), getattr(e, "lineno", None), f"not valid RDF: {e}", "give a release dump") from None
    except (OSError, zipfile.BadZipFile) as e:
        raise InputError(str(path), None, f"cannot read it: {e}", "check the path") from None


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, set[str]]:
    ds = ox.Dataset(quads)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    graphs: dict[str, set[str]] = {}
    for q in ds:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        graphs.setdefault(name, set()).add(f"{q.subject} {q.predicate} {q.object} .")
    return graphs


def diff(old: Path, new: Path) -> list[GraphDiff]:
    """The triples added and removed in each named graph from release `old` to release `new`."""
    before, after = _by_graph(_quads(old)), _by_graph(_quads(new))
    out = []
    for graph in sorted(set(before) | set(after)):
        b, a = before.get(graph, set()), after.get(graph, set())
        d = GraphDiff(graph, sorted(a - b), sorted(b - a))
        if d.added or d.removed:
            out.append(d)
    return out


def format_diff(diffs: list[GraphDiff], old: str, new: str) -> str:
    if not diffs:
        return f"no change between {old} and {new}\n"
    lines = [f"changes from {old} to {new}:"]
    for d in diffs:
        name = d.graph.removeprefix(GRAPH) if d.graph.startswith(GRAPH) else (d.graph or "default graph")
        name = f"graph/{name}" if d.graph.startswith(GRAPH) else name
        lines.append(f"{name}: +{len(d.added):,} -{len(d.removed):,}")
        lines += [f"  - {t}" for t in d.removed]
        lines += [f"  + {t}" for t in d.added]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- archive

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no build time in the archive
# zlib's own default level: on the real dist/ (16,426 files, 350 MB) 3.5 s of CPU for 37.6 MB,
# where level 9 took 6.6 s for 36.8 MB (2 % smaller for twice the time)
ZIP_LEVEL = 6


def archive(project: Project) -> Path:
    """Zip dist/ as cybernorms-<version>.zip beside it, byte for byte the same for the same dist/,
    and write its checksum in cybernorms-<version>.zip.sha256."""
    dist = project.dist
    if not (dist / "SHA256SUMS").is_file():
        raise UsageError(str(dist), None, "no export to archive", "run `cybernorms export` first")
    name = f"cybernorms-{version()}"
    target = dist.parent / f"{name}.zip"
    tmp = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
        for path in sorted(p for p in dist.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{name}/{path.relative_to(dist).as_posix()}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes(), compresslevel=ZIP_LEVEL)
    tmp.replace(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    target.with_name(target.name + ".sha256").write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    return target
