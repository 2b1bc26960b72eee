"""Crash safety: a real build killed (SIGKILL) while it writes leaves the previous build/ intact.

The build runs as its own process on a private copy of the project; the test watches
its staging folder (``.build-<pid>-…`` beside ``build/``) and kills it at several
points of the write. The next build removes the staging folders of dead processes,
never one of a process that still runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jikg.build import build
from jikg.layout import Layout
from jikg.swap import remove_stale

from .test_build import INPUTS, snapshot

#: Where to kill: a name that must exist first in the build's stages' folder (``.stages-…``, where each
#: stage writes before its files go into the cache; ".stages" = the folder itself).
KILL_POINTS = {
    "stages-started": ".stages",  # the link phase (``.build-…``) lasts milliseconds: see test_build's crash
    "dataset-written": ".stages/dataset/dist/dataset.nq",
    "release-files-half-written": ".stages/graph-files/dist/graph.rdf",
    "documentation-written": ".stages/ontology-files/dist/ontology.html",
    "views-being-written": ".stages/views/views",
}


def start_build(root: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "jikg.cli", "--root", str(root), "build"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def staging_folders(root: Path, kind: str = "*") -> list[Path]:
    return sorted(
        p for p in root.glob(f".{kind}-*") if p.is_dir() and p.name.startswith((".build-", ".stages-"))
    )


def kill_at(root: Path, point: str, limit: float = 60) -> bool:
    """Start a build, SIGKILL it once ``point`` exists in its staging folder; False if it finished first."""
    process = start_build(root)
    deadline = time.monotonic() + limit
    try:
        while process.poll() is None and time.monotonic() < deadline:
            kind, _, inside = point.lstrip(".").partition("/")
            prefix = f".{kind}-{process.pid}-"
            staging = [p for p in staging_folders(root, kind) if p.name.startswith(prefix)]
            if staging and (staging[0] / inside).exists():
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                return True
            time.sleep(0.001)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    return False


@pytest.fixture
def project(layout: Layout, tmp_path: Path) -> Path:
    """A private copy of the inputs with a previous build (nested, so a half-swap would show)."""
    root = tmp_path / "project"
    for name in INPUTS:
        shutil.copytree(layout.root / name, root / name)
    previous = root / "build"
    (previous / "dist").mkdir(parents=True)
    (previous / "summary.txt").write_text("the last good build\n", encoding="utf-8")
    (previous / "dist" / "graph.ttl").write_text("# the last good graph\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("point", list(KILL_POINTS), ids=list(KILL_POINTS))
def test_a_build_killed_while_writing_keeps_the_previous_build(project: Path, point: str) -> None:
    before = snapshot(project / "build")
    killed = kill_at(project, KILL_POINTS[point]) or kill_at(project, KILL_POINTS[point])
    assert killed, f"the build finished before it reached {point!r} twice: nothing was tested"
    assert snapshot(project / "build") == before, f"killed at {point}: build/ changed"
    assert staging_folders(project), "the killed build left no staging folder (was it killed while writing?)"


def test_the_next_build_removes_what_killed_builds_left(project: Path) -> None:
    assert kill_at(project, KILL_POINTS["documentation-written"])
    dead = staging_folders(project)
    running = project / f".stages-{os.getpid()}-concurrent"  # a build of a process that still runs
    running.mkdir()
    result = build(Layout(project))
    assert result.ok, result.report()
    assert staging_folders(project) == [running], "a dead build's staging folder survived the next build"
    assert all(not p.exists() for p in dead)
    assert (project / "build" / "dist" / "SHA256SUMS").is_file()
    assert "the last good build" not in (project / "build" / "summary.txt").read_text(encoding="utf-8")


def test_only_staging_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / ".build-4194305-x1"  # above Linux's highest pid: no such process
    alive = tmp_path / f".build-{os.getpid()}-x2"
    other = tmp_path / ".build-notes"
    views = tmp_path / ".views-4194305-x3"
    for folder in (dead, alive, other, views):
        folder.mkdir()
    assert remove_stale(tmp_path, "build") == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (alive, other, views))
