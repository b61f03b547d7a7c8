"""Careless and hostile input to the command line and the build (issue 15, points 4 to 6): each
case gets one line naming the file (and line) with the problem and what to do, exit status 2 (130
or 143 for a signal), and leaves the store, the exports and the temporary folders as they were.
The cases and what the code did before are listed in docs/hardening.md."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from conftest import built_copy, cli, copy_project, one_line_error


def tree(path: Path) -> list[tuple[str, int]]:
    """The files under a directory with their sizes: what must not change when a command fails."""
    if not path.exists():
        return []
    return sorted((str(p.relative_to(path)), p.stat().st_size) for p in path.rglob("*") if p.is_file())


@pytest.fixture
def fresh(tmp_path):
    """A private copy of the project inputs, never built (for the cases refused before a store is needed)."""
    return copy_project(tmp_path)


# ------------------------------------------------------------------------- (a) read-only build/


def test_a_read_only_build_directory_is_one_line(fresh, monkeypatch):
    """The tests run as root, whom file modes do not stop, and may not mount a read-only file
    system: the kernel's answer to opening the lock file on one (EROFS) is simulated at that open."""
    import builtins

    real_open = builtins.open
    lock = fresh.build / ".lock"

    def read_only(file, *args, **kwargs):
        if Path(file) == lock:
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only)
    code, out, err = cli(fresh, "build", "--quiet")
    assert code == 2
    assert out == ""
    assert one_line_error(err) == (
        "build/.lock: cannot write in the build directory: Read-only file system; make it writable, "
        "or build elsewhere with --build-dir DIR or CYBERNORMS_BUILD"
    )
    assert tree(fresh.build) == []


def test_a_build_directory_that_is_a_file_is_one_line(fresh):
    fresh.build.write_text("not a directory\n", encoding="utf-8")
    code, _, err = cli(fresh, "build", "--quiet")
    assert code == 2
    assert one_line_error(err) == (
        "build/.lock: cannot write in the build directory: File exists; make it writable, "
        "or build elsewhere with --build-dir DIR or CYBERNORMS_BUILD"
    )
    assert fresh.build.read_text(encoding="utf-8") == "not a directory\n"


# ------------------------------------------------------------- (c, i) a bad file in queries/


def test_c_a_query_file_that_is_not_utf8_is_named_and_the_others_still_list(fresh):
    bad = fresh.root / "queries" / "mine.rq"
    bad.write_bytes(b"# title: mine\n# description: caf\xe9\nSELECT * WHERE { ?s ?p ?o }\n")
    code, out, err = cli(fresh, "queries")
    assert code == 2
    assert "norms\n    The eleven norms of A/70/174" in out  # the library is still listed
    assert "mine" not in out
    assert one_line_error(err) == "queries/mine.rq:2: the query is not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_i_a_query_without_title_is_named_and_the_others_still_list(fresh):
    bad = fresh.root / "queries" / "mine.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, out, err = cli(fresh, "queries")
    assert code == 2
    assert "norms\n    The eleven norms of A/70/174" in out
    assert (
        one_line_error(err) == "queries/mine.rq:1: the query has no '# title:' header; start the file with # title: ..."
    )


# ------------------------------------------------------------------------- (h) --text and a name


def test_h_text_and_a_query_name_is_a_usage_error(fresh):
    code, out, err = cli(fresh, "query", "norms", "--text", "ASK {}")
    assert code == 2
    assert out == ""
    assert one_line_error(err) == "cybernorms: both a query ('norms') and --text were given; give one of them, not both"


# ------------------------------------------------------------------- (k) --root that does not exist


def test_k_root_that_does_not_exist(tmp_path):
    from cybernorms.cli import main

    missing = tmp_path / "nonexistent"
    for command in (["build"], ["query", "norms"], ["export"]):
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["--root", str(missing), *command])
        assert code == 2
        assert one_line_error(err.getvalue()) == (
            f"{missing}: no such project directory; give the directory of a checkout with --root or "
            "CYBERNORMS_ROOT, or leave both out to use the installed copy"
        )
    assert not missing.exists()


