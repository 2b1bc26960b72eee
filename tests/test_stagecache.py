"""Incremental builds: a stage re-runs exactly when what it reads changed, and a cached build is a cold one.

Each test works on its own copy of a project whose cache one build has filled; the
outputs are compared with a build of the same inputs run with ``--no-cache``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jikg import build as build_module
from jikg import pipeline, stagecache
from jikg.build import build
from jikg.cli import main, parser
from jikg.layout import Layout

from .test_build import copy_project, snapshot

STAGES = [s.name for s in pipeline.STAGES if not s.option]
LAZY = ("pyshacl", "pyvis", "pylode", "pyld", "rdflib", "networkx", "igraph")
PROBE = (
    "import sys; from jikg.cli import main; code = main({argv!r}); "
    "print(*[m for m in {lazy!r} if m in sys.modules], file=sys.stderr); sys.exit(code)"
)


@pytest.fixture(scope="module")
def warmed(layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, built once: its cache holds every stage."""
    root = tmp_path_factory.mktemp("warmed")
    copy_project(layout, root)
    result = build(Layout(root))
    assert result.ok and result.stages.ran == STAGES and not result.stages.reused
    return root


@pytest.fixture
def project(warmed: Path, tmp_path: Path) -> Layout:
    """A private copy of the warmed project (inputs, cache and build)."""
    shutil.copytree(warmed, tmp_path / "project")
    return Layout(tmp_path / "project")


