"""Query worker: run one query with a time limit, where a crash or a runaway cannot take the caller down.

Two ways, chosen by the caller (cybernorms.queries):

- `in_thread`: the library's own queries, vetted and fast, run in the caller's process, in a thread
  (pyoxigraph releases the GIL while it evaluates), so that the caller can give up at the timeout or
  on Ctrl-C at once. The thread cannot be stopped from outside: a library query that outlives its
  timeout finishes in the background, which is why only vetted queries run this way.
- `in_child`: any other query text (`--text`, a .rq file) runs in a child process, `python -m
  cybernorms.worker`, with a memory limit. At the timeout or on Ctrl-C the child is killed, so the
  work stops at once; if a known Oxigraph bug aborts the engine (docs/oxigraph-bugs.md), only the
  child dies and the caller gets a one-line error.

The child reads one JSON request on standard input ({"store", "query", "substitutions"}) and writes
one line of JSON ({"kind": "select" | "ask" | "graph"}) then the result: SPARQL JSON results for
SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

import math
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from .errors import ServiceError, UsageError

if TYPE_CHECKING:
    import subprocess

T = TypeVar("T")
DEFAULT_TIMEOUT = 60.0  # seconds; `cybernorms query --timeout`, `cybernorms.query(..., timeout=)`
MEMORY_LIMIT = 4 << 30  # bytes of data segment a child may use before its allocations fail
POLL = 0.05  # how often the caller looks at a running query: Ctrl-C is noticed within this


class QueryTimeout(UsageError):
    """A query ran longer than its time limit and was stopped (or given up, in a thread)."""


def _timeout_error(timeout: float, where: str | None) -> QueryTimeout:
    return QueryTimeout(
        where,
        None,
        f"the query ran longer than its time limit of {timeout:g} s and was stopped",
        "narrow it (a LIMIT, fewer unbound patterns), or give more time with --timeout SECONDS",
    )


def check_timeout(timeout: float | None) -> float | None:
    """A time limit given by a user: a positive number of seconds, or None for no limit."""
    if timeout is None:
        return None
    if math.isnan(timeout) or not 0 < timeout <= 7 * 24 * 3600:
        raise UsageError(
            "--timeout",
            None,
            f"{timeout!r} is not a usable time limit",
            "give a number of seconds greater than 0, e.g. --timeout 30",
        )
    return float(timeout)


class _Runner:
    """A daemon thread that runs one job at a time, then waits for the next: threads are reused, since
    starting one costs about as much as a small query. A job that outlives its caller's time limit
    keeps its runner until it ends; the next query gets another runner.

    Each job comes with a lock held for its caller, released when the job is done, once the runner
    is back among the idle ones (so that the caller's next query finds it there): one wake-up of
    the caller, where an Event's condition takes several."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[tuple[Callable[[], None], threading.Lock]] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="cybernorms-query", daemon=True).start()

    def _loop(self) -> None:
        while True:
            job, done = self.jobs.get()
            try:
                job()  # it hands its result or its error to the caller: nothing is raised here
            except BaseException:  # all the same, never leave the caller waiting for good
                done.release()
                raise
            with _IDLE.lock:
                _IDLE.runners.append(self)
            done.release()


class _Idle:
    """The runners waiting for a job."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Start afresh: a forked child has none of the runners' threads."""
        self.runners: list[_Runner] = []
        self.lock = threading.Lock()


_IDLE = _Idle()
os.register_at_fork(after_in_child=_IDLE.forget)


def _clear_frames(error: BaseException) -> None:
    """Drop the locals of the frames of an exception and of every exception it chains to (its
    __cause__ and __context__, those an exception group holds, and theirs): a query's result held
    there (pyoxigraph's are bound to the thread that made them) is then freed in the runner's
    thread, not later in the caller's thread by the collector, which pyoxigraph refuses with an
    unraisable RuntimeError. A chain may loop back on itself: each exception is visited once."""
    import traceback

    seen: set[int] = set()
    todo = [error]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        traceback.clear_frames(e.__traceback__)
        todo += [c for c in (e.__cause__, e.__context__) if c is not None]
        if isinstance(e, BaseExceptionGroup):
            todo += e.exceptions


def in_thread(fn: Callable[[], T], timeout: float | None, where: str | None = None) -> T:
    """fn() in a daemon thread; its result, or QueryTimeout at the limit; Ctrl-C interrupts at once."""
    box: dict[str, object] = {}
    done = threading.Lock()
    done.acquire()  # released by the runner when the job is done

    def job() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the caller's thread below
            _clear_frames(e)
            box["error"] = e

    with _IDLE.lock:
        runner = _IDLE.runners.pop() if _IDLE.runners else None
    (runner or _Runner()).jobs.put((job, done))
    deadline = None if timeout is None else time.monotonic() + timeout
    while not done.acquire(timeout=POLL):  # a KeyboardInterrupt in the caller's thread arrives here
        if deadline is not None and time.monotonic() > deadline:
            raise _timeout_error(timeout or 0, where)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


# ------------------------------------------------------------------------------ the child

Result = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


def _term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term)


