"""What keeps the command line's start-up short, without changing what it does: each subcommand's
arguments are declared only when that subcommand runs (its help and its errors unchanged), a
library query reads only its own file of queries/, and `cybernorms query` imports only what a
query needs. (Its speed is measured by scripts/bench_queries.py, never asserted here.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from cybernorms import queries
from cybernorms.cli import parser
from cybernorms.errors import UsageError
from cybernorms.layout import Project

from conftest import ROOT, cli, cli_command, one_line_error

COMMANDS = ["build", "export", "site", "serve", "query", "diff", "release", "link", "publish", "queries"]


def test_the_main_help_lists_every_command_with_its_summary(capsys):
    with pytest.raises(SystemExit) as stop:
        parser().parse_args(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    words = " ".join(out.split())
    for name in COMMANDS:
        assert f"\n    {name} " in out, name
    assert " query run a library query by name, a .rq file, or --text " in words
    assert " diff list the triples added and removed in each named graph between two releases " in words


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("query", "--format {table,csv,tsv,json,turtle,json-ld,jsonld,ntriples}"),
        ("query", "stop the query after this long (default: 60.0)"),
        ("serve", "--port PORT"),
        ("serve", "query timeout in seconds (default: 30)"),
        ("build", "rebuild even if the inputs are unchanged"),
        ("publish", "--auth {basic,digest}"),
        ("diff", "the earlier release"),
    ],
)
def test_a_subcommand_help_shows_its_arguments_and_defaults(capsys, command, shown):
    with pytest.raises(SystemExit) as stop:
        parser().parse_args([command, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert shown in " ".join(out.split()), out
    assert "\nexample:\n  " in out


def test_only_the_chosen_subcommand_declares_its_arguments():
    ap = parser()
    args = ap.parse_args(["query", "norms", "--format", "csv"])
    assert (args.name, args.format, args.max_width) == ("norms", "csv", 80)
    commands = next(a for a in ap._actions if a.dest == "command").choices
    declared = {name for name, p in commands.items() if any(a.dest != "help" for a in p._actions)}
    assert declared == {"query"}


def test_a_bad_argument_of_a_subcommand_is_still_reported_by_argparse(capsys):
    with pytest.raises(SystemExit) as stop:
        parser().parse_args(["serve", "--port", "eighty"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: cybernorms serve [-h] [--host HOST] [--port PORT]")
    assert err.endswith("cybernorms serve: error: argument --port: invalid int value: 'eighty'\n")


def test_a_query_imports_only_what_a_query_needs(project):
    """A fresh `cybernorms query NAME --format tsv` loads none of the modules that only other commands,
    other formats or other kinds of query use."""
    program = (
        "import sys\n"
        "from cybernorms.cli import main\n"
        f"code = main({[*cli_command(project, 'query', 'linksets', '--format', 'tsv')[3:]]!r})\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("?linkset\t?title\t?predicate\t?source\t?links\n")
    loaded = set(done.stderr.split())
    assert {"cybernorms.queries", "cybernorms.guard", "cybernorms.output", "pyoxigraph"} <= loaded
    never = {
        "dataclasses",
        "inspect",
        "hashlib",
        "json",
        "subprocess",
        "csv",
        "decimal",
        "tabulate",
        "wcwidth",
        "rdflib",
        "cybernorms.build",
        "cybernorms.serve",
        "cybernorms.export",
        "cybernorms.link",
        "cybernorms.release",
    }
    assert loaded & never == set()


# ------------------------------------------------------------------ a library query's own file


@pytest.fixture
def library_root(tmp_path):
    """A project root whose queries/ holds two queries of the library, to be changed by a test."""
    (tmp_path / "queries").mkdir()
    for name in ("norms", "linksets"):
        (tmp_path / "queries" / f"{name}.rq").write_bytes((ROOT / "queries" / f"{name}.rq").read_bytes())
    return tmp_path


def _rows(project: Project, root, name: str) -> list[dict[str, object]]:
    here = Project(root, project.build, project.dist)
    result = queries.run(here, name, {}, store=queries.shared_store(project))
    return queries.rows_as_dicts(result)


def test_a_library_query_is_read_again_when_its_file_changes(project, library_root):
    mine = library_root / "queries" / "mine.rq"
    with pytest.raises(UsageError, match="no query named 'mine'"):
        _rows(project, library_root, "mine")
    mine.write_text("# title: one\nSELECT ?n WHERE { BIND(1 AS ?n) }\n", encoding="utf-8")
    assert _rows(project, library_root, "mine") == [{"n": 1}]
    mine.write_text("# title: one\nSELECT ?n WHERE { BIND(22 AS ?n) }\n", encoding="utf-8")
    assert _rows(project, library_root, "mine") == [{"n": 22}]
    mine.write_text("SELECT ?n WHERE { BIND(3 AS ?n) }\n", encoding="utf-8")  # no title: no longer a library query
    with pytest.raises(UsageError) as refused:
        _rows(project, library_root, "mine")
    assert refused.value.message == (
        "queries/mine.rq:1: the query has no '# title:' header; start the file with # title: ..."
    )
    mine.unlink()
    with pytest.raises(UsageError, match="no query named 'mine'"):
        _rows(project, library_root, "mine")


def test_only_a_file_directly_in_queries_is_a_library_query(project, library_root):
    (library_root / "elsewhere.rq").write_text("# title: outside\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    for name in ("../elsewhere", "queries/norms", "", "norms\0"):
        with pytest.raises(UsageError, match="no query named"):
            _rows(project, library_root, name)
    # the eleven norms of paragraph 13, (a) to (k)
    assert [r["notation"] for r in _rows(project, library_root, "norms")] == [f"13({c})" for c in "abcdefghijk"]


def test_an_unknown_query_name_is_one_line(project):
    code, out, err = cli(project, "query", "no-such", "--format", "tsv")
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        "cybernorms: no query named 'no-such'; run `cybernorms queries` to list them, or give a path to a .rq file"
    )
