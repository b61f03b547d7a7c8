"""Serve: the one front door on 127.0.0.1:7878 (docs/serving.md).

A Starlette application served by uvicorn answers every request:

- /query and /sparql: the SPARQL 1.1 protocol (GET, POST form, POST direct; content negotiation
  passed through; read-only). Each query passes the guard (guard.py), then runs on the supervised
  Oxigraph pool (engine.py), which bounds its time, memory and answer size;
- /store: the Graph Store protocol, read only (GET, HEAD); /update and any write: 403;
- the pages of the site (cybernorms.pages: home, /id/..., /ontology, /graph/..., /dataset,
  /search, /editor, /static/...), when that module is installed.

The Host header must name this server (DNS rebinding), no cross-origin response is allowed
unless the operator allows the origin, and a form POST from another site is refused.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from . import guard
from .engine import Answer, Engine, QueryFailed, Settings
from .errors import ServiceError, UsageError
from .layout import Project

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30
MAX_TIMEOUT = 3600
SPARQL_PATHS = ("/query", "/sparql")

log = logging.getLogger("cybernorms.serve")


@dataclass(frozen=True)
class Options:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = 2048
    max_result_mb: int = 64
    backends: int = 3
    allow_service: tuple[str, ...] = ()
    allow_host: tuple[str, ...] = ()
    allow_origin: tuple[str, ...] = ()

    def settings(self) -> Settings:
        return Settings(
            timeout=self.timeout,
            memory_mb=self.memory_mb,
            max_result_bytes=self.max_result_mb * 1024 * 1024,
            backends=self.backends,
            oxigraph=oxigraph_binary(),
        )


def validate(options: Options) -> None:
    """Refuse bad option values before anything starts (one line each, exit status 2)."""
    if not 1 <= options.port <= 65535:
        raise UsageError(f"--port {options.port}", None, "not a TCP port", "give a number from 1 to 65535")
    if not 0 < options.timeout <= MAX_TIMEOUT:
        raise UsageError(
            f"--timeout {options.timeout:g}",
            None,
            "the query timeout must be more than 0 seconds",
            f"and at most {MAX_TIMEOUT}",
        )
    if not 1 <= options.backends <= 64:
        raise UsageError(f"--backends {options.backends}", None, "out of range", "give a number from 1 to 64")
    if options.memory_mb < 64:
        raise UsageError(f"--memory-limit {options.memory_mb}", None, "too small", "give at least 64 (MB)")
    if options.max_result_mb < 1:
        raise UsageError(f"--max-result {options.max_result_mb}", None, "too small", "give at least 1 (MB)")
    for url in options.allow_service:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"--allow-service {url}", None, "not an http(s) URL", "give e.g. https://query.wikidata.org/sparql"
            )
    try:
        socket.getaddrinfo(options.host, options.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UsageError(
            f"--host {options.host}", None, "not a host name or address of this machine", "give e.g. 127.0.0.1"
        ) from None


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


def bind(host: str, port: int) -> socket.socket:
    """The listening socket of the front door. SO_REUSEADDR lets a restart bind at once after a
    crash (connections in TIME_WAIT do not block it); a port another program listens on does."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise UsageError(
            f"--host {host}", None, "not a host name or address of this machine", "give e.g. 127.0.0.1"
        ) from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ServiceError(
                f"{host}:{port}", None, "port already in use", "stop the program using it or choose another with --port"
            ) from None
        raise ServiceError(
            f"{host}:{port}", None, f"cannot listen there: {e.strerror}", "choose another --host or --port"
        ) from None
    sock.set_inheritable(True)
    return sock


def check_port(host: str, port: int) -> None:
    """Fail with one line if the front door could not listen on host:port."""
    bind(host, port).close()


def urls(host: str, port: int) -> tuple[str, str, str]:
    """The home page, the query editor and the SPARQL endpoint."""
    name = f"[{host}]" if ":" in host else host
    base = f"http://{name}:{port}"
    return base + "/", base + "/editor", base + "/query"


# ------------------------------------------------------------------------------------ the store


class CurrentStore:
    """The read-only pyoxigraph Store of build/store for the pages; reopened when a build has
    swapped build/store to a new directory."""

    def __init__(self, project: Project):
        self.link = project.built_store()
        self.path = ""
        self.store: ox.Store | None = None

    def __call__(self) -> ox.Store:
        target = os.path.realpath(self.link)
        if self.store is None or target != self.path:
            self.store = ox.Store.read_only(target)
            self.path = target
        return self.store


# --------------------------------------------------------------------------------- the application


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


