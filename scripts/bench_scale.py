"""Benchmark the build at scale: the real data replicated x10 and x100, run through the real
pipeline, each stage timed (wall, CPU, peak RSS) beside raw Oxigraph references measured in the
same run. Usage:

    python scripts/bench_scale.py                 # x1 and x10
    python scripts/bench_scale.py --scale 5       # x5 (about a million triples)
    python scripts/bench_scale.py --scale 1 5 --max-rss 8 --timeout 900 --no-site
    python scripts/bench_scale.py --as-filed --scale 1   # and the data as issue 10 was filed

The x N dataset is a project directory under build/bench/x{N}/: the ontology, the queries and the
real data as they are, plus, for each copy k = 1..N-1, the asserted triples of every data graph
(segmented provisions included) written as extra Turtle files (data/{graph}/scale-x{N}.ttl), with
new IRIs per copy. What is shared, never copied: the ontology and its vocabularies (modality,
role, scope, scheme), states, principles, topics, places and actor categories, and graph/links
(whose linksets count their members, which copies would break). A copy keeps the shape of the
original: a norm 13g becomes 1013g, 2013g...; a document A/70/174 becomes A/101/174, A/102/174...
with its symbol rewritten alike (dcterms:identifier, cno:printedSymbol), so every check still
holds; a person becomes person/{slug}-c1... A triple about a shared entity is copied only when it
points at a copied one through a property that is not functional (a functional one would make the
copies owl:sameAs each other), and never when it is unchanged. Generation is deterministic; the
directory is reused while the generator and the data are unchanged.

With --as-filed, the data that issue 10 calls x1 is measured first: the GGE report and the G7
synthesis as modelled today (about 16,000 triples, inferences included), without the Paris Call and
EuRepoC, which were registered after the issue was filed and make today's x1 about ten times larger
(build/bench/as-filed/, see generate_as_filed).

Each measurement runs in its own process; peak RSS is sampled over the whole process tree (HermiT's
Java included) and taken with the kernel's high-water marks. A stage that goes past --max-rss GiB
or --timeout seconds is killed and reported as such. Stages are the build's own, as it logs them.

To measure an older revision with the same script and the same data:
    git worktree add /tmp/old REV && cp scripts/bench_scale.py /tmp/old/scripts/
    PYTHONPATH=/tmp/old python /tmp/old/scripts/bench_scale.py --scale 1 10

Figures go in the closing notes and the README, never into timed assertions in the test suite."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/cybernorms/id/"
SHARED_KINDS = {"state", "principle", "topic", "modality", "role", "scope", "scheme", "place", "actor"}
SHARED_KINDS |= {"code", "status", "decision"}  # vocabularies: EuRepoC's codes, statuses, decisions
NUMBERED_KINDS = {"norm", "cbm", "capacity-building", "legal-view", "risk", "recommendation", "conclusion"}
NUMBERED_KINDS |= {"observation"}
SLUG_KINDS = {"org", "person", "membership", "event", "initiative", "framework", "agent", "support", "dataset"}
SLUG_KINDS |= {"principle-of-action", "incident", "rule", "act"}
SYMBOL_PROPERTIES = {"http://purl.org/dc/terms/identifier", "https://w3id.org/cybernorms/ontology#printedSymbol"}
FUNCTIONAL = "http://www.w3.org/2002/07/owl#FunctionalProperty"
NOT_COPIED = {"ontology", "links", "inferred"}
INPUT_DIRS = ("ontology", "data", "queries", "profiles")  # what a project directory holds
INPUT_FILES = ("CHANGELOG.md",)  # (the ontology's prior version comes from it)
GIB = 1024**3
LATER = ("paris-call", "eurepoc")  # the datasets registered after issue 10 was filed (see generate_as_filed)
STAGE_WORDS = ("parsing", "validating", "reasoning", "writing", "export", "site")  # the build's stages, as logged


# ------------------------------------------------------------------------------ generation


def _copy_iri(iri: str, k: int) -> str:
    """The IRI of an entity in copy k (unchanged for shared entities and for other namespaces)."""
    if not iri.startswith(ID):
        return iri
    kind, _, rest = iri[len(ID) :].partition("/")
    head, sep, tail = rest.partition("/")
    if kind in SHARED_KINDS:
        return iri
    if kind in NUMBERED_KINDS:
        m = re.fullmatch(r"(\d+)(.*)", head)
        if not m:
            raise ValueError(f"cannot renumber {iri}")
        head = f"{1000 * k + int(m.group(1))}{m.group(2)}"
    elif kind == "practice":
        first, _, more = head.partition("-")
        head = f"{first}c{k}-{more}"
    elif kind == "document":
        m = re.fullmatch(r"(A(?:-[A-Z]+)*)-(\d{1,3})-(\d{1,4})", head)
        head = f"{m.group(1)}-{100 + k}-{m.group(3)}" if m else f"{head}-c{k}"
    elif kind in SLUG_KINDS:
        head = f"{head}-c{k}"
    else:
        raise ValueError(f"the generator does not know the kind of {iri}: add it to SHARED/NUMBERED/SLUG_KINDS")
    return f"{ID}{kind}/{head}{sep}{tail}"


def _copy_symbol(value: str, k: int) -> str:
    """A/70/174 -> A/{100+k}/174, 68/243 -> {100+k}/243: the session number, as the IRI."""
    return re.sub(r"\d{1,3}(?=/\d)", str(100 + k), value, count=1)


def _copy_inputs(name: str) -> tuple[Path, str] | None:
    """build/bench/{name}/, a copy of the project's inputs, and the key of this generator and those
    inputs; None when the copy made from the same key is already there."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    inputs = [folder for folder in INPUT_DIRS if (ROOT / folder).is_dir()]
    for folder in inputs:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    key = f"{name}-{digest.hexdigest()[:16]}"
    dest = ROOT / "build" / "bench" / name
    if (dest / ".generated").is_file() and (dest / ".generated").read_text() == key:
        return None
    shutil.rmtree(dest, ignore_errors=True)
    for folder in inputs:
        shutil.copytree(ROOT / folder, dest / folder)
    for file in INPUT_FILES:
        if (ROOT / file).is_file():
            shutil.copy(ROOT / file, dest / file)
    return dest, key


