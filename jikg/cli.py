"""The ``jikg`` command: parses arguments and calls one function per command.

Exit codes: 0 success, 1 the data failed validation (SHACL violation or QC
failure, or with ``--reason`` an inconsistency), 2 wrong command-line arguments,
3 an input file could not be read or an output folder could not be written (the
message names the file, and the line where it can), 4 a release was refused (the
version is published already, or the sources do not declare it), 5 ``--reason``
cannot run (owlready2, owlrl or Java missing), 6 a query is malformed (the message
gives its line and column), refused (an update, SERVICE, a ``file:`` graph) or ran
out of time locally (``--timeout``), 7 an endpoint or server failed (unreachable,
HTTP error, authentication, timeout, port in use) or published counts differ.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .dataset import LoadError
from .layout import Layout
from .swap import OutputError

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_REFUSED = 4
EXIT_UNAVAILABLE = 5
EXIT_QUERY = 6
EXIT_REMOTE = 7


def run_build(args: argparse.Namespace) -> int:
    """``jikg build``: build, validate and write ``build/``."""
    from .build import build
    from .reason import ReasonerUnavailable

    layout = Layout(args.root.resolve(), tuple(path.resolve() for path in args.extra))
    try:
        out = args.out.resolve() if args.out else None
        result = build(layout, out, args.reason, not args.no_cache, args.jobs)
    except ReasonerUnavailable as error:
        print(f"error: --reason: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(result.summary(), end="")
    if not result.ok:
        print(result.report(), end="", file=sys.stderr)
        print(f"build failed: {result.out_dir} left as it was", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {len(result.written)} files to {result.out_dir}")
    seconds, reused = result.stages.seconds, result.stages.reused
    ran = ", ".join(f"{name} {seconds.get(name, 0):.1f} s" for name in result.stages.ran) or "none"
    print(f"stages run: {ran}; reused from the cache: {len(reused)}")
    return 0


def run_release(args: argparse.Namespace) -> int:
    """``jikg release VERSION``: build, check and publish ``releases/VERSION/``."""
    from .release import ReleaseRefused, release

    layout = Layout(args.root.resolve())
    try:
        folder = release(layout, args.version, args.releases.resolve() if args.releases else None)
    except ReleaseRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"published {args.version} in {folder} ({len(list(folder.iterdir()))} files): commit it")
    return 0


def run_clauses(args: argparse.Namespace) -> int:
    """``jikg clauses``: list the source's segments with their ids and lines."""
    from .dataset import source_segments

    for s in source_segments(Layout(args.root.resolve()).source):
        span = f"{s.line_start}-{s.line_end}" if s.lines else "-"
        print(f"{s.id}\t{s.kind}\t{span}\t{s.marker}{s.text}")
    return 0


def run_coding(args: argparse.Namespace) -> int:
    """``jikg coding``: the graph's coding as CSV, or (``--compare``) its agreement with another coding."""
    from .intercoder import (
        compare,
        disagreement_lines,
        graph_coding,
        markdown_table,
        read_coding,
        write_coding,
    )
    from .query import open_dataset

    layout = Layout(args.root.resolve())
    first = read_coding(args.first) if args.first else graph_coding(open_dataset(layout, warn=note), layout)
    if args.compare is None:
        sys.stdout.write(write_coding(first))
        return 0
    comparison = compare(first, read_coding(args.compare))
    sys.stdout.write(
        markdown_table(comparison) + "".join(f"{line}\n" for line in disagreement_lines(comparison))
    )
    return 0


def run_view(args: argparse.Namespace) -> int:
    """``jikg view``: write the interactive network views (``build/views`` by default)."""
    from .views.site import write_views_folder

    layout = Layout(args.root.resolve())
    out = (args.out or layout.build / "views").resolve()
    written = write_views_folder(layout, out)
    print(f"wrote {len(written)} views, the index and the analytics to {out}")
    return 0


def run_analyze(args: argparse.Namespace) -> int:
    """``jikg analyze``: centralities, communities and shortest paths of the whole network."""
    from .dataset import load_dataset
    from .views.network_report import Request, analyze

    layout = Layout(args.root.resolve())
    path = tuple(args.path) if args.path else None
    exports = {"graphml": args.graphml, "gexf": args.gexf}
    request = Request(args.format, args.sort, args.top, path, tuple(args.avoid), args.communities, **exports)
    try:
        print(analyze(load_dataset(layout), layout, request), end="")
    except LookupError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def port(text: str) -> int:
    """``--port``: a TCP port number, 0 for any free port."""
    number = int(text)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a TCP port (0 to 65535)")
    return number


