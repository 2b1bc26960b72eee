"""The pipeline at scale: the project against rdflib's memory store, raw pyoxigraph and the Oxigraph server.

Figures to read, not a timed test (docs/performance.md holds a run)::

    python benchmarks/scale_bench.py              # 10k and 100k triples
    python benchmarks/scale_bench.py --full       # also 1M
    python benchmarks/scale_bench.py --sizes 10   # agreements (~1,000 triples each)

Each engine runs in its own process on the same triples (the project's graphs plus
a ``jikg synth`` corpus); its peak memory is the largest sum of the proportional
resident sets (PSS) of that process and its workers, sampled every 50 ms (``ru_maxrss`` of a spawned
child counts the parent's pages it was forked with). rdflib queries and exports
stop at ``--limit`` seconds (shown as ``>N``). The ``build`` rows run the whole
pipeline, ``jikg build --extra corpus.nt`` (load, SHACL, QC, every export, the
views), cold and then again with nothing changed, measured the same way. Also
printed: the build of the real graph against the bare import time of the libraries
it needs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

ROOT = Path(__file__).resolve().parent.parent
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
RDFLIB_CQS = (
    "01-areas-activity-counts",
    "03-ministries-per-area",
    "06-commitment-strength-per-area",
    "18-organisations-together",
    "19-search-security",
)


def timed(action, repeat: int = 1) -> float:
    """The median wall time of ``action()`` in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cq_texts() -> dict[str, str]:
    """Every competency question's SPARQL, by slug."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries" / "cq").glob("*.rq"))}


def run_project(corpus: Path, repeat: int, out: dict) -> None:
    """The project: load (sources, graphs, corpus), CQs, sorted Turtle export, SHACL, QC."""
    from jikg.dataset import load_dataset, union_query
    from jikg.export import store_ntriples, write_turtle
    from jikg.layout import Layout
    from jikg.shacl_parallel import validate_partitioned
    from jikg.stagecache import StageCache
    from jikg.validate import run_qc

    layout = Layout(extras=(corpus,))
    started = time.perf_counter()
    store = load_dataset(layout)
    out["load"] = time.perf_counter() - started
    out["triples"] = len(store)
    for slug, text in cq_texts().items():
        out[f"cq {slug}"] = timed(lambda t=text: consume(union_query(store, t)), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        out["turtle export"] = timed(lambda: write_turtle(Path(tmp) / "g.ttl", store_ntriples(store)))
        cache = StageCache(Path(tmp) / "cache")
        out["SHACL"] = timed(lambda: validate_partitioned(store, layout.shapes, cache=cache))
        out["SHACL, cached"] = timed(lambda: validate_partitioned(store, layout.shapes, cache=cache))
    out["QC checks"] = timed(lambda: run_qc(store, layout.queries("qc")))


def consume(result) -> int:
    """Materialise a query result (rows or triples)."""
    return sum(1 for _ in result) if hasattr(result, "__iter__") else 1


def run_pyoxigraph(union: Path, repeat: int, out: dict) -> None:
    """Raw pyoxigraph: bulk load into the default graph, the same CQs, Turtle export."""
    from pyoxigraph import RdfFormat, Store, serialize

    from jikg.iris import PREFIXES

    store = Store()
    out["load"] = timed(lambda: store.bulk_load(path=str(union), format=RdfFormat.N_TRIPLES))
    out["triples"] = len(store)
    for slug, text in cq_texts().items():
        out[f"cq {slug}"] = timed(lambda t=text: consume(store.query(t, prefixes=PREFIXES)), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "g.ttl"
        out["turtle export"] = timed(
            lambda: serialize(store, str(target), RdfFormat.TURTLE, prefixes=PREFIXES)
        )


def run_rdflib(union: Path, limit: int, out: dict) -> None:
    """rdflib's default memory store: parse, a representative set of CQs, Turtle export, SHACL."""
    import rdflib

    from jikg.iris import sparql_prefixes
    from jikg.layout import Layout
    from jikg.validate import load_shapes, run_shacl

    graph = rdflib.Graph()
    out["load"] = timed(lambda: graph.parse(str(union), format="nt"))
    out["triples"] = len(graph)
    texts = cq_texts()
    for slug in RDFLIB_CQS:
        out[f"cq {slug}"] = bounded(lambda s=slug: consume(graph.query(sparql_prefixes() + texts[s])), limit)
    with tempfile.TemporaryDirectory() as tmp:
        out["turtle export"] = bounded(lambda: graph.serialize(Path(tmp) / "g.ttl", format="turtle"), limit)
    shapes = load_shapes(Layout().shapes)
    out["SHACL"] = bounded(lambda: run_shacl(graph, shapes), limit * 4)


