"""The command line: wires the stages together, prints their results, turns errors into one line
and exit status 2. No logic of its own beyond argument handling.

Conventions: `--version`; `-v` says more (where the inputs and outputs are), `-q` says only the
result; every subcommand has a description, its defaults in its help and an example; output
formats are chosen with `--format` and written to `--output FILE` or standard output.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .errors import EXIT_INPUT, CybernormsError, UsageError, shown
from .layout import QUERIES_DIR, Project, check_root

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process the signal ended


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it stops as on Ctrl-C: every `finally` and
    `with` on the way removes what it made (temporary folders, child processes, half-written
    stores) before the program exits."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _project(args: argparse.Namespace) -> Project:
    project = Project.at(args.root, args.build_dir, getattr(args, "dist_dir", None))
    check_root(project.root)
    if args.verbose:
        print(f"inputs: {project.root}", file=sys.stderr)
        print(f"build directory: {project.build}", file=sys.stderr)
        print(f"exports: {project.dist}", file=sys.stderr)
    return project


def _log(args: argparse.Namespace) -> Callable[[str], None]:
    """Progress messages go to standard error, unless -q."""
    if args.quiet or getattr(args, "sub_quiet", False):
        return lambda msg: None
    return lambda msg: print(msg, file=sys.stderr)


def _emit(args: argparse.Namespace, text: str) -> None:
    """Write a command's result to --output FILE (atomically) or to standard output."""
    output = getattr(args, "output", None)
    if not output:
        sys.stdout.write(text)
        return
    path = Path(output)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise UsageError(output, None, f"cannot write the output: {e.strerror}", "choose another --output") from None
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build, summary

    project = _project(args)
    result = build(project, force=args.force, log=_log(args))
    print(summary(result, project))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    project = _project(args)
    written = export(project, with_site=not args.no_site)
    print(f"exported {len(written)} files to {project.rel(project.dist)}/")
    for path in written:
        print(f"  {project.rel(path)}")
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from . import site

    project = _project(args)
    written = site.write(project, args.publish_url or site.DEFAULT_PUBLISH_URL)
    print(f"wrote {written.pages} pages ({written.files} files) to {project.rel(written.directory)}/")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
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


def cmd_link(args: argparse.Namespace) -> int:
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


def cmd_publish(args: argparse.Namespace) -> int:
    from . import publish

    publish.run(_project(args), args.endpoint, args.user, args.password_env, args.timeout, log=print, auth=args.auth)
    return 0


def _params(pairs: list[str] | None) -> dict[str, str]:
    params = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise UsageError(
                None, None, f"parameter {shown(pair)} is not of the form name=value", "write --param state=FRA"
            )
        k, v = pair.split("=", 1)
        params[k.strip()] = v
    return params


def cmd_query(args: argparse.Namespace) -> int:
    from . import queries

    project = _project(args)
    if args.text is None and args.name is None:
        raise UsageError(None, None, "no query given", "give a query name or file, or --text 'SELECT ...'")
    if args.text is not None and args.name is not None:
        raise UsageError(
            None, None, f"both a query ({shown(args.name)}) and --text were given", "give one of them, not both"
        )
    from . import worker
    from .output import render, terminal_width

    timeout = worker.check_timeout(args.timeout)
    params, allowed = _params(args.param), args.allow_service or ()
    fit = terminal_width(sys.stdout) if not args.output else None

    def answer() -> str:
        result = queries.run(project, args.name, params, text=args.text, allow_service=allowed, timeout=timeout)
        return render(result, args.format, args.max_width, use_prefixes=args.prefixes, fit=fit)

    # the user's own query runs in a child process that its time limit kills; a library query runs
    # here, in a thread given up at the limit (and Ctrl-C stops either at once: exit status 130)
    text = answer() if queries.is_adhoc(args.name, args.text) else worker.in_thread(answer, timeout, args.name)
    _emit(args, text)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from . import release

    changes = release.diff(Path(args.old), Path(args.new))
    _emit(args, release.format_diff(changes, args.old, args.new))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from . import release

    project = _project(args)
    target = release.archive(project)
    print(f"wrote {target} and {target.name}.sha256")
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    from . import queries

    project = _project(args)
    for q in queries.library(project, checks=args.checks).values():
        print(f"{q.name}\n    {q.title}")
        for p in q.params:
            default = f", default {p.default}" if p.default else ""
            print(f"    --param {p.name}=<{p.type}{default}>  {p.description}")
    problems = queries.broken(project)
    if problems:  # listed after the queries that can run: one bad file does not hide the others
        first = problems[0]
        more = f" (and {len(problems) - 1} more files of {QUERIES_DIR}/ like it)" if len(problems) > 1 else ""
        raise UsageError(first.where, first.line, first.problem + more, first.hint)
    return 0


