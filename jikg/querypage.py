"""The query page of ``jikg serve``: the competency questions one click away, results as a table.

Server-side HTML with no script and nothing loaded from elsewhere (a
Content-Security-Policy forbids it), so it works offline; every value shown is
escaped with ``html.escape``. IRIs in results link to a DESCRIBE of the IRI on
this same server, so exploring never leaves the machine.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode

from .iris import compact
from .results import Boolean, Graph, Result, Solutions, lexical, serialize_graph

if TYPE_CHECKING:
    from .query import CannedQuery
    from .serve import App, Response

CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#243b55;color:#fff;padding:.6em 1em}header h1{font-size:1.2em;margin:0}
header p{margin:.2em 0 0;font-size:.9em}header code{color:#ffd}
.layout{display:flex;gap:1em;padding:1em}nav{flex:0 0 26em;font-size:.9em}
nav ol{padding-left:2.2em}nav li{margin:.35em 0}nav li.current{font-weight:bold}
nav .ja{color:#555;font-size:.92em}main{flex:1;min-width:0}
textarea{width:100%;height:14em;font-family:monospace;font-size:.9em}
table{border-collapse:collapse;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#eef}td{max-width:40em}.error{color:#a00;white-space:pre-wrap;font-family:monospace}
.note{color:#555}pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em}
"""


def render(app: App, query: str | None, canned: CannedQuery | None) -> Response:
    """The page: the question list, the query form and, if there is a query, its result."""
    from .serve import HttpError, Response

    status, shown = 200, ""
    if query:
        try:
            shown = result_html(app.run(query), app.config.max_rows)
        except HttpError as error:
            status, shown = error.status, f'<p class="error">HTTP {error.status}: {escape(error.message)}</p>'
    heading = ""
    if canned:
        heading = f'<h2>{escape(canned.question)}</h2><p lang="ja">{escape(canned.question_ja)}</p>'

    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>jikg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><header><h1>Japan–India Digital Cooperation Knowledge Graph · 日印デジタル協力ナレッジグラフ</h1>
<p>Read-only SPARQL 1.1 endpoint: <code>/sparql</code> (GET or POST; JSON, XML, CSV, TSV, Turtle).
Queries time out after {app.config.timeout} s; at most {app.config.max_rows} rows are returned.</p></header>
<div class="layout"><nav><h2>Competency questions</h2><ol>{question_list(app.canned, canned)}</ol></nav>
<main>{heading}<form method="get" action="/"><textarea name="query" spellcheck="false"
aria-label="SPARQL query">{escape(query or first_question(app.canned))}</textarea>
<p><button type="submit">Run query</button> <span class="note">Project prefixes (jikg:, jact:, jarea: …)
need no PREFIX line.</span></p></form>{shown}</main></div></body></html>
"""
    return Response(status, body.encode(), "text/html; charset=utf-8", {"Content-Security-Policy": CSP})


def question_list(questions: list[CannedQuery], current: CannedQuery | None) -> str:
    items = []
    for canned in questions:
        marker = ' class="current"' if current and canned.name == current.name else ""
        link = f'<a href="/cq/{escape(canned.name)}">{escape(canned.question)}</a>'
        japanese = f'<div class="ja" lang="ja">{escape(canned.question_ja)}</div>'
        items.append(f'<li value="{canned.number}"{marker}>{link}{japanese}</li>')
    return "".join(items)


def first_question(questions: list[CannedQuery]) -> str:
    """What the empty form offers: the first competency question's query."""
    return questions[0].text if questions else ""


def result_html(result: Result, cap: int) -> str:
    """A result as HTML: a table, a boolean, or Turtle."""
    if isinstance(result, Boolean):
        return f"<p>Answer: <strong>{'true' if result.value else 'false'}</strong></p>"
    if isinstance(result, Graph):
        turtle = serialize_graph(result).decode()
        note = truncation(result.truncated, cap, "triples")
        return f'<p class="note">{len(result.triples)} triples{note}</p><pre>{escape(turtle)}</pre>'
    return table_html(result, cap)


def table_html(result: Solutions, cap: int) -> str:
    head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
    rows = "".join("<tr>" + "".join(f"<td>{term_html(t)}</td>" for t in row) + "</tr>" for row in result.rows)
    note = truncation(result.truncated, cap, "rows")
    return f'<p class="note">{len(result.rows)} rows{note}</p><table><tr>{head}</tr>{rows}</table>'


def truncation(truncated: bool, cap: int, unit: str) -> str:
    return f" (cut at the cap of {cap} {unit})" if truncated else ""


def term_html(term) -> str:
    """One term: IRIs as prefixed names linking to their description, literals with their language."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        link = "/?query=" + quote(f"DESCRIBE <{term.value}>", safe="")
        return f'<a href="{escape(link)}" title="{escape(term.value)}">{escape(compact(term.value))}</a>'
    if isinstance(term, BlankNode):
        return escape("_:" + term.value)
    if isinstance(term, Literal) and term.language:
        return f'<span lang="{escape(term.language)}">{escape(term.value)}</span>'
    if isinstance(term, Literal):
        return f'<span title="{escape(compact(term.datatype.value))}">{escape(term.value)}</span>'
    return escape(lexical(term))
