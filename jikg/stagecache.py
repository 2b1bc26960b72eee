"""Reuse a build stage's outputs when nothing it reads has changed.

A stage (SHACL, the ontology's documentation, the JSON-LD of the graph, the views)
is keyed by a SHA-256 over what it reads (the sorted, canonical N-Triples or
N-Quads of its part of the graph, the files it reads) and what produces it (every
file of the ``jikg`` package, the installed distributions, the Python version).
An entry is a folder ``.cache/build/<stage>/<key>/`` holding the stage's files and
``MANIFEST.json`` with the SHA-256 of each; an entry whose files do not match
their manifest is a miss, never an output. Entries are written into a staging
folder and renamed into place, so a killed build leaves no half entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .swap import remove_stale

MANIFEST = "MANIFEST.json"
#: Entries kept per stage (the most recently used).
KEEP = 4
PACKAGE = Path(__file__).resolve().parent


@cache
def code_version() -> str:
    """A digest of the code that produces every stage: the package's files, the libraries, Python."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in installed():
        digest.update(name.encode() + b"\0")
    return digest.hexdigest()


def installed() -> list[str]:
    """The ``*.dist-info`` names (name and version) of every distribution on ``sys.path``."""
    names = set()
    for entry in sys.path:
        try:
            names.update(n for n in os.listdir(entry or ".") if n.endswith(".dist-info"))
        except OSError:
            continue
    return sorted(names)


def stage_key(stage: str, parts: Iterable[bytes]) -> str:
    """The key of ``stage`` for inputs ``parts`` (each length-prefixed, so parts cannot run together)."""
    digest = hashlib.sha256(f"{stage}\0{code_version()}\0".encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)  # not concatenated: a part can be the whole graph
    return digest.hexdigest()


def files_part(paths: Iterable[Path], root: Path) -> bytes:
    """The names (relative to ``root``) and contents of ``paths``, as one key part."""
    return b"".join(
        p.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(paths)
    )


def read_tree(folder: Path, names: Iterable[str] | None = None) -> dict[str, bytes]:
    """The files under ``folder`` (or only ``names``) by relative path."""
    paths = [folder / n for n in names] if names is not None else sorted(folder.rglob("*"))
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths if p.is_file()}


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (by relative path) under ``folder``."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@dataclass
class StageCache:
    """The stage cache under ``folder``; ``folder=None`` turns it off (a cold build)."""

    folder: Path | None
    #: The stages this build ran (missed) and reused (hit), in order: what the tests look at.
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)

    def get(self, stage: str, key: str) -> dict[str, bytes] | None:
        """The files of the entry, or None (no cache, no entry, or an entry that fails its manifest)."""
        entry = self.folder / stage / key if self.folder else None
        files = verified(entry) if entry else None
        if files is None:
            self.ran.append(stage)
            return None
        self.reused.append(stage)
        os.utime(entry)
        return files

    def put(self, stage: str, key: str, files: dict[str, bytes]) -> None:
        """Store the entry; a cache that cannot be written is left alone (the build does not need it)."""
        if not self.folder:
            return
        try:
            store_entry(self.folder / stage, key, files)
            prune(self.folder / stage)
        except OSError:
            pass


def verified(entry: Path) -> dict[str, bytes] | None:
    """The entry's files if each matches the SHA-256 its manifest gives, else None."""
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        files = {name: (entry / "files" / name).read_bytes() for name in manifest}
    except (OSError, ValueError, TypeError):
        return None
    if any(hashlib.sha256(data).hexdigest() != manifest[name] for name, data in files.items()):
        return None
    return files


def store_entry(folder: Path, key: str, files: dict[str, bytes]) -> None:
    """Write the entry into a staging folder, then rename it into place (a corrupt one is replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, "entry")
    staging = Path(tempfile.mkdtemp(prefix=f".entry-{os.getpid()}-", dir=folder))
    try:
        write_tree(staging / "files", files)
        manifest = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        target = folder / key
        if target.exists():  # failed its manifest, or another build wrote it meanwhile
            shutil.rmtree(target, ignore_errors=True)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def prune(folder: Path) -> None:
    """Keep the ``KEEP`` most recently used entries of a stage."""
    entries = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
