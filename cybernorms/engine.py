"""Engine: a supervised pool of `oxigraph serve-read-only` processes that answer SPARQL queries.

Each backend is an Oxigraph server on a private loopback port that runs ONE query at a time, so
that a query can be stopped by killing its process (SIGKILL) without harming any other query:

- the deadline (the query timeout) covers running the query and reading its whole answer; a
  query past it, an answer larger than the result limit, or a client that goes away gets its
  backend killed, so the work stops within a second, and a fresh backend takes its place;
- each backend runs under a memory limit (RLIMIT_DATA, and RSS polled with psutil as a backstop):
  a query that wants more is killed;
- a backend that dies by itself (an Oxigraph abort: stack overflow, the ORDER BY panic, memory)
  is logged with Oxigraph's own last words and respawned; the query that killed it is
  remembered by its fingerprint and refused at once next time;
- the answer is read whole, up to the result limit, before any status is sent: a query cut short
  never answers 200 with a truncated body. Each backend is reached on one kept-alive connection
  (`Link`) whose answers httptools parses, as uvicorn parses requests (aiohttp cost 0.3-0.4 ms of
  CPU per answer of 12 kB here, woken once per chunk; this under 0.1 ms);
- a build swaps build/store to a new directory: the pool notices within a second, starts
  backends on the new store, and retires the old ones once their queries end.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import resource
import signal
import socket
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import httptools
import psutil

log = logging.getLogger("cybernorms.engine")

PR_SET_PDEATHSIG = 1
# what Oxigraph prints when it aborts, and what the client is told about it
KNOWN_ABORTS = (
    ("has overflowed its stack", "a stack overflow of Oxigraph 0.5.13 (deep nesting; see docs/oxigraph-bugs.md)"),
    (
        "does not correctly implement a total order",
        (
            "the ORDER BY panic of Oxigraph 0.5.13 on mixed literals (see docs/oxigraph-bugs.md); "
            "order by STR(?x) or filter one kind of literal"
        ),
    ),
    ("memory allocation", "the query needed more memory than the limit"),
)


@dataclass(frozen=True)
class Settings:
    timeout: float = 30.0  # seconds: the whole query, from the request to the last byte of the answer
    memory_mb: int = 2048  # per backend
    max_result_bytes: int = 64 * 1024 * 1024
    backends: int = 3
    oxigraph: str = "oxigraph"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class QueryFailed(Exception):
    """A query the engine could not answer: status and message for the client; `crash` is the
    cause when the query killed its backend."""

    def __init__(self, status: int, message: str, crash: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.crash = crash


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _limit_child(memory_bytes: int) -> Callable[[], None]:
    """Run in the child before exec: own process group, memory limit, no core dump, and killed if the
    front door dies (so that no backend outlives it)."""

    def apply() -> None:
        os.setpgid(0, 0)  # not in the terminal's group: Ctrl-C reaches the front door, which stops the backends
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    return apply


class LinkBroken(Exception):
    """The connection to a backend closed, or its answer could not be read, before it was whole."""


class AnswerTooLarge(Exception):
    """The backend's answer passed the result limit."""


