"""The query page of ``jikg serve`` (``templates/query.html``): the competency questions one click away.

Server-side HTML with no script and nothing loaded from elsewhere (the server's
Content-Security-Policy forbids it), so it works offline; Jinja escapes every value.
IRIs in results link to a DESCRIBE of the IRI on this same server (a path this module
builds, never the IRI itself), so exploring never leaves the machine and no IRI can
become a ``javascript:`` link.
"""

from __future__ import annotations

from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode

from .iris import compact
from .pages import render
from .query import CannedQuery
from .results import Boolean, Graph, Result, lexical, serialize_graph


def page(
    questions: list[CannedQuery],
    *,
    query: str | None,
    current: CannedQuery | None,
    result: Result | None,
    error: tuple[int, str] | None,
    timeout: float,
    cap: int,
) -> str:
    """The page: the question list, the form (the first question if empty), the result or the error."""
    shown = query if query is not None else (questions[0].text if questions else "")
    return render(
        "query.html",
        title="jikg SPARQL",
        lang="en",
        questions=questions,
        current=current,
        query=shown,
        result=result_view(result) if result is not None else None,
        error={"status": error[0], "message": error[1]} if error else None,
        timeout=f"{timeout:g}",
        cap=cap,
    )


def result_view(result: Result) -> dict:
    """A result as the template shows it."""
    if isinstance(result, Boolean):
        return {"kind": "boolean", "value": result.value}
    if isinstance(result, Graph):
        turtle = serialize_graph(result).decode("utf-8")
        return {
            "kind": "graph",
            "count": len(result.triples),
            "turtle": turtle,
            "truncated": result.truncated,
        }
    rows = [[term_view(t) for t in row] for row in result.rows]
    return {"kind": "table", "variables": result.variables, "rows": rows, "truncated": result.truncated}


def term_view(term) -> dict | None:
    """One term: an IRI as a prefixed name linking to its DESCRIBE here; a literal with its language."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        link = "/?query=" + quote(f"DESCRIBE <{term.value}>", safe="")
        return {"text": compact(term.value), "href": link, "title": term.value, "lang": ""}
    if isinstance(term, BlankNode):
        return {"text": "_:" + term.value, "href": "", "title": "blank node", "lang": ""}
    if isinstance(term, Literal):
        title = "" if term.language else compact(term.datatype.value)
        return {"text": term.value, "href": "", "title": title, "lang": term.language or ""}
    return {"text": lexical(term), "href": "", "title": "", "lang": ""}
