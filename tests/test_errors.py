"""Bad input: one clear line (file, line, what is wrong, what to do), exit status 2, and the previous
store and exports left untouched. Each case has a PASS fixture (accepted) and a FAIL fixture
(rejected with the expected message), in tests/fixtures/errors/."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from conftest import built_copy, cli, copy_project, free_port, one_line_error

FIXTURES = Path(__file__).parent / "fixtures" / "errors"
TARGET = "data/curation/fixture.ttl"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A private project copy, built and exported once; each test adds its fixture, then removes it."""
    return built_copy(tmp_path_factory, "errors")


def snapshot(p):
    """What must not change when a build or an export fails."""
    return (
        p.store.resolve(),
        (p.dist / "SHA256SUMS").read_bytes(),
        sorted(x.name for x in (p.build / "stores").iterdir()),
    )


def with_fixture(p, name):
    shutil.copy(FIXTURES / name, p.root / TARGET)


@pytest.fixture(autouse=True)
def cleanup(built):
    yield
    (built.root / TARGET).unlink(missing_ok=True)


# ------------------------------------------------------------------------- malformed Turtle


@pytest.mark.slow
def test_syntax_pass(built):
    with_fixture(built, "syntax-pass.ttl")
    assert cli(built, "build", "--quiet")[0] == 0


def test_syntax_fail(built):
    before = snapshot(built)
    with_fixture(built, "syntax-fail.ttl")
    code, _, err = cli(built, "build", "--quiet")
    assert code == 2
    message = one_line_error(err)
    # the dot is missing at the end of line 4; the parser notices at line 5, column 1
    assert message == (
        "data/curation/fixture.ttl:5:1: Turtle syntax error: A dot is expected at the end of "
        "statements; fix the Turtle at that position (see https://www.w3.org/TR/turtle/)"
    )
    assert snapshot(built) == before


# ------------------------------------------------------------------------------------ SHACL


@pytest.mark.slow
def test_shacl_pass(built):
    with_fixture(built, "shacl-pass.ttl")
    assert cli(built, "build", "--quiet")[0] == 0


def test_shacl_fail(built):
    before = snapshot(built)
    with_fixture(built, "shacl-fail.ttl")
    code, _, err = cli(built, "build", "--quiet")
    assert code == 2
    message = one_line_error(err)
    assert message == (
        "data/curation/fixture.ttl:7: SHACL violation: "
        "<https://w3id.org/cybernorms/id/topic/fixture-topic> skos:definition: "
        "a concept needs a skos:definition; correct the data or, if the data is right, "
        "the shape in ontology/shapes.ttl"
    )
    assert snapshot(built) == before


def test_a_shacl_violation_is_reported_before_a_violation_query_row(built):
    """When SHACL and a violation query both find a problem, the build reports SHACL's: the
    cheapest step comes first."""
    before = snapshot(built)
    duplicate = '<norm/13a> <http://www.w3.org/2004/02/skos/core#notation> "13(a)" .\n'  # see test_checks.py
    (built.root / TARGET).write_text((FIXTURES / "shacl-fail.ttl").read_text() + duplicate, encoding="utf-8")
    code, _, err = cli(built, "build", "--quiet")
    assert code == 2
    assert one_line_error(err).startswith("data/curation/fixture.ttl:7: SHACL violation: ")
    (built.root / TARGET).write_text(
        (FIXTURES / "shacl-pass.ttl").read_text() + duplicate, encoding="utf-8"
    )  # the same row alone: the violation query reports it
    code, _, err = cli(built, "build", "--quiet")
    assert code == 2
    assert ": check check-duplicate-triple: " in one_line_error(err)
    assert snapshot(built) == before


# ----------------------------------------------------------------------- OWL inconsistency


@pytest.mark.slow
def test_consistency_pass(built):
    with_fixture(built, "hermit-pass.ttl")
    assert cli(built, "build", "--quiet")[0] == 0


@pytest.mark.slow
def test_consistency_fail(built):
    before = snapshot(built)
    with_fixture(built, "hermit-fail.ttl")
    code, _, err = cli(built, "build", "--quiet")
    assert code == 2
    message = one_line_error(err)
    # it names the statement that makes the norm a provision (line 7 of the fixture), and both reasons
    assert message.startswith(
        "data/curation/fixture.ttl:7: OWL inconsistency: "
        "<https://w3id.org/cybernorms/id/norm/13a> is both cno:FrameworkElement and "
        "cno:Provision, which the ontology declares disjoint: "
    ), message
    assert "cno:Provision as subject of cno:parent (data/curation/fixture.ttl:7)" in message
    assert "cno:FrameworkElement as " in message
    assert message.endswith("correct the statement, or the axioms in ontology/cybernorms.ttl")
    assert snapshot(built) == before


