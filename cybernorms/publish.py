"""Publish: push every named graph of build/store to a SPARQL 1.1 Graph Store Protocol endpoint.

    PUT {endpoint}?graph={graph IRI}      Content-Type: text/turtle

PUT replaces the graph, so publishing twice leaves the same triples (idempotent), and publishing
again after a failure is safe. Graphs are sent one by one, in the fixed order of
Project.graphs(); the first failure stops the run, and the error names the graphs that
were pushed and those that were not. Any Graph Store endpoint works: Fuseki
(http://host:3030/{dataset}/data), GraphDB (http://host:7200/repositories/{repo}/rdf-graphs/service),
Virtuoso (http://host:8890/sparql-graph-crud-auth), Oxigraph (http://host:7878/store).

Authentication: the user name on the command line (--user), the password only ever from an
environment variable (CYBERNORMS_PASSWORD by default), never on the command line where other users
of the machine could read it. HTTP basic by default (sent with every request: use https beyond
localhost); --auth digest answers the HTTP Digest challenge that Virtuoso's
/sparql-graph-crud-auth sends.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from . import __version__
from .errors import ServiceError, UsageError
from .layout import Project
from .parse import COUNTS, select
from .queries import open_store

DEFAULT_PASSWORD_ENV = "CYBERNORMS_PASSWORD"


@dataclass
class Result:
    endpoint: str
    pushed: list[tuple[str, int]] = field(default_factory=list)  # (graph name, triples)


def check_endpoint(url: str) -> str:
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise UsageError(
            "--endpoint",
            None,
            f"{url!r} is not an http(s) URL",
            "give the Graph Store endpoint, e.g. http://localhost:3030/ds/data (Fuseki) "
            "or http://localhost:7878/store (Oxigraph)",
        )
    if parts.query or parts.fragment:
        raise UsageError(
            "--endpoint",
            None,
            f"{url!r} has a query or fragment",
            "give the endpoint without ?graph=...: publish adds it for each graph",
        )
    return url


AUTH = ("basic", "digest")


def _session(user: str | None, password_env: str, auth: str) -> requests.Session:
    """An HTTP session that authenticates every request as asked (none, basic or digest)."""
    if auth not in AUTH:
        raise UsageError("--auth", None, f"unknown authentication {auth!r}", "use basic or digest")
    session = requests.Session()
    session.headers["User-Agent"] = f"cybernorms-publish/{__version__}"
    if not user:
        return session
    password = os.environ.get(password_env)
    if password is None:
        raise UsageError(
            f"${password_env}",
            None,
            f"--user {user} is given but the environment variable {password_env} that holds the password is not set",
            f"export {password_env}=... (the password is never taken from the command line)",
        )
    session.auth = HTTPBasicAuth(user, password) if auth == "basic" else HTTPDigestAuth(user, password)
    return session


def graph_url(endpoint: str, graph_iri: str) -> str:
    return f"{endpoint}?{urllib.parse.urlencode({'graph': graph_iri})}"


def _answer_the_challenge(session: requests.Session, url: str, timeout: float) -> None:
    """With digest authentication, a server answers the first request with a challenge (401) and may
    close the connection while a large body is still being sent (Virtuoso does: the PUT fails with a
    broken pipe). A HEAD takes the challenge first; the PUTs then carry the answer from the start."""
    if isinstance(session.auth, HTTPDigestAuth):
        session.head(url, timeout=timeout).close()


def _push(
    session: requests.Session, endpoint: str, graph: str, body: bytes, timeout: float, first: bool, password_env: str
) -> str | None:
    """PUT one graph; None when it is done, else what went wrong, in words."""
    url = graph_url(endpoint, graph)
    try:
        if first:
            _answer_the_challenge(session, url, timeout)
        response = session.put(url, data=body, headers={"Content-Type": "text/turtle; charset=utf-8"}, timeout=timeout)
    except (requests.RequestException, OSError) as e:
        reason = e.__context__ if isinstance(e, requests.ConnectionError) and e.__context__ else e
        return f"cannot reach the endpoint: {' '.join(str(reason).split())[:300]}"
    if response.ok:
        return None
    problem = f"HTTP {response.status_code} {response.reason}"
    if response.status_code in (401, 403):
        problem += f" (check --user and the password in ${password_env})"
    return problem


def run(
    project: Project,
    endpoint: str,
    user: str | None = None,
    password_env: str = DEFAULT_PASSWORD_ENV,
    timeout: float = 120.0,
    log: Callable[[str], None] = lambda msg: None,
    auth: str = "basic",
) -> Result:
    """PUT each named graph; raises ServiceError naming what was and was not pushed on the first failure."""
    check_endpoint(endpoint)
    session = _session(user, password_env, auth)
    store = open_store(project)
    result = Result(endpoint)
    graphs = project.graphs()
    log(
        f"publishing {len(graphs)} named graphs of {project.rel(project.store)} to {endpoint} (PUT replaces each graph)"
    )
    # each graph written as Turtle by Oxigraph straight from the store (no Python object per triple)
    sizes = {str(row["g"].value): int(row["n"].value) for row in select(store, COUNTS)}
    for i, spec in enumerate(graphs):
        body = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(spec.iri)) or b""
        size = sizes.get(spec.iri, 0)
        problem = _push(session, endpoint, spec.iri, body, timeout, first=i == 0, password_env=password_env)
        if problem:
            pushed = ", ".join(f"graph/{name}" for name, _ in result.pushed) or "none"
            missing = ", ".join(f"graph/{g.name}" for g in graphs[i:])
            raise ServiceError(
                endpoint,
                None,
                f"publishing stopped at graph/{spec.name}: {problem}; pushed: {pushed}; not pushed: {missing}",
                "fix the endpoint and run publish again (PUT replaces graphs, so repeating is safe)",
            )
        result.pushed.append((spec.name, size))
        log(f"  pushed graph/{spec.name}: {size:,} triples")
    log(f"published {len(result.pushed)} graphs, {sum(n for _, n in result.pushed):,} triples")
    return result