def above_zero(kind: type) -> Callable[[str], int | float]:
    """An argument type: a finite number of ``kind`` above 0 (a time limit, a cap)."""

    def parse(text: str) -> int | float:
        value = kind(text)
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not a number above 0")
        return value

    parse.__name__ = kind.__name__  # argparse names it in "invalid int value: 'x'"
    return parse


def at_least_zero(text: str) -> int:
    """``--top``: a count, 0 for all."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is below 0 (0: all)")
    return value


DESCRIPTION = (
    "The Japan-India Digital Cooperation Knowledge Graph: build and check it, query it,\n"
    "serve it, view it and publish it. `jikg COMMAND --help` says more about each command."
)
EXIT_CODES = """exit codes:
  0  done
  1  the data failed validation (a SHACL violation, a QC check, an inconsistency)
  2  wrong command-line arguments
  3  an input file could not be read, or an output folder could not be written
  4  a release was refused (already published, or not declared in the sources)
  5  --reason cannot run (owlready2, owlrl or Java missing)
  6  a query is malformed, refused (an update, SERVICE, a file: graph) or out of time
  7  an endpoint or server failed, or published counts differ"""


def parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per function."""
    top = argparse.ArgumentParser(
        prog="jikg",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--root", type=Path, default=Layout().root, help="project folder (default: %(default)s)")
    commands = top.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build and validate the graph, write build/")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/build)")
    build.add_argument("--reason", action="store_true", help="add the OWL 2 RL closure; check with HermiT")
    build.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.nt",
        help="also load this N-Triples file as the named graph of its stem (jikg synth)",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="a cold build: run every stage, neither read nor write the caches in ROOT/.cache "
        "(by default a stage whose inputs are unchanged reuses its last output)",
    )
    build.add_argument(
        "--jobs",
        "-j",
        type=above_zero(int),
        metavar="N",
        help="run up to N stages at once after the checks, in forked processes (default: 1; more is faster "
        "on more cores and uses more memory)",
    )
    build.set_defaults(func=run_build)
    add_synth_parser(commands)
    publish = commands.add_parser("release", help="publish a version: build, check, write releases/VERSION/")
    publish.add_argument("version", help="the version the ontology declares, e.g. 0.1.0")
    publish.add_argument("--releases", type=Path, help="releases folder (default: ROOT/releases)")
    publish.set_defaults(func=run_release)
    clauses = commands.add_parser("clauses", help="list the source's clauses")
    clauses.set_defaults(func=run_clauses)
    coding = commands.add_parser(
        "coding", help="the coding of the MoC's commitments (CSV), or its agreement with another"
    )
    coding.add_argument(
        "--compare", type=Path, metavar="CSV", help="print per-field agreement and kappa with CSV"
    )
    coding.add_argument(
        "--first", type=Path, metavar="CSV", help="compare this coding instead of the graph's"
    )
    coding.set_defaults(func=run_coding)
    view = commands.add_parser("view", help="write the interactive network views (offline HTML)")
    view.add_argument("--out", type=Path, help="output folder (default: ROOT/build/views)")
    view.set_defaults(func=run_view)
    add_analyze_parser(commands)
    add_query_parsers(commands)
    return top


def run_synth(args: argparse.Namespace) -> int:
    """``jikg synth``: write a synthetic corpus of bilateral agreements as N-Triples."""
    from .synth import write_corpus

    if args.violations and args.out is None:
        return fail("--violations needs --out: the injected violations are recorded beside it", EXIT_USAGE)
    try:
        layout = Layout(args.root.resolve())
        result = write_corpus(args.out, args.agreements, args.seed, args.violations, layout)
    except ValueError as error:
        return fail(error, EXIT_USAGE)
    if args.out:
        print(f"wrote {result.triples:,} triples ({args.agreements} agreements) to {args.out}")
    return 0


