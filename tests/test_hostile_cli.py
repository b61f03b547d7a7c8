"""Careless and hostile input to the command line and the build (issue 15, points 4 to 6): each
case gets one line naming the file (and line) with the problem and what to do, exit status 2 (130
or 143 for a signal), and leaves the store, the exports and the temporary folders as they were.
The cases and what the code did before are listed in docs/hardening.md."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from conftest import cli, copy_project, one_line_error


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
    assert one_line_error(err) == f"{bad}:2: the query is not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_i_a_query_without_title_is_named_and_the_others_still_list(fresh):
    bad = fresh.root / "queries" / "mine.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, out, err = cli(fresh, "queries")
    assert code == 2
    assert "norms\n    The eleven norms of A/70/174" in out
    assert one_line_error(err) == f"{bad}:1: the query has no '# title:' header; start the file with # title: ..."


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
