"""The command line: wires the stages together, prints their results, turns errors into one line
and exit status 2. No logic of its own beyond argument handling."""

from __future__ import annotations

import argparse
import sys

from .errors import EXIT_INPUT, CybernormsError, UsageError
from .layout import Project


def _project(args) -> Project:
    return Project.at(args.root, args.build_dir, getattr(args, "dist_dir", None))


def cmd_build(args) -> int:
    from .build import build, summary

    project = _project(args)
    log = (lambda msg: print(msg, file=sys.stderr)) if not args.quiet else (lambda msg: None)
    result = build(project, force=args.force, log=log)
    print(summary(result, project))
    return 0


def cmd_export(args) -> int:
    from .export import export

    project = _project(args)
    written = export(project)
    print(f"exported {len(written)} files to {project.rel(project.dist)}/")
    for path in written:
        print(f"  {project.rel(path)}")
    return 0


def cmd_serve(args) -> int:
    from . import serve

    project = _project(args)
    options = serve.Options(
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        memory_mb=args.memory_limit,
        max_result_mb=args.max_result,
        backends=args.backends,
        allow_service=tuple(args.allow_service or ()),
        allow_host=tuple(args.allow_host or ()),
        allow_origin=tuple(args.allow_origin or ()),
    )
    serve.validate(options)
    project.built_store()
    serve.check_port(args.host, args.port)
    home, editor, query = serve.urls(args.host, args.port)

    def banner() -> None:
        print(
            f"serving {project.rel(project.store)} read-only (union of the named graphs as default graph, "
            f"query timeout {args.timeout:g}s)"
        )
        print(f"  home page:         {home}")
        print(f"  query editor:      {editor}")
        print(f"  SPARQL endpoint:   {query}")
        print("press Ctrl-C to stop", flush=True)

    serve.run(project, options, ready=banner)
    return 0


def cmd_link(args) -> int:
    from . import link

    _, text = link.run(
        _project(args),
        args.endpoint or link.DEFAULT_ENDPOINT,
        args.offline,
        args.write,
        args.symbol_property or link.DEFAULT_SYMBOL_PROPERTY,
        args.timeout,
    )
    sys.stdout.write(text)
    return 0


def cmd_publish(args) -> int:
    from . import publish

    publish.run(_project(args), args.endpoint, args.user, args.password_env, args.timeout, log=print, auth=args.auth)
    return 0


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise UsageError(None, None, f"parameter {pair!r} is not of the form name=value", "write --param state=FRA")
        k, v = pair.split("=", 1)
        params[k.strip()] = v
    return params


def cmd_query(args) -> int:
    from . import queries

    project = _project(args)
    if args.text is None and args.name is None:
        raise UsageError(None, None, "no query given", "give a query name or file, or --text 'SELECT ...'")
    fmt = args.format or "table"
    result = queries.run(
        project, args.name, _params(args.param), text=args.text, allow_service=args.allow_service or ()
    )
    if fmt == "table" and not hasattr(result, "variables") and not isinstance(result, bool):
        fmt = "turtle"
    sys.stdout.write(queries.format_results(result, fmt, args.max_width))
    return 0