class _Help(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default (when it has one worth showing), and keeps the examples' line breaks."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and "%(default)" not in text and action.default not in (None, False, argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


class _Command(argparse.ArgumentParser):
    """The parser of one subcommand, whose arguments are declared (by `declare`) only when it is
    used, to parse the command line or to print its help: `cybernorms query` does not pay for the
    arguments of the ten other commands, and each argument is still declared in one place."""

    def __init__(self, *args: Any, declare: Callable[[argparse.ArgumentParser], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._declare: Callable[[argparse.ArgumentParser], None] | None = declare

    def declared(self) -> _Command:
        if self._declare is not None:
            declare, self._declare = self._declare, None
            declare(self)
        return self

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        return super(_Command, self.declared()).parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        return super(_Command, self.declared()).format_usage()

    def format_help(self) -> str:
        return super(_Command, self.declared()).format_help()


def _sub(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    summary: str,
    description: str,
    example: str,
    declare: Callable[[argparse.ArgumentParser], None],
    func: Callable[[argparse.Namespace], int],
) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}. {description}",
        epilog="example:\n  " + "\n  ".join(example.strip().splitlines()),
        formatter_class=_Help,
        declare=declare,
    )
    p.set_defaults(func=func)


WHERE = """where things are:
  inputs   --root DIR, or CYBERNORMS_ROOT, or the current directory if it holds ontology/cybernorms.ttl,
           or the checkout this package runs from, or else the copy of the inputs inside the package
  store    --build-dir DIR, or CYBERNORMS_BUILD; default ROOT/build in a checkout, else the user data
           directory (~/.local/share/cybernorms/build on Linux)
  exports  --dist-dir DIR, or CYBERNORMS_DIST; default ROOT/dist in a checkout, else the user data
           directory (~/.local/share/cybernorms/dist)"""


def _build_args(b: argparse.ArgumentParser) -> None:
    b.add_argument("--force", action="store_true", help="rebuild even if the inputs are unchanged")
    b.add_argument("--quiet", dest="sub_quiet", action="store_true", help=argparse.SUPPRESS)  # = cybernorms -q


def _export_args(e: argparse.ArgumentParser) -> None:
    e.add_argument("--dist-dir", metavar="DIR", help="where to write the exports (see cybernorms --help)")
    e.add_argument(
        "--no-site", action="store_true", help="write the exports only, not the site (most of the time an export takes)"
    )


def _site_args(st: argparse.ArgumentParser) -> None:
    st.add_argument("--dist-dir", metavar="DIR", help="the dist directory to write site/ into (see cybernorms --help)")
    st.add_argument(
        "--publish-url",
        metavar="URL",
        help="where the static site will be hosted, for the w3id.org redirect rules (dist/site/w3id.htaccess)",
    )


def _serve_args(s: argparse.ArgumentParser) -> None:
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


def _query_args(q: argparse.ArgumentParser) -> None:
    from .output import FORMATS
    from .worker import DEFAULT_TIMEOUT

    q.add_argument("name", nargs="?", help="query name (see `cybernorms queries`) or path to a .rq file")
    q.add_argument("--text", help="the SPARQL query itself")
    q.add_argument("--param", action="append", metavar="NAME=VALUE", help="a query parameter (repeatable)")
    q.add_argument(
        "--allow-service",
        action="append",
        metavar="URL",
        help="let a SERVICE clause call this endpoint (repeatable; none by default, see docs/serving.md)",
    )
    q.add_argument("--format", choices=FORMATS, default="table", help="output format")
    q.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS", help="stop the query after this long"
    )
    q.add_argument("--output", metavar="FILE", help="write the result to FILE instead of standard output")
    q.add_argument(
        "--prefixes",
        action="store_true",
        help="in CSV and TSV, write IRIs as prefixed names (cno:Norm, id:norm/13c) instead of in full",
    )
    q.add_argument(
        "--max-width",
        type=int,
        default=80,
        metavar="N",
        help="in a table, cut values longer than N characters (0: never)",
    )


def _diff_args(d: argparse.ArgumentParser) -> None:
    d.add_argument("old", help="the earlier release")
    d.add_argument("new", help="the later release")
    d.add_argument("--output", metavar="FILE", help="write the diff to FILE instead of standard output")


def _release_args(r: argparse.ArgumentParser) -> None:
    r.add_argument("--dist-dir", metavar="DIR", help="the exports to archive (see cybernorms --help)")


def _link_args(lk: argparse.ArgumentParser) -> None:
    lk.add_argument("--endpoint", metavar="URL", help="SPARQL endpoint shaped like Wikidata (default: Wikidata's)")
    lk.add_argument("--offline", action="store_true", help="ask no endpoint: replay its cached answers")
    lk.add_argument("--write", action="store_true", help="rewrite the generated link files (never curated.ttl)")
    lk.add_argument(
        "--symbol-property",
        metavar="PID",
        help="Wikidata property of UN document symbols (default: P3069, unverified: see docs/links.md)",
    )
    lk.add_argument("--timeout", type=float, default=60, help="seconds to wait for each endpoint answer")


def _publish_args(pb: argparse.ArgumentParser) -> None:
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
        help="environment variable holding the password; never on the command line",
    )
    pb.add_argument(
        "--auth",
        choices=["basic", "digest"],
        default="basic",
        help="HTTP authentication with --user: basic, or digest (Virtuoso)",
    )
    pb.add_argument("--timeout", type=float, default=120, help="seconds to wait for each PUT")


