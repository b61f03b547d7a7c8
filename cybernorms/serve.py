"""Serve: the SPARQL endpoint, Oxigraph's own HTTP server in read-only mode on build/store.

The union of the named graphs is the default graph; a query timeout bounds runaway queries;
updates are refused (HTTP 403) because the server is read-only. The YASGUI page is at /.
"""

from __future__ import annotations

import errno
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .errors import ServiceError
from .layout import Project

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30


def oxigraph_binary() -> str:
    """The oxigraph CLI installed beside this Python (the `oxigraph` PyPI package)."""
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServiceError(
        "oxigraph",
        None,
        "the oxigraph server program was not found",
        "install the project (pip install -e .), which installs the oxigraph package",
    )


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise ServiceError(
                    f"{host}:{port}",
                    None,
                    "port already in use",
                    "stop the program using it or choose another with --port",
                ) from None
            raise ServiceError(
                f"{host}:{port}", None, f"cannot listen there: {e.strerror}", "choose another --host or --port"
            ) from None


def urls(host: str, port: int) -> tuple[str, str]:
    base = f"http://{host}:{port}"
    return base + "/", base + "/query"


def command(project: Project, host: str, port: int, timeout: int) -> list[str]:
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(project.built_store().resolve()),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(timeout),
    ]


def store_command(location: Path | None, host: str, port: int, read_write: bool = False) -> list[str]:
    """The command of an Oxigraph server on any store directory (in memory if None): read-only, or
    read-write with the SPARQL update and Graph Store endpoints (/update, /store)."""
    cmd = [oxigraph_binary(), "serve" if read_write else "serve-read-only", "--bind", f"{host}:{port}"]
    return cmd + (["--location", str(location)] if location is not None else [])


def start(
    project: Project,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: int = DEFAULT_TIMEOUT,
    wait: float = 20.0,
    **popen,
) -> subprocess.Popen:
    """Start the server in the background and return once it answers queries."""
    return launch(command(project, host, port, timeout), host, port, wait, **popen)


def launch(cmd: list[str], host: str, port: int, wait: float = 20.0, **popen) -> subprocess.Popen:
    """Run an Oxigraph server command in the background and return once it answers queries."""
    check_port(host, port)
    proc = subprocess.Popen(cmd, **popen)
    _, query_url = urls(host, port)
    deadline = time.monotonic() + wait
    probe = query_url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServiceError(
                f"{host}:{port}",
                None,
                f"the server exited with status {proc.returncode}",
                "run the command by hand to see its output",
            )
        try:
            with urllib.request.urlopen(probe, timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise ServiceError(f"{host}:{port}", None, "the server did not answer in time", "retry, or check the store")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
