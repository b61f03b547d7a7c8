"""cybernorms: a knowledge graph of the norms of responsible state behaviour in cyberspace.

    >>> import cybernorms
    >>> cybernorms.query("norms", norm="13(g)")[0]["notation"]
    '13(g)'

`query` runs a query of the library (queries/*.rq) on the built store (build/store) and returns
its rows as dictionaries of Python values; ASK gives a bool, CONSTRUCT and DESCRIBE a list of
(subject, predicate, object) tuples.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

__version__ = "0.2.0"
__all__ = ["__version__", "library", "query"]


def query(
    name: str,
    /,
    *,
    root: str | os.PathLike[str] | None = None,
    build: str | os.PathLike[str] | None = None,
    allow_service: Sequence[str] = (),
    timeout: float | None = 60.0,
    **params: object,
) -> bool | list[tuple[object, object, object]] | list[dict[str, object]]:
    """Run library query `name` with typed parameters (e.g. state="FRA", norm="13(g)").
    `root` is the project directory and `build` its build directory (defaults: the checkout);
    `allow_service` lists the SERVICE endpoints a federated query may call (none by default);
    `timeout` is the time limit in seconds (None: none), past which QueryTimeout is raised."""
    import pyoxigraph as ox

    from .layout import Project
    from .queries import rows_as_dicts, run, shared_store, to_python
    from .worker import check_timeout, in_thread

    project = Project.at(root, build)
    given = {k: str(v) for k, v in params.items()}

    def answer() -> bool | list[tuple[object, object, object]] | list[dict[str, object]]:
        result = run(project, name, given, store=shared_store(project), allow_service=allow_service)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, (ox.QueryTriples, list)):
            return [(to_python(t.subject), to_python(t.predicate), to_python(t.object)) for t in result]
        return rows_as_dicts(result)

    return in_thread(answer, check_timeout(timeout), name)


def library(root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The library queries by name, with their titles."""
    from .layout import Project
    from .queries import library

    return {name: q.title for name, q in library(Project.at(root), checks=False).items()}
