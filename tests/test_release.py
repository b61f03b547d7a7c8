"""Release engineering: one version everywhere, the command-line conventions, the release diff, a
reproducible release archive, and a wheel that works when installed outside the repository."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import cybernorms
from cybernorms import release

from conftest import ROOT, built_copy, cli

VERSION = cybernorms.__version__


def test_the_version_lives_in_one_place():
    # the package metadata comes from cybernorms/__init__.py (hatchling), nowhere else by hand
    from importlib.metadata import version

    assert version("cybernorms") == VERSION
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and f'"{VERSION}"' not in pyproject
    assert VERSION not in (ROOT / "ontology" / "cybernorms.ttl").read_text(encoding="utf-8")
    # the changelog has this release, and the one before it becomes owl:priorVersion
    assert [v for v, _ in release.releases(release.Project.at(ROOT))][:2] == [VERSION, "0.1.0"]


def test_the_citation_file_cites_this_version():
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"\nversion: {VERSION}\n" in cff
    assert f'value: "https://w3id.org/cybernorms/ontology/{VERSION}"' in cff
    assert f"\ndate-released: {release.release_date(release.Project.at(ROOT))}\n" in cff


def test_version_option_and_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "cybernorms", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout == f"cybernorms {VERSION}\n"


def test_every_subcommand_has_a_description_and_an_example():
    from cybernorms.cli import parser

    sub = next(a for a in parser()._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description and len(p.description) > 30, name
        assert p.epilog and p.epilog.startswith("example:\n  "), name


def test_verbose_says_where_things_are_and_quiet_says_only_the_result(project):
    code, out, err = cli(project, "-v", "query", "--text", "ASK { ?s ?p ?o }")
    assert code == 0 and out == "true\n"
    assert f"inputs: {project.root}" in err and f"build directory: {project.build}" in err
    code, out, err = cli(project, "-q", "build")
    assert code == 0 and err == "" and "up to date" in out


QUERY = """PREFIX cno: <https://w3id.org/cybernorms/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?norm ?label WHERE { ?norm a cno:Norm ; skos:notation "13(c)" ; skos:altLabel ?label } ORDER BY ?label"""