def bounded(action, limit: int) -> float | str:
    """``timed(action)``, or ``>limit`` if it takes longer (SIGALRM stops pure-Python work)."""

    def stop(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(limit)
    try:
        return timed(action)
    except TimeoutError:
        return f">{limit}"
    finally:
        signal.alarm(0)


def run_server(union: Path, out: dict) -> None:
    """The Oxigraph server's store: ``oxigraph load`` (bulk), then every CQ with ``oxigraph query``."""
    with tempfile.TemporaryDirectory() as tmp:
        location = Path(tmp) / "db"
        out["load"] = timed(lambda: oxigraph("load", "--location", location, "--file", union))
        for slug in cq_texts():
            query = ROOT / "queries" / "cq" / f"{slug}.rq"
            out[f"cq {slug}"] = timed(lambda q=query: oxigraph_query(location, q))


def oxigraph(*args) -> None:
    subprocess.run([str(OXIGRAPH), *map(str, args)], check=True, capture_output=True)


def oxigraph_query(location: Path, query: Path) -> None:
    """One CQ through the ``oxigraph`` CLI (process start and store opening included)."""
    from jikg.iris import sparql_prefixes

    text = sparql_prefixes() + query.read_text(encoding="utf-8")
    fmt = "nt" if "CONSTRUCT" in text else "csv"
    subprocess.run(
        [str(OXIGRAPH), "query", "--location", str(location), "--results-format", fmt],
        input=text.encode(),
        check=True,
        capture_output=True,
    )


def worker(args: argparse.Namespace) -> None:
    """Run one engine on one file and print its figures as JSON."""
    out: dict = {}
    if args.engine == "project":
        run_project(args.file, args.repeat, out)
    elif args.engine == "pyoxigraph":
        run_pyoxigraph(args.file, args.repeat, out)
    elif args.engine == "rdflib":
        run_rdflib(args.file, args.limit, out)
    else:
        run_server(args.file, out)
    print(json.dumps(out))


def engine(name: str, path: Path, args: argparse.Namespace) -> dict:
    """Run ``worker`` for one engine in a fresh process."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        name,
        "--file",
        str(path),
        "--repeat",
        str(args.repeat),
        "--limit",
        str(args.limit),
    ]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        try:
            peak = tree_peak(process)
        except RuntimeError:
            err.seek(0)
            lines = err.read().strip().splitlines()
            return {"error": lines[-1] if lines else f"exit {process.returncode}"}
        out.seek(0)
        figures = json.loads(out.read().strip().splitlines()[-1])
    figures["peak memory (MB)"] = peak  # sampled over the process tree (see tree_peak)
    return figures


def prepare(agreements: int, folder: Path) -> tuple[Path, Path]:
    """The corpus (``jikg synth``) and the union of the project and the corpus as N-Triples."""
    from jikg.dataset import load_dataset
    from jikg.export import store_ntriples
    from jikg.layout import Layout
    from jikg.synth import write_corpus

    corpus = folder / f"synth-{agreements}.nt"
    write_corpus(corpus, agreements, seed=42, progress=False)
    union = folder / f"union-{agreements}.nt"
    union.write_bytes(store_ntriples(load_dataset(Layout(extras=(corpus,)))))
    return corpus, union


#: The project's inputs, copied so the benchmark's cache and edits stay out of the checkout.
INPUTS = ("sources", "ontology", "graphs", "shapes", "queries", "metadata")
#: One curated file changed, as a curator would: a forum no synthetic agreement cites, and a person the
#: agreements reach (through the organisations they name and those organisations' posts).
EDITS = {
    "forums.ttl (not reached)": ("graphs/forums.ttl", '"UN"@en ;', '"UN"@en , "UNO"@en ;'),
    "people.ttl (reached)": ("graphs/people.ttl", 'label "Yoji Muto"@en', 'label "Yōji Mutō"@en'),
}


def measure_build(corpus: Path, jobs: int) -> dict:
    """``jikg build --extra corpus -j jobs`` on a copy of the project: cold (no cache), then with the
    cache filled: nothing changed, and one curated file changed; time and the tree's peak memory."""
    out: dict = {}
    flags = ("-j", str(jobs))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        for name in INPUTS:
            shutil.copytree(PROJECT / name, root / name)
        timed_build(root, corpus, "build, cold", out, "--no-cache", *flags)
        timed_build(root, corpus, "", out, *flags)  # fills the stage cache
        timed_build(root, corpus, "build, nothing changed", out, *flags)
        for row, (name, old, new) in EDITS.items():
            path = root / name
            path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
            timed_build(root, corpus, f"build, {row} changed", out, *flags)
    return out


def timed_build(root: Path, corpus: Path, row: str, out: dict, *flags: str) -> None:
    """One ``jikg build``; its time, peak memory and the stages it ran under ``row`` (unless empty)."""
    jikg = Path(sys.executable).with_name("jikg")
    command = [str(jikg), "--root", str(root), "build", "--extra", str(corpus), *flags]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=root)
    peak = tree_peak(process)
    if row:
        out[row] = time.perf_counter() - started
        out[f"{row}: peak memory (MB)"] = peak
        stages = [line for line in process.stdout.read().splitlines() if line.startswith("stages run")]
        print(f"{row}: {stages[0] if stages else ''}", file=sys.stderr)


