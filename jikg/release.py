"""Publish a version: ``jikg release VERSION`` copies a fresh build's ``dist/`` to
``releases/VERSION/``.

Published versions live in ``releases/`` at the top of the repository, which is
*not* git-ignored: a release is committed and kept for good, because its IRIs
(``owl:versionIRI`` ``…/ontology/VERSION``, the files ``…/releases/VERSION/…``
that the catalogue and ``owl:priorVersion`` point to) must keep resolving after
``build/`` has been rebuilt many times over. A published folder is never
written again: the command refuses a version that exists, and the test suite
checks every published file against its ``SHA256SUMS``.

Before it writes, the command checks that the sources declare the version:
the ontology's ``owl:versionInfo`` is VERSION, its ``owl:versionIRI`` is
``…/ontology/VERSION``, its ``owl:priorVersion`` names the latest published
version (and is absent for the first), VERSION is newer than every published
one, and ``CHANGELOG.md`` has a section ``## [VERSION] - DATE`` whose DATE is the
ontology's ``dcterms:modified``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, parse

from .iris import ONTOLOGY, PREFIXES
from .layout import Layout
from .swap import OutputError, remove_tree

VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
OWL, DCTERMS = PREFIXES["owl"], PREFIXES["dcterms"]


class ReleaseRefused(Exception):
    """The release was not written; the message says why and what to do."""


@dataclass(frozen=True)
class Header:
    """The versioning facts of the ontology header."""

    version: str
    version_iri: str
    prior: str
    modified: str


def semver(version: str) -> tuple[int, int, int]:
    """``"0.10.2"`` → ``(0, 10, 2)``; a malformed version is refused."""
    found = VERSION.match(version)
    if not found:
        raise ReleaseRefused(f"{version!r} is not a version: use MAJOR.MINOR.PATCH, e.g. 0.2.0")
    return int(found[1]), int(found[2]), int(found[3])


def releases_dir(layout: Layout) -> Path:
    """Where published versions live: ``releases/`` beside the sources."""
    return layout.releases


def published(folder: Path) -> list[str]:
    """The published versions in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    versions = [p.name for p in folder.iterdir() if p.is_dir() and VERSION.match(p.name)]
    return sorted(versions, key=semver)


def read_header(ontology_ttl: Path) -> Header:
    """The versioning facts of the ontology as built (``dist/ontology.ttl``)."""
    store = Store()
    store.extend(parse(path=ontology_ttl, format=RdfFormat.TURTLE))
    node = NamedNode(ONTOLOGY)

    def value(namespace: str, name: str) -> str:
        found = list(store.quads_for_pattern(node, NamedNode(namespace + name), None, None))
        return found[0].object.value if found else ""

    return Header(
        value(OWL, "versionInfo"),
        value(OWL, "versionIRI"),
        value(OWL, "priorVersion"),
        value(DCTERMS, "modified"),
    )


def changelog_date(changelog: Path, version: str) -> str | None:
    """The date of ``## [VERSION] - DATE`` in the changelog, or None."""
    if not changelog.exists():
        return None
    pattern = re.compile(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})\s*$", re.MULTILINE)
    found = pattern.search(changelog.read_text(encoding="utf-8"))
    return found[1] if found else None


def check_declared(version: str, header: Header, versions: list[str], changelog: Path) -> None:
    """Refuse unless the sources declare ``version`` as the next release (module docstring)."""
    problems = []
    if header.version != version:
        problems.append(f"ontology/jikg.ttl says owl:versionInfo {header.version!r}: set it to {version!r}")
    if header.version_iri != f"{ONTOLOGY}/{version}":
        problems.append(f"owl:versionIRI is <{header.version_iri}>: set it to <{ONTOLOGY}/{version}>")
    expected_prior = f"{ONTOLOGY}/{versions[-1]}" if versions else ""
    if header.prior != expected_prior:
        wanted = f"<{expected_prior}> (the latest published)" if versions else "absent (nothing is published)"
        problems.append(f"owl:priorVersion is {header.prior or 'absent'}: it must be {wanted}")
    if versions and semver(version) <= semver(versions[-1]):
        problems.append(f"{version} is not newer than the latest published version, {versions[-1]}")
    if not header.modified:
        problems.append("the ontology header has no dcterms:modified (the date of this version)")
    elif changelog_date(changelog, version) != header.modified:
        problems.append(
            f"{changelog.name} needs a section '## [{version}] - {header.modified}' (dcterms:modified)"
        )
    if problems:
        raise ReleaseRefused(f"release {version} refused:\n  " + "\n  ".join(problems))


def copy_in(dist: Path, target: Path) -> None:
    """Copy ``dist`` to ``target`` through a hidden staging folder and one rename."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(dist, staging, dirs_exist_ok=True)
        os.chmod(staging, 0o755)
        if target.exists():
            raise ReleaseRefused(f"{target} appeared while releasing: left as it was")
        staging.rename(target)
    finally:
        remove_tree(staging)


def release(layout: Layout, version: str, releases: Path | None = None) -> Path:
    """Build, check and publish ``version``; return its folder. Raises :class:`ReleaseRefused`."""
    from .build import build

    semver(version)
    folder = releases or releases_dir(layout)
    target = folder / version
    if target.exists():
        raise ReleaseRefused(
            f"release {version} is already published in {target}: a published version is never "
            "overwritten; bump owl:versionInfo and owl:versionIRI, add a CHANGELOG section, release that"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        scratch_folder = tempfile.TemporaryDirectory(prefix=".release-", dir=folder)
    except OSError as error:
        raise OutputError(f"{folder}: cannot write here: {error.strerror or error}") from None
    with scratch_folder as scratch:
        result = build(layout, Path(scratch) / "build")
        if not result.ok:
            raise ReleaseRefused(f"release {version} refused: the build failed\n{result.report()}")
        dist = result.out_dir / "dist"
        check_declared(version, read_header(dist / "ontology.ttl"), published(folder), layout.changelog)
        copy_in(dist, target)
    return target