class OriginCheck:
    """Refuse a state-changing request (any method but GET, HEAD, OPTIONS) whose Origin is not
    this server nor an origin the operator allows: a web page elsewhere cannot POST forms here.
    Refuse too a request with several Host headers (RFC 9112 3.2), which would let a name that the
    host check never saw through."""

    def __init__(self, app: Any, allowed: Callable[[str], bool]):
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and [k for k, _ in scope["headers"]].count(b"host") > 1:
            await _text(400, "more than one Host header")(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            origin = dict(scope["headers"]).get(b"origin")
            if origin is not None and not self.allowed(origin.decode("latin-1")):
                response = _text(
                    403,
                    f"cross-site request refused: origin {origin.decode('latin-1')[:100]} is not allowed "
                    "(the operator can allow it with --allow-origin)",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def app(project: Project, options: Options, engine: Engine) -> Any:
    """The front door as an ASGI application, in front of a started engine."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.routing import BaseRoute, Route

    timeout = options.timeout
    hosts = [options.host, "localhost", "127.0.0.1", "[::1]", *options.allow_host]
    hosts = [f"[{h}]" if ":" in h and not h.startswith("[") else h for h in hosts]

    def same_origin(origin: str) -> bool:
        if origin in options.allow_origin:
            return True
        parts = urlsplit(origin)
        host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
        return parts.scheme == "http" and host in hosts and parts.port == options.port

    async def read_body(receive: Receive, limit: int) -> bytes:
        body = bytearray()
        async with asyncio.timeout(timeout):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise ClientGone
                body += message.get("body", b"")
                if len(body) > limit:
                    raise QueryFailed(413, f"the request body is larger than {limit} bytes")
                if not message.get("more_body", False):
                    return bytes(body)

    async def sparql(scope: Scope, receive: Receive, send: Send) -> None:
        """/query and /sparql (GET, HEAD, POST) as a plain ASGI handler, without Starlette's routing and
        request object (the Host and Origin checks have run)."""
        response = await answer(scope, receive)
        if response is not None:
            await response(scope, receive, send)

    async def answer(scope: Scope, receive: Receive) -> Response | None:
        started = time.monotonic()
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        try:  # read the whole body first (also of a GET), so that only a disconnect can come next
            body = await read_body(receive, guard.LIMITS.max_bytes * 4)
        except TimeoutError:
            return _text(408, f"the request body did not arrive within the timeout of {timeout:g}s")
        except QueryFailed as e:
            return _text(e.status, e.message)
        except ClientGone:
            return None
        headers = dict(reversed(scope["headers"]))  # the first of a repeated header, as Starlette reads it
        if scope["method"] == "POST":
            ctype = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                params += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            elif ctype == "application/sparql-query":
                params.append(("query", body.decode("utf-8", "replace")))
            elif ctype == "application/sparql-update":
                return _text(403, "updates are refused: this endpoint is read-only")
            else:
                return _text(
                    415,
                    "send the query as application/x-www-form-urlencoded (query=...) or application/sparql-query",
                )
        names = [k for k, _ in params]
        if "update" in names:
            return _text(403, "updates are refused: this endpoint is read-only")
        texts = [v for k, v in params if k == "query"]
        if len(texts) != 1:
            return _text(400, "give exactly one query parameter (query=SELECT ...)")
        text = texts[0]
        try:
            found = checked(text)
        except guard.QueryRefused as e:
            return _text(e.status, e.reason)
        fingerprint = found.fingerprint  # a hash of the tokens, made once
        cause = engine.remembered(fingerprint)
        if cause is not None:
            return _text(400, f"query refused (known crash): this query crashed the query engine before: {cause}")
        graphs = [(k, v) for k, v in params if k in ("default-graph-uri", "named-graph-uri")]
        accept = headers.get(b"accept", b"*/*").decode("latin-1")
        run = federated if found.services else engine.query
        # the body is read: only a disconnect comes now; the watch stops the query if the client goes
        task = asyncio.current_task()
        assert task is not None
        left: list[bool] = []
        watch = asyncio.ensure_future(watch_for_disconnect(receive, task, left))
        try:
            result = await run(text, accept, graphs, fingerprint, started + timeout)
        except asyncio.CancelledError:
            if not left:
                raise
            task.uncancel()
            log.warning("client went away: query stopped")  # the engine killed the backend of its query
            return _text(499, "client closed the request")
        except QueryFailed as e:
            return _text(e.status, e.message)
        finally:
            watch.cancel()
        return BoundedResponse(result.body, result.status, result.headers, result.content_type, timeout)

    async def watch_for_disconnect(receive: Receive, task: asyncio.Task[Any], left: list[bool]) -> None:
        if (await receive())["type"] == "http.disconnect":
            left.append(True)
            task.cancel()

    async def federated(
        text: str, accept: str, graphs: list[tuple[str, str]], fingerprint: str, deadline: float
    ) -> Answer:
        """A query with SERVICE: Oxigraph reports a failing endpoint inside an answer it has begun
        with 200, so its answer is fetched in a format that is parsed whole here (JSON results or
        N-Triples) and written anew in the format Oxigraph picks for the client's Accept header."""
        form = checked(text).first_keyword
        graph = form in ("CONSTRUCT", "DESCRIBE")
        probe = "CONSTRUCT WHERE {}" if graph else "ASK {}" if form == "ASK" else "SELECT * WHERE {}"
        negotiated = await engine.query(probe, accept, [], "", deadline)
        if negotiated.status != 200:
            return negotiated
        inner = "application/n-triples" if graph else "application/sparql-results+json"
        answer = await engine.query(text, inner, graphs, fingerprint, deadline)
        if answer.status != 200:
            return answer
        try:
            if graph:
                triples = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
                rdf = ox.RdfFormat.from_media_type(negotiated.content_type)
                body = ox.serialize(triples, format=rdf)
            else:
                results_format = ox.QueryResultsFormat.JSON
                parsed = ox.parse_query_results(answer.body, format=results_format)
                if isinstance(parsed, ox.QuerySolutions):
                    list(parsed)  # reading every row finds an error written after them
                    parsed = ox.parse_query_results(answer.body, format=results_format)
                wanted = ox.QueryResultsFormat.from_media_type(negotiated.content_type)
                body = parsed.serialize(format=wanted)
        except SyntaxError:
            said = answer.body.decode("utf-8", "replace").rsplit("[", 1)[-1].strip().splitlines()
            raise QueryFailed(502, f"a SERVICE endpoint failed: {(said[-1] if said else 'no answer')[:300]}") from None
        assert body is not None
        return Answer(200, negotiated.content_type, body, negotiated.headers)

    cache: dict[str, guard.Scan] = {}

    def checked(text: str) -> guard.Scan:
        found = cache.get(text)
        if found is None:
            found = guard.check(text, allow_service=options.allow_service)
            if len(cache) > 512:
                cache.clear()
            cache[text] = found
        return found

    async def graph_store(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _text(403, "the graph store is read-only here: PUT, POST and DELETE are refused")
        params = list(request.query_params.multi_items())
        graphs = [v for k, v in params if k == "graph"]
        if "default" in request.query_params or not graphs:
            text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        else:
            iri = graphs[0]
            parts = urlsplit(iri)
            if len(graphs) != 1 or not parts.scheme or not parts.netloc or any(c in iri for c in '<>"{}|^`\\ '):
                return _text(
                    400,
                    f"graph={iri[:200]!r} is not an absolute IRI: give e.g. ?graph=https://w3id.org/cybernorms/graph/ontology",
                )
            text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        try:
            answer = await engine.query(
                text, request.headers.get("accept", "text/turtle"), [], "", time.monotonic() + timeout
            )
        except QueryFailed as e:
            return _text(e.status, e.message)
        return BoundedResponse(answer.body, answer.status, answer.headers, answer.content_type, timeout)

    async def update(request: Request) -> Response:
        return _text(403, "updates are refused: this endpoint is read-only")

    async def sparql_route(request: Request) -> Response:
        """The same, as a route of the site, which only other methods reach: they get its 405."""
        return await answer(request.scope, request.receive) or Response(status_code=499)

    routes: list[BaseRoute] = [
        *(Route(p, sparql_route, methods=["GET", "POST"]) for p in SPARQL_PATHS),
        Route("/store", graph_store, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/update", update, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        *pages(project, CurrentStore(project)),
    ]

    middleware = [
        Middleware(OriginCheck, allowed=same_origin),
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False),
    ]
    if options.allow_origin:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(options.allow_origin),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    site = Starlette(routes=routes)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in SPARQL_PATHS and scope["method"] in ("GET", "HEAD", "POST"):
            await sparql(scope, receive, send)
        else:  # the pages, the graph store, /update, and any other method on /query (405)
            await site(scope, receive, send)

    front: Any = dispatch
    for layer in reversed(middleware):  # the checks run first, in the order listed, for every request
        front = layer.cls(front, *layer.args, **layer.kwargs)
    return front


class ClientGone(Exception):
    """The client disconnected before its request was read."""


class BoundedResponse(Response):
    """A whole answer, sent within the timeout: a client that does not read cannot hold it."""

    def __init__(self, body: bytes, status: int, headers: dict[str, str], media_type: str, timeout: float):
        super().__init__(body, status_code=status, headers=headers, media_type=media_type)
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                await super().__call__(scope, receive, send)
        except TimeoutError:
            log.warning("a client did not read its answer within %gs: connection closed", self.timeout)


def pages(project: Project, store: Callable[[], ox.Store]) -> Sequence[Any]:
    """The site's routes from cybernorms.pages; without that module, or if it cannot be loaded
    (logged), a plain home page: the SPARQL endpoint is served either way."""
    import importlib

    from starlette.routing import Route

    try:
        site = importlib.import_module("cybernorms.pages")
    except ImportError as e:
        if not (isinstance(e, ModuleNotFoundError) and e.name == "cybernorms.pages"):
            log.error("the site's pages could not be loaded (%s): serving the SPARQL endpoint only", e)

        async def home(request: Any) -> Response:
            return _text(200, "cybernorms: the SPARQL endpoint is at /query (GET or POST, query=...)")

        return [Route("/", home)]
    routes: Sequence[Any] = site.routes(project, store)
    return routes


# -------------------------------------------------------------------------------------- running


def protocol(header_timeout: float) -> type:
    """uvicorn's httptools protocol with a deadline on request headers, so that a client sending
    them slowly (slowloris) or not at all is disconnected instead of holding a connection."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class Protocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            self._header_timer = self.loop.call_later(header_timeout, self._too_slow)

        def _too_slow(self) -> None:
            if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
                self.transport.abort()

    return Protocol


def run(project: Project, options: Options, ready: Callable[[], None] | None = None) -> None:
    """Serve until Ctrl-C or SIGTERM; the backends stop with the front door."""
    import uvicorn
    import uvloop

    validate(options)
    project.built_store()
    sock = bind(options.host, options.port)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    engine = Engine(project.built_store(), options.settings())

    async def main() -> None:
        try:
            await engine.start()
        except Exception as e:  # the store cannot be opened, the program cannot start: one line
            await engine.stop()
            raise ServiceError(
                project.rel(project.store),
                None,
                f"the query engine did not start: {e}",
                "check the store with `cybernorms build --force`",
            ) from None
        try:
            config = uvicorn.Config(
                app(project, options, engine),
                http=protocol(min(10.0, options.timeout)),
                lifespan="off",
                log_level="warning",
                access_log=False,
                proxy_headers=False,
                server_header=False,
                timeout_keep_alive=5,
                timeout_graceful_shutdown=3,
            )
            if ready is not None:
                ready()
            await Server(config).serve(sockets=[sock])
        finally:
            await engine.stop()

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            signalled.append(sig)
            super().handle_exit(sig, frame)

    signalled: list[int] = []
    uvloop.run(main())
    # uvicorn shuts down gracefully on Ctrl-C or SIGTERM, then raises the signal again, which comes
    # to nothing where SIGINT was ignored when the program started (a background job of a shell
    # script: `kill -INT` still reaches uvicorn's handler) and exits with status 0: told here, once
    # the loop has closed, so that the command line reports it as it does (130; 143 for SIGTERM)
    if signalled and signalled[0] == signal.SIGINT:
        raise KeyboardInterrupt
    if signalled:
        signal.raise_signal(signalled[0])  # the command line's own SIGTERM handler


# ------------------------------------------------------------------- for tests and the benchmark


def command(project: Project, host: str, port: int, timeout: float, *extra: str) -> list[str]:
    """The command that runs the front door on a project (as `make run` does)."""
    return [
        sys.executable,
        "-m",
        "cybernorms.cli",
        "--root",
        str(project.root),
        "--build-dir",
        str(project.build),
        "serve",
        "--host",
        host,
        "--port",
        str(port),
        "--timeout",
        f"{timeout:g}",
        *extra,
    ]


def start(
    project: Project,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    wait: float = 30.0,
    *extra: str,
    **popen: Any,
) -> subprocess.Popen[bytes]:
    """Start the front door in the background and return once it answers queries."""
    popen.setdefault("stdout", subprocess.DEVNULL)
    return launch(command(project, host, port, timeout, *extra), host, port, wait, **popen)


def store_command(location: Path | None, host: str, port: int, read_write: bool = False) -> list[str]:
    """The command of a plain Oxigraph server on any store directory (in memory if None): read-only,
    or read-write with the SPARQL update and Graph Store endpoints (/update, /store). For tests."""
    cmd = [oxigraph_binary(), "serve" if read_write else "serve-read-only", "--bind", f"{host}:{port}"]
    return cmd + (["--location", str(location)] if location is not None else [])


def launch(cmd: list[str], host: str, port: int, wait: float = 30.0, **popen: Any) -> subprocess.Popen[bytes]:
    """Run a server command in the background and return once it answers queries."""
    check_port(host, port)
    proc: subprocess.Popen[bytes] = subprocess.Popen(cmd, **popen)
    probe = urls(host, port)[2] + "?query=ASK%7B%7D"
    deadline = time.monotonic() + wait
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


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