def cmd_queries(args) -> int:
    from . import queries

    project = _project(args)
    for q in queries.library(project, checks=args.checks).values():
        print(f"{q.name}\n    {q.title}")
        for p in q.params:
            default = f", default {p.default}" if p.default else ""
            print(f"    --param {p.name}=<{p.type}{default}>  {p.description}")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="cybernorms",
        description=(
            "A knowledge graph of the norms of responsible state behaviour in cyberspace "
            "(UN GGE A/70/174 and the G7 Cyber Norm Initiative 2019)."
        ),
    )
    ap.add_argument("--root", help="project directory (default: the current checkout)")
    ap.add_argument("--build-dir", help="where the store is built (default: ROOT/build)")
    sub = ap.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="segment, parse, validate, reason and write build/store")
    b.add_argument("--force", action="store_true", help="rebuild even if the inputs are unchanged")
    b.add_argument("--quiet", action="store_true", help="do not print the stages as they run")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("export", help="write dist/: Turtle, RDF/XML, TriG, N-Quads, JSON-LD, VoID, checksums")
    e.add_argument("--dist-dir", help="where to write the exports (default: ROOT/dist)")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="serve the site and the SPARQL endpoint of build/store, read-only")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7878)
    s.add_argument("--timeout", type=float, default=30, help="query timeout in seconds (default: %(default)s)")
    s.add_argument("--memory-limit", type=int, default=2048, metavar="MB", help="memory of each query engine")
    s.add_argument("--max-result", type=int, default=64, metavar="MB", help="largest answer sent (default: 64)")
    s.add_argument("--backends", type=int, default=3, help="query engine processes: queries run at once")
    s.add_argument(
        "--allow-service",
        action="append",
        metavar="URL",
        help="let SERVICE clauses call this endpoint (repeatable; none by default)",
    )
    s.add_argument("--allow-host", action="append", metavar="NAME", help="another host name clients may use")
    s.add_argument("--allow-origin", action="append", metavar="ORIGIN", help="a web origin allowed to query (CORS)")
    s.set_defaults(func=cmd_serve)

    q = sub.add_parser("query", help="run a library query by name, a .rq file, or --text")
    q.add_argument("name", nargs="?", help="query name (see `cybernorms queries`) or path to a .rq file")
    q.add_argument("--text", help="the SPARQL query itself")
    q.add_argument("--param", action="append", metavar="NAME=VALUE", help="a query parameter (repeatable)")
    q.add_argument(
        "--allow-service",
        action="append",
        metavar="URL",
        help="let a SERVICE clause call this endpoint (repeatable; none by default, see docs/serving.md)",
    )
    q.add_argument("--format", choices=["table", "csv", "tsv", "json", "turtle", "json-ld", "ntriples"])
    q.add_argument(
        "--max-width",
        type=int,
        default=80,
        metavar="N",
        help="in a table, cut values longer than N characters (0: never)",
    )
    q.set_defaults(func=cmd_query)

    lk = sub.add_parser(
        "link",
        help="refresh graph/links from the verified tables, the URL rules and a SPARQL "
        "endpoint; prints the diff, writes data/links/generated-*.ttl only with --write",
    )
    lk.add_argument("--endpoint", metavar="URL", help="SPARQL endpoint shaped like Wikidata (default: Wikidata's)")
    lk.add_argument("--offline", action="store_true", help="ask no endpoint: replay its cached answers")
    lk.add_argument("--write", action="store_true", help="rewrite the generated link files (never curated.ttl)")
    lk.add_argument(
        "--symbol-property",
        metavar="PID",
        help="Wikidata property of UN document symbols (default: P3069, unverified: see docs/links.md)",
    )
    lk.add_argument("--timeout", type=float, default=60, help="seconds to wait for each endpoint answer")
    lk.set_defaults(func=cmd_link)

    pb = sub.add_parser("publish", help="PUT each named graph of build/store to a SPARQL 1.1 Graph Store endpoint")
    pb.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="Graph Store Protocol URL, e.g. http://localhost:3030/ds/data (Fuseki), "
        "http://localhost:7878/store (Oxigraph); see docs/links.md",
    )
    pb.add_argument("--user", help="user name for HTTP authentication (see --auth)")
    pb.add_argument(
        "--password-env",
        default="CYBERNORMS_PASSWORD",
        metavar="VAR",
        help="environment variable holding the password (default: %(default)s); never on the command line",
    )
    pb.add_argument(
        "--auth",
        choices=["basic", "digest"],
        default="basic",
        help="HTTP authentication with --user: basic (default) or digest (Virtuoso)",
    )
    pb.add_argument("--timeout", type=float, default=120, help="seconds to wait for each PUT")
    pb.set_defaults(func=cmd_publish)

    ls = sub.add_parser("queries", help="list the library queries with their parameters")
    ls.add_argument("--checks", action="store_true", help="include the violation queries (check-*)")
    ls.set_defaults(func=cmd_queries)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CybernormsError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