# ----------------------------------------------------------------- (p) serve's option values


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--port", "99999"], "--port 99999: not a TCP port; give a number from 1 to 65535"),
        (["--port", "-1"], "--port -1: not a TCP port; give a number from 1 to 65535"),
        (["--timeout", "0"], "--timeout 0: the query timeout must be more than 0 seconds; and at most 3600"),
        (["--timeout", "-5"], "--timeout -5: the query timeout must be more than 0 seconds; and at most 3600"),
    ],
)
def test_p_serve_options_are_checked_before_anything_starts(fresh, option, message):
    # the project is not even built: the values are refused before the store is looked for
    code, out, err = cli(fresh, "serve", *option)
    assert code == 2
    assert out == ""
    assert one_line_error(err) == message
    assert tree(fresh.build) == []


# --------------------------------------------------------------- cases that need a built store

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
TARGET = "data/curation/fixture.ttl"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A private project copy, built and exported once; each case adds its input, then removes it."""
    return built_copy(tmp_path_factory, "hostile")


@pytest.fixture
def project(built):
    """The built copy, with the fixture file of a case removed after it."""
    yield built
    (built.root / TARGET).unlink(missing_ok=True)


def state(p) -> tuple[object, ...]:
    """What a failed command must leave as it was: the store it points to, the stores kept, the
    exports, and the files beside the project's folders (no temporary file left behind)."""
    return (
        p.store.resolve(),
        sorted(x.name for x in (p.build / "stores").iterdir()),
        (p.dist / "SHA256SUMS").read_bytes(),
        tree(p.dist),
        sorted(x.name for x in p.root.iterdir()),
        # a failed validation writes its full list to build/validation-report.txt, by design
        sorted(x.name for x in p.build.iterdir() if x.name != "validation-report.txt"),
    )


def build_fails(p, name: str | None = None) -> str:
    """Add a fixture file (if named), build, check that the build failed and changed nothing, and
    return the one-line message of the failure."""
    before = state(p)
    if name:
        shutil.copy(FIXTURES / name, p.root / TARGET)
    code, out, err = cli(p, "build", "--quiet")
    assert code == 2, err
    assert out == ""
    assert state(p) == before
    return one_line_error(err)


# ----------------------------------------- (e, f, o) an ill-typed literal, a misspelt property, a relative IRI

BAD_INPUT = {
    # (e) a date that does not exist
    "date-fail.ttl": "data/curation/fixture.ttl:7: '2015-13-22' is not a valid xsd:date (value of dcterms:date of "
    "<https://w3id.org/cybernorms/id/document/A-70-174>); write a valid xsd:date, see "
    "https://www.w3.org/TR/xmlschema11-2/#date",
    # (f) norm 13(a) is described in other files first (and on line 7 of this one): the error points
    # at line 9, where the misspelt property is, not at the first line naming the subject
    "misspelt-fail.ttl": "data/curation/fixture.ttl:9: check check-undeclared-property: "
    "<https://w3id.org/cybernorms/id/norm/13a> Property used but not declared (property=cno:hasTopik); "
    "declare the property in ontology/cybernorms.ttl (an external term goes in its last section), "
    "or fix its spelling",
    # (o) <../../../../evil> under the project's @base
    "escape-fail.ttl": "data/curation/fixture.ttl:6: <https://w3id.org/evil> is outside the project's namespace "
    "https://w3id.org/cybernorms/ (a relative IRI that climbs above @base?); keep relative IRIs inside "
    "https://w3id.org/cybernorms/; an IRI of another https://w3id.org/ vocabulary is written in full, "
    "with its prefix declared in cybernorms/layout.py",
}


@pytest.mark.slow
@pytest.mark.parametrize("fixture", BAD_INPUT)
def test_e_f_o_bad_input_is_named_with_its_file_and_line(project, fixture):
    assert build_fails(project, fixture) == BAD_INPUT[fixture]


# ----------------------------------------------------------------------- (m) a huge literal