def test_csv_keeps_full_iris_and_language_tags(project, tmp_path):
    out_file = tmp_path / "norm.csv"
    code, out, err = cli(project, "query", "--text", QUERY, "--format", "csv", "--output", str(out_file))
    assert code == 0 and out == "" and f"wrote {out_file}" in err
    rows = list(csv.reader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert rows[0] == ["norm", "label", "label_lang"]
    assert {(r[0], r[2]) for r in rows[1:]} == {
        ("https://w3id.org/cybernorms/id/norm/13c", "en"),
        ("https://w3id.org/cybernorms/id/norm/13c", "fr"),
    }


def test_tsv_writes_terms_and_prefixes_on_request(project):
    _, out, _ = cli(project, "query", "--text", QUERY, "--format", "tsv")
    lines = out.splitlines()
    assert lines[0] == "?norm\t?label"
    assert all(line.startswith('<https://w3id.org/cybernorms/id/norm/13c>\t"') for line in lines[1:])
    assert {line.rsplit("@", 1)[1] for line in lines[1:]} == {"en", "fr"}
    _, out, _ = cli(project, "query", "--text", QUERY, "--format", "tsv", "--prefixes")
    assert all(line.startswith("id:norm/13c\t") for line in out.splitlines()[1:])


def test_a_query_name_and_text_together_are_refused(project):
    code, out, err = cli(project, "query", "norms", "--text", "ASK {}")
    assert code == 2 and out == ""
    assert err == "error: cybernorms: both a query ('norms') and --text were given; give one of them, not both\n"


def test_a_root_that_is_not_a_project_is_named(tmp_path):
    from cybernorms.cli import main

    code = main(["--root", str(tmp_path / "nowhere"), "queries"])
    assert code == 2


# ----------------------------------------------------------------------------------- diff


NOTE = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/cybernorms/id/norm/13k> rdfs:comment "%s"@en .
"""


@pytest.mark.slow
def test_release_diff_lists_exactly_the_changed_triples(tmp_path_factory):
    """The release of the current data (the private copy, built and exported), then a release with
    one statement more: the diff lists exactly it, and the other way round exactly its removal."""
    p = built_copy(tmp_path_factory, "diff")
    old = shutil.copytree(p.dist, p.root.parent / "release-old", ignore=shutil.ignore_patterns("site"))
    (p.root / "data" / "curation" / "release-test.ttl").write_text(NOTE % "a reading", encoding="utf-8")
    assert cli(p, "-q", "build")[0] == 0
    assert cli(p, "-q", "export", "--no-site")[0] == 0  # the diff reads the dumps, not the site
    new = p.dist
    added = '<https://w3id.org/cybernorms/id/norm/13k> <http://www.w3.org/2000/01/rdf-schema#comment> "a reading"@en .'
    code, out, _ = cli(p, "diff", str(old), str(new))
    assert code == 0
    assert out.splitlines() == [f"changes from {old} to {new}:", "graph/curation: +1 -0", f"  + {added}"]
    code, out, _ = cli(p, "diff", str(new), str(old))
    assert code == 0
    assert out.splitlines() == [f"changes from {new} to {old}:", "graph/curation: +0 -1", f"  - {added}"]
    assert cli(p, "diff", str(old), str(old))[1] == f"no change between {old} and {old}\n"
    code, _, err = cli(p, "diff", str(old), str(p.root.parent / "nothing-here"))
    assert code == 2 and "not a release" in err


@pytest.mark.slow
def test_release_archive_is_reproducible(tmp_path_factory):
    project = built_copy(tmp_path_factory, "release")  # built and exported, the site included
    first = release.archive(project)
    data = first.read_bytes()
    os.utime(project.dist / "void.ttl", (0, 0))  # file times do not reach the archive
    second = release.archive(project)
    assert second.read_bytes() == data
    names = zipfile.ZipFile(second).namelist()
    assert f"cybernorms-{VERSION}/SHA256SUMS" in names and f"cybernorms-{VERSION}/cybernorms.nq" in names
    assert (second.parent / f"{second.name}.sha256").read_text().split()[1] == second.name


# ---------------------------------------------------------------------------------- wheel


@pytest.mark.slow
def test_the_wheel_works_installed_outside_the_repository(tmp_path):
    """Build the wheel, install it in a throw-away environment, then build and query from an empty
    directory: the inputs come from inside the package, the store goes to the user data directory."""
    wheels = tmp_path / "wheels"
    # built by the backend pyproject.toml names, installed with the test tools ([test] extras):
    # no build environment to make, nothing fetched from the package registry
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("cybernorms-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "cybernorms/project/ontology/cybernorms.ttl" in names
    assert "cybernorms/project/queries/norms.rq" in names
    venv = tmp_path / "venv"
    # an environment without pip of its own (bootstrapping one costs more than the rest of its
    # making): this pip installs into it. Its dependencies are those this test runs with, seen
    # through a .pth file (installing the same pinned versions again from the registry took
    # three quarters of the test's time); `pip check` then proves that the wheel's declared
    # requirements are met by what the environment has, and the package itself is the wheel's
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(own) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", str(wheel)], check=True, capture_output=True)
    checked = subprocess.run([*pip, "check"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERNORMS_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data-home")
    tool = str(venv / "bin" / "cybernorms")
    out = subprocess.run([tool, "-q", "build"], cwd=empty, env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "data-home" / "cybernorms" / "build" / "store").is_dir()
    assert list(empty.iterdir()) == []  # nothing written where the command ran
    out = subprocess.run(
        [tool, "query", "norms", "--param", "norm=13(g)", "--format", "csv"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert next(csv.DictReader(io.StringIO(out.stdout)))["notation"] == "13(g)"
    site = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import cybernorms; print(cybernorms.__file__)"],
            cwd=empty,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    assert site.is_relative_to(venv)
