"""The README shows the real output of its commands: every `$ cybernorms query ...` example in a
console block is run against the test build and must print exactly what the README shows."""
from __future__ import annotations

import re
import shlex

import pytest

from cybernorms.cli import main

from conftest import ROOT

BLOCKS = re.findall(r"```console\n(\$ cybernorms query [^\n]+)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_query_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("command,expected", BLOCKS, ids=[b[0][2:60] for b in BLOCKS])
def test_readme_query_example_prints_what_it_shows(command, expected, project, capsys):
    args = shlex.split(command[len("$ cybernorms "):])
    assert main(["--root", str(project.root), "--build-dir", str(project.build), *args]) == 0
    assert capsys.readouterr().out == expected
