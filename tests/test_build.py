"""The build: outputs, determinism, and failing safely on bad data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jikg import build as build_module
from jikg.build import build
from jikg.cli import main
from jikg.layout import Layout
from jikg.swap import exclusive

INPUTS = ("ontology", "graphs", "shapes", "queries", "sources", "metadata")
OUTPUTS = {
    "graph.ttl",
    "graph.nt",
    "dataset.nq",
    "dataset.trig",
    "validation-report.ttl",
    "validation-report.txt",
    "summary.txt",
    "summary.json",
    "dist",
    "views",
}


def copy_project(layout: Layout, target: Path) -> Layout:
    """A private copy of the project's inputs that a test may break."""
    for name in INPUTS:
        shutil.copytree(layout.root / name, target / name)
    return Layout(target)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (sub-folders included) by its relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(layout: Layout, tmp_path_factory: pytest.TempPathFactory):
    return build(layout, tmp_path_factory.mktemp("build") / "build")


def test_build_validates_and_writes_every_output(built) -> None:
    assert built.ok, built.report()
    assert set(built.written) >= OUTPUTS
    assert {p.name for p in built.out_dir.iterdir()} >= OUTPUTS
    assert "SHACL: 0 violations" in (built.out_dir / "summary.txt").read_text(encoding="utf-8")


def test_two_builds_are_byte_identical(layout: Layout, tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "jikg.cli", "--root", str(layout.root), "build", "--out", str(out)]
        subprocess.run(command, check=True, env=env, capture_output=True)
        outs.append(snapshot(out))
    assert outs[0] == outs[1]


def test_invalid_data_fails_and_leaves_build_untouched(layout: Layout, tmp_path: Path, capsys) -> None:
    broken = copy_project(layout, tmp_path)
    activities = broken.root / "graphs" / "activities.ttl"
    text = activities.read_text(encoding="utf-8")
    activities.write_text(text.replace("jikg:area jarea:semiconductor-ecosystem", "", 1), encoding="utf-8")
    out = tmp_path / "build"
    out.mkdir()
    (out / "previous.txt").write_text("the last good build", encoding="utf-8")
    code = main(["--root", str(broken.root), "build"])
    err = capsys.readouterr().err
    assert code == 1
    assert "jact:art2-sec1-item" in err and "jikg:area" in err and "clause:art2-sec1-item" in err
    assert snapshot(out) == {"previous.txt": b"the last good build"}


def test_turtle_syntax_error_names_file_and_line(layout: Layout, tmp_path: Path, capsys) -> None:
    broken = copy_project(layout, tmp_path)
    forums = broken.root / "graphs" / "forums.ttl"
    forums.write_text(forums.read_text(encoding="utf-8") + "\njforum:x rdfs:label unknown:y .\n", "utf-8")
    code = main(["--root", str(broken.root), "build"])
    err = capsys.readouterr().err
    assert code == 3
    line = len(forums.read_text(encoding="utf-8").splitlines())
    assert f"forums.ttl:{line}:" in err and "unknown" in err
    assert "Traceback" not in err
    assert not (broken.root / "build").exists()


def test_non_utf8_file_is_named(layout: Layout, tmp_path: Path, capsys) -> None:
    broken = copy_project(layout, tmp_path)
    (broken.root / "graphs" / "latin1.ttl").write_bytes(b'@prefix : <urn:x:> .\n:a :b "caf\xe9" .\n')
    assert main(["--root", str(broken.root), "build"]) == 3
    assert "latin1.ttl:2: not UTF-8" in capsys.readouterr().err


def test_crash_while_writing_keeps_previous_build(layout: Layout, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "previous.txt").write_text("kept", encoding="utf-8")

    def crash(work, folder: Path) -> None:
        (folder / "graph.ttl").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "link_all", crash)
    with pytest.raises(KeyboardInterrupt):
        build(layout, out)
    assert snapshot(out) == {"previous.txt": b"kept"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "build"]  # no staging folder left


def test_build_graph_script_runs(layout: Layout, tmp_path: Path) -> None:
    command = [sys.executable, str(layout.root / "build_graph.py"), "--out", str(tmp_path / "b")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=layout.root)
    assert done.returncode == 0, done.stderr
    assert "instances per class" in done.stdout


def test_output_cut_short_by_a_closed_pipe_is_not_an_error(layout: Layout) -> None:
    command = f"{sys.executable} -m jikg.cli --root {layout.root} clauses | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True)
    assert done.stdout.startswith("title\t") and "Traceback" not in done.stderr


def test_the_lock_is_released_while_a_forked_child_still_holds_it(tmp_path: Path) -> None:
    """A stage's child may end a moment after the build: the next build must not see the lock held."""
    out = tmp_path / "out"
    with exclusive(out):
        child = os.fork()
        if child == 0:  # inherits the lock's descriptor, as a forked stage's child does
            time.sleep(3)
            os._exit(0)
    try:
        with exclusive(out):
            pass
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)


def test_a_second_build_of_the_same_folder_says_so_and_changes_nothing(
    layout: Layout, tmp_path: Path, capsys
) -> None:
    import fcntl
    import os

    project = copy_project(layout, tmp_path / "project")
    out = tmp_path / "out"
    assert main(["--root", str(project.root), "build", "--out", str(out)]) == 0
    before = snapshot(out)
    lock = os.open(tmp_path / ".out.lock", os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)  # a build of `out` running in another process
    os.ftruncate(lock, 0)
    os.pwrite(lock, b"4242", 0)
    try:
        code = main(["--root", str(project.root), "build", "--out", str(out)])
    finally:
        os.close(lock)
    error = capsys.readouterr().err
    assert code == 3 and "another build is writing it (pid 4242)" in error and "Traceback" not in error
    assert snapshot(out) == before
    assert main(["--root", str(project.root), "build", "--out", str(out)]) == 0, (
        "the lock outlived its holder"
    )


def test_a_staging_folder_that_cannot_be_removed_is_named_then_removed_later(
    layout: Layout, tmp_path: Path, monkeypatch, capsys
) -> None:
    import os

    from jikg import swap

    real_unlink = os.unlink

    def stuck(path, *args, **kwargs):
        if str(path).endswith("summary.txt"):
            raise PermissionError(1, "Operation not permitted", str(path))
        return real_unlink(path, *args, **kwargs)

    out = tmp_path / "build"
    monkeypatch.setattr(os, "unlink", stuck)
    assert build(layout, out).ok  # the first build leaves no old build to remove: build twice
    assert build(layout, out).ok
    warning = capsys.readouterr().err
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]
    assert left and f"warning: could not remove {left[0]}" in warning
    monkeypatch.setattr(os, "unlink", real_unlink)
    monkeypatch.setattr(swap, "alive", lambda pid: False)  # as the next build, in another process, sees it
    assert swap.remove_stale(tmp_path, "build") == left
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]
