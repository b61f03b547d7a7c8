"""The build: sources -> parse -> validate -> reason -> store, in that order, each stage once.

A failing stage raises a CybernormsError before the store stage is reached, so the previous store
and the exports are never touched by a failed build. One step overlaps the next: HermiT's Java
process decides consistency while the build reasons, and its verdict is awaited (and an
inconsistency explained, from the asserted graphs) before anything is written.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import store
from .errors import CybernormsError, UsageError
from .layout import INFERRED, Project, no_collection


@dataclass
class BuildResult:
    fingerprint: str
    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@contextmanager
def _lock(project: Project) -> Iterator[None]:
    lock = project.build / ".lock"
    try:
        project.build.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "w")  # noqa: SIM115 (closed by the with statement below)
    except OSError as e:
        raise UsageError(
            project.rel(lock),
            None,
            f"cannot write in the build directory: {e.strerror}",
            "make it writable, or build elsewhere with --build-dir DIR or CYBERNORMS_BUILD",
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CybernormsError(
                project.rel(project.build), None, "another build is running", "wait for it to finish"
            ) from None
        yield


def build(project: Project, force: bool = False, log: Callable[[str], object] = print) -> BuildResult:
    with _lock(project):
        fp = store.fingerprint(project)
        if not force and store.is_current(project, fp):
            if not store.damaged(project):
                info = store.current(project) or {}
                return BuildResult(fp, True, info.get("graphs", {}))
            log(f"{project.rel(project.store)} is damaged (its files are not those its build wrote): building it again")
        # the stages are imported only now: a build with unchanged inputs needs none of them
        from . import reason, validate
        from .parse import parse

        timings: dict[str, float] = {}
        t = time.perf_counter()

        def step(name: str) -> None:
            nonlocal t
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - t
            t = now

        # the stages make a Python object for each of many statements and keep them: the garbage
        # collector would walk them again and again (see layout.no_collection)
        with no_collection():
            report = project.build / "validation-report.txt"
            report.unlink(missing_ok=True)
            log("parsing ontology, data and sources")
            ds = parse(project)
            reason.covered(ds)  # an OWL construct without a rule would leave entailments out, and the summary unsound
            for line in ds.reports:
                log(line)
            step("parse")
            log("validating: SHACL shapes")
            validate.shacl(ds, report)
            step("shacl")
            log("validating: violation queries")
            validate.checks(ds, report)
            step("checks")
            log("validating: OWL 2 DL consistency (HermiT)")
            # HermiT's Java process decides while the build reasons; its verdict is awaited before
            # the store is written, and an inconsistency is explained from the asserted graphs alone
            with validate.Hermit(ds) as hermit:
                step("hermit")
                log("reasoning: OWL 2 RL materialisation")
                reason.materialise(ds, checked=True)  # covered(ds) above
                step("reason")
                hermit.verdict(leave_out=INFERRED.iri)
                step("hermit")  # the wait for its verdict, if Java is still deciding
            counts = ds.graph_counts()
            log("writing the store")
            store.write(project, ds.store, fp, counts)
            step("store")
            return BuildResult(fp, False, counts, timings)


def summary(result: BuildResult, project: Project) -> str:
    lines = []
    if result.skipped:
        lines.append(
            f"{project.rel(project.store)} is up to date: inputs unchanged "
            f"(fingerprint {result.fingerprint[:16]}); nothing to do."
        )
    else:
        took = sum(result.timings.values())
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
        lines.append(
            f"built {project.rel(project.store)} (fingerprint {result.fingerprint[:16]}) in {took:.1f}s: {steps}"
        )
    graphs = project.graphs()
    width = max(len(g.name) for g in graphs)
    for g in graphs:
        lines.append(f"  graph/{g.name.ljust(width)}  {result.counts.get(g.name, 0):>7,} triples")
    lines.append(f"  {'total'.ljust(width + 6)}  {result.total:>7,} triples")
    return "\n".join(lines)