class Link(asyncio.Protocol):
    """One kept-alive HTTP/1.1 connection to a backend, one request at a time (a backend runs one
    query at a time). The answer is parsed by httptools and handed over whole, once, with its
    status, Content-Type and Vary."""

    def __init__(self, limit: int):
        self.limit = limit
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Answer] | None = None
        self.parser: httptools.HttpResponseParser | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.content_type = "text/plain"
        self.headers: dict[str, str] = {}
        self.used = time.monotonic()

    @property
    def open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def send(self, request: bytes) -> asyncio.Future[Answer]:
        """Send one request; the future gets its whole answer, or LinkBroken, or AnswerTooLarge."""
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.parser = httptools.HttpResponseParser(self)
        self.chunks, self.size, self.content_type, self.headers = [], 0, "text/plain", {}
        self.used = time.monotonic()
        self.transport.write(request)
        return self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a TCP transport (uvloop's is no subclass)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._fail(LinkBroken("the connection to the query engine closed"))

    def data_received(self, data: bytes) -> None:
        if self.parser is None:  # nothing was asked: the link cannot be trusted any more
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as e:  # also what on_body raises to stop at the limit
            self._fail(LinkBroken(f"the answer of the query engine could not be read: {e}"))
            self.parser = None
            self.close()

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"content-type":
            self.content_type = value.decode("latin-1")
        elif name == b"vary":
            self.headers["vary"] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size > self.limit:
            self._fail(AnswerTooLarge())
            raise AnswerTooLarge  # stops the parser; data_received closes the link
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        parser, self.parser = self.parser, None
        assert parser is not None
        if self.waiter is not None and not self.waiter.done():
            body = b"".join(self.chunks)
            self.waiter.set_result(Answer(parser.get_status_code(), self.content_type, body, self.headers))
        self.chunks = []
        if not parser.should_keep_alive():
            self.close()

    def _fail(self, error: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)


def _request(port: int, text: str, accept: str, params: list[tuple[str, str]]) -> bytes:
    """The request for one query: POST application/sparql-query, the client's Accept passed on."""
    if "\r" in accept or "\n" in accept:  # the front door's parser refuses these; say so if one comes
        raise QueryFailed(400, "the Accept header holds a line break")
    target = f"/query?{urlencode(params)}" if params else "/query"
    body = text.encode("utf-8")
    head = (
        f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: {accept}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1", "replace") + body


def _expire(waiter: asyncio.Future[Answer]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class Backend:
    """One `oxigraph serve-read-only` process on a private port."""

    def __init__(self, store: Path, settings: Settings, number: int):
        self.store = store
        self.settings = settings
        self.number = number
        self.port = 0
        self.proc: asyncio.subprocess.Process | None = None
        self.last_words: deque[str] = deque(maxlen=20)
        self.kill_reason: str | None = None
        self.started = 0.0
        self.link: Link | None = None

    async def connect(self) -> Link:
        """The kept-alive connection to this backend, opened anew if it closed or sat idle for 20 s
        (before Oxigraph's own 60 s socket timeout can close it under a request)."""
        link = self.link
        if link is not None and link.open and time.monotonic() - link.used < 20:
            return link
        if link is not None:
            link.close()
        loop = asyncio.get_running_loop()
        _, self.link = await loop.create_connection(
            lambda: Link(self.settings.max_result_bytes), "127.0.0.1", self.port
        )
        return self.link

    async def spawn(self) -> None:
        for _ in range(5):  # the free port may be taken between the probe and the bind: retry
            self.port = free_port()
            self.proc = await asyncio.create_subprocess_exec(
                self.settings.oxigraph,
                "serve-read-only",
                "--location",
                str(self.store),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",  # no --timeout-s: the pool kills at its deadline, and
                # Oxigraph's timeout starts a sleeping thread per query, which slows every query
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                preexec_fn=_limit_child(self.settings.memory_mb * 1024 * 1024),
            )
            self.started = time.monotonic()
            asyncio.get_running_loop().create_task(self._read_stderr())
            if await self._ready():
                return
            await self.terminate()
        said = [w for w in self.last_words if w.startswith("Error:")] or list(self.last_words)[-1:] or ["no output"]
        raise RuntimeError(f"oxigraph did not start on {self.store}: {said[0][:300]}")

    async def _read_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.last_words.append(line.decode("utf-8", "replace").rstrip())

    async def _ready(self) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.returncode is not None:
                return False
            try:
                async with asyncio.timeout(2):
                    link = await self.connect()
                    if (await link.send(_request(self.port, "ASK {}", "*/*", []))).status == 200:
                        return True
            except (OSError, LinkBroken):  # not listening yet (TimeoutError is an OSError)
                if self.link is not None:
                    self.link.close()
            await asyncio.sleep(0.02)
        return False

    def kill(self, reason: str) -> None:
        """Stop the query in this backend at once (and the backend with it)."""
        if self.proc is not None and self.proc.returncode is None:
            self.kill_reason = self.kill_reason or reason  # the first reason is the true one
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()

    async def terminate(self) -> None:
        if self.proc is None:
            return
        if self.proc.returncode is None:
            self.kill_reason = self.kill_reason or "stopped"
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        await self.proc.wait()
        if self.link is not None:
            self.link.close()

    def cause(self) -> str:
        """What killed this backend, in words a client can act on."""
        words = "\n".join(self.last_words)
        for marker, meaning in KNOWN_ABORTS:
            if marker in words:
                return meaning
        rc = self.proc.returncode if self.proc else None
        return f"the query engine stopped (exit status {rc})"


class Engine:
    """The pool: `query()` runs one query on a free backend, within the deadline and limits."""

    def __init__(self, store_link: Path, settings: Settings):
        self.store_link = store_link
        self.settings = settings
        # the backend used last is the first one taken again: its caches and its kept-alive
        # connection are warm, and at low concurrency one backend answers query after query
        self.idle: asyncio.Queue[Backend] = asyncio.LifoQueue()
        self.backends: set[Backend] = set()
        self.store = Path(os.path.realpath(store_link))
        self.killers: OrderedDict[str, str] = OrderedDict()  # fingerprint -> cause, most recent last
        self.counter = 0
        self.stopping = False
        self.tasks: set[asyncio.Task[None]] = set()
        self.events: deque[str] = deque(maxlen=100)  # what the supervisor did, for tests and logs

    # ------------------------------------------------------------------ life cycle

    async def start(self) -> None:
        await asyncio.gather(*(self._add(self.store) for _ in range(self.settings.backends)))
        self._background(self._watch_store())
        self._background(self._watch_memory())

    async def stop(self) -> None:
        self.stopping = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(b.terminate() for b in list(self.backends)), return_exceptions=True)
        self.backends.clear()

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _event(self, message: str) -> None:
        self.events.append(message)
        log.warning(message)

    async def _add(self, store: Path) -> None:
        self.counter += 1
        backend = Backend(store, self.settings, self.counter)
        self.backends.add(backend)
        try:
            await backend.spawn()
        except Exception:
            self.backends.discard(backend)
            raise
        self._background(self._supervise(backend))
        self.idle.put_nowait(backend)

    async def _supervise(self, backend: Backend) -> None:
        """Wait for the backend to exit; unless the pool retired it, log why and start another."""
        assert backend.proc is not None
        await backend.proc.wait()
        await asyncio.sleep(0.05)  # let its last words arrive
        if self.stopping or backend not in self.backends:
            return
        self.backends.discard(backend)
        reason = backend.kill_reason or backend.cause()
        self._event(f"backend {backend.number} (pid {backend.proc.pid}) exited: {reason}; starting another")
        for attempt in range(10):
            try:
                await self._add(self.store)
                self._event(f"backend replaced after {time.monotonic() - backend.started:.1f}s of service")
                return
            except Exception as e:  # keep trying: the front door must get its engine back
                self._event(f"could not start a backend (attempt {attempt + 1}): {e}")
                await asyncio.sleep(min(2.0, 0.2 * (attempt + 1)))

    async def _watch_store(self) -> None:
        """Serve a new build: when build/store points to another directory, move the pool there."""
        while True:
            await asyncio.sleep(1.0)
            target = Path(os.path.realpath(self.store_link))
            if target == self.store or not (target / "CURRENT").is_file():
                continue
            self._event(f"build/store now points to {target.name}: starting backends on it")
            old = self.store
            self.store = target
            try:
                await asyncio.gather(*(self._add(target) for _ in range(self.settings.backends)))
            except Exception as e:
                self._event(f"could not serve the new store: {e}; still serving {old.name}")
                self.store = old
                continue
            await self._retire_idle()

    async def _retire_idle(self) -> None:
        keep: list[Backend] = []
        while not self.idle.empty():
            b = self.idle.get_nowait()
            if b.store == self.store:
                keep.append(b)
            else:
                self.backends.discard(b)
                await b.terminate()
        for b in keep:
            self.idle.put_nowait(b)

    async def _watch_memory(self) -> None:
        """The backstop of RLIMIT_DATA: a backend whose resident memory passes the limit is killed."""
        limit = self.settings.memory_mb * 1024 * 1024
        while True:
            await asyncio.sleep(0.5)
            for b in list(self.backends):
                if b.proc is None or b.proc.returncode is not None:
                    continue
                with contextlib.suppress(psutil.Error):
                    if psutil.Process(b.proc.pid).memory_info().rss > limit:
                        b.kill(f"its memory passed the limit of {self.settings.memory_mb} MB")

    # ------------------------------------------------------------------ queries

    def remembered(self, fingerprint: str) -> str | None:
        """Why a query with this fingerprint killed a backend before, or None."""
        return self.killers.get(fingerprint)

    async def query(
        self, text: str, accept: str, params: list[tuple[str, str]], fingerprint: str, deadline: float | None = None
    ) -> Answer:
        """Run one query on a free backend and return its whole answer; raise QueryFailed otherwise.
        `params` are the protocol's default-graph-uri / named-graph-uri pairs."""
        deadline = deadline or time.monotonic() + self.settings.timeout
        if self.idle.empty():
            try:
                async with asyncio.timeout_at(_loop_time(deadline)):
                    backend = await self.idle.get()
            except TimeoutError:
                raise QueryFailed(503, self._timeout_message("waiting for a free query engine")) from None
        else:
            backend = self.idle.get_nowait()
        if backend not in self.backends:  # retired or dead while idle
            return await self.query(text, accept, params, fingerprint, deadline)
        done = False
        try:
            answer = await self._ask(backend, text, accept, params, deadline)
            done = True
            return answer
        except QueryFailed as e:
            if e.crash is not None:
                self.remember(fingerprint, e.crash)
            raise
        finally:
            if not done and backend.proc is not None and backend.proc.returncode is None:
                backend.kill("the query was cut short")  # stop the work: timeout, size, client gone
            elif done:
                self._release(backend)

    def _release(self, backend: Backend) -> None:
        if backend.store != self.store:
            self.backends.discard(backend)
            self._background(backend.terminate())
        elif backend in self.backends:
            self.idle.put_nowait(backend)

    async def _ask(
        self, backend: Backend, text: str, accept: str, params: list[tuple[str, str]], deadline: float
    ) -> Answer:
        for attempt in (1, 2):
            try:
                return await self._post(backend, text, accept, params, deadline)
            except (LinkBroken, OSError):
                pass  # the backend died under this query, or a kept-alive connection was closed
            assert backend.proc is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(backend.proc.wait(), 0.5)
            if backend.proc.returncode is None and attempt == 1:
                continue  # alive: a stale connection, try once more on a new one
            break
        await asyncio.sleep(0.05)  # its last words
        if backend.kill_reason is not None:
            raise QueryFailed(503, f"the query engine was stopped: {backend.kill_reason}")
        if backend.proc is not None and backend.proc.returncode is None:
            raise QueryFailed(502, "the query engine did not answer; retry")
        cause = backend.cause()
        raise QueryFailed(500, f"this query crashed the query engine: {cause}; the engine was restarted", cause)

    async def _post(
        self, backend: Backend, text: str, accept: str, params: list[tuple[str, str]], deadline: float
    ) -> Answer:
        request = _request(backend.port, text, accept, params)
        when = _loop_time(deadline)
        try:
            async with asyncio.timeout_at(when):  # opening a connection is rare: most requests reuse one
                link = await backend.connect()
        except TimeoutError:
            raise self._timed_out(backend) from None
        waiter = link.send(request)
        timer = asyncio.get_running_loop().call_at(when, _expire, waiter)  # cheaper than a Timeout per query
        try:
            return await waiter
        except TimeoutError:
            raise self._timed_out(backend) from None
        except AnswerTooLarge:
            backend.kill("its answer passed the result limit")
            raise QueryFailed(
                507,
                f"the answer is larger than the limit of {self.settings.max_result_bytes // (1024 * 1024)} MB: "
                "add LIMIT, or select fewer variables or rows",
            ) from None
        finally:
            timer.cancel()
            if not waiter.done() or waiter.cancelled() or waiter.exception() is not None:
                link.close()  # cut short: an answer may still come on it

    def _timed_out(self, backend: Backend) -> QueryFailed:
        """Stop a query that passed its time limit (its backend killed) and say so to the client."""
        backend.kill(f"the query passed the timeout of {self.settings.timeout:g}s")
        return QueryFailed(504, self._timeout_message("running the query"))

    def remember(self, fingerprint: str, cause: str) -> None:
        self.killers[fingerprint] = cause
        self.killers.move_to_end(fingerprint)
        while len(self.killers) > 1000:
            self.killers.popitem(last=False)

    def _timeout_message(self, doing: str) -> str:
        return (
            f"the query timeout of {self.settings.timeout:g}s passed while {doing}; "
            "the query was stopped: narrow it, add LIMIT, or ask the operator for a longer --timeout"
        )


def _loop_time(deadline: float) -> float:
    """A time.monotonic() deadline on the event loop's clock (the same clock on Linux, but say so)."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())