def tree_peak(process: subprocess.Popen) -> int:
    """Wait for ``process``; the largest total PSS of it and its descendants, in MB."""
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(rss_kb(pid) for pid in descendants(process.pid)))
        time.sleep(0.05)
    if process.returncode:
        raise RuntimeError(f"{process.args[1]} failed with exit {process.returncode}")
    return peak // 1024


def descendants(root: int) -> list[int]:
    """``root`` and every process below it (from ``/proc``)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def rss_kb(pid: int) -> int:
    """Proportional resident memory (PSS) of one process in kB, 0 once it is gone.

    PSS shares each page among the processes that map it, so a forked worker's
    copy-on-write pages are not counted twice in a sum over the tree (RSS would).
    """
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)


def show(value) -> str:
    if isinstance(value, float):
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return "-" if value is None else str(value)


def ratio(a, b) -> str:
    return f"{a / b:.2f}" if isinstance(a, float) and isinstance(b, float) and b > 0 else "-"


def table(figures: dict[str, dict]) -> str:
    """One row per measure, one column per engine, and the ratios the targets are about."""
    names = ["project", "pyoxigraph", "rdflib", "server"]
    rows = list(dict.fromkeys(k for f in figures.values() for k in f if k != "error"))
    head = f"{'measure':44} " + " ".join(f"{n:>12}" for n in names) + f" {'proj/pyox':>9} {'rdflib/proj':>11}"
    lines = [head, "-" * len(head)]
    for row in rows:
        cells = [figures[n].get(row) for n in names]
        lines.append(
            f"{row[:44]:44} "
            + " ".join(f"{show(c):>12}" for c in cells)
            + f" {ratio(cells[0], cells[1]):>9} {ratio(cells[2], cells[0]):>11}"
        )
    for name in names:
        if "error" in figures[name]:
            lines.append(f"{name}: failed: {figures[name]['error']}")
    return "\n".join(lines)


def import_check() -> str:
    """``python build_graph.py`` on the real graph (cold, and with nothing changed) against bare imports."""
    libs = "import rdflib, pyoxigraph, pyshacl, pyvis.network, networkx, jinja2, pylode"
    bare = timed(lambda: subprocess.run([sys.executable, "-c", libs], check=True), 5)
    with tempfile.TemporaryDirectory() as tmp:
        build = [sys.executable, str(ROOT / "build_graph.py"), "--out", f"{tmp}/build"]
        cold = timed(lambda: subprocess.run([*build, "--no-cache"], check=True, capture_output=True), 5)
        subprocess.run(build, check=True, capture_output=True)  # fills the stage cache
        warm = timed(lambda: subprocess.run(build, check=True, capture_output=True), 5)
    probe = (
        "import sys; from jikg.cli import main; main(['query', '1', '--format', 'csv']);"
        "print('pyshacl' in sys.modules, 'pyvis' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    flags = done.stderr.strip().splitlines()[-1]
    return (
        f"real graph: bare import of its libraries {bare:.2f} s; build_graph.py cold {cold:.2f} s "
        f"(ratio {cold / bare:.2f}), nothing changed {warm:.2f} s (ratio {warm / bare:.2f}); target 2\n"
        f"`jikg query 1` imports pyshacl, pyvis: {flags}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100], help="agreements per corpus")
    parser.add_argument("--full", action="store_true", help="also ~1M triples (845 agreements)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per CQ, median (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=60, help="seconds before rdflib work is cut off")
    engines = ["project", "pyoxigraph", "rdflib", "server", "build"]
    parser.add_argument("--engines", nargs="*", default=engines, help="what to run (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="`jikg build -j` for the build rows (default: 1)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.engine = args.worker
        return worker(args)
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    print(f"{platform.node()}: {machine}")
    sizes = args.sizes + ([845] if args.full else [])
    folder = Path(tempfile.mkdtemp(prefix="jikg-scale-"))
    try:
        for agreements in sizes:
            corpus, union = prepare(agreements, folder)
            figures = {}
            for name in ["project", "pyoxigraph", "rdflib", "server"]:
                wanted = name in args.engines
                figures[name] = engine(name, corpus if name == "project" else union, args) if wanted else {}
            if "build" in args.engines:
                figures["project"].update(measure_build(corpus, args.jobs))
            print(f"\n## {agreements} agreements: {figures['project'].get('triples', '?')} triples\n")
            print(table(figures), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n" + import_check())


if __name__ == "__main__":
    main()
