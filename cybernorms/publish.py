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

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import ServiceError, UsageError
from .layout import Project
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


def _opener(
    endpoint: str, user: str | None, password_env: str, auth: str
) -> tuple[urllib.request.OpenerDirector, dict[str, str]]:
    """The URL opener and the headers of every request, for the authentication asked."""
    if auth not in AUTH:
        raise UsageError("--auth", None, f"unknown authentication {auth!r}", "use basic or digest")
    if not user:
        return urllib.request.build_opener(), {}
    password = os.environ.get(password_env)
    if password is None:
        raise UsageError(
            f"${password_env}",
            None,
            f"--user {user} is given but the environment variable {password_env} that holds the password is not set",
            f"export {password_env}=... (the password is never taken from the command line)",
        )
    if auth == "basic":
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return urllib.request.build_opener(), {"Authorization": f"Basic {token}"}
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, endpoint, user, password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords)), {}


def graph_url(endpoint: str, graph_iri: str) -> str:
    return f"{endpoint}?{urllib.parse.urlencode({'graph': graph_iri})}"


def _put(opener: urllib.request.OpenerDirector, url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    request = urllib.request.Request(
        url,
        data=body,
        method="PUT",
        headers={"Content-Type": "text/turtle; charset=utf-8", "User-Agent": "cybernorms-publish/0.1", **headers},
    )
    with opener.open(request, timeout=timeout) as response:
        response.read()


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
    opener, headers = _opener(endpoint, user, password_env, auth)
    store = open_store(project)
    result = Result(endpoint)
    graphs = project.graphs()
    log(
        f"publishing {len(graphs)} named graphs of {project.rel(project.store)} to {endpoint} (PUT replaces each graph)"
    )
    for i, spec in enumerate(graphs):
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(spec.iri))
        ]
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b""
        try:
            _put(opener, graph_url(endpoint, spec.iri), body, headers, timeout)
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as e:
            if isinstance(e, urllib.error.HTTPError):
                problem = f"HTTP {e.code} {e.reason}"
                if e.code in (401, 403):
                    problem += " (check --user and the password in $" + password_env + ")"
            else:
                problem = f"cannot reach the endpoint: {getattr(e, 'reason', e)}"
            pushed = ", ".join(f"graph/{name}" for name, _ in result.pushed) or "none"
            missing = ", ".join(f"graph/{g.name}" for g in graphs[i:])
            raise ServiceError(
                endpoint,
                None,
                f"publishing stopped at graph/{spec.name}: {problem}; pushed: {pushed}; not pushed: {missing}",
                "fix the endpoint and run publish again (PUT replaces graphs, so repeating is safe)",
            ) from None
        result.pushed.append((spec.name, len(triples)))
        log(f"  pushed graph/{spec.name}: {len(triples):,} triples")
    log(f"published {len(result.pushed)} graphs, {sum(n for _, n in result.pushed):,} triples")
    return result