def test_m_a_literal_over_the_limit_is_refused_before_shacl(project, monkeypatch):
    from cybernorms import validate

    def never(*args, **kwargs):
        raise AssertionError("SHACL validation reached with a literal over the limit")

    monkeypatch.setattr(validate, "shacl", never)
    monkeypatch.setenv("CYBERNORMS_MAX_LITERAL", "2000000")  # the limit is set by the environment
    (project.root / TARGET).write_text(
        "@base <https://w3id.org/cybernorms/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
        "# a line of three million characters\n"
        f'<norm/13a> skos:editorialNote "{"x" * 3_000_000}"@en .\n',
        encoding="utf-8",
    )
    assert build_fails(project) == (
        "data/curation/fixture.ttl:5: a literal of 3,000,000 characters, over the limit of 2,000,000 (value of "
        "skos:editorialNote of <https://w3id.org/cybernorms/id/norm/13a>); shorten it, or raise the limit with "
        "CYBERNORMS_MAX_LITERAL=N (see docs/hardening.md)"
    )


def test_m_the_literal_limit_is_a_million_characters_unless_set(monkeypatch):
    from cybernorms.errors import UsageError
    from cybernorms.parse import max_literal

    monkeypatch.delenv("CYBERNORMS_MAX_LITERAL", raising=False)
    assert max_literal() == 1_000_000
    monkeypatch.setenv("CYBERNORMS_MAX_LITERAL", "lots")
    with pytest.raises(UsageError) as refused:
        max_literal()
    assert refused.value.message == (
        "CYBERNORMS_MAX_LITERAL: not a number of characters: 'lots'; give a whole number, e.g. 1000000"
    )


# ------------------------------------------------------------- (n) a symlink out of the project


@pytest.mark.parametrize(
    "content",
    [
        (
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<https://w3id.org/cybernorms/id/norm/13a> "
            'skos:editorialNote "TOP-SECRET-VALUE"@en .\n'
        ),
        "root:x:0:0:root:/root:/bin/bash\n",  # like /etc/passwd: not Turtle, its first token not echoed
    ],
    ids=["turtle", "passwd"],
)
def test_n_a_data_file_linked_from_outside_is_refused_without_its_content(project, tmp_path, content):
    outside = tmp_path / "outside.ttl"
    outside.write_text(content, encoding="utf-8")
    (project.root / TARGET).symlink_to(outside)
    assert build_fails(project) == (
        "data/curation/fixture.ttl: a symbolic link that leads out of the project; copy the file into the "
        "project: a build reads only the project's own files"
    )


# --------------------------------------------------------------- (g) describe of no entity


def test_g_describe_of_an_entity_that_does_not_exist(project):
    code, out, err = cli(project, "query", "describe", "--param", "entity=https://w3id.org/cybernorms/id/norm/99z")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "query describe: no such entity 'https://w3id.org/cybernorms/id/norm/99z' in the graph (parameter "
        "entity); give the full IRI of an entity the graph describes, e.g. https://w3id.org/cybernorms/id/norm/13j"
    )
    code, out, _ = cli(project, "query", "describe", "--param", "entity=https://w3id.org/cybernorms/id/norm/13j")
    assert code == 0
    assert "norm/13j" in out


# ------------------------------------------------- (i) the library runs beside a broken query


def test_i_the_library_queries_run_beside_a_query_without_title(project):
    bad = project.root / "queries" / "mine.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    try:
        code, out, err = cli(project, "query", "norms", "--format", "csv")
        assert (code, err) == (0, "")
        assert len(out.splitlines()) == 12  # the header and the eleven norms
        code, out, err = cli(project, "query", "mine")
        assert (code, out) == (2, "")
        assert one_line_error(err) == (
            "queries/mine.rq:1: the query has no '# title:' header; start the file with # title: ..."
        )
    finally:
        bad.unlink()


# ------------------------------------------------------------- (j) a huge parameter value


def test_j_a_huge_parameter_value_is_not_echoed_whole(project):
    code, out, err = cli(project, "query", "experts-by-state", "--param", "state=" + "A" * 100_000)
    assert (code, out) == (2, "")
    message = one_line_error(err)
    assert message.startswith(
        "query experts-by-state: unknown state code 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA… "
        "(100,000 characters) for parameter state; accepted: "
    )
    assert "FRA, " in message  # the accepted codes are listed, whole
    assert len(message) < 2000
    code, out, err = cli(project, "query", "experts-by-state", "--param", "x" * 100_000)
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "cybernorms: parameter 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (100,000 characters) "
        "is not of the form name=value; write --param state=FRA"
    )


