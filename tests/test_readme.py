"""The README shows the real output of its commands: every `$ cybernorms query ...` example in a
console block is run against the test build and must print exactly what the README shows."""

from __future__ import annotations

import re
import shlex

import pytest

from cybernorms.cli import main

from conftest import ROOT, free_port

BLOCKS = re.findall(
    r"```console\n(\$ cybernorms query [^\n]+)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL
)


def test_the_readme_has_query_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("command,expected", BLOCKS, ids=[b[0][2:60] for b in BLOCKS])
def test_readme_query_example_prints_what_it_shows(command, expected, project, capsys):
    args = shlex.split(command[len("$ cybernorms ") :])
    assert main(["--root", str(project.root), "--build-dir", str(project.build), *args]) == 0
    assert capsys.readouterr().out == expected


def test_readme_curl_example_prints_what_it_shows(project):
    """The curl example, run against a server started the way `make run` starts it."""
    import shutil
    import subprocess

    from cybernorms import serve

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (curl .*?LIMIT 3')\n(.*?)```", text, re.DOTALL)
    command, expected = block.group(1), block.group(2)
    assert shutil.which("curl"), "curl is needed: the README shows it"
    port = free_port()
    proc = serve.start(project, "127.0.0.1", port)
    try:
        args = shlex.split(command.replace("127.0.0.1:7878", f"127.0.0.1:{port}"))
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        serve.stop(proc)
    assert out.replace("\r\n", "\n") == expected
