"""The query worker's thread hand-off (cybernorms.worker.in_thread): what an error carries back."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading

import pyoxigraph as ox
import pytest

from cybernorms.worker import QueryTimeout, in_thread


def test_an_error_chained_to_one_that_held_a_query_result_is_freed_without_complaint(monkeypatch):
    """A job that fails while handling an error whose frame held a query's result (made in the
    runner's thread): once the caller drops the error, collecting it in the caller's thread frees
    nothing that pyoxigraph binds to the runner's thread."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(f"{u.exc_type.__name__}: {u.exc_value}"))

    def read() -> None:
        solutions = store.query("SELECT ?o WHERE { ?s ?p ?o }")  # bound to the runner's thread
        assert isinstance(solutions, ox.QuerySolutions)
        raise LookupError("the first error, raised where the result is held")

    def job() -> None:
        try:
            read()
        except LookupError as first:
            raise ValueError("the second error, raised while handling the first") from first

    gc.collect()
    gc.disable()  # the error's frames form cycles: only a collection in this thread frees them
    try:
        with pytest.raises(ValueError, match="the second error") as raised:
            in_thread(job, 10.0)
        assert isinstance(raised.value.__cause__, LookupError)
        del raised
        gc.collect()
    finally:
        gc.enable()
    assert unraisable == []


def test_an_error_whose_chain_loops_back_is_handed_over():
    def job() -> None:
        first, second = LookupError("first"), ValueError("second")
        first.__cause__, second.__cause__ = second, first  # a chain that loops back on itself
        raise second

    with pytest.raises(ValueError, match="second") as raised:
        in_thread(job, 10.0)
    assert raised.value.__cause__.__cause__ is raised.value


def test_a_job_past_its_time_limit_is_given_up_and_the_next_one_runs():
    release = threading.Event()
    with pytest.raises(QueryTimeout) as late:
        in_thread(lambda: release.wait(30), 0.2, "query slow")
    assert late.value.message == (
        "query slow: the query ran longer than its time limit of 0.2 s and was stopped; narrow it (a LIMIT, "
        "fewer unbound patterns), or give more time with --timeout SECONDS"
    )
    assert in_thread(lambda: 42, 10.0) == 42  # another runner: the first is still busy
    release.set()
    assert [in_thread(lambda n=n: n * 2, 10.0) for n in range(5)] == [0, 2, 4, 6, 8]


def test_ctrl_c_interrupts_the_caller_while_the_job_runs():
    started, release = threading.Event(), threading.Event()
    finished: list[bool] = []

    def job() -> None:
        started.set()
        release.wait(10)
        finished.append(True)

    def press_ctrl_c() -> None:
        started.wait(10)
        os.kill(os.getpid(), signal.SIGINT)

    # Python's own Ctrl-C handler, as a user's program has it (a pytest-xdist worker ignores SIGINT)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=press_ctrl_c).start()
        with pytest.raises(KeyboardInterrupt):
            in_thread(job, None)
        assert finished == []  # the caller got the interrupt while the job was still running
    finally:
        signal.signal(signal.SIGINT, previous)
        release.set()