def _queries_args(ls: argparse.ArgumentParser) -> None:
    ls.add_argument("--checks", action="store_true", help="include the violation queries (check-*)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="cybernorms",
        description=(
            "A knowledge graph of the norms of responsible state behaviour in cyberspace "
            "(the documents registered under data/, each with its named graph, and the documents around them)."
        ),
        epilog=WHERE + "\n\nexample:\n  cybernorms build && cybernorms query norms --param norm=13(g)",
        formatter_class=_Help,
    )
    ap.add_argument("--version", action="version", version=f"cybernorms {__version__}")
    ap.add_argument("--root", metavar="DIR", help="the project's inputs (see 'where things are' below)")
    ap.add_argument("--build-dir", metavar="DIR", help="where the store is built (see below)")
    talk = ap.add_mutually_exclusive_group()
    talk.add_argument("-v", "--verbose", action="store_true", help="also say where inputs and outputs are")
    talk.add_argument("-q", "--quiet", action="store_true", help="print only results and errors")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Command)

    _sub(
        sub,
        "build",
        "segment, parse, validate, reason and write the store",
        "Does nothing when the inputs, the code and the libraries are unchanged.",
        "cybernorms build\ncybernorms build --force   # rebuild even if nothing changed",
        _build_args,
        cmd_build,
    )
    _sub(
        sub,
        "export",
        "write the exports: Turtle, RDF/XML, TriG, N-Quads, JSON-LD, VoID, DCAT, checksums",
        "Byte for byte the same from the same store. Then the static site, dist/site/, as `cybernorms site` "
        "writes it, unless --no-site.",
        "cybernorms export --dist-dir /tmp/cybernorms-dist",
        _export_args,
        cmd_export,
    )
    _sub(
        sub,
        "site",
        "write dist/site/: a page for every entity, with its RDF beside it, as a static site",
        "The same pages as the live server, with relative links; .htaccess and w3id.htaccess for content negotiation.",
        "cybernorms site --publish-url https://example.org/cybernorms/",
        _site_args,
        cmd_site,
    )
    _sub(
        sub,
        "serve",
        "serve the site and the SPARQL endpoint of the store, read-only",
        "The union of the named graphs is the default graph; updates are refused; queries are checked "
        "and bounded in time, memory and answer size; SERVICE calls only allowed endpoints (docs/serving.md).",
        "cybernorms serve --port 7878\ncybernorms serve --allow-service https://query.wikidata.org/sparql",
        _serve_args,
        cmd_serve,
    )
    _sub(
        sub,
        "query",
        "run a library query by name, a .rq file, or --text",
        "SELECT results as a table (fitted to the terminal), SPARQL CSV, TSV or JSON; CONSTRUCT and "
        "DESCRIBE as Turtle, JSON-LD or N-Triples. Parameters are checked and bound as data, never pasted.",
        "cybernorms query experts-by-state --param state=JPN\n"
        "cybernorms query norms --format csv --output norms.csv\n"
        "cybernorms query --text 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'",
        _query_args,
        cmd_query,
    )
    _sub(
        sub,
        "diff",
        "list the triples added and removed in each named graph between two releases",
        "Each release is a dist/ directory, a release zip, or a .nq or .trig dump.",
        "cybernorms diff cybernorms-0.1.0.zip dist/",
        _diff_args,
        cmd_diff,
    )
    _sub(
        sub,
        "release",
        "zip the exports reproducibly as cybernorms-VERSION.zip beside them, with its checksum",
        "Run `cybernorms export` first.",
        "cybernorms export && cybernorms release",
        _release_args,
        cmd_release,
    )
    _sub(
        sub,
        "link",
        "refresh graph/links from the verified tables, the URL rules and a SPARQL endpoint",
        "Prints the changes as a reviewable diff; writes data/links/generated-*.ttl only with --write and "
        "never touches the hand-curated links (docs/links.md).",
        "cybernorms link --offline\ncybernorms link --endpoint https://query.wikidata.org/sparql --write",
        _link_args,
        cmd_link,
    )
    _sub(
        sub,
        "publish",
        "PUT each named graph of the store to a SPARQL 1.1 Graph Store Protocol endpoint",
        "Idempotent: publishing twice leaves the endpoint as publishing once. The password is read from an "
        "environment variable, never from the command line.",
        "CYBERNORMS_PASSWORD=dba cybernorms publish --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth \\\n"
        "    --user dba --auth digest",
        _publish_args,
        cmd_publish,
    )
    _sub(
        sub,
        "queries",
        "list the library queries with their titles and parameters",
        "Each is a file queries/NAME.rq; `cybernorms query NAME` runs it.",
        "cybernorms queries\ncybernorms queries --checks   # with the violation queries every build runs",
        _queries_args,
        cmd_queries,
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:
        code: int = args.func(args)
        return code
    except CybernormsError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return EXIT_INPUT
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into a program that stopped reading
        sys.stderr.close()
        return 0
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
