"""``jikg release``: publishes a declared version once, refuses anything else, and
published folders stay exactly as published."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import rdflib

from jikg.cli import EXIT_REFUSED, main
from jikg.layout import Layout
from jikg.release import published, releases_dir

COPIED = ("ontology", "graphs", "sources", "metadata", "queries")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def project(layout: Layout, target: Path) -> Layout:
    """A private copy of the project without shapes or QC checks: validation is
    test_build's concern, here only the release mechanics are under test."""
    for name in COPIED:
        shutil.copytree(layout.root / name, target / name)
    for check in (target / "queries" / "qc").glob("*.rq"):
        check.unlink()
    (target / "shapes").mkdir()
    shutil.copy(layout.root / "CHANGELOG.md", target / "CHANGELOG.md")
    return Layout(target)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def verify_checksums(folder: Path) -> None:
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (
            f"{folder.name}/{name} changed"
        )


def bump(layout: Layout, version: str, prior: str, date: str) -> None:
    """Declare ``version`` in the ontology header and the changelog, as a curator would."""
    ontology = layout.root / "ontology" / "jikg.ttl"
    text = ontology.read_text(encoding="utf-8")
    text = text.replace('owl:versionInfo "1.0.0"', f'owl:versionInfo "{version}"')
    text = text.replace(
        "<https://w3id.org/jikg/ontology/1.0.0>", f"<https://w3id.org/jikg/ontology/{version}>"
    )
    text = text.replace(
        'dcterms:modified "2026-12-05"^^xsd:date ;',
        f'dcterms:modified "{date}"^^xsd:date ;\n'
        f"    owl:priorVersion <https://w3id.org/jikg/ontology/{prior}> ;",
    )
    ontology.write_text(text, encoding="utf-8")
    changelog = layout.root / "CHANGELOG.md"
    section = f"## [{version}] - {date}\n### Changed\n- A test release.\n\n"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace("## [1.0.0]", section + "## [1.0.0]"), "utf-8"
    )


@pytest.fixture(scope="module")
def first(layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """A project copy with 1.0.0 published."""
    copy = project(layout, tmp_path_factory.mktemp("project"))
    assert main(["--root", str(copy.root), "release", "1.0.0"]) == 0
    return copy


def test_release_writes_the_dist_files_with_checksums(first: Layout) -> None:
    folder = releases_dir(first) / "1.0.0"
    assert published(releases_dir(first)) == ["1.0.0"]
    assert {"graph.ttl", "catalog.ttl", "index.html", "ontology.html", "SHA256SUMS"} <= set(files(folder))
    verify_checksums(folder)
    assert [p.name for p in releases_dir(first).iterdir()] == ["1.0.0"], "no staging folder left behind"


def test_a_published_version_is_never_overwritten(first: Layout, capsys) -> None:
    folder = releases_dir(first) / "1.0.0"
    before = files(folder)
    assert main(["--root", str(first.root), "release", "1.0.0"]) == EXIT_REFUSED
    assert "already published" in capsys.readouterr().err
    assert files(folder) == before


@pytest.mark.parametrize("version", ["1.1.0", "v1", "1.0"])
def test_a_version_the_sources_do_not_declare_is_refused(first: Layout, version: str, capsys) -> None:
    assert main(["--root", str(first.root), "release", version]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "owl:versionInfo" in err or "not a version" in err
    assert published(releases_dir(first)) == ["1.0.0"]


def test_the_next_version_links_to_the_prior_one(layout: Layout, tmp_path: Path, capsys) -> None:
    copy = project(layout, tmp_path)
    assert main(["--root", str(copy.root), "release", "1.0.0"]) == 0
    bump(copy, "1.1.0", prior="1.0.0", date="2026-12-10")
    assert main(["--root", str(copy.root), "release", "1.1.0"]) == 0, capsys.readouterr().err
    catalog = rdflib.Graph().parse(releases_dir(copy) / "1.1.0" / "catalog.ttl")
    version = rdflib.URIRef("https://w3id.org/jikg/dataset/1.1.0")
    assert catalog.value(version, DCAT.previousVersion) == rdflib.URIRef(
        "https://w3id.org/jikg/dataset/1.0.0"
    )
    assert str(catalog.value(version, rdflib.DCTERMS.issued)) == "2026-12-10"
    assert 'href="../1.0.0/index.html"' in (releases_dir(copy) / "1.1.0" / "index.html").read_text("utf-8")


def test_a_wrong_prior_version_or_changelog_date_is_refused(first: Layout, tmp_path: Path, capsys) -> None:
    copy = project(Layout(first.root), tmp_path)
    shutil.copytree(releases_dir(first), releases_dir(copy))
    bump(copy, "1.1.0", prior="0.9.9", date="2026-12-10")
    changelog = copy.root / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text("utf-8").replace("## [1.1.0] - 2026-12-10", "## [1.1.0] - 2026-12-11")
    )
    assert main(["--root", str(copy.root), "release", "1.1.0"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "owl:priorVersion" in err and "1.0.0" in err and "## [1.1.0] - 2026-12-10" in err
    assert published(releases_dir(copy)) == ["1.0.0"]


def test_published_releases_are_intact(layout: Layout) -> None:
    """Every published file still has the checksum it was published with."""
    for version in published(releases_dir(layout)):
        verify_checksums(releases_dir(layout) / version)