def generate_as_filed() -> Path:
    """The project directory of the data that issue 10 calls x1 (build/bench/as-filed/): the UN GGE
    report and the G7 synthesis as modelled today, without the datasets registered since the issue
    was filed (LATER: their folders under data/, and every file of data/ named after one of them,
    such as data/reference/states-eurepoc.ttl), with the generated link files remade offline from
    the verified tables (`cybernorms link --offline --write`), since those link states that only
    the later datasets describe."""
    copied = _copy_inputs("as-filed")
    dest = ROOT / "build" / "bench" / "as-filed"
    if copied is None:
        return dest
    dest, key = copied
    for path in sorted((dest / "data").rglob("*"), reverse=True):
        named = path.name.split(".")[0]
        if any(named == slug or named.startswith(slug + "-") or named.endswith("-" + slug) for slug in LATER):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    links = [sys.executable, "-m", "cybernorms.cli", "--root", str(dest), "--build-dir", str(dest / "build")]
    subprocess.run([*links, "--quiet", "link", "--offline", "--write"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(dest / "build", ignore_errors=True)  # (the link command's lock, if any)
    (dest / ".generated").write_text(key)
    return dest


def generate(scale: int) -> Path:
    """The project directory of the x`scale` dataset, generated unless already there."""
    import pyoxigraph as ox

    from cybernorms.layout import Project
    from cybernorms.parse import parse

    copied = _copy_inputs(f"x{scale}")
    if copied is None:
        return ROOT / "build" / "bench" / f"x{scale}"
    dest, key = copied
    if scale > 1:
        quads = list(parse(Project.at(ROOT)).store.quads_for_pattern(None, None, None, None))
        functional = {
            q.subject.value
            for q in quads
            if q.predicate.value.endswith("#type") and q.object == ox.NamedNode(FUNCTIONAL)
        }
        folder = {
            spec.iri: spec.globs[0].rsplit("/", 1)[0]
            for spec in Project.at(ROOT).graphs()
            if spec.name not in NOT_COPIED
        }
        documents = {q.subject.value for q in quads if q.subject.value.startswith(ID + "document/A-")}
        # what the ontology graph defines (its vocabularies: kinds of acts, ...) is shared, whatever its kind
        ontology = {spec.iri for spec in Project.at(ROOT).graphs() if spec.name == "ontology"}
        vocabulary = {q.subject.value for q in quads if q.graph_name.value in ontology}
        for k in range(1, scale):
            renamed = {_copy_iri(d, k) for d in documents}
            assert len(renamed) == len(documents), "document symbols collide"
        by_graph: dict[str, list] = {g: [] for g in folder}
        for k in range(1, scale):

            def term(t, k=k):
                if isinstance(t, ox.NamedNode) and t.value not in vocabulary:
                    return ox.NamedNode(_copy_iri(t.value, k))
                if isinstance(t, ox.BlankNode):
                    return ox.BlankNode(f"{t.value}c{k}")
                return t

            for q in quads:
                if q.graph_name.value not in folder:
                    continue
                s, o = term(q.subject), term(q.object)
                if s == q.subject and o == q.object:
                    continue  # a fact about shared entities only: already there
                if s == q.subject and q.predicate.value in functional:
                    continue  # shared subject, copied object: the copies would become owl:sameAs
                if (
                    isinstance(o, ox.Literal)
                    and q.predicate.value in SYMBOL_PROPERTIES
                    and s.value.startswith(ID + "document/A-")
                ):
                    o = ox.Literal(_copy_symbol(o.value, k), datatype=o.datatype)
                by_graph[q.graph_name.value].append(ox.Triple(s, q.predicate, o))
        for graph, triples in by_graph.items():
            path = dest / folder[graph] / f"scale-x{scale}.ttl"
            path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    (dest / ".generated").write_text(key)
    return dest


# ------------------------------------------------------------------------------ measuring


def _tree(root: int) -> list[int]:
    """The process and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def measure(cmd: list[str], max_rss: float, timeout: float, env: dict | None = None) -> dict:
    """Run a command; its wall time, CPU time (children included), peak RSS of its process tree,
    stdout; 'killed' says why it was stopped, if it was."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env
    )
    peak, killed, samples = 0, None, []
    out_lines: list[str] = []
    err_lines: list[str] = []
    reader = threading.Thread(target=lambda: out_lines.extend(proc.stdout), daemon=True)
    err_reader = threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True)
    reader.start()
    err_reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        now = _rss(_tree(proc.pid))
        samples.append((time.time(), now))
        peak = max(peak, now)
        if peak > max_rss * GIB:
            killed = f"killed above {max_rss:g} GiB"
        elif time.perf_counter() - t > timeout:
            killed = f"killed after {timeout:g} s"
        if killed:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.1)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    err_reader.join()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": max(peak, usage.ru_maxrss * 1024),
        "out": "".join(out_lines),
        "err": "".join(err_lines),
        "code": proc.returncode,
        "killed": killed,
        "samples": samples,
    }


