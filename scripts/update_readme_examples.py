"""Rewrite the output under each `$ cybernorms query ...` example of README.md with what the command
prints now (against build/store), so the README shows real output; tests/test_readme.py checks it.

    python scripts/update_readme_examples.py          # rewrite README.md
    python scripts/update_readme_examples.py --check  # exit 1 if README.md is out of date
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

from cybernorms.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(```console\n\$ cybernorms (query [^\n]+)\n)(.*?)(```)", re.DOTALL)


def run(command: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(shlex.split(command))
    if code != 0:
        raise SystemExit(f"`cybernorms {command}` failed with status {code}")
    return out.getvalue()


def main_script() -> int:
    text = README.read_text(encoding="utf-8")
    new = BLOCK.sub(lambda m: m.group(1) + run(m.group(2)) + m.group(4), text)
    if "--check" in sys.argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main_script())
