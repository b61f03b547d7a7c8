"""Where things are: namespaces, project paths, and which input file goes to which named graph.

This module is the one place that declares the named graphs of the dataset and the files that
fill them. Every other stage asks it; none hard-codes a path or a graph IRI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

from .errors import CybernormsError, InputError, UsageError

BASE = "https://w3id.org/cybernorms/"
CNO = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

PREFIXES = {
    "cno": CNO,
    "id": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
    # the vocabularies of ontology/alignments.ttl (bound so that every export prints the same prefixes)
    "undo": "https://w3id.org/un/ontology/undo/",
    "allot": "https://w3id.org/akn/ontology/allot/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "cito": "http://purl.org/spar/cito/",
    "fabio": "http://purl.org/spar/fabio/",
    "lkif": "http://www.estrellaproject.org/lkif-core/norm.owl#",
    "oa": "http://www.w3.org/ns/oa#",
}


def curie(iri: str) -> str | None:
    """An IRI of a vocabulary as prefix:local (cno:Norm, skos:notation), or None for any other IRI
    (the data's own id/ IRIs included)."""
    for prefix, ns in PREFIXES.items():
        if prefix != "id" and iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return None


# Prefixes for readable Turtle output: the vocabularies, plus one per kind of entity
# (norm:13g, state:FRA); 'org' stays W3C ORG, so organisations are 'organisation:'.
KINDS = (
    "norm",
    "cbm",
    "capacity-building",
    "legal-view",
    "risk",
    "recommendation",
    "conclusion",
    "practice",
    "principle",
    "principle-of-action",
    "state",
    "org",
    "actor",
    "person",
    "membership",
    "event",
    "place",
    "topic",
    "modality",
    "role",
    "scope",
    "scheme",
    "document",
    "initiative",
    "framework",
    "support",
    "agent",
    "dataset",
)
TURTLE_PREFIXES = {
    **{k.replace("-", "").replace("org", "organisation"): ID + k + "/" for k in KINDS},
    **{k: v for k, v in PREFIXES.items() if k not in ("sh", "id")},
}


class GraphSpec(NamedTuple):
    name: str  # short name: a fixed graph ("reference") or a document's folder under data/
    globs: tuple[str, ...]  # files (relative to the project root) whose triples go to this graph
    description: str

    @property
    def iri(self) -> str:
        return GRAPH + self.name


# The fixed named graphs of the dataset; each document registered under data/ (a folder with a
# document.toml) adds its own graph, named after its folder, between the ontology and the reference
# graph (Project.graphs). Every triple lands in exactly one graph.
ONTOLOGY = GraphSpec(
    "ontology",
    ("ontology/cybernorms.ttl", "ontology/vocabularies.ttl", "ontology/alignments.ttl"),
    "The OWL ontology (TBox) and the controlled vocabularies of the model.",
)
REFERENCE = GraphSpec(
    "reference",
    ("data/reference/*.ttl",),
    "Facts from outside the documents: memberships, ISO codes, English names, dates.",
)
CURATION = GraphSpec(
    "curation",
    ("data/curation/*.ttl",),
    "Editorial interpretation: topics, readings, cross-links the documents do not state.",
)
LINKS = GraphSpec(
    "links",
    ("data/links/*.ttl",),
    "Identifiers of the same things in external datasets (Wikidata, EU authorities, UN ODS).",
)
INFERRED = GraphSpec("inferred", (), "What the OWL 2 RL reasoner entails from the other graphs, and nothing else.")
FIXED_GRAPHS = (ONTOLOGY, REFERENCE, CURATION, LINKS, INFERRED)
FIXED_BY_NAME = {g.name: g for g in FIXED_GRAPHS}

# Inputs that are not RDF data but still decide what a build produces.
SHAPES = "ontology/shapes.ttl"
CONTEXT = "ontology/context.jsonld"
DATA_DIR = "data"
DOCUMENT_METADATA = "document.toml"  # data/<folder>/document.toml registers a document (or a dataset)
PROFILES_DIR = "profiles"  # segmentation profiles, one per genre of text: profiles/<genre>.toml
QUERIES_DIR = "queries"
CHECK_PREFIX = "check-"  # queries/check-*.rq: violation queries, any row fails the build
LINKS_DIR = "data/links"  # graph/links: curated.ttl (by hand) and generated-*.ttl (cybernorms link)
GENERATED_LINKS = "generated-"  # prefix of the link files that `cybernorms link --write` owns and rewrites
LINK_TABLES_DIR = "data/reference/tables"  # verified identifier tables (CSV) that links are made from
LINK_CACHE_DIR = "link-cache"  # under the build directory: the endpoint answers, for --offline


MARKER = Path("ontology") / "cybernorms.ttl"  # a directory holding this file is a cybernorms project
PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "project"  # the project's inputs as an installed wheel carries them


def is_project(path: str | os.PathLike[str]) -> bool:
    return os.path.isfile(os.path.join(path, MARKER))


def default_root() -> tuple[Path, bool]:
    """Where the inputs are, and whether that place is a checkout one may write into.

    In order: the environment variable CYBERNORMS_ROOT; the current directory, if it holds a
    project; the checkout this package was imported from (an editable install, `make install`);
    the copy of the inputs inside the installed package (a wheel). Only the last is not a checkout.
    """
    env = os.environ.get("CYBERNORMS_ROOT")
    if env:
        return Path(env).resolve(), True
    cwd = Path.cwd()
    if is_project(cwd):
        return cwd.resolve(), True
    if is_project(PACKAGE.parent):
        return PACKAGE.parent, True
    return BUNDLED, False


def user_dir() -> Path:
    """Where an installed (non-checkout) cybernorms writes its store and exports."""
    import platformdirs

    return platformdirs.user_data_path("cybernorms")


def check_root(root: Path) -> None:
    """A one-line error unless `root` holds a project (for a --root or CYBERNORMS_ROOT a user gave)."""
    if not root.is_dir():
        raise UsageError(
            str(root),
            None,
            "no such project directory",
            "give the directory of a checkout with --root or CYBERNORMS_ROOT, or leave both out to use the "
            "installed copy",
        )
    if not is_project(root):
        raise UsageError(
            str(root),
            None,
            f"not a cybernorms project ({MARKER} is missing there)",
            "give the directory of a checkout with --root or CYBERNORMS_ROOT, or leave both out to use the "
            "installed copy",
        )


def document_graph(name: str) -> GraphSpec:
    """The named graph of the document or dataset registered in data/{name}/."""
    return GraphSpec(
        name,
        (f"{DATA_DIR}/{name}/*.ttl",),
        f"What the document registered in {DATA_DIR}/{name}/ states: its provisions with "
        "their text in every language held, and the curated facts it is the source of.",
    )


def graph_spec(iri: str) -> GraphSpec | None:
    """The description of a named graph of the dataset, from its IRI (None if it is not one)."""
    if not iri.startswith(GRAPH):
        return None
    name = iri[len(GRAPH) :]
    return FIXED_BY_NAME.get(name) or document_graph(name)


_PROJECTS: dict[tuple[object, ...], Project] = {}  # Project.at's answers, by what they depend on


class Project(NamedTuple):
    """The project tree a command works on: inputs under `root`, outputs in `build` and `dist`.

    Defaults: in a checkout, ROOT/build and ROOT/dist; for the inputs an installed wheel carries,
    the user's data directory (platformdirs: ~/.local/share/cybernorms on Linux). The options
    --build-dir and --dist-dir, or CYBERNORMS_BUILD and CYBERNORMS_DIST, override them.
    """

    root: Path
    build: Path
    dist: Path

    @classmethod
    def at(
        cls,
        root: str | os.PathLike[str] | None = None,
        build: str | os.PathLike[str] | None = None,
        dist: str | os.PathLike[str] | None = None,
    ) -> Project:
        """The project of these arguments, the environment and the current directory. Working it
        out (absolute paths, symbolic links resolved) costs more than a small query, so a process
        that asks again with the same arguments, environment variables, current directory and, when
        the root comes from there, the same answer to whether it holds a project, gets the same
        answer at once."""
        env = os.environ
        try:
            cwd = os.getcwd()
        except OSError:  # the current directory was removed: nothing to remember it by
            return cls._find(root, build, dist)
        named = env.get("CYBERNORMS_ROOT")
        key = (
            root and os.fspath(root),
            build and os.fspath(build),
            dist and os.fspath(dist),
            named,
            env.get("CYBERNORMS_BUILD"),
            env.get("CYBERNORMS_DIST"),
            cwd,
            None if root or named else is_project(cwd),
        )
        project = _PROJECTS.get(key)
        if project is None:
            if len(_PROJECTS) >= 64:  # many roots (a test suite's temporary ones): start afresh
                _PROJECTS.clear()
            project = _PROJECTS[key] = cls._find(root, build, dist)
        return project

    @classmethod
    def _find(
        cls,
        root: str | os.PathLike[str] | None,
        build: str | os.PathLike[str] | None,
        dist: str | os.PathLike[str] | None,
    ) -> Project:
        if root:
            r, checkout = Path(root).resolve(), True
        else:
            r, checkout = default_root()
        outputs = r if checkout else user_dir()
        b = Path(build or os.environ.get("CYBERNORMS_BUILD") or outputs / "build").resolve()
        d = Path(dist or os.environ.get("CYBERNORMS_DIST") or outputs / "dist").resolve()
        return cls(r, b, d)

    @property
    def store(self) -> Path:
        """The current store: a symbolic link swapped atomically by each successful build."""
        return self.build / "store"

    def built_store(self) -> Path:
        """The current store, or a one-line error saying to build it first."""
        if not self.store.exists():
            raise CybernormsError(
                self.rel(self.store), None, "no store has been built yet", "run `cybernorms build` first"
            )
        return self.store

    def rel(self, path: Path) -> str:
        """A path relative to the project root, for messages (symbolic links are not followed)."""
        path = Path(path)
        absolute = path if path.is_absolute() else Path.cwd() / path
        try:
            return str(absolute.relative_to(self.root))
        except ValueError:
            try:
                return str(path.resolve().relative_to(self.root))
            except ValueError:
                return str(path)

    def document_folders(self) -> list[Path]:
        """The folders under data/ that register a document or dataset (they hold a document.toml),
        sorted by name: the registry. Each one's name is the name of its named graph."""
        return sorted(p.parent for p in (self.root / DATA_DIR).glob(f"*/{DOCUMENT_METADATA}"))

    def graphs(self) -> tuple[GraphSpec, ...]:
        """The named graphs of the dataset, in a fixed order: the ontology, one per registered
        document (its folder's curated Turtle), then reference, curation, links and inferred."""
        documents = tuple(document_graph(folder.name) for folder in self.document_folders())
        return (ONTOLOGY, *documents, *FIXED_GRAPHS[1:])

    def graph(self, name: str) -> GraphSpec:
        """One named graph by name, or a one-line error naming those that exist."""
        for spec in self.graphs():
            if spec.name == name:
                return spec
        raise InputError(name, None, "no such named graph", f"use one of {', '.join(g.name for g in self.graphs())}")

    def graph_files(self) -> list[tuple[GraphSpec, Path]]:
        """Every RDF input file with the graph it feeds. A .ttl file under data/ or ontology/
        that no graph claims is an error, so that nothing is silently left out."""
        claimed: dict[Path, GraphSpec] = {}
        graphs = self.graphs()
        for spec in graphs:
            for pattern in spec.globs:
                for path in sorted(self.root.glob(pattern)):
                    claimed[self.own(path)] = spec
        shapes = (self.root / SHAPES).resolve()
        for path in sorted(list(self.root.glob("data/**/*.ttl")) + list(self.root.glob("ontology/*.ttl"))):
            p = path.resolve()
            if p not in claimed and p != shapes:
                raise InputError(
                    self.rel(path),
                    None,
                    "this file is not assigned to any named graph",
                    "move it into a document's folder (data/<folder>/ with a document.toml), or under "
                    "data/reference, data/curation or data/links (see cybernorms/layout.py)",
                )
        for spec in graphs:
            for pattern in spec.globs:
                if "*" not in pattern and not (self.root / pattern).is_file():
                    raise InputError(pattern, None, "required input file is missing", "restore it from version control")
        return [(spec, path) for path, spec in claimed.items()]

    def check_queries(self) -> list[Path]:
        return sorted((self.root / QUERIES_DIR).glob(CHECK_PREFIX + "*.rq"))

    def inputs(self) -> list[Path]:
        """All files whose content decides the build's output (for the build fingerprint): the RDF
        inputs, the shapes, the check queries, the profiles, and every file of each registered
        document's folder (its metadata, texts, tables and mappings)."""
        files = [p for _, p in self.graph_files()]
        files += [self.root / SHAPES]
        for folder in self.document_folders():
            files += [p for p in folder.rglob("*") if p.is_file()]
        files += list((self.root / PROFILES_DIR).glob("*.toml"))
        files += list((self.root / LINK_TABLES_DIR).glob("*.csv"))  # lookups a table mapping may use
        files += self.check_queries()
        files.append(self.root / "CHANGELOG.md")  # names the prior release (owl:priorVersion)
        return sorted({self.own(Path(f)) for f in files if Path(f).exists()})

    def own(self, path: Path) -> Path:
        """The real path of an input file, which must lie inside the project: a symbolic link (to
        the file or to a folder above it) that leads out is refused, naming the link and nothing
        of what it points to."""
        real = path.resolve()
        if not real.is_relative_to(self.root.resolve()):
            raise InputError(
                self.rel(path),
                None,
                "a symbolic link that leads out of the project",
                "copy the file into the project: a build reads only the project's own files",
            )
        return real


def fork_cores() -> int:
    """How many processes may share a piece of work by forking copies of this one (which inherit
    its state): the cores this process may run on, or 1 where there is no fork (not Unix)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked copies of this process (see fork_cores)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


@contextmanager
def no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector kept off for a while, then as it was: a stage that makes a
    Python object for each of a million statements and keeps them (in sets, dictionaries) would
    otherwise have them walked again and again, while it makes next to no cyclic garbage. What it
    makes is collected at the end, in this thread (a query's results must be freed in the thread
    that made them, not in whichever thread the collector runs next)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
            gc.collect()
