"""Reuse a build stage's outputs when nothing it reads has changed.

Every stage of the table (:mod:`jikg.pipeline`) and every SHACL unit is keyed
(:func:`stage_key`) by a SHA-256 over what it reads and what produces it
(:func:`jikg.pipeline.code_digest`: its modules, the package's data files, its libraries'
versions, Python's). An entry is a folder ``.cache/build/<stage>/<key>/`` holding the
stage's files and ``MANIFEST.json`` with the SHA-256 of each; entries are written into a
staging folder and renamed into place, so a killed build leaves no half entry; the build
hard-links their files into ``build/``.

The cache is input too (a CI system restores it from elsewhere), so nothing in it is
trusted as written. A manifest is sealed with an HMAC under a secret of this user on
this machine (:func:`seal`, kept outside the project, ``~/.cache/jikg/cache-secret``),
over the stage, the key and every file's name and SHA-256. An entry is a miss, never an
output, and is rebuilt when its seal is missing or wrong (planted, or written on another
machine), when a file does not match its hash, or when a name would leave the entry's
folder (``../…``, an absolute path).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from .swap import remove_stale

MANIFEST = "MANIFEST.json"
SECRET = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jikg" / "cache-secret"
#: Entries kept per stage (the most recently used).
KEEP = 4


def stage_key(stage: str, code: str, parts: Iterable[bytes]) -> str:
    """The key of ``stage`` made by ``code`` (:func:`jikg.pipeline.code_digest`) from ``parts``.

    Each part is length-prefixed, so parts cannot run together.
    """
    digest = hashlib.sha256(f"{stage}\0{code}\0".encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)  # not concatenated: a part can be the whole graph
    return digest.hexdigest()


@cache
def secret() -> bytes:
    """This user's cache secret (32 random bytes, created on first use, readable by the user only)."""
    try:
        return SECRET.read_bytes()
    except FileNotFoundError:
        pass
    SECRET.parent.mkdir(parents=True, exist_ok=True)
    staging = SECRET.with_name(f".{SECRET.name}.{os.getpid()}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as sink:
        sink.write(secrets.token_bytes(32))
    os.replace(staging, SECRET)
    return SECRET.read_bytes()


def seal(*parts: str) -> str:
    """The HMAC-SHA-256 of ``parts`` under this user's secret: only a cache written here has it."""
    return hmac.new(secret(), "\0".join(parts).encode(), hashlib.sha256).hexdigest()


def sealed(mac: object, *parts: str) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(mac, seal(*parts))


def safe_name(name: object) -> bool:
    """Whether ``name`` is a relative path that stays inside its folder (decided on its parts)."""
    if not isinstance(name, str) or not name or "\0" in name or "\\" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (by relative path) under ``folder``; a name that would leave it is an error."""
    for name, data in files.items():
        if not safe_name(name):
            raise ValueError(f"refusing to write {name!r}: it is not a path inside {folder}")
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (a dump can be hundreds of megabytes)."""
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


@dataclass(frozen=True)
class Entry:
    """A stage's files in the cache (or in a cold build's scratch folder): paths and SHA-256 by name."""

    files: dict[str, Path]
    digests: dict[str, str]

    def read(self, name: str) -> bytes:
        return self.files[name].read_bytes()


@dataclass
class StageCache:
    """The stage cache under ``folder``; ``folder=None`` turns it off (a cold build)."""

    folder: Path | None
    #: The stages this build ran (missed) and reused (hit), in order: what the tests look at.
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    #: Seconds each stage that ran took (its function and storing its files).
    seconds: dict[str, float] = field(default_factory=dict)

    def get(self, stage: str, key: str, record: bool = True) -> Entry | None:
        """The entry, or None (no cache, no entry, or an entry that fails its manifest).

        ``record``: count it in :attr:`ran`/:attr:`reused` (a build stage; not a SHACL unit).
        """
        entry = self.folder / stage / key if self.folder else None
        found = verified(entry, stage, key) if entry else None
        if record:
            (self.ran if found is None else self.reused).append(stage)
        if found is not None:
            os.utime(entry)
        return found

    def put(self, stage: str, key: str, folder: Path, keep: int | None = KEEP) -> Entry:
        """Move the files under ``folder`` into the entry and return it (``folder``'s, with no cache).

        The stage's ``keep`` latest entries are kept (``None``: the caller calls :meth:`tidy` once
        after many puts, each of which would otherwise list the stage's folder); an unwritable
        cache leaves the files where they are.
        """
        names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        digests = {name: file_sha256(folder / name) for name in names}
        if self.folder:
            try:
                target = store_entry(self.folder / stage, key, folder, digests)
                if keep is not None:
                    self.tidy(stage, keep)
                return Entry({n: target / "files" / n for n in names}, digests)
            except OSError:
                pass
        return Entry({n: folder / n for n in names}, digests)

    def put_bytes(self, stage: str, key: str, files: dict[str, bytes], keep: int | None = KEEP) -> None:
        """Store small in-memory files as an entry (a SHACL unit's results)."""
        if not self.folder:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".bytes-", dir=self.folder) as scratch:
            write_tree(Path(scratch), files)
            self.put(stage, key, Path(scratch), keep)

    def tidy(self, stage: str, keep: int = KEEP) -> None:
        """Remove what crashed builds left in the stage's folder, and all but its ``keep`` latest entries."""
        folder = self.folder / stage if self.folder else None
        if folder and folder.is_dir():
            remove_stale(folder, "entry")
            prune(folder, keep)


def verified(entry: Path, stage: str, key: str) -> Entry | None:
    """The entry, if its manifest is sealed here, every name is safe and every file matches its hash."""
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        hashes = manifest["files"]
        if not sealed(manifest.get("seal"), stage, key, canonical(hashes)) or not all(map(safe_name, hashes)):
            return None
        files = {name: entry / "files" / name for name in hashes}
        if any(file_sha256(path) != hashes[name] for name, path in files.items()):
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return Entry(files, dict(hashes))


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def store_entry(folder: Path, key: str, files: Path, digests: dict[str, str]) -> Path:
    """Move ``files`` into a staging entry with its sealed manifest, then rename it into place."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".entry-{os.getpid()}-", dir=folder))
    target = folder / key
    try:
        os.rename(files, staging / "files")
        manifest = {"files": digests, "seal": seal(folder.name, key, canonical(digests))}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if target.exists():  # failed its manifest, or another build wrote it meanwhile
            shutil.rmtree(target, ignore_errors=True)
        os.rename(staging, target)
    except OSError:
        if (staging / "files").exists():
            os.rename(staging / "files", files)  # give the files back to the build
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def prune(folder: Path, keep: int = KEEP) -> None:
    """Keep the ``keep`` most recently used entries of a stage."""
    entries = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in entries[keep:]:
        shutil.rmtree(old, ignore_errors=True)
