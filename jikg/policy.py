"""What a query may do, decided on the parsed query, never on its text.

Every query a user sends (``jikg query``, ``jikg serve``, a remote endpoint through
``jikg query --endpoint``) is parsed by rdflib's SPARQL 1.1 parser
(https://www.w3.org/TR/sparql11-query/#grammar) and then judged by one
:class:`QueryPolicy`:

- read-only: only SELECT, CONSTRUCT, ASK and DESCRIBE; a text that parses as SPARQL
  Update (https://www.w3.org/TR/sparql11-update/) is refused as an update;
- federation: every ``SERVICE`` in the parse tree (in any group, optional, union or
  subquery; its IRI resolved against the query's BASE) must name an endpoint the
  operator listed; a ``SERVICE ?variable`` is refused unless any endpoint is allowed;
- local files: a dataset clause (``FROM``/``FROM NAMED``) or protocol graph that names a
  ``file:`` IRI is refused;
- the dataset clauses found are returned, so the engine honours them (SPARQL 1.1 §13.2).

Parsing costs 1–60 ms in pure Python (``docs/performance.md``); the decision for a text is
cached, as it depends on nothing else. Comments, strings and IRIs are data to the parser, so
no keyword hidden in them can change a decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

QUERY_FORMS = {
    "SelectQuery": "SELECT",
    "ConstructQuery": "CONSTRUCT",
    "AskQuery": "ASK",
    "DescribeQuery": "DESCRIBE",
}
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
UPDATE_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
ENGINE_POSITION = re.compile(r"error at (\d+):(\d+): ?([\s\S]*)")
EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*')


class QueryError(Exception):
    """A query that is malformed or refused; ``str()`` says where and why."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, text: str = ""):
        self.message, self.line, self.column, self.text = message, line, column, text
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message with its position and the offending line marked."""
        if self.line is None:
            return self.message
        where = f"malformed query at line {self.line}, column {self.column}: {self.message}"
        lines = self.text.splitlines()
        if not 1 <= self.line <= len(lines):
            return where
        source = lines[self.line - 1]
        caret = " " * min(max((self.column or 1) - 1, 0), len(source)) + "^"
        return f"{where}\n  {source}\n  {caret}"


class RefusedQuery(QueryError):
    """A well-formed request the policy will not run (an update, a federated query, a file)."""


@dataclass(frozen=True)
class ParsedQuery:
    """What the parse tree of a query says."""

    form: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    services: tuple[str | None, ...] = ()
    declared_prefixes: frozenset[str] = frozenset()
    used_prefixes: frozenset[str] = frozenset()
    ordered: bool = False

    @property
    def graph(self) -> bool:
        """Whether the answer is a graph (CONSTRUCT, DESCRIBE)."""
        return self.form in GRAPH_FORMS

    @property
    def has_dataset(self) -> bool:
        """Whether the query names its own dataset (``FROM``, ``FROM NAMED``)."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class QueryPolicy:
    """Which endpoints ``SERVICE`` may reach: none (the default), those listed, or any (``None``)."""

    services: frozenset[str] | None = frozenset()

    def allows(self, service: str | None) -> bool:
        if self.services is None:
            return True
        return service is not None and service in self.services


LOCAL = QueryPolicy()
"""No federation: queries read this graph only (``jikg query``, ``jikg serve``)."""
REMOTE = QueryPolicy(services=None)
"""A remote endpoint decides for itself whether it federates (``jikg query --endpoint``)."""


def check(text: str, policy: QueryPolicy = LOCAL) -> ParsedQuery:
    """The parsed query, if ``policy`` allows it; :class:`RefusedQuery` or :class:`QueryError` if not."""
    parsed = parse(text)
    for service in parsed.services:
        if not policy.allows(service):
            named = f"SERVICE <{service}>" if service else "SERVICE with a variable endpoint"
            listed = ", ".join(sorted(policy.services or ())) or "none"
            raise RefusedQuery(
                f"federated queries are refused: {named} is not an allowed endpoint ({listed})"
            )
    check_graph_iris([*parsed.default_graphs, *parsed.named_graphs])
    return parsed


def check_graph_iris(iris: list[str]) -> None:
    """Refuse graph IRIs (dataset clauses, ``default-graph-uri``/``named-graph-uri``) naming local files."""
    for iri in iris:
        if urlsplit(iri.strip()).scheme.lower() == "file":
            raise RefusedQuery(f"file access is refused: {iri} names a local file, queries run on this graph")


