"""SPARQL text before any engine sees it: query form, prefixes, refusals, error positions.

No parser is needed for these decisions: comments, string literals and IRIs are
masked (replaced by spaces, so positions stay), and what is left is scanned for
keywords and prefixed names. The grammar is SPARQL 1.1
(https://www.w3.org/TR/sparql11-query/#grammar); updates are the operations of
https://www.w3.org/TR/sparql11-update/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .iris import PREFIXES

MASKED = re.compile(
    r'"""[\s\S]*?(?<!\\)"""'
    r"|'''[\s\S]*?(?<!\\)'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)
KEYWORD = re.compile(r"(?<![\w:?$.@-])([A-Za-z]+)(?![\w:-])")
PREFIXED = re.compile(r"(?<![\w?$:.-])([A-Za-z](?:[\w.-]*\w)?)?:")
DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z](?:[\w.-]*\w)?)?\s*:")
ORDERED = re.compile(r"(?i)\bORDER\s+BY\b")
DATASET_CLAUSE = re.compile(r"(?i)(?<![\w:?$])FROM\b")
FILE_GRAPH = re.compile(r"(?i)\s+(?:NAMED\s+)?<\s*file:")
EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*')
POSITION = re.compile(r"error at (\d+):(\d+): ?([\s\S]*)")

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD")


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
    """A well-formed request this project will not run (an update, a federated query)."""


@dataclass(frozen=True)
class Shape:
    """What the masked text of a query shows."""

    form: str
    keywords: tuple[str, ...]
    used_prefixes: frozenset[str]
    declared_prefixes: frozenset[str]
    ordered: bool


def mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out, newlines kept."""
    return MASKED.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def shape(text: str) -> Shape:
    """The query form, keywords and prefixes of a SPARQL text."""
    code = mask(text)
    keywords = tuple(word.upper() for word in KEYWORD.findall(code))
    form = next((k for k in keywords if k not in ("BASE", "PREFIX")), "")
    declared = frozenset(p or "" for p in DECLARED.findall(code))
    used = frozenset(p or "" for p in PREFIXED.findall(code)) - declared
    return Shape(form, keywords, used, declared, bool(ORDERED.search(code)))


def check_read_only(text: str, allow_service: bool = False) -> Shape:
    """The shape of a read-only query; raise :class:`RefusedQuery` for updates and SERVICE.

    ``allow_service``: a remote endpoint may federate (its own decision); locally and
    behind ``jikg serve``, SERVICE would reach other hosts, so it is refused.
    """
    found = shape(text)
    update = next((k for k in found.keywords if k in UPDATE_WORDS), None)
    if update:
        raise RefusedQuery(f"read-only: SPARQL Update ({update}) is refused")
    if "SERVICE" in found.keywords and not allow_service:
        raise RefusedQuery("federated queries (SERVICE) are refused: queries run on this graph only")
    if any(FILE_GRAPH.match(text, m.end()) for m in DATASET_CLAUSE.finditer(mask(text))):
        raise RefusedQuery("file access is refused: FROM <file:…> names a local file; queries read the graph")
    if found.form not in QUERY_FORMS:
        expected = "expected SELECT, CONSTRUCT, ASK or DESCRIBE"
        raise QueryError(f"not a SPARQL query: {expected}, found {found.form or 'nothing'!r}")
    return found


def check_graph_iris(iris: list[str]) -> None:
    """Refuse ``default-graph-uri``/``named-graph-uri`` values that name local files."""
    for iri in iris:
        if iri.strip().lower().startswith("file:"):
            raise RefusedQuery(f"file access is refused: {iri} names a local file, queries run on this graph")


def with_prefixes(text: str) -> tuple[str, int]:
    """``text`` with PREFIX lines for the project prefixes it uses but does not declare.

    Returns the text and the number of lines added (to map error positions back).
    """
    missing = sorted(p for p in shape(text).used_prefixes if p in PREFIXES)
    header = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
    return header + text, len(missing)


def syntax_error(message: str, text: str, line_offset: int = 0) -> QueryError:
    """A :class:`QueryError` from an Oxigraph message such as ``error at 3:5: expected …``."""
    found = POSITION.search(message)
    if not found:
        return QueryError(message.strip() or "malformed query")
    line, column = int(found.group(1)) - line_offset, int(found.group(2))
    return QueryError(explain(found.group(3)), max(line, 1), column, text)


def explain(expected: str) -> str:
    """Oxigraph's ``expected one of …`` list, cut down to what a person can read."""
    text = " ".join(expected.split())
    for phrase in ("Prefix not found", "The SELECT contains a variable that is unbound"):
        if phrase in text:
            return "unknown prefix (declare it with PREFIX)" if phrase.startswith("Prefix") else phrase
    if not text.startswith("expected"):
        return text
    if not text.startswith("expected one of"):
        return f"unexpected input; {text}"
    items = [i.strip() for i in EXPECTED_ITEM.findall(text.removeprefix("expected one of"))]
    readable = [i for i in items if i and not i.startswith("[") and "\\u" not in i]
    shown = ", ".join(readable[:10]) + (", …" if len(readable) > 10 else "")
    return f"unexpected input; expected one of: {shown}" if readable else "unexpected input"