# ------------------------------------------------------------------- (b) a failed export swap


def test_b_a_failed_export_swap_keeps_the_exports_and_leaves_nothing(project, monkeypatch):
    """The new exports cannot take the place of the old ones. As root, file modes stop nothing,
    so the refusal (EACCES, as for a dist/ owned by someone else) is simulated at that rename."""
    import os

    real_rename = os.rename

    def refuse(src, dst, *args, **kwargs):
        if Path(src).name.startswith(f".{project.dist.name}.tmp-"):
            raise OSError(errno.EACCES, "Permission denied", str(src))
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", refuse)
    before = state(project)
    code, out, err = cli(project, "export")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "dist: cannot write the exports: Permission denied; make the directory writable, or export elsewhere "
        "with --dist-dir DIR or CYBERNORMS_DIST"
    )
    assert state(project) == before  # no .dist.tmp-PID or .dist.old-PID left beside dist/


def test_b_a_killed_jsonld_process_keeps_the_exports_and_leaves_nothing(project, monkeypatch):
    """The forked process that writes the JSON-LD of the exports is killed (by the kernel, out of
    memory, say): one line, the old exports kept, nothing left beside them."""
    import os
    import signal

    from cybernorms import export

    monkeypatch.setattr(export, "fork_cores", lambda: 2)  # the forked process, whatever the machine
    monkeypatch.setattr(export, "_jsonld_files", lambda *args: os.kill(os.getpid(), signal.SIGKILL))
    before = state(project)
    code, out, err = cli(project, "export", "--no-site")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "dist: the process writing the JSON-LD of the exports stopped before it finished (killed, or out of "
        "memory); export again; if it stops again, free some memory"
    )
    assert state(project) == before


# ------------------------------------------------------------ (l) SIGTERM while HermiT runs


@pytest.mark.slow
def test_l_sigterm_during_hermit_leaves_no_temporary_folder(built, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    tmp = tmp_path / "tmp"  # the build's temporary folders go here, where the test can see them
    tmp.mkdir()
    build_dir = tmp_path / "build"  # no verdict of HermiT kept there: HermiT runs
    proc = subprocess.Popen(
        [sys.executable, "-m", "cybernorms", "--root", str(built.root), "--build-dir", str(build_dir), "build"],
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not list(tmp.glob("cybernorms-hermit-*")):
        assert proc.poll() is None, proc.communicate()  # the build must not end before HermiT starts
        time.sleep(0.02)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate()
    assert proc.returncode == 143, err
    assert out == ""
    lines = err.splitlines()
    assert lines[-1] == "terminated"
    # HermiT's Java decides while the build reasons: the signal comes before or after that step's line
    hermit = "validating: OWL 2 DL consistency (HermiT)"
    assert lines[-2] == hermit or lines[-3:-1] == [hermit, "reasoning: OWL 2 RL materialisation"]
    assert list(tmp.iterdir()) == []  # the folder of HermiT's input is gone
    assert not (build_dir / "store").exists()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert alive == []  # and HermiT's Java process with it


# ----------------------------------------------------------------------- (d) a damaged store


@pytest.mark.slow
def test_d_a_damaged_store_is_reported_then_rebuilt(built, tmp_path):
    """A copy of the built project whose store loses the second half of its largest file."""
    import os

    p = copy_project(tmp_path)
    shutil.copytree(built.build, p.build, symlinks=True)
    largest = max(p.store.resolve().glob("*.sst"), key=lambda f: f.stat().st_size)
    os.truncate(largest, largest.stat().st_size // 2)
    code, out, err = cli(p, "query", "norms")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "build/store: the store cannot be read (Corruption): it is damaged or incomplete; "
        "rebuild it with `cybernorms build --force`"
    )
    # the build does not take the store for up to date: it says so and builds it again
    code, out, err = cli(p, "build")
    assert code == 0, err
    assert err.splitlines()[0] == (
        "build/store is damaged (its files are not those its build wrote): building it again"
    )
    assert out.startswith("built build/store ")
    code, out, err = cli(p, "query", "norms", "--format", "csv")
    assert code == 0, err
    assert len(out.splitlines()) == 12  # the header and the eleven norms