def cold(layout: Layout, out: Path) -> dict[str, bytes]:
    """The outputs of a build without the cache (nothing read or written there)."""
    result = build(layout, out, cache=False)
    assert result.ok and result.stages.ran == STAGES
    return snapshot(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_nothing_runs_and_the_outputs_are_a_cold_builds(
    project: Layout, tmp_path: Path
) -> None:
    result = build(project, tmp_path / "warm")
    assert result.ok and result.stages.ran == [] and result.stages.reused == STAGES
    assert snapshot(tmp_path / "warm") == cold(project, tmp_path / "cold")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_warm_build_imports_none_of_the_stage_libraries(project: Layout, tmp_path: Path, jobs: str) -> None:
    argv = ["--root", str(project.root), "build", "--out", str(tmp_path / "warm"), "-j", jobs]
    probe = [sys.executable, "-c", PROBE.format(argv=argv, lazy=LAZY)]
    subprocess.run(probe, capture_output=True, check=True)  # the code on disk now: edited since `warmed`?
    done = subprocess.run(probe, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""


def test_a_changed_graph_file_reruns_what_reads_the_dataset_not_the_ontology_files(
    project: Layout, tmp_path: Path
) -> None:
    forums = project.root / "graphs" / "forums.ttl"
    edit(forums, 'skos:altLabel "UN"@en ;', 'skos:altLabel "UN"@en , "UNO"@en ;')
    result = build(project, tmp_path / "warm")
    assert result.ok, result.report()
    assert result.stages.ran == [s for s in STAGES if s != "ontology-files"]
    assert result.stages.reused == ["ontology-files"]
    assert snapshot(tmp_path / "warm") == cold(project, tmp_path / "cold")


@pytest.mark.parametrize(
    ("folder", "stage"), [("shapes", "shacl"), ("queries/views", "views")], ids=["shapes", "view-queries"]
)
def test_a_changed_stage_input_reruns_that_stage_only(project: Layout, folder: str, stage: str) -> None:
    first = sorted((project.root / folder).iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = build(project)
    assert result.ok and result.stages.ran == [stage]


def test_changed_code_reruns_every_stage(project: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "code_digest", lambda name: "another version of jikg")
    assert build(project).stages.ran == STAGES


@pytest.mark.parametrize("damage", ["corrupt", "missing", "manifest"])
def test_a_damaged_cache_entry_is_rebuilt_never_used(project: Layout, tmp_path: Path, damage: str) -> None:
    entry = next((project.root / ".cache" / "build" / "views").iterdir())
    page = entry / "files" / "views" / "network.html"
    if damage == "corrupt":
        page.write_bytes(page.read_bytes().replace(b"<html", b"<HTML", 1))
    elif damage == "missing":
        page.unlink()
    else:
        (entry / stagecache.MANIFEST).write_text("{not json", encoding="utf-8")
    result = build(project, tmp_path / "warm")
    assert result.stages.ran == ["views"]
    assert snapshot(tmp_path / "warm") == cold(project, tmp_path / "cold")
    assert build(project, tmp_path / "again").stages.ran == [], "the rebuilt entry was not stored"


def test_no_cache_neither_reads_nor_writes_the_cache(layout: Layout, tmp_path: Path) -> None:
    fresh = copy_project(layout, tmp_path / "fresh")
    assert main(["--root", str(fresh.root), "build", "--no-cache"]) == 0
    assert not (fresh.root / ".cache").exists()
    assert "--no-cache" in parser()._subparsers._group_actions[0].choices["build"].format_help()


def test_invalid_data_fails_the_same_way_from_the_cache(layout: Layout, tmp_path: Path, capsys) -> None:
    broken = copy_project(layout, tmp_path / "broken")
    edit(broken.root / "graphs" / "activities.ttl", "jikg:area jarea:semiconductor-ecosystem", "")
    outcomes = []
    for _ in range(2):
        code = main(["--root", str(broken.root), "build"])
        outcomes.append((code, capsys.readouterr()))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == 1
    assert not (broken.root / "build").exists()
    results = next((broken.root / ".cache" / "build" / "shacl").iterdir()) / "files" / "shacl.json"
    assert json.loads(results.read_text(encoding="utf-8")), "the failing results were not cached"


def read_tree(folder: Path) -> dict[str, bytes]:
    """The files under ``folder`` by relative path."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def plant(entry: Path, files: dict[str, bytes], seal: str | None = None) -> None:
    """Replace an entry's files and write a manifest whose hashes match them, as an attacker can."""
    shutil.rmtree(entry / "files")
    stagecache.write_tree(entry / "files", {n: d for n, d in files.items() if stagecache.safe_name(n)})
    hashes = {name: stagecache.hashlib.sha256(data).hexdigest() for name, data in files.items()}
    old = json.loads((entry / stagecache.MANIFEST).read_text(encoding="utf-8"))
    manifest = {"files": hashes, "seal": seal if seal is not None else old["seal"]}
    (entry / stagecache.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_planted_entry_with_matching_hashes_is_rebuilt(project: Layout, tmp_path: Path) -> None:
    entry = next((project.root / ".cache" / "build" / "views").iterdir())
    files = read_tree(entry / "files")
    files["views/network.html"] = b"<html>planted</html>"
    plant(entry, files)
    result = build(project, tmp_path / "warm")
    assert result.stages.ran == ["views"]
    assert b"planted" not in (tmp_path / "warm" / "views" / "network.html").read_bytes()


def test_a_manifest_naming_a_path_outside_its_entry_is_ignored(project: Layout, tmp_path: Path) -> None:
    entry = next((project.root / ".cache" / "build" / "views").iterdir())
    files = read_tree(entry / "files")
    files["../../../../escaped.txt"] = b"written outside the entry"
    hashes = {n: stagecache.hashlib.sha256(d).hexdigest() for n, d in files.items()}
    seal = stagecache.seal("views", entry.name, stagecache.canonical(hashes))  # even sealed here
    plant(entry, files, seal)
    (project.root / ".cache" / "escaped.txt").write_bytes(b"written outside the entry")  # what it would read
    assert stagecache.verified(entry, "views", entry.name) is None
    result = build(project, tmp_path / "warm")
    assert result.stages.ran == ["views"], "the entry naming ../../../../escaped.txt was used"
    assert not (tmp_path / "escaped.txt").exists()


def test_an_entry_from_another_machine_is_rebuilt(project: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    stagecache.secret.cache_clear()
    monkeypatch.setattr(stagecache, "SECRET", project.root.parent / "another-machine" / "cache-secret")
    try:
        result = build(project)
        assert result.ok and result.stages.ran == STAGES, "entries sealed elsewhere were used"
    finally:
        stagecache.secret.cache_clear()


def test_planted_conforming_shacl_results_do_not_publish_invalid_data(layout: Layout, tmp_path: Path) -> None:
    broken = copy_project(layout, tmp_path / "broken")
    edit(broken.root / "graphs" / "activities.ttl", "jikg:area jarea:semiconductor-ecosystem", "")
    assert not build(broken).ok
    entry = next((broken.root / ".cache" / "build" / "shacl").iterdir())
    files = read_tree(entry / "files")
    files["shacl.json"] = b"[]"
    plant(entry, files)
    units = broken.root / ".cache" / "build" / "shacl-unit"  # only a partitioned (synthetic) corpus has units
    for unit in units.iterdir() if units.exists() else []:
        entry = json.loads((unit / "files" / "entry.json").read_text(encoding="utf-8"))
        emptied = {key: [] if isinstance(value, list) else value for key, value in entry.items()}
        plant(unit, {"entry.json": json.dumps(emptied).encode()})
    result = build(broken)
    assert not result.ok and "shacl" in result.stages.ran
    assert not (broken.root / "build").exists()


def test_stages_run_two_at_a_time_write_the_same_bytes(project: Layout, tmp_path: Path) -> None:
    result = build(project, tmp_path / "parallel", cache=False, jobs=2)
    assert result.ok and result.stages.ran == STAGES, "the stages are listed in the table's order"
    assert snapshot(tmp_path / "parallel") == cold(project, tmp_path / "cold")


def test_a_warm_build_forking_stages_loads_no_store(project: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stage is looked up before one is forked: with all in the cache, the dataset is not loaded."""
    from jikg import dataset

    def refuse(path: Path) -> None:
        raise AssertionError(f"loaded {path}")

    monkeypatch.setattr(dataset, "load_nquads", refuse)
    result = build(project, jobs=2)
    assert result.ok and result.stages.reused == STAGES


def test_stages_forked_two_at_a_time_report_to_the_cache(project: Layout, tmp_path: Path) -> None:
    """Forked stages tell the parent whether they ran and how long; a second build reuses all."""
    people = project.root / "graphs" / "people.ttl"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace('label "Yoji Muto"@en', 'label "Yōji Mutō"@en', 1), encoding="utf-8")
    first = build(project, jobs=2)
    outputs = {"graph-files", "graph-jsonld", "commitments", "catalogue", "views"}  # read the dataset
    assert first.ok and outputs <= set(first.stages.ran)
    assert set(first.stages.ran) <= set(first.stages.seconds)
    again = build(project, jobs=2)
    assert again.ok and again.stages.ran == [] and again.stages.reused == STAGES


def test_a_forked_stage_that_fails_fails_the_build(
    project: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's error reaches the caller as raised; ``build/`` stays as it was, no scratch is left."""
    from jikg import commitments
    from jikg.swap import OutputError

    def full(work: object) -> None:
        raise OutputError("commitments.csv: cannot write: No space left on device")

    monkeypatch.setattr(commitments, "commitments_stage", full)
    before = snapshot(project.root / "build")
    with pytest.raises(OutputError, match="No space left"):
        build(project, cache=False, jobs=2)
    assert snapshot(project.root / "build") == before
    assert not [p.name for p in project.root.iterdir() if p.name.startswith(".build-")]


def test_many_puts_then_one_tidy_keep_the_latest(tmp_path: Path) -> None:
    """SHACL units are stored without listing the folder each time; one tidy prunes them after."""
    cache = stagecache.StageCache(tmp_path)
    for number in range(5):
        cache.put_bytes("unit", f"key-{number}", {"entry.json": b"{}"}, keep=None)
    folder = tmp_path / "unit"
    assert len([p for p in folder.iterdir() if not p.name.startswith(".")]) == 5
    for number, path in enumerate(sorted(folder.glob("key-*"))):
        os.utime(path, (number, number))
    cache.tidy("unit", keep=2)
    assert sorted(p.name for p in folder.iterdir()) == ["key-3", "key-4"]
    assert cache.get("unit", "key-4", record=False) is not None