# ------------------------------------------------------------------------- child processes


def _hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_hwm() -> None:
    with contextlib.suppress(OSError):  # if it cannot be reset, each stage reports the peak so far
        Path("/proc/self/clear_refs").write_text("5")


class Stages:
    """Per stage: wall and CPU time (process and children, e.g. HermiT's Java) and the clock times
    at which it starts and ends, for the peak RSS that the parent samples over the process tree.
    Prints a JSON line per stage."""

    def __init__(self) -> None:
        self.name: str | None = None
        self.start()

    def start(self) -> None:
        self.t = time.perf_counter()
        self.clock = time.time()
        self.cpu = time.process_time()
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.child_cpu = c.ru_utime + c.ru_stime
        _reset_hwm()

    def end(self) -> None:
        if self.name is None:
            return
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        record = {
            "stage": self.name,
            "wall": time.perf_counter() - self.t,
            "cpu": time.process_time() - self.cpu + c.ru_utime + c.ru_stime - self.child_cpu,
            "hwm": _hwm(),
            "from": self.clock,
            "to": time.time(),
        }
        print(json.dumps(record), flush=True)

    def __call__(self, message: str) -> None:
        if not message.startswith(STAGE_WORDS):
            return  # a line of a report the build logs (e.g. EuRepoC values as found), not a stage
        self.end()
        self.name = message
        self.start()