@lru_cache(maxsize=2048)
def parse(text: str) -> ParsedQuery:
    """The parse tree's form, dataset, services, prefixes and ORDER BY (cached per text)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    if not text.strip():
        raise QueryError("empty query: send a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    try:
        prologue, query = parseQuery(text)
    except ParseException as error:
        if operation := update_operation(text):
            refused = (
                f"read-only: SPARQL Update ({operation}) is refused (this endpoint answers queries only)"
            )
            raise RefusedQuery(refused) from None
        if "SelectQuery | ConstructQuery" in str(error.msg):  # the parser found no query form at all
            expected = "expected SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE)"
            raise QueryError(f"not a SPARQL query: {expected}", error.lineno, error.col, text) from None
        raise engine_error(text) or QueryError(readable(error), error.lineno, error.col, text) from None
    except Exception as error:  # rdflib raises plain Exceptions for some mistakes (e.g. a bad IRI)
        raise QueryError(f"the query cannot be parsed: {error}") from None
    base = next((str(p["iri"]) for p in prologue if p.name == "Base"), "")
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401 (CompValue.get returns the key)
    return ParsedQuery(
        form=QUERY_FORMS[query.name],
        default_graphs=tuple(urljoin(base, str(c["default"])) for c in clauses if "default" in c),
        named_graphs=tuple(urljoin(base, str(c["named"])) for c in clauses if "named" in c),
        services=tuple(service_iri(s, base) for s in find(query, "ServiceGraphPattern")),
        used_prefixes=frozenset(str(n["prefix"]) if "prefix" in n else "" for n in find(query, "pname")),
        declared_prefixes=frozenset(
            str(p["prefix"]) if "prefix" in p else "" for p in prologue if p.name == "PrefixDecl"
        ),
        ordered="orderby" in query,
    )


def engine_error(text: str) -> QueryError | None:
    """Oxigraph's account of a syntax error (it points at the offending token), if it finds one.

    An empty store: parsing is all it does. ``None`` if Oxigraph accepts what rdflib did not;
    the query is then refused with rdflib's message, as the policy cannot judge it.
    """
    from pyoxigraph import Store

    from .iris import PREFIXES

    try:
        Store().query(text, prefixes=PREFIXES)
    except SyntaxError as error:
        return syntax_error(str(error), text)
    except Exception:  # anything else is not a syntax error
        return None
    return None


def update_operation(text: str) -> str | None:
    """The first operation (``INSERT DATA``, ``LOAD`` …) if ``text`` parses as SPARQL Update, else None."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        tree = parseUpdate(text)
    except Exception:  # anything that does not parse as an update is not one
        return None
    names = [request.name for request in tree["request"]] if "request" in tree else []
    return UPDATE_NAMES.get(names[0], names[0]) if names else None


def find(node, name: str) -> list:
    """Every ``CompValue`` called ``name`` in a parse tree, depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    found, todo = [], [node]
    while todo:
        current = todo.pop()
        if isinstance(current, CompValue):
            if current.name == name:
                found.append(current)
            todo.extend(current.values())
        elif isinstance(current, ParseResults | list | tuple):
            todo.extend(current)
    return found


def service_iri(service, base: str) -> str | None:
    """The endpoint a ``SERVICE`` names, resolved against BASE; ``None`` for a variable."""
    from rdflib.term import URIRef

    term = service["term"]
    return urljoin(base, str(term)) if isinstance(term, URIRef) else None


def readable(error) -> str:
    """pyparsing's message without its position (shown separately)."""
    message = str(error.msg or "unexpected input")
    return (
        f"unexpected input; {message[0].lower() + message[1:]}" if message.startswith("Expected") else message
    )


def prefix_header(text: str, prefixes: dict[str, str]) -> tuple[str, int]:
    """``text`` with PREFIX lines for the project prefixes its parse tree uses but does not declare.

    For engines that know no prefixes of ours (a remote endpoint); returns the text and the
    number of lines added, to map error positions back to the query as written.
    """
    parsed = check(text, REMOTE)
    missing = sorted(p for p in parsed.used_prefixes - parsed.declared_prefixes if p in prefixes)
    header = "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in missing)
    return header + text, len(missing)


def syntax_error(message: str, text: str, line_offset: int = 0) -> QueryError:
    """A :class:`QueryError` from an engine message such as Oxigraph's ``error at 3:5: expected …``."""
    found = ENGINE_POSITION.search(message)
    if not found:
        return QueryError(message.strip() or "malformed query")
    line, column = int(found.group(1)) - line_offset, int(found.group(2))
    return QueryError(explain(found.group(3)), max(line, 1), column, text)


def explain(expected: str) -> str:
    """An engine's ``expected one of …`` list, cut down to what a person can read."""
    text = " ".join(expected.split())
    for phrase in ("Prefix not found", "The SELECT contains a variable that is unbound"):
        if phrase in text:
            return "unknown prefix (declare it with PREFIX)" if phrase.startswith("Prefix") else phrase
    if not text.startswith("expected"):
        return text
    if not text.startswith("expected one of"):
        return f"unexpected input; {text}"
    items = [i.strip() for i in EXPECTED_ITEM.findall(text.removeprefix("expected one of"))]
    readable_items = [i for i in items if i and not i.startswith("[") and "\\u" not in i]
    shown = ", ".join(readable_items[:10]) + (", …" if len(readable_items) > 10 else "")
    return f"unexpected input; expected one of: {shown}" if readable_items else "unexpected input"