def _term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An RDF term from its N-Triples form (as str() of a pyoxigraph term writes it)."""
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    obj: ox.NamedNode | ox.BlankNode | ox.Literal = triple.object  # never a triple in this document
    return obj


def _limit_memory() -> None:  # runs in the child, before exec
    import resource

    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))


def in_child(
    store: str,
    query: str,
    substitutions: Mapping[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None,
    timeout: float | None,
    where: str | None = None,
) -> Result:
    """Run the query on the store in a child process; its result, parsed back into pyoxigraph terms."""
    import json  # here, as below: a library query, which runs in a thread, does not pay for them
    import subprocess

    request = json.dumps(
        {
            "store": store,
            "query": query,
            "substitutions": {v.value: _term_text(t) for v, t in (substitutions or {}).items()},
        }
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "cybernorms.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_memory,  # noqa: PLW1509 -- only setrlimit, safe between fork and exec
        start_new_session=True,  # a Ctrl-C meant for the caller reaches the caller, which kills the child
    )
    try:
        out, err = child.communicate(request.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(child)
        raise _timeout_error(timeout or 0, where) from None
    except BaseException:  # Ctrl-C: stop the work at once, then let the caller handle it
        _kill(child)
        raise
    if child.returncode != 0:
        raise _failure(child.returncode, err.decode("utf-8", "replace"), where)
    header, _, payload = out.partition(b"\n")
    kind = json.loads(header)["kind"]
    if kind == "graph":
        return [q.triple for q in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)


def _kill(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()


def _failure(code: int, stderr: str, where: str | None) -> UsageError | ServiceError:
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if last.startswith("error: "):  # the child's own one-line error (syntax error, store missing...)
        return UsageError(where, None, last[len("error: ") :].rstrip(".;"), "fix the query text")
    if code < 0 and -code in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
        name = signal.Signals(-code).name
        return ServiceError(
            where,
            None,
            f"the query engine crashed on this query ({name}); your process was not affected",
            "this is a known Oxigraph 0.5.13 bug (docs/oxigraph-bugs.md): ORDER BY over values of mixed "
            "types, or very deep nesting; rewrite the query",
        )
    if "memory allocation" in stderr or "MemoryError" in stderr:
        return ServiceError(
            where,
            None,
            f"the query needed more than {MEMORY_LIMIT >> 30} GB of memory",
            "narrow it: fewer unbound patterns, a LIMIT",
        )
    return ServiceError(
        where,
        None,
        f"the query engine stopped with status {code}: {last[:200]}",
        "run the query again; if it persists, report it",
    )


def _serve_one() -> int:
    """The child's side: read one request, run it, write the result."""
    import json

    request = json.loads(sys.stdin.buffer.read())
    try:
        store = ox.Store.read_only(request["store"])
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): _term(v) for k, v in request["substitutions"].items()
        }
        result = store.query(request["query"], use_default_graph_as_union=True, substitutions=subs or None)
    except SyntaxError as e:
        print(f"error: SPARQL syntax error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except (OSError, RuntimeError, ValueError) as e:
        print(f"error: the query cannot run: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    out = sys.stdout.buffer
    if isinstance(result, ox.QueryTriples):
        out.write(b'{"kind": "graph"}\n')
        ox.serialize(result, output=out, format=ox.RdfFormat.N_TRIPLES)
    else:
        kind = "ask" if isinstance(result, ox.QueryBoolean) else "select"
        out.write(json.dumps({"kind": kind}).encode() + b"\n")
        result.serialize(output=out, format=ox.QueryResultsFormat.JSON)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_serve_one())