def child_build(root: str, build_dir: str, *skip: str) -> None:
    import importlib

    from cybernorms.build import build
    from cybernorms.layout import Project

    for name in skip:  # module.function: replaced by a no-op (see --skip)
        module, function = name.rsplit(".", 1)
        setattr(importlib.import_module(f"cybernorms.{module}"), function, lambda *a, **k: None)
    stages = Stages()
    result = build(Project.at(root, build_dir), force=True, log=stages)
    stages.end()
    print(json.dumps({"triples": sum(result.counts.values()), "counts": result.counts}), flush=True)


def child_export(root: str, build_dir: str, dist: str) -> None:
    """The export of the dumps alone (Turtle, TriG, N-Quads, JSON-LD, RDF/XML, VoID, DCAT): what
    issue 10's export target means; the static site is measured apart (child_site)."""
    from cybernorms.export import export
    from cybernorms.layout import Project

    stages = Stages()
    stages("export")
    export(Project.at(root, build_dir, dist), with_site=False)
    stages.end()


def child_site(root: str, build_dir: str, dist: str) -> None:
    """The static site alone (dist/site/), as `cybernorms export` writes it after the dumps."""
    from cybernorms import site, store
    from cybernorms.layout import Project

    project = Project.at(root, build_dir, dist)
    stages = Stages()
    stages("site")
    site.write(project, store=store.open_current(project))
    stages.end()


def child_checks(root: str) -> None:
    """Each violation query on the parsed (asserted) dataset, as the build runs it."""
    from cybernorms.layout import Project
    from cybernorms.parse import parse
    from cybernorms.queries import load_query

    project = Project.at(root)
    store = parse(project).store
    for path in project.check_queries():
        text = load_query(path).text
        print(json.dumps({"start": path.stem}), flush=True)
        t = time.perf_counter()
        rows = list(store.query(text, use_default_graph_as_union=True))
        print(json.dumps({"check": path.stem, "wall": time.perf_counter() - t, "rows": len(rows)}), flush=True)


def child_serialize(store_dir: str, out: str) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    with open(out, "wb") as f:
        ox.serialize(store, f, format=ox.RdfFormat.N_QUADS)


def child_bulk_load(path: str, store_dir: str) -> None:
    import pyoxigraph as ox

    store = ox.Store(store_dir)
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    store.flush()


CHILDREN = {
    "build": child_build,
    "export": child_export,
    "site": child_site,
    "checks": child_checks,
    "serialize": child_serialize,
    "bulk_load": child_bulk_load,
}


