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
    from .queries import as_python

    return as_python(name, root, build, allow_service, timeout, params)


def library(root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The library queries by name, with their titles."""
    from .layout import Project
    from .queries import library

    return {name: q.title for name, q in library(Project.at(root), checks=False).items()}