def add_synth_parser(commands: argparse._SubParsersAction) -> None:
    """``jikg synth`` and its options."""
    synth = commands.add_parser("synth", help="write a synthetic corpus of bilateral agreements (N-Triples)")
    add = synth.add_argument
    add("--agreements", type=int, required=True, metavar="N", help="agreements (~1,000 triples each)")
    add("--seed", type=int, default=0, help="random seed: the same seed writes the same corpus (default: 0)")
    add("--violations", type=int, default=0, metavar="K", help="spoil K activities (see OUT.violations.json)")
    add("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    synth.set_defaults(func=run_synth)


def add_analyze_parser(commands: argparse._SubParsersAction) -> None:
    """``jikg analyze`` and its options."""
    analyze = commands.add_parser("analyze", help="network measures, communities, 'how is X linked to Y'")
    add = analyze.add_argument
    add("--format", choices=("table", "csv", "json"), default="table", help="output (default: %(default)s)")
    add("--sort", choices=("degree", "betweenness", "eigenvector"), default="betweenness", help="sort by")
    add("--top", type=at_least_zero, default=20, help="rows to print, 0: all (default: %(default)s)")
    add("--path", nargs=2, metavar=("X", "Y"), help="how X links to Y: id (jorg:mic) or label (MIC, 総務省)")
    add("--avoid", action="append", default=[], metavar="KIND", help="--path may not pass via KIND (place)")
    add("--communities", action="store_true", help="list the communities (Louvain)")
    add("--graphml", type=Path, metavar="FILE", help="also write the network as GraphML")
    add("--gexf", type=Path, metavar="FILE", help="also write the network as GEXF (Gephi)")
    analyze.set_defaults(func=run_analyze)


def fail(message: object, code: int) -> int:
    """Print ``error: message`` on stderr and return the exit code."""
    print(f"error: {message}", file=sys.stderr)
    return code


def note(message: str) -> None:
    print(message, file=sys.stderr)


def remote_options(args: argparse.Namespace, layout: Layout):
    """The ``--endpoint`` options as a :class:`jikg.query.Remote`."""
    from .query import Remote, open_dataset

    graphs = list(args.default_graph)
    if args.project_graphs:
        store = open_dataset(layout, args.dataset, warn=note)
        graphs += sorted({q.graph_name.value for q in store} - set(graphs))
    password = args.password if args.password is not None else os.environ.get("JIKG_PASSWORD")
    return Remote(args.endpoint, args.user, password, args.auth, args.timeout, graphs)


def run_query(args: argparse.Namespace) -> int:
    """``jikg query``: run a canned question, a .rq file or inline SPARQL; print the answer."""
    from .policy import QueryError
    from .query import EndpointError, Local, QueryNotFound, locate, open_dataset
    from .results import GRAPH_FORMATS, Graph, serialize_result

    layout = Layout(args.root.resolve())
    source = ""
    try:
        text, source = locate(args.query, layout)
        if args.endpoint:
            backend = remote_options(args, layout)
        else:
            backend = Local(open_dataset(layout, args.dataset, warn=note), args.timeout)
        result = backend.run(text)
    except QueryNotFound as error:
        return fail(error, EXIT_USAGE)
    except QueryError as error:
        return fail(f"{source}: {error}" if source else error, EXIT_QUERY)
    except EndpointError as error:
        return fail(error, EXIT_REMOTE)
    fmt = args.format or ("turtle" if isinstance(result, Graph) else "table")
    if isinstance(result, Graph) and fmt not in GRAPH_FORMATS:
        note(f"note: this query answers a graph: written as Turtle, not {fmt}")
    elif not isinstance(result, Graph) and fmt in GRAPH_FORMATS:
        return fail(f"--format {fmt} is for graphs; this query answers a table", EXIT_USAGE)
    if getattr(result, "truncated", False):
        note("note: the endpoint cut this result at its result cap")
    output = serialize_result(result, fmt)
    sys.stdout.buffer.write(output if output.endswith(b"\n") else output + b"\n")
    return 0


def run_queries(args: argparse.Namespace) -> int:
    """``jikg queries``: list the competency questions with their one-line descriptions."""
    from .query import canned_queries

    for canned in canned_queries(Layout(args.root.resolve())):
        print(f"{canned.number:2d}  {canned.slug:32}  {canned.question_ja if args.ja else canned.question}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """``jikg serve``: the read-only SPARQL endpoint and query page, until Ctrl-C."""
    from .engine import EngineError
    from .oxigraph import ServerError
    from .serve import ServeConfig, serve

    layout = Layout(args.root.resolve())
    config = ServeConfig(
        layout,
        args.dataset,
        args.host,
        args.port,
        args.timeout,
        args.max_rows,
        args.quiet,
        workers=args.workers,
        memory_mb=args.memory_mb,
        max_connections=args.max_connections,
        header_timeout=args.header_timeout,
        allow_service=tuple(args.allow_service),
        cache_mb=args.cache_mb,
    )
    try:
        return serve(config)
    except (ServerError, EngineError) as error:
        return fail(error, EXIT_REMOTE)


def run_publish(args: argparse.Namespace) -> int:
    """``jikg publish``: PUT every named graph to a Graph Store endpoint, then verify the counts."""
    from .publish import Target, publish
    from .query import EndpointError

    layout = Layout(args.root.resolve())
    password = args.password if args.password is not None else os.environ.get("JIKG_PASSWORD")
    target = Target(
        args.endpoint, args.query_endpoint, args.user, password, args.auth, args.timeout, args.update_endpoint
    )
    try:
        report = publish(args.dataset or layout.built_dataset, target, layout)
    except EndpointError as error:
        return fail(error, EXIT_REMOTE)
    print(report.text(), end="")
    return 0 if report.ok else EXIT_REMOTE


def add_query_parsers(commands: argparse._SubParsersAction) -> None:
    """``jikg query``, ``queries``, ``serve`` and ``publish`` and their options."""
    from .results import FORMATS

    query = commands.add_parser("query", help="run a competency question, a .rq file or SPARQL text")
    add = query.add_argument
    add("query", help="a question's number or name (`jikg queries`), a .rq file, SPARQL text, - (stdin)")
    add("--format", choices=FORMATS, help="output (default: table; a graph: turtle)")
    add("--dataset", type=Path, help="N-Quads to query (default: ROOT/build/dataset.nq, else the sources)")
    add("--endpoint", metavar="URL", help="run on this SPARQL endpoint instead (through SPARQLWrapper)")
    add("--default-graph", action="append", default=[], metavar="IRI", help="default-graph-uri (--endpoint)")
    add("--project-graphs", action="store_true", help="the project's graphs as default graph (--endpoint)")
    add_credentials(query, "basic")
    seconds = above_zero(float)
    add("--timeout", type=seconds, default=30.0, help="seconds to wait for the answer (default: %(default)s)")
    query.set_defaults(func=run_query)
    queries = commands.add_parser("queries", help="list the competency questions")
    queries.add_argument("--ja", action="store_true", help="show the questions in Japanese")
    queries.set_defaults(func=run_queries)
    serve = commands.add_parser("serve", help="serve a read-only SPARQL endpoint, query page and entity IRIs")
    add = serve.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    add("--port", type=port, default=7878, help="port (default: %(default)s; 0: any free port)")
    add("--dataset", type=Path, help="N-Quads to serve (default: ROOT/build/dataset.nq, else the sources)")
    add("--timeout", type=above_zero(int), default=10, help="query timeout in seconds (default: %(default)s)")
    cap = above_zero(int)
    add("--max-rows", type=cap, default=10_000, help="result cap, rows or triples (default: %(default)s)")
    add("--quiet", action="store_true", help="do not log requests")
    add(
        "--workers",
        type=cap,
        default=os.cpu_count() or 2,
        help="query worker processes (default: %(default)s)",
    )
    add("--memory-mb", type=cap, default=2048, help="address-space cap of each worker (default: %(default)s)")
    add(
        "--max-connections",
        type=cap,
        default=512,
        help="connections at once, then 503 (default: %(default)s)",
    )
    add(
        "--header-timeout",
        type=seconds,
        default=10.0,
        help="seconds to send a request (default: %(default)s)",
    )
    add("--allow-service", action="append", default=[], metavar="IRI", help="an endpoint SERVICE may reach")
    add(
        "--cache-mb",
        type=int,
        default=64,
        help="answers kept for repeated queries, MB (default: %(default)s; 0: off)",
    )
    serve.set_defaults(func=run_serve)
    publish = commands.add_parser("publish", help="put the named graphs into a triplestore (Graph Store)")
    add = publish.add_argument
    add("--endpoint", required=True, metavar="URL", help="Graph Store endpoint, e.g. http://host:7878/store")
    add("--query-endpoint", metavar="URL", help="its SPARQL endpoint (default: Oxigraph's, Virtuoso's)")
    add("--update-endpoint", metavar="URL", help="its SPARQL Update endpoint (default: Oxigraph's, …)")
    add("--dataset", type=Path, help="N-Quads to publish (default: ROOT/build/dataset.nq)")
    add_credentials(publish, "digest")
    add("--timeout", type=above_zero(float), default=60.0, help="seconds per request (default: %(default)s)")
    publish.set_defaults(func=run_publish)


def add_credentials(command: argparse.ArgumentParser, scheme: str) -> None:
    """``--user``, ``--password`` (or JIKG_PASSWORD) and ``--auth``."""
    command.add_argument("--user", help="user name for HTTP authentication")
    command.add_argument("--password", help="password (default: the JIKG_PASSWORD environment variable)")
    schemes = ("basic", "digest")
    command.add_argument("--auth", choices=schemes, default=scheme, help="auth scheme (default: %(default)s)")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (LoadError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader (e.g. `| head`) closed the pipe: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
