"""``jikg query`` and ``jikg queries`` in-process: finding the query, the formats, the errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse, parse_query_results

from jikg.cli import EXIT_INPUT, EXIT_QUERY, EXIT_USAGE, main
from jikg.dataset import LoadError
from jikg.iris import PREFIXES
from jikg.layout import Layout
from jikg.policy import QueryError, RefusedQuery, check, prefix_header
from jikg.query import QueryNotFound, canned_queries, find_canned, open_dataset, resolve, run_local
from jikg.results import Solutions, width


@pytest.fixture
def run(capsys, tmp_path: Path, store: Store):
    """``jikg query …`` on this checkout's sources (dumped once), returning (code, stdout, stderr)."""
    dataset = tmp_path / "dataset.nq"
    store.dump(str(dataset), format=RdfFormat.N_QUADS)

    def command(*args: str) -> tuple[int, str, str]:
        code = main(["query", *args, "--dataset", str(dataset)])
        out, err = capsys.readouterr()
        return code, out, err

    return command


@pytest.mark.parametrize("name", ["5", "05", "05-activities-by-side", "activities-by-side"])
def test_canned_questions_by_number_name_or_slug(name: str, layout: Layout) -> None:
    assert resolve(name, layout) == find_canned("05", layout).text


def test_files_inline_text_and_unknown_names(layout: Layout, tmp_path: Path) -> None:
    query = tmp_path / "mine.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert resolve(str(query), layout) == "ASK { ?s ?p ?o }"
    assert resolve("SELECT * WHERE { ?s ?p ?o }", layout) == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(QueryNotFound):
        resolve("no-such-question", layout)
    with pytest.raises(LoadError):
        resolve(str(tmp_path / "missing.rq"), layout)


