"""The ``jikg`` command: parses arguments and calls one function per command.

Exit codes: 0 success, 1 the data failed validation (SHACL violation or QC
failure), 2 wrong command-line arguments, 3 an input file could not be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .dataset import Layout, LoadError

EXIT_INVALID = 1
EXIT_INPUT = 3


def run_build(args: argparse.Namespace) -> int:
    """``jikg build``: build, validate and write ``build/``."""
    from .build import build

    layout = Layout(args.root.resolve())
    result = build(layout, args.out.resolve() if args.out else None)
    print(result.summary(), end="")
    if not result.ok:
        print(result.report(), end="", file=sys.stderr)
        print(f"build failed: {result.out_dir} left as it was", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {len(result.written)} files to {result.out_dir}")
    return 0


def run_clauses(args: argparse.Namespace) -> int:
    """``jikg clauses``: list the source's segments with their ids and lines."""
    from .sources import segment

    for s in segment(Layout(args.root.resolve()).source):
        span = f"{s.line_start}-{s.line_end}" if s.lines else "-"
        print(f"{s.id}\t{s.kind}\t{span}\t{s.marker}{s.text}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per function."""
    top = argparse.ArgumentParser(prog="jikg", description=__doc__.splitlines()[0])
    top.add_argument("--root", type=Path, default=Layout().root, help="project folder (default: %(default)s)")
    commands = top.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build and validate the graph, write build/")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/build)")
    build.set_defaults(func=run_build)
    clauses = commands.add_parser("clauses", help="list the source's clauses")
    clauses.set_defaults(func=run_clauses)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
