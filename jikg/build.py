"""``jikg build``: run the stage table (:mod:`jikg.pipeline`) and swap the outputs in for ``build/``.

Each stage is keyed on the bytes it reads, its code and its libraries' versions; a stage
whose key is in the cache (:mod:`jikg.stagecache`) is not run and imports none of its
libraries, and its files are hard-linked from the cache. The outputs are linked into a
fresh staging folder beside ``build/`` and swapped in at the end (``renameat2`` where the
kernel has it), so a failed or killed build leaves the previous ``build/`` as it was. A
cold build (``cache=False``) writes the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .background import can_fork, fork_pool, run_remembered
from .layout import Layout
from .pipeline import (
    ALIASES,
    EXTRAS,
    GATE,
    STAGES,
    Stage,
    code_digest,
    is_project_input,
    stage,
    written_before,
)
from .report import qc_text, shacl_text, summary_text
from .stagecache import Entry, StageCache, file_sha256, stage_key
from .swap import OutputError, exclusive, remove_tree, staging_folder, swap_in
from .validate import QCFailure, ShaclOutcome, ShapeResult

#: The checks' results a build reads back (:meth:`BuildResult.take`).
RESULTS = {"counts.json", "shacl.json", "qc.json", "reasoning.json"}

if TYPE_CHECKING:
    from pyoxigraph import Store

    from .reason import Reasoning


@dataclass
class Work:
    """What a stage's function gets: the project, its own folder to write in, what earlier stages wrote."""

    layout: Layout
    out: Path
    files: dict[str, Path]
    digests: dict[str, str]
    cache: StageCache
    stores: dict[str, Store]

    def path(self, name: str) -> Path:
        return self.files[name]

    def read(self, name: str) -> bytes:
        return self.files[name].read_bytes()

    def json(self, name: str) -> object:
        return json.loads(self.read(name))

    def store(self) -> Store:
        """The dataset as written (``dist/dataset.nq``), loaded once per build (stages share it)."""
        digest = self.digests["dist/dataset.nq"]
        if digest not in self.stores:
            from .dataset import load_nquads

            self.stores.clear()
            self.stores[digest] = load_nquads(self.path("dist/dataset.nq"))
        return self.stores[digest]

    def write_dataset(self, store: Store) -> None:
        """Write ``store`` as the dataset (``dist/graph.nt``, ``dist/dataset.nq``: sorted, blank nodes
        canonical) and offer it to the stages after this one, which would otherwise load those."""
        from .export import store_dumps

        graph_nt, dataset_nq = store_dumps(store)
        self.write("dist/graph.nt", graph_nt)
        self.write("dist/dataset.nq", dataset_nq)
        self.stores.clear()
        self.stores[""] = store

    def write(self, name: str, data: bytes | str) -> Path:
        """Write one of the stage's files (by its name in ``build/``)."""
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def write_json(self, name: str, value: object) -> None:
        self.write(name, json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


@dataclass
class BuildResult:
    """What a build did: its counts, its findings, and where it wrote."""

    out_dir: Path
    triples: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    shacl: ShaclOutcome = field(default_factory=lambda: ShaclOutcome(None))
    qc: list[QCFailure] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    layout: Layout = field(default_factory=Layout)
    reasoning: Reasoning | None = None
    #: The cache the stages used (``ran``, ``reused``).
    stages: StageCache = field(default_factory=lambda: StageCache(None))

    @property
    def checked(self) -> bool:
        return not self.shacl.violations and not self.qc

    @property
    def ok(self) -> bool:
        consistent = self.reasoning is None or self.reasoning.consistent
        return self.checked and consistent

    def summary(self) -> str:
        return summary_text(self) + (self.reasoning.text() if self.reasoning else "")

    def report(self) -> str:
        reasoning = self.reasoning.text() if self.reasoning else ""
        return shacl_text(self.shacl) + "\n" + qc_text(self.qc) + reasoning

    def take(self, work: Work) -> None:
        """Read the checks' results as the stages wrote them."""
        names = work.files
        if "counts.json" in names:
            counted = work.json("counts.json")
            self.triples = counted["triples"]
            self.graphs, self.classes = dict(counted["graphs"]), dict(counted["classes"])
        if "shacl.json" in names:
            self.shacl = ShaclOutcome(None, [ShapeResult(**r) for r in work.json("shacl.json")])
        if "qc.json" in names:
            failures = work.json("qc.json")
            self.qc = [QCFailure(f["check"], f["intent"], tuple(map(tuple, f["rows"]))) for f in failures]
        if "reasoning.json" in names:
            from .reason import Reasoning

            self.reasoning = Reasoning(**work.json("reasoning.json"))


def build(
    layout: Layout | None = None,
    out_dir: Path | None = None,
    reason: bool = False,
    cache: bool = True,
    jobs: int | None = None,
) -> BuildResult:
    """Build the graph; write ``out_dir`` only if it validates (and, with ``reason``, is consistent).

    ``cache=False`` runs every stage (and no cache is read or written); ``jobs``: how many
    stages may run at once, in forked children, once the checks pass (default 1: on 2 cores two
    at once saved 6.5-8 s of 50-73 s at 1M triples and raised the peak from 2.0 to 2.4 GB,
    ``docs/performance.md``).
    """
    layout = layout or Layout()
    out_dir = out_dir or layout.build
    with exclusive(out_dir):
        result = BuildResult(out_dir, layout=layout, stages=StageCache(layout.cache if cache else None))
        options = {"reason"} if reason else set()
        scratch = staging_folder(out_dir, "stages")
        try:
            work = run_stages(layout, scratch, result, options, jobs or 1)
            if result.ok:
                result.written = write_outputs(work, out_dir)
        finally:
            remove_tree(scratch)
    return result


def run_stages(layout: Layout, scratch: Path, result: BuildResult, options: set[str], jobs: int = 1) -> Work:
    """Run (or reuse) the stages: the checks in order, then, if they pass, the rest ``jobs`` at a time.

    A stage starts once every earlier stage that writes what it reads is done (``make -j``);
    each writes only its own files, so the outputs do not depend on the order.
    """
    work = Work(layout, scratch, {}, {}, result.stages, {})
    rows = [row for row in STAGES if not row.option or row.option in options]
    gate = next(i for i, row in enumerate(rows) if STAGES.index(row) >= STAGES.index(stage(GATE)))
    for row in rows[:gate]:
        finish(work, row, run_stage(row, work, scratch / row.name))
    result.take(work)
    if result.ok:
        run_parallel(rows[gate:], work, scratch, result, jobs)
    order = {row.name: index for index, row in enumerate(STAGES)}
    for names in (result.stages.ran, result.stages.reused):
        names.sort(key=order.__getitem__)
    result.take(work)
    return work


def run_parallel(rows: list[Stage], work: Work, scratch: Path, result: BuildResult, jobs: int) -> None:
    """Run ``rows``, each once the stages it depends on are done: one at a time, or ``jobs`` forked
    children at a time (each inherits the store, loaded first, and the files written so far)."""
    forked = jobs > 1 and can_fork()
    done: set[str] = set()
    pending, running = list(rows), {}
    try:
        while pending or running:
            for row in [r for r in pending if depends_on(r, rows) <= done][: max(jobs, 1) - len(running)]:
                pending.remove(row)
                running[start_stage(row, work, scratch / row.name, forked)] = row
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            results = False
            for future in finished:
                row = running.pop(future)
                finish(work, row, taken(work.cache, row, future.result()))
                done.add(row.name)
                results |= bool(RESULTS & set(row.keeps))
            if results:  # a stage wrote a check's result (the reasoner's verdict)
                result.take(work)
            if not result.ok:  # the reasoner found the data inconsistent: nothing more to write
                return
    finally:
        for future in running:  # a stage failed: let the others end before the scratch folder goes
            future.exception()


def start_stage(row: Stage, work: Work, out: Path, forked: bool) -> Future:
    """The stage's entry to come: looked up here, and on a miss written here or by a forked child
    (which inherits the store, loaded here first if the stage reads the dataset)."""
    own, key, entry = look_up(row, work, out)
    future: Future = Future()
    if entry is None and forked:
        if "dist/dataset.nq" in row.reads:
            work.store()
        pool = fork_pool(produce_in_child, row, own, key)
        future = pool.submit(run_remembered)
        future.add_done_callback(lambda _: pool.shutdown(wait=False))
    else:
        future.set_result((entry or produce(row, own, key), None))
    return future


def produce_in_child(row: Stage, own: Work, key: str) -> tuple[Entry, float]:
    """In a forked child: the stage's entry and its seconds, for the parent to record."""
    entry = produce(row, own, key)
    return entry, own.cache.seconds[row.name]


def taken(cache: StageCache, row: Stage, outcome: tuple[Entry, float | None]) -> Entry:
    """The entry of a finished stage, its seconds recorded if a child wrote it."""
    entry, seconds = outcome
    if seconds is not None:
        cache.seconds[row.name] = seconds
    return entry


def depends_on(row: Stage, rows: list[Stage]) -> set[str]:
    """The stages of ``rows`` before ``row`` that write something ``row`` reads."""
    earlier = rows[: rows.index(row)]
    wrote = {r.name: dict.fromkeys(r.writes + r.keeps) for r in earlier}
    return {name for name, names in wrote.items() for read in row.reads if written_before(read, names)}


def finish(work: Work, row: Stage, entry: Entry) -> None:
    """Record a stage's files for the stages after it."""
    work.files.update(entry.files)
    work.digests.update(entry.digests)
    if "" in work.stores:  # the stage wrote this store out as the dataset
        work.stores[work.digests["dist/dataset.nq"]] = work.stores.pop("")


def run_stage(row: Stage, work: Work, out: Path) -> Entry:
    """The stage's files: from the cache, or written by its function into ``out`` and stored."""
    own, key, entry = look_up(row, work, out)
    return entry or produce(row, own, key)


def look_up(row: Stage, work: Work, out: Path) -> tuple[Work, str, Entry | None]:
    """The stage's view of the build (what it reads is taken now: the stages it depends on are done),
    its key, and its entry if the cache has it (counted as reused, or else as ran)."""
    own = Work(work.layout, out, dict(work.files), dict(work.digests), work.cache, work.stores)
    key = stage_key(row.name, code_digest(row.name), input_parts(row, own))
    return own, key, work.cache.get(row.name, key)


def produce(row: Stage, own: Work, key: str) -> Entry:
    """Run the stage's function into ``own.out``, check what it wrote, store it in the cache."""
    for name in (*row.writes, *row.keeps):  # the folders the stage writes into
        (own.out / name).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    module, function = row.run.split(":")
    getattr(import_module(module), function)(own)
    check_written(row, own.out)
    entry = own.cache.put(row.name, key, own.out)
    own.cache.seconds[row.name] = time.perf_counter() - started
    return entry


def input_parts(row: Stage, work: Work) -> list[bytes]:
    """The key's parts: each read's files by name, with the SHA-256 of their bytes."""
    parts = []
    for pattern in row.reads:
        if pattern == EXTRAS:
            named = [(f"{EXTRAS} {p.name}", file_sha256(p)) for p in work.layout.extras]
        elif is_project_input(pattern):
            named = [(p, file_sha256(work.layout.root / p)) for p in work.layout.inputs(pattern)]
        else:
            named = [(n, work.digests[n]) for n in written_before(pattern, work.files)]
        parts.append("\n".join(f"{name}\0{digest}" for name, digest in named).encode())
    return parts


def check_written(row: Stage, out: Path) -> None:
    """A stage writes exactly the files the table declares for it (a folder: anything inside)."""
    declared = set(row.writes) | set(row.keeps)
    folders = tuple(n for n in declared if n.endswith("/"))
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    stray = sorted(n for n in written if n not in declared and not n.startswith(folders))
    missing = sorted(n for n in declared - written if not n.endswith("/"))
    if stray or missing:
        raise RuntimeError(f"stage {row.name} wrote {stray} beyond the table and not {missing}")


def write_outputs(work: Work, target: Path) -> list[str]:
    """Link every published file into a staging folder, then swap it in for ``target``."""
    staging = staging_folder(target, "build")
    try:
        link_all(work, staging)
        os.chmod(staging, 0o755)
        written = sorted(p.name for p in staging.iterdir())
        swap_in(staging, target)
    except OSError as error:  # a full disk, a folder made read-only meanwhile
        raise OutputError(f"{target}: cannot write the build: {error.strerror or error}") from None
    finally:
        remove_tree(staging)
    return written


def link_all(work: Work, folder: Path) -> None:
    """The published files (every stage's ``writes``, and the aliases) as links in ``folder``."""
    published = [n for row in STAGES for w in row.writes for n in written_before(w, work.files)]
    names = {name: work.files[name] for name in published}
    names |= {alias: work.files[name] for alias, name in ALIASES.items()}
    for name, source in sorted(names.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, path)


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (a copy where the file system has no links)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
