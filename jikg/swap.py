"""Replace a folder by another in one step, so readers never see half a build.

A folder is written into a staging folder beside it (:func:`staging_folder`),
named ``.<prefix>-<pid>-<random>``, then exchanged with it (:func:`swap_in`). A
process killed while writing leaves its staging folder behind; the next one
removes the staging folders of processes that no longer run.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
STAGING = re.compile(r"\.(?P<prefix>[a-z]+)-(?P<pid>\d+)-[\w]+")


class OutputError(Exception):
    """An output folder could not be written; the message names it."""


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold the lock of ``target`` (``.<name>.lock`` beside it) or fail at once, naming the holder.

    An advisory ``flock``: released when the holder ends, however it ends, so a killed
    build never leaves the folder locked. Two builds of one folder: the second says so
    and stops, instead of the last one winning silently.
    """
    lock = target.parent / f".{target.name}.lock"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"{target}: cannot write here: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "another process"
            raise OutputError(
                f"{target}: another build is writing it (pid {holder}): wait for it to end"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)  # now: a forked child still ending holds the descriptor too
        os.close(descriptor)


def staging_folder(target: Path, prefix: str) -> Path:
    """A new, empty staging folder beside ``target``; leftovers of dead processes are removed first."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: is a file, not a folder: give another output folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target.parent, prefix)
        return Path(tempfile.mkdtemp(prefix=f".{prefix}-{os.getpid()}-", dir=target.parent))
    except OSError as error:
        raise OutputError(f"{target}: cannot write here: {error.strerror or error}") from None


def remove_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove ``folder``'s staging folders left by processes that have ended (killed builds)."""
    removed = []
    for path in folder.glob(f".{prefix}-*"):
        found = STAGING.fullmatch(path.name)
        stale = found and found["prefix"] == prefix and path.is_dir() and not alive(int(found["pid"]))
        if stale and remove_tree(path):
            removed.append(path)
    return removed


def remove_tree(folder: Path) -> bool:
    """Remove ``folder`` and all in it; an entry that refuses is made writable and tried again.

    Returns whether the folder is gone; if it is not, a warning names it (it is never left
    behind silently), and the next build tries again.
    """

    def writable_then_retry(function, path, _) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            if not os.path.islink(path):
                os.chmod(path, 0o700)
            function(path)

    shutil.rmtree(folder, onerror=writable_then_retry)
    if folder.exists():
        print(f"warning: could not remove {folder}: remove it by hand", file=sys.stderr)
        return False
    return True


def alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (or exists, as another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with Linux ``renameat2``; False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    code = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if code == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(b))


def swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; the old ``target`` ends up at ``staging``."""
    if not target.exists():
        staging.rename(target)
        return
    if exchange(staging, target):
        return
    old = target.with_name(target.name + ".old")
    target.rename(old)
    staging.rename(target)
    old.rename(staging)