# ---------------------------------------------------------------------- missing source text


@pytest.mark.slow
def test_source_present_pass(built):
    assert (built.root / "data/g7-2019/text.fr.txt").is_file()
    assert cli(built, "build", "--quiet", "--force")[0] == 0


def test_source_missing_fail(built):
    before = snapshot(built)
    text = built.root / "data/g7-2019/text.fr.txt"
    saved = text.read_bytes()
    text.unlink()
    try:
        code, _, err = cli(built, "build", "--quiet")
    finally:
        text.write_bytes(saved)
    assert code == 2
    assert one_line_error(err) == (
        "data/g7-2019/text.fr.txt: the file named by texts.fr.file is missing; restore it, "
        "or correct texts.fr.file in data/g7-2019/document.toml"
    )
    assert snapshot(built) == before


# --------------------------------------------------------------------------- port in use


def test_port_free_pass(built):
    from cybernorms import serve

    serve.check_port("127.0.0.1", free_port())  # does not raise once the port is released


def test_port_in_use_fail(built):
    before = snapshot(built)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, _, err = cli(built, "serve", "--port", str(port))
    assert code == 2
    assert one_line_error(err) == (
        f"127.0.0.1:{port}: port already in use; stop the program using it or choose another with --port"
    )
    assert snapshot(built) == before


# ---------------------------------------------------------------- exports are never half-done


def test_export_without_store_fails_cleanly(tmp_path):
    p = copy_project(tmp_path)
    code, _, err = cli(p, "export")
    assert code == 2
    assert one_line_error(err) == "build/store: no store has been built yet; run `cybernorms build` first"
    assert not p.dist.exists()


def test_a_failed_export_leaves_the_previous_exports(built):
    before = snapshot(built)
    context = built.root / "ontology" / "context.jsonld"
    saved = context.read_bytes()
    context.write_text("{ not json", encoding="utf-8")
    try:
        code, _, err = cli(built, "export")
    finally:
        context.write_bytes(saved)
    assert code == 2
    assert one_line_error(err).startswith("ontology/context.jsonld: cannot read the JSON-LD context: ")
    assert snapshot(built) == before
    assert not list(built.root.glob(".dist.tmp-*"))


def test_an_error_raised_in_a_forked_worker_reaches_its_parent_whole():
    """The static site asks the incidents by year and writes the graphs' RDF in a forked copy
    (site._beside_reading): an error it raises is pickled back to the process that waits for it,
    which must print the same one line (the default pickling of an exception gave __init__ the
    message alone, and the pool broke on it)."""
    import pickle

    from cybernorms.errors import InputError

    error = InputError("queries/incidents-by-year.rq", 3, "not a query", "restore it", column=7)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is InputError
    assert (back.where, back.line, back.column, back.problem, back.hint) == (
        "queries/incidents-by-year.rq",
        3,
        7,
        "not a query",
        "restore it",
    )
    assert str(back) == "queries/incidents-by-year.rq:3:7: not a query; restore it"


def _killed_writer(project, publish_url, tmp):
    """In place of site._written: starts the site, then is killed (out of memory, say)."""
    import os
    import signal

    tmp.mkdir(parents=True)
    (tmp / "index.html").write_text("half a site", encoding="utf-8")
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_site_writer_gives_one_line_and_leaves_the_site_as_it_was(tmp_path, monkeypatch):
    """The static site is written by a forked copy of the process (site._written), which ends with
    its work: killed before it finishes, the process that waits for it says so in one line, removes
    the folder the copy was writing into and leaves the site that was there."""
    from cybernorms import site
    from cybernorms.errors import CybernormsError
    from cybernorms.layout import Project

    project = Project(tmp_path, tmp_path / "build", tmp_path / "dist")
    (project.dist / "site").mkdir(parents=True)
    (project.dist / "site" / "index.html").write_text("the site before", encoding="utf-8")
    monkeypatch.setattr(site, "fork_cores", lambda: 2)  # the copy is forked whatever the cores here
    monkeypatch.setattr(site, "_written", _killed_writer)
    with pytest.raises(CybernormsError) as raised:
        site.write(project)
    assert str(raised.value) == (
        "dist: a process writing the static site stopped before it finished (killed, or out of memory);"
        " write the site again; if it stops again, free some memory"
    )
    assert sorted(p.name for p in project.dist.iterdir()) == ["site"]
    assert (project.dist / "site" / "index.html").read_text(encoding="utf-8") == "the site before"
