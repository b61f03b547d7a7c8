"""Local servers for the tests: an Oxigraph server (cybernorms.serve starts and stops it) on a free
port of 127.0.0.1, loaded with a fixture, and always stopped."""

from __future__ import annotations

import subprocess
import threading
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cybernorms import serve

from conftest import free_port

HOST = "127.0.0.1"


@contextmanager
def oxigraph(location: Path | None = None, load: Path | None = None):
    """A read-write Oxigraph server (in memory, or on `location`), with `load` (Turtle) in its default
    graph; yields its base URL (http://127.0.0.1:PORT): /query, /update and the Graph Store at /store."""
    port = free_port()
    proc = serve.launch(
        serve.store_command(location, HOST, port, read_write=True),
        HOST,
        port,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{HOST}:{port}"
    try:
        if load is not None:
            request = urllib.request.Request(
                f"{base}/store?default",
                data=Path(load).read_bytes(),
                method="POST",
                headers={"Content-Type": "text/turtle"},
            )
            with urllib.request.urlopen(request, timeout=30) as r:
                assert r.status in (200, 201, 204)
        yield base
    finally:
        serve.stop(proc)


@contextmanager
def http_server(respond):
    """A tiny HTTP server: respond(method, path, headers, body) -> (status, content type, body bytes
    [, more headers]), called for every request; yields its base URL and the requests it received."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((self.command, self.path, dict(self.headers), body))
            status, ctype, out, *extra = respond(self.command, self.path, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