def test_service_and_updates_are_refused_before_any_network(store: Store) -> None:
    with pytest.raises(RefusedQuery, match="SERVICE"):
        run_local(store, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(RefusedQuery, match="Update"):
        run_local(store, "DELETE WHERE { ?s ?p ?o }")


def test_malformed_query_names_line_and_column(store: Store) -> None:
    with pytest.raises(QueryError) as caught:
        run_local(store, "SELECT ?s\nWHERE {\n  ?s jikg:area\n}")
    assert (caught.value.line, caught.value.column) == (4, 1)
    assert "  ^" in str(caught.value)


def test_unknown_prefix_is_named(store: Store) -> None:
    with pytest.raises(QueryError, match="unknown prefix"):
        run_local(store, "SELECT * WHERE { ?s nope:thing ?o }")


def test_table_is_aligned_for_wide_characters(run) -> None:
    code, out, _ = run("01")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "(8 rows)"
    starts = {width(line[: line.index("jarea:")]) for line in lines[2:-1]}
    assert len(starts) == 1, "the area column starts at the same screen column on every row"
    assert "半導体エコシステム" in out and "jarea:semiconductor-ecosystem" in out


def test_csv_tsv_json_xml_markdown(run) -> None:
    outputs = {fmt: run("13", "--format", fmt)[1] for fmt in ("csv", "tsv", "json", "xml", "markdown")}
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    assert rows[0] == ["technology", "name_en", "name_ja", "commitments"] and len(rows) == 22
    assert rows[1] == [
        "https://w3id.org/jikg/id/technology/artificial-intelligence",
        "artificial intelligence",
        "人工知能",
        "12",
    ]
    for fmt, parser in (("tsv", QueryResultsFormat.TSV), ("xml", QueryResultsFormat.XML)):
        assert len(list(parse_query_results(outputs[fmt], format=parser))) == 21
    assert len(json.loads(outputs["json"])["results"]["bindings"]) == 21
    assert outputs["markdown"].splitlines()[1] == "|---|---|---|---|"


def test_ask_and_graph_answers(run) -> None:
    assert json.loads(run("24", "--format", "json")[1]) == {"head": {}, "boolean": True}
    code, turtle, _ = run("17")
    assert code == 0 and len(list(parse(turtle, format=RdfFormat.TURTLE))) == 13
    code, _, err = run("17", "--format", "csv")
    assert code == 0 and "written as Turtle" in err
    code, _, err = run("01", "--format", "turtle")
    assert code == EXIT_USAGE and "for graphs" in err


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("SELECT ?s\nWHERE { ?s jikg:area }", EXIT_QUERY, "malformed query at line 2, column "),
        (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            EXIT_QUERY,
            "read-only: SPARQL Update (INSERT DATA) is refused",
        ),
        ("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }", EXIT_QUERY, "SERVICE"),
        ("no-such-question", EXIT_USAGE, "jikg queries"),
        ("missing-file.rq", EXIT_INPUT, "no such query file"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(run, query: str, code: int, message: str) -> None:
    exit_code, out, err = run(query)
    assert exit_code == code and message in err
    assert out == "" and "Traceback" not in err


def test_queries_lists_every_question(capsys, layout: Layout) -> None:
    assert main(["queries"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(canned_queries(layout)) >= 25
    assert lines[0].split()[:2] == ["1", "areas-activity-counts"] and lines[0].endswith("?")
    assert main(["queries", "--ja"]) == 0
    assert "協力分野" in capsys.readouterr().out.splitlines()[0]


def copy_sources(layout: Layout, target: Path) -> Layout:
    for name in ("sources", "ontology", "graphs", "queries"):
        shutil.copytree(layout.root / name, target / name)
    return Layout(target)


def test_without_a_build_the_sources_are_queried(layout: Layout, tmp_path: Path) -> None:
    notes: list[str] = []
    store = open_dataset(copy_sources(layout, tmp_path), warn=notes.append)
    assert "not found" in notes[0] and "jikg build" in notes[0]
    result = run_local(store, find_canned("01", layout).text)
    assert isinstance(result, Solutions) and len(result.rows) == 8


def test_a_stale_build_is_pointed_out(layout: Layout, tmp_path: Path, store: Store) -> None:
    copy = copy_sources(layout, tmp_path)
    built = tmp_path / "build" / "dataset.nq"
    built.parent.mkdir()
    store.dump(str(built), format=RdfFormat.N_QUADS)
    areas = tmp_path / "graphs" / "areas.ttl"
    os.utime(areas, (built.stat().st_mtime + 10, built.stat().st_mtime + 10))
    notes: list[str] = []
    open_dataset(copy, warn=notes.append)
    assert notes and "older than" in notes[0] and "areas.ttl" in notes[0]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s rdfs:comment "INSERT DATA, then LOAD <x>" }',
        "# DELETE everything\nASK { ?s ?p ?o }",
        "SELECT ?service ?load WHERE { ?service <urn:x:DROP> ?load }",
        'SELECT * WHERE { ?s rdfs:label "x"@load }',
        "SELECT * WHERE { ?s ex:copy ?o }",
    ],
    ids=["string", "comment", "variables-and-iri", "language-tag", "local-name"],
)
def test_keywords_in_strings_comments_iris_and_names_are_not_refused(query: str) -> None:
    assert check(query).form in ("SELECT", "ASK")


def test_prefixes_are_added_only_where_used_and_undeclared() -> None:
    query = "PREFIX jact: <urn:mine:>\nSELECT * WHERE { ?a jikg:area jarea:x ; jact:y ?z }"
    text, added = prefix_header(query, PREFIXES)
    assert added == 2 and text.startswith("PREFIX jarea: ") and "PREFIX jact: <https" not in text
    assert prefix_header('ASK { <urn:a> ?p "jikg:area" }', PREFIXES) == ('ASK { <urn:a> ?p "jikg:area" }', 0)


def test_the_help_speaks_to_a_user(capsys) -> None:
    from jikg.cli import main as jikg

    with pytest.raises(SystemExit) as done:
        jikg(["--help"])
    text = capsys.readouterr().out
    assert done.value.code == 0 and "``" not in text and ":mod:" not in text
    assert "Knowledge Graph" in text and "exit codes:" in text and "6  a query is malformed" in text
