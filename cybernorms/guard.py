"""Guard: what a SPARQL query must pass before an engine sees it.

Oxigraph 0.5.13 aborts on a few kinds of query (docs/oxigraph-bugs.md) and, asked to, calls any
address a `SERVICE` clause names. Every query, from the endpoint, the CLI or the Python API, goes
through `check` first; a refused query never reaches the engine, and the refusal names its rule:

- size: at most `Limits.max_bytes` bytes of query text;
- read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused (status 403);
- depth: brackets { ( [ nested at most `Limits.max_depth` deep (Oxigraph's recursive parser and
  evaluator overflow their stack from about 830 levels);
- chain: at most `Limits.max_chain` operators and clause keywords that Oxigraph nests into one
  tree (UNION, MINUS, OPTIONAL, BIND, FILTER, || && ! + - * / | ^ comparisons...; it overflows
  from about 2,500 of one kind);
- known crash: ORDER BY over a VALUES block mixing numbers or dates with other literals (the
  non-total order that aborts Oxigraph's sort);
- federation: no SERVICE call unless its target is on the operator's allow-list (empty by
  default); a variable target is refused unless bound by a substitution to an allowed IRI.

The scan is lexical: it skips strings, IRIs and comments as Oxigraph's grammar does (Oxigraph
0.5.13 expands \\u escapes only inside strings and IRIs, and so does the scan), telling the IRI
`<...>` from the operator `<` by position. For a query with SERVICE, the targets found by the scan
must equal those found by rdflib's SPARQL parser, so that one lexer's mistake cannot open the door.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urljoin

from .errors import UsageError

ALLOW_SERVICE_ENV = "CYBERNORMS_ALLOW_SERVICE"


class Limits(NamedTuple):
    max_bytes: int = 100_000
    max_depth: int = 64
    max_chain: int = 500
    max_service_bytes: int = 20_000  # a federated query is parsed a second time, by rdflib: keep it small


LIMITS = Limits()


class QueryRefused(UsageError):
    """A query refused before it runs; `rule` names the rule, `status` is the HTTP status to answer."""

    def __init__(self, rule: str, problem: str, hint: str, status: int = 400, where: str | None = None):
        super().__init__(where, None, f"query refused ({rule}): {problem}", hint)
        self.rule = rule
        self.status = status

    @property
    def reason(self) -> str:
        """The message without the place, for an HTTP answer."""
        return f"{self.problem}; {self.hint}"


_WORD = "".join(c for c in map(chr, range(0xC0)) if re.match(r"\w", c))  # what \w matches below U+00C0


def _with_high(low: str) -> str:
    """The class of the characters of `low` (all below U+00C0) and of every character from U+00C0 to
    U+EFFFF, spelt as its complement: the same set, but one the compiler builds at once, where a class
    holding the range U+00C0-U+EFFFF itself takes it milliseconds, paid by every start of the command
    line."""
    others = "".join(c for c in map(chr, range(0xC0)) if c not in low)
    return "[^" + re.escape(others) + r"\U000f0000-\U0010ffff]"


@functools.cache
def _token() -> re.Pattern[str]:
    """The pattern of one token, compiled when the first query is scanned (not when the module is
    imported: a command that scans no query does not pay for it)."""
    return re.compile(TOKEN, re.VERBOSE | re.DOTALL)


TOKEN = (
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<var>[?$]{VAR}+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:{PN_START}{PN_CHAR}*)?:(?:{PN_LOCAL}|\\.|\.(?={PN_LOCAL}))*)
  | (?P<word>[A-Za-z_][\w]*)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|<<|>>|.)
    """.replace("{VAR}", _with_high(_WORD + "\u00b7"))
    .replace("{PN_START}", _with_high("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    .replace("{PN_CHAR}", _with_high(_WORD + "-.\u00b7"))
    .replace("{PN_LOCAL}", _with_high(_WORD + "-:%\u00b7"))
)
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")

# tokens that Oxigraph nests into one left- or right-deep tree, whose depth its recursion follows
CHAIN = frozenset(
    {"UNION", "MINUS", "OPTIONAL", "BIND", "FILTER", "GRAPH", "SERVICE", "EXISTS", "IN"}
    | {"||", "&&", "!", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^"}
)
UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
# a "(" after one of these opens an expression (where "<" after an operand is less-than)
EXPRESSION_OPENERS = frozenset({"FILTER", "BIND", "HAVING", "BY", "ASC", "DESC", "IN"})
PATTERN_WORDS = frozenset({"VALUES", "A", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "SILENT", "WHERE"})
NUMERIC = re.compile(r"#(integer|decimal|double|float|int|long|short|byte|(non)?(negative|positive)\w*|unsigned\w+)>?$")
TEMPORAL = re.compile(r"#(date|dateTime|time|gYear\w*|gMonth\w*|gDay|dateTimeStamp)>?$")
XSD_PNAME = re.compile(r"^xsd:")
SERVICE_WORD = re.compile(r"service", re.IGNORECASE)


class Scan(NamedTuple):
    """What the lexical scan of a query found."""

    tokens: list[str]
    depth: int
    chain: int
    first_keyword: str
    services: list[str]  # targets as written: <iri>, prefix:name or ?var
    prefixes: dict[str, str]
    base: str | None
    order_by: bool
    mixed_values: bool
    service_word: bool  # the word "service" anywhere in the text, in any case (a comment, a string...)

    @property
    def fingerprint(self) -> str:
        """The same for two texts that differ only in spacing and comments."""
        import hashlib

        return hashlib.sha256("\x1f".join(self.tokens).encode("utf-8")).hexdigest()[:16]


def _literal_kind(tokens: list[tuple[str, str]], i: int) -> str | None:
    """The kind of the literal at tokens[i] inside a VALUES block: numeric, temporal, other or None."""
    kind = tokens[i][0]
    if kind == "number":
        return "numeric"
    if kind != "string":
        return None
    if i + 2 < len(tokens) and tokens[i + 1][1] == "^^":
        datatype = tokens[i + 2][1]
        local = "#" + datatype.split("#")[-1].split(":")[-1].rstrip(">")
        if datatype.startswith("<http://www.w3.org/2001/XMLSchema#") or XSD_PNAME.match(datatype):
            if NUMERIC.search(local):
                return "numeric"
            if TEMPORAL.search(local):
                return "temporal"
    return "other"


def scan(text: str) -> Scan:
    """Tokenize a query as Oxigraph's grammar reads it and measure what its crashes depend on."""
    raw: list[tuple[str, str]] = []
    stack: list[str] = []  # "E" expression or "P" pattern, one per open bracket
    depth = chain = 0
    first_keyword, order_by, mixed_values = "", False, False
    token = _token()
    clause = ""  # "select" or "modifier" at the current level: a "(" there opens an expression
    values_depth: int | None = None
    values_kinds: set[str] = set()
    pos, end = 0, len(text)
    while pos < end:
        context = stack[-1] if stack else "P"
        if text[pos] == "<" and not text.startswith("<<", pos):
            previous = raw[-1] if raw else ("", "")
            operand = previous[0] in ("var", "number", "string", "iri", "pname") or previous[1] in (")", "]")
            operand = operand or previous[1].upper() in ("TRUE", "FALSE")
            if not (context == "E" and operand):
                m = _IRI.match(text, pos)
                if m:
                    raw.append(("iri", m.group()))
                    pos = m.end()
                    continue
        m = token.match(text, pos)
        assert m is not None  # the last alternative matches any character
        pos = m.end()
        kind = m.lastgroup or "op"
        value = m.group()
        if kind in ("space", "comment"):
            continue
        if kind == "pname" and value.endswith("."):
            value = value.rstrip(".")
        upper = value.upper() if kind == "word" else value
        raw.append((kind, upper if kind == "word" else value))
        if kind == "word":
            if not first_keyword and upper not in ("PREFIX", "BASE"):
                first_keyword = upper
            if upper == "SELECT":
                clause = "select"
            elif upper == "WHERE":
                clause = ""
            elif upper in ("GROUP", "ORDER", "HAVING"):
                clause = "modifier"
            elif upper in ("LIMIT", "OFFSET"):
                clause = ""
            if upper == "BY" and len(raw) > 1 and raw[-2][1] == "ORDER":
                order_by = True
            if upper == "VALUES":
                values_depth = len(stack)
        if upper in CHAIN and kind in ("word", "op"):
            chain += 1
        if value in ("{", "(", "["):
            before = raw[-2] if len(raw) > 1 else ("", "")
            before2 = raw[-3][1] if len(raw) > 2 else ""
            if value == "(" and (
                context == "E"
                or clause in ("select", "modifier")
                or before[1] in EXPRESSION_OPENERS
                or (before[0] == "word" and before[1] not in PATTERN_WORDS)
                or (before[0] in ("iri", "pname") and before2 == "FILTER")
            ):
                stack.append("E")
            else:
                stack.append("P")
            if value == "{":
                clause = ""
            depth = max(depth, len(stack))
        elif value in ("}", ")", "]"):
            if stack:
                stack.pop()
            if values_depth is not None and len(stack) <= values_depth and value == "}":
                values_depth = None
                mixed_values = mixed_values or _mixed(values_kinds)
                values_kinds = set()
        elif values_depth is not None and len(stack) > values_depth:
            lit = _literal_kind(raw, len(raw) - 1)
            if lit and not (len(raw) > 1 and raw[-2][1] == "^^"):
                values_kinds.add(lit)
    services: list[str] = []
    prefixes: dict[str, str] = {}
    base = None
    for i, (kind, value) in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else ("", "")
        if value == "PREFIX" and nxt[0] == "pname" and i + 2 < len(raw) and raw[i + 2][0] == "iri":
            prefixes[nxt[1].rstrip(":")] = raw[i + 2][1][1:-1]
        elif value == "BASE" and nxt[0] == "iri":
            base = nxt[1][1:-1]
        elif value == "SERVICE" and kind == "word":
            target = raw[i + 2] if nxt[1] == "SILENT" and i + 2 < len(raw) else nxt
            services.append(target[1])
    return Scan(
        [v for _, v in raw],
        depth,
        chain,
        first_keyword,
        services,
        prefixes,
        base,
        order_by,
        mixed_values,
        SERVICE_WORD.search(text) is not None,
    )


def _mixed(kinds: set[str]) -> bool:
    return len(kinds & {"numeric", "temporal"}) >= 1 and len(kinds) >= 2


def allowed_services(extra: Iterable[str] = ()) -> frozenset[str]:
    """The allow-list: the operator's environment variable (URLs separated by spaces or commas) and
    the URLs given on the command line or to the API."""
    listed = re.split(r"[\s,]+", os.environ.get(ALLOW_SERVICE_ENV, ""))
    return frozenset(u for u in [*listed, *extra] if u)


def _resolve(target: str, found: Scan) -> str | None:
    """An IRI target as an absolute IRI (prefixed names expanded, relative IRIs against BASE)."""
    if target.startswith("<"):
        iri = target[1:-1]
        return urljoin(found.base, iri) if found.base else iri
    if ":" in target and not target.startswith(("?", "$")):
        prefix, local = target.split(":", 1)
        if prefix in found.prefixes:
            return found.prefixes[prefix] + local.replace("\\", "")
    return None


def _rdflib_targets(text: str) -> list[str]:
    """The SERVICE targets that rdflib's SPARQL parser finds (variables as ?name)."""
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    found: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = node.term
            found.append(f"?{term}" if isinstance(term, Variable) else str(term))

    traverse(translateQuery(parseQuery(text)).algebra, visitPre=visit)
    return found


def _check_services(
    text: str, found: Scan, limits: Limits, allowed: frozenset[str], substitutions: Mapping[str, str]
) -> None:
    hint = f"allow it with --allow-service URL (CLI and serve), allow_service=[URL] (API) or {ALLOW_SERVICE_ENV}"
    if len(text.encode("utf-8")) > limits.max_service_bytes:
        raise QueryRefused(
            "federation",
            f"a query with SERVICE may be at most {limits.max_service_bytes} bytes",
            "shorten the query",
        )
    if "\\u" in text or "\\U" in text:
        raise QueryRefused(
            "federation",
            "a query with SERVICE may not contain \\u or \\U escapes (their targets could not be checked)",
            "write the characters themselves",
        )
    lexical: list[str] = []
    for target in found.services:
        if target.startswith(("?", "$")):
            bound = substitutions.get(target[1:])
            if bound is None:
                raise QueryRefused(
                    "federation",
                    f"SERVICE {target} has a variable target, which is refused (it could call any address)",
                    "name the endpoint as an IRI that the operator allows",
                )
            lexical.append(bound)
            continue
        iri = _resolve(target, found)
        if iri is None:
            raise QueryRefused("federation", f"cannot read the SERVICE target {target}", "write it as <IRI>")
        lexical.append(iri)
    try:
        parsed = _rdflib_targets(text)
    except Exception as e:  # any failure of the second parser: the targets cannot be confirmed
        problem = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise QueryRefused(
            "federation",
            f"the SERVICE targets could not be checked: the query does not parse ({problem})",
            "fix the query",
        ) from None
    parsed = [substitutions.get(t[1:], t) if t.startswith("?") else t for t in parsed]
    if sorted(parsed) != sorted(lexical):
        raise QueryRefused(
            "federation", "the SERVICE targets could not be read unambiguously", "simplify the SERVICE clauses"
        )
    for iri in lexical:
        if iri not in allowed:
            raise QueryRefused(
                "federation",
                f"SERVICE <{iri[:200]}> is not on the allow-list of federated endpoints (empty by default), "
                "so no request is made",
                hint,
            )


def check(
    text: str,
    limits: Limits = LIMITS,
    allow_service: Iterable[str] = (),
    substitutions: Mapping[Any, object] | None = None,
    where: str | None = None,
) -> Scan:
    """Refuse (QueryRefused) a query that breaks a rule; return its scan otherwise.
    `allow_service` adds endpoints to the allow-list of the environment; `substitutions` are the
    values bound to variables before the query runs (pyoxigraph terms or strings); `where` names
    the query in the message (a file, a query name)."""
    try:
        return _check(text, limits, allow_service, substitutions)
    except QueryRefused as e:
        e.where = where
        e.args = (e.message,)
        raise


@functools.lru_cache(maxsize=512)
def _scan_once(text: str) -> Scan:
    """scan(text), remembered: the library's queries are checked each time they run, and a text
    scans the same every time (the result is only read)."""
    return scan(text)


def _check(text: str, limits: Limits, allow_service: Iterable[str], substitutions: Mapping[Any, object] | None) -> Scan:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise QueryRefused(
            "size", f"the query is {size} bytes long, more than the limit of {limits.max_bytes}", "shorten the query"
        )
    found = _scan_once(text)
    if found.first_keyword in UPDATES:
        raise QueryRefused(
            "read-only",
            f"{found.first_keyword} is an update and this service is read-only",
            "updates are made by editing the data and running `cybernorms build`",
            status=403,
        )
    if found.depth > limits.max_depth:
        raise QueryRefused(
            "depth",
            f"brackets nested {found.depth} deep, more than the limit of {limits.max_depth} "
            "(deeper nesting overflows the stack of Oxigraph 0.5.13)",
            "flatten the query",
        )
    if found.chain > limits.max_chain:
        raise QueryRefused(
            "chain",
            f"{found.chain} operators and UNION/OPTIONAL/MINUS/BIND/FILTER clauses, more than the limit of "
            f"{limits.max_chain} (long chains overflow the stack of Oxigraph 0.5.13)",
            "split the query",
        )
    if found.order_by and found.mixed_values:
        raise QueryRefused(
            "known crash",
            "ORDER BY over VALUES that mix numbers or dates with other literals aborts Oxigraph 0.5.13 "
            "(its ordering of mixed literals is not a total order)",
            "order by STR(?x), or keep one kind of literal per VALUES variable",
        )
    if found.services or found.service_word:  # the word anywhere: a lexer's slip cannot hide one
        bound = {
            str(getattr(k, "value", k)).lstrip("?$"): str(getattr(v, "value", v))
            for k, v in (substitutions or {}).items()
        }
        _check_services(text, found, limits, allowed_services(allow_service), bound)
    return found
