"""Fuzzing, bounded for CI (hypothesis): the Turtle loading and the query command never crash or hang.

Inputs are the project's own files and questions, mutated (bytes deleted, inserted,
replaced, duplicated, cut short) with the tokens that matter to each grammar, plus
arbitrary bytes. The only failures allowed are the documented ones: a ``LoadError``
naming the file and line; for ``jikg query``, exit 0, 2, 3 or 6 with an ``error:``
or ``usage:`` message. Every example must finish within the deadline.

``JIKG_FUZZ_EXAMPLES`` runs more examples (e.g. 20000 for a long local session).
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat, Store

from jikg.cli import main
from jikg.dataset import MAX_LITERAL, MAX_NESTING, LoadError, load_file, parse_turtle
from jikg.iris import graph_iri
from jikg.layout import Layout
from jikg.query import canned_queries

EXAMPLES = int(os.environ.get("JIKG_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ROOT = Layout().root
TURTLE_SEEDS = [ROOT / "graphs" / name for name in ("forums.ttl", "people.ttl", "sides.ttl")]
TURTLE_TOKENS = [
    b".",
    b";",
    b",",
    b"[",
    b"]",
    b"(",
    b")",
    b'"',
    b'"""',
    b"'",
    b"<",
    b">",
    b"@prefix",
    b"@base",
    b"PREFIX",
    b"^^",
    b"@",
    b"@en",
    b"_:",
    b"\\",
    b"\\u00",
    b"\\U0010FFFF",
    b"#",
    b"\n",
    b"\r",
    b"\t",
    b"\x00",
    b"\x07",
    b"\xff",
    b"\xe9",
    b"\xef\xbb\xbf",
    b"true",
    b"1e",
    b"-.5",
    b"a",
    b"<>",
    b"<#x>",
    b"jorg:",
    b":",
    b"{",
    b"}",
    b"<<",
    b">>",
    b"\\u0000",
    b"\xe3\x81",
]
SPARQL_TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "?x",
    "$y",
    "<",
    ">",
    '"',
    "'",
    '"""',
    "#",
    "\n",
    "\\",
    "SELECT",
    "WHERE",
    "FILTER(",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "INSERT",
    "DELETE",
    "LOAD",
    "FROM",
    "FROM NAMED",
    "<file:///etc/passwd>",
    "BIND(",
    "AS",
    "VALUES",
    "LIMIT",
    "ORDER BY",
    "GROUP BY",
    "COUNT(*)",
    "REGEX(",
    "*",
    "+",
    "/",
    "|",
    "^",
    "!",
    "a",
    "jikg:",
    "nope:",
    "PREFIX",
    "BASE",
    "\x00",
    "\u2028",
    "日本",
    "1/0",
    "<<",
    ">>",
]


@st.composite
def mutated(draw, seeds: list, tokens: list, join) -> object:
    """A seed with 1 to 4 mutations: delete, insert a token or random piece, replace, duplicate, cut."""
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 40)))
        piece = draw(st.one_of(st.sampled_from(tokens), st.just(data[start:end])))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "cut"]))
        if kind == "delete":
            data = join(data[:start], data[end:])
        elif kind == "insert":
            data = join(data[:start], piece, data[start:])
        elif kind == "replace":
            data = join(data[:start], piece, data[end:])
        else:
            data = data[:start]
    return data


def join_bytes(*parts: bytes) -> bytes:
    return b"".join(parts)


def join_text(*parts: str) -> str:
    return "".join(parts)


TURTLE = st.one_of(
    mutated([p.read_bytes() for p in TURTLE_SEEDS], TURTLE_TOKENS, join_bytes),
    st.binary(max_size=200),
)
QUERIES = st.one_of(
    mutated([c.text for c in canned_queries()], SPARQL_TOKENS, join_text),
    st.text(max_size=120),
)


@FUZZ
@given(data=TURTLE)
def test_turtle_loading_fails_only_with_a_load_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ttl"
        path.write_bytes(data)
        try:
            quads = parse_turtle(path, graph_iri("fuzz"))
        except LoadError as error:
            assert re.match(rf"{re.escape(str(path))}:\d+(:\d+)?: \S", str(error)), str(error)
        else:
            assert quads


#: IRI forms, and whether each is relative (no scheme: refused, never resolved against a path).
IRI_FORMS = {
    "<https://example.org/x>": False,
    "<urn:x:y>": False,
    "<file:///etc/passwd>": False,
    "<http://例え.jp/パス>": False,
    "<https://w3id.org/jikg/id/org/javascript:alert(1)>": False,
    "<page.html>": True,
    "<../../../etc/passwd>": True,
    "<#fragment>": True,
    "<//host/x>": True,
    "<?query>": True,
    "<>": True,
}


def shaped(depth: int, length: int, iri: str) -> bytes:
    """A Turtle file with blank nodes nested ``depth`` deep, a literal of ``length`` characters, ``iri``."""
    nested = "[ rdfs:seeAlso " * depth + iri + " ]" * depth
    return (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://w3id.org/jikg/id/org/meti> rdfs:comment "{"x" * length}" ;\n  rdfs:seeAlso {nested} .\n'
    ).encode()


@FUZZ
@given(
    depth=st.one_of(st.integers(0, 80), st.integers(0, 5000)),
    length=st.one_of(st.integers(0, 70_000), st.integers(0, 2_000_000)),
    iri=st.sampled_from(sorted(IRI_FORMS)),
)
def test_nesting_literal_size_and_iri_forms_are_judged_quickly(depth: int, length: int, iri: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shaped.ttl"
        path.write_bytes(shaped(depth, length, iri))
        refused = depth > MAX_NESTING or length > MAX_LITERAL or IRI_FORMS[iri]
        try:
            quads = parse_turtle(path, graph_iri("shaped"))
        except LoadError as error:
            assert refused, f"refused what is within the limits: {error}"
            assert str(error).startswith(f"{path}:"), str(error)
        else:
            assert not refused and len(quads) == depth + 2


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small built dataset (one graph): a fuzzed cross product stays quick."""
    store = Store()
    load_file(store, ROOT / "graphs" / "forums.ttl")
    path = tmp_path_factory.mktemp("fuzz") / "dataset.nq"
    store.dump(str(path), format=RdfFormat.N_QUADS)
    return path


def run_query_command(argv: list[str]) -> tuple[int, str]:
    """``jikg`` in this process, its output captured."""
    stdout, stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(b"SELECT"), encoding="utf-8")  # `jikg query -` reads it
    with (
        mock.patch.object(sys, "stdin", stdin),
        mock.patch.object(sys, "stdout", stdout),
        mock.patch.object(sys, "stderr", stderr),
    ):
        try:
            code = main(argv)
        except SystemExit as exit:  # argparse: the text looked like an option
            code = exit.code
    return code, stderr.getvalue()


@FUZZ
@given(text=QUERIES)
def test_the_query_command_fails_only_as_documented(text: str, small_dataset: Path) -> None:
    argv = ["--root", str(ROOT), "query", "--dataset", str(small_dataset), "--timeout", "5", "--", text]
    code, err = run_query_command(argv)
    assert code in (0, 2, 3, 6), f"exit {code} for {text!r}:\n{err}"
    if code:
        assert err.startswith(("error: ", "usage: ")), f"exit {code} for {text!r} with no message:\n{err}"