# ------------------------------------------------------------------------------ orchestration


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def bench(
    name: str, project: Path, max_rss: float, timeout: float, skip: list[str], no_site: bool = False
) -> tuple[list[tuple], dict]:
    """Rows (what, wall, cpu, rss, note) for one dataset (its project directory)."""
    rows: list[tuple] = []
    me = [sys.executable, str(Path(__file__).resolve())]
    work = Path(tempfile.mkdtemp(prefix=f"cybernorms-bench-{name}-"))
    info: dict = {}
    try:
        build_dir = work / "build"
        m = measure([*me, "build", str(project), str(build_dir), *skip], max_rss, timeout)
        records = _records(m["out"])
        stages = [r for r in records if "stage" in r]
        for r in stages:
            # the peak of the process tree while the stage ran (sampled), or at least its own high-water mark
            r["rss"] = max([r["hwm"]] + [rss for t, rss in m["samples"] if r["from"] <= t <= r["to"]])
            rows.append((f"  {r['stage']}", r["wall"], r["cpu"], r["rss"], ""))
        if m["killed"] or m["code"] != 0:
            note = m["killed"] or f"failed: {m['err'].strip().splitlines()[-1:]}"
            rows.append(("  (stage in progress)", None, None, m["rss"], note))
        total = next((r for r in records if "triples" in r), {})
        info["triples"] = total.get("triples")
        rows.append(("build, cold (whole process)", m["wall"], m["cpu"], m["rss"], m["killed"] or ""))
        store_dir = build_dir / "store"
        if m["code"] != 0:
            return rows, info
        cli = [sys.executable, "-m", "cybernorms.cli", "--root", str(project), "--build-dir", str(build_dir)]
        m = measure([*cli, "build", "--quiet"], max_rss, timeout)
        rows.append(("rebuild, inputs unchanged", m["wall"], m["cpu"], m["rss"], ""))
        m = measure([*me, "export", str(project), str(build_dir), str(work / "dist")], max_rss, timeout)
        rows.append(("export: the dumps (with_site=False)", m["wall"], m["cpu"], m["rss"], m["killed"] or ""))
        if not no_site:
            m = measure([*me, "site", str(project), str(build_dir), str(work / "dist")], max_rss, timeout)
            rows.append(("export: the static site alone", m["wall"], m["cpu"], m["rss"], m["killed"] or ""))
        m = measure([*me, "checks", str(project)], max_rss, min(timeout, 300))
        records = _records(m["out"])
        checks = sorted((r for r in records if "check" in r), key=lambda r: -r["wall"])
        if m["killed"]:
            started = [r["start"] for r in records if "start" in r]
            rows.append((f"violation query {started[-1]}", None, None, None, m["killed"]))
        if checks:
            rows.append(
                (f"slowest violation query ({checks[0]['check']})", checks[0]["wall"], None, None, f"{len(checks)} run")
            )
        info["checks"] = {r["check"]: r["wall"] for r in checks}
        nq = work / "all.nq"
        m = measure([*me, "serialize", str(store_dir), str(nq)], max_rss, timeout)
        rows.append(("ref: pyoxigraph.serialize N-Quads", m["wall"], m["cpu"], m["rss"], ""))
        m = measure([*me, "bulk_load", str(nq), str(work / "ref-store")], max_rss, timeout)
        rows.append(("ref: Store.bulk_load N-Quads", m["wall"], m["cpu"], m["rss"], ""))
        oxigraph = Path(sys.executable).parent / "oxigraph"
        m = measure([str(oxigraph), "load", "--location", str(work / "ref-cli"), "--file", str(nq)], max_rss, timeout)
        rows.append(("ref: oxigraph load (CLI)", m["wall"], m["cpu"], m["rss"], ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows, info


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "MiB":
        return f"{v / 1024**2:,.0f}"
    return f"{v:.2f}"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in CHILDREN:
        CHILDREN[sys.argv[1]](*sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, nargs="*", default=[1, 10], help="replication factors (default: 1 10)")
    ap.add_argument("--max-rss", type=float, default=8.0, help="kill a stage above this many GiB (default 8)")
    ap.add_argument("--timeout", type=float, default=900, help="kill a stage after this many seconds (default 900)")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--no-site", action="store_true", help="do not measure the static site")
    ap.add_argument(
        "--as-filed",
        action="store_true",
        help="also measure, first, the data issue 10 calls x1: the GGE report and the G7 synthesis, without "
        "the datasets registered since (the Paris Call, EuRepoC)",
    )
    ap.add_argument(
        "--skip",
        nargs="+",
        default=[],
        metavar="MODULE.FUNCTION",
        help="replace these stage functions by no-ops (e.g. validate.checks), to measure the stages after "
        "one that cannot finish at a scale (an older revision at x100)",
    )
    args = ap.parse_args()
    import cybernorms

    print(f"code: {Path(cybernorms.__file__).parent}; machine: {os.cpu_count()} cores", flush=True)
    results = {}
    datasets = [("as filed", generate_as_filed)] if args.as_filed else []
    datasets += [(f"x{scale}", lambda scale=scale: generate(scale)) for scale in args.scale]
    for name, make in datasets:
        load_before = os.getloadavg()[0]
        rows, info = bench(name.replace(" ", "-"), make(), args.max_rss, args.timeout, args.skip, args.no_site)
        results[name] = {"rows": rows, **info}
        triples = f"{info['triples']:,} triples" if info.get("triples") else "build did not finish"
        skipped = f"; replaced by no-ops: {', '.join(args.skip)}" if args.skip else ""
        load = f"load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}"
        info["load"] = [load_before, os.getloadavg()[0]]
        print(f"\n{name} ({triples}{skipped}; {load})")
        width = max(len(r[0]) for r in rows)
        print(f"{'stage'.ljust(width)} | {'wall s':>8} | {'CPU s':>8} | {'peak RSS MiB':>12} | note")
        print(f"{'-' * width}-+-{'-' * 8}-+-{'-' * 8}-+-{'-' * 12}-+-----")
        for what, wall, cpu, rss, note in rows:
            print(f"{what.ljust(width)} | {_fmt(wall, 's'):>8} | {_fmt(cpu, 's'):>8} | {_fmt(rss, 'MiB'):>12} | {note}")
        sys.stdout.flush()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
