"""The stage table: well formed, each stage keyed on its own code, and run by ``jikg build``."""

from __future__ import annotations

from fnmatch import fnmatchcase
from importlib import import_module

import pytest

from jikg import pipeline
from jikg.pipeline import PACKAGE, STAGES, code_digest, is_project_input, library_versions, modules_of

NAMES = [s.name for s in STAGES]


def declared_before(index: int) -> list[str]:
    return [n for s in STAGES[:index] for n in (*s.writes, *s.keeps)]


@pytest.mark.parametrize("index", range(len(STAGES)), ids=NAMES)
def test_every_read_is_a_project_file_or_written_by_an_earlier_stage(index: int) -> None:
    row, before = STAGES[index], declared_before(index)
    for read in row.reads:
        assert is_project_input(read) or any(fnmatchcase(n, read) for n in before), f"{row.name}: {read}"


@pytest.mark.parametrize("row", STAGES, ids=NAMES)
def test_every_stage_runs_a_function_with_installed_libraries(row: pipeline.Stage) -> None:
    module, function = row.run.split(":")
    assert callable(getattr(import_module(module), function))
    assert "absent" not in library_versions(row.libraries).values()


def test_names_are_unique_and_only_an_optional_stage_writes_a_name_again() -> None:
    assert len(set(NAMES)) == len(NAMES)
    for index, row in enumerate(STAGES):
        again = set(row.writes + row.keeps) & set(declared_before(index))
        assert not again or row.option, f"{row.name} writes {again} again"


def test_a_stage_is_keyed_on_its_own_modules_not_the_whole_package() -> None:
    ontology = modules_of("jikg.dist")
    views = modules_of("jikg.views.site")
    assert PACKAGE / "dist.py" in ontology and PACKAGE / "views" / "site.py" not in ontology
    assert {PACKAGE / "views" / "render.py", PACKAGE / "views" / "analytics.py"} <= views
    assert PACKAGE / "serve.py" not in views | ontology
    assert len({code_digest(name) for name in NAMES}) == len(NAMES)


def test_a_library_is_keyed_with_what_it_requires() -> None:
    versions = library_versions(("pyshacl",))
    assert {"pyshacl", "rdflib", "owlrl"} <= set(versions)


@pytest.mark.parametrize("index", range(len(STAGES)), ids=NAMES)
def test_no_stage_reads_what_a_later_stage_writes(index: int) -> None:
    """A stage's inputs are fixed when it starts: only earlier stages write them (also on threads).

    An optional stage (``--reason``) replaces what it writes for the stages after it, by design.
    """
    row = STAGES[index]
    later = [n for s in STAGES[index + 1 :] if not s.option for n in (*s.writes, *s.keeps)]
    for read in row.reads:
        if not is_project_input(read):
            assert not [n for n in later if fnmatchcase(n, read) or n.startswith(read)], f"{row.name}: {read}"


def test_the_architecture_shows_the_table_as_declared() -> None:
    """``docs/architecture.md`` lists every stage, in the table's order, with the libraries it declares."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| `")]
    shown = {cells[0].split("`")[1]: cells[-1] for cells in rows if len(cells) == 4}
    assert list(shown) == NAMES
    for row in STAGES:
        libraries = [name.strip() for name in shown[row.name].split(",") if name.strip()]
        assert libraries == list(row.libraries), row.name
