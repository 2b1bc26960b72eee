"""The build, as a table of stages: what each reads, what it writes, what runs it, which libraries.

Read it like a Makefile. A stage's ``reads`` are project files (globs under the project
root, ``EXTRAS`` for the ``--extra`` corpora) or files an earlier stage wrote (its
``writes`` and ``keeps``, named by their place in ``build/``; a glob such as ``dist/*``
names every such file written so far). ``writes`` are published in ``build/``; ``keeps``
are intermediate (the checks' results) and stay in the cache. ``run`` names the function
(``module:function``, imported only when the stage runs, as RDFLib's plugin table does)
that writes them from a :class:`jikg.build.Work`. ``libraries`` are the distributions it
imports: their versions (and their requirements') key it, with the code of its module and
of every ``jikg`` module that one imports (:func:`code_digest`).

Stages above ``GATE`` are the checks; those below it run only when the data passes them.
A stage with ``option`` runs only when the build has that option (``--reason``); its
``writes`` then replace the same names written before it. ``jikg build`` runs the table
(:mod:`jikg.build`) through the one stage cache (:mod:`jikg.stagecache`).
"""

from __future__ import annotations

import ast
import hashlib
import sys
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
EXTRAS = "--extra"


@dataclass(frozen=True)
class Stage:
    """One row of the table."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: str
    libraries: tuple[str, ...] = ()
    keeps: tuple[str, ...] = ()
    option: str | None = None


DATASET = ("dist/graph.nt", "dist/dataset.nq")
COUNTS = ("queries/report/graph-counts.rq", "queries/report/class-counts.rq")

# fmt: off
STAGES: tuple[Stage, ...] = (
    Stage("dataset",
          reads=("sources/*.txt", "ontology/*.ttl", "graphs/*.ttl", EXTRAS, "queries/derive/*.rq"),
          writes=DATASET, run="jikg.dataset:dataset_stage", libraries=("pyoxigraph",)),
    Stage("counts",
          reads=("dist/dataset.nq", *COUNTS),
          writes=("summary.json",), keeps=("counts.json",),
          run="jikg.report:counts_stage", libraries=("pyoxigraph",)),
    Stage("shacl",
          reads=("dist/graph.nt", "shapes/*.ttl", "queries/shacl/*.rq"),
          writes=("validation-report.ttl",), keeps=("shacl.json",),
          run="jikg.shacl_parallel:shacl_stage", libraries=("pyoxigraph", "pyshacl")),
    Stage("qc",
          reads=("dist/dataset.nq", "queries/qc/*.rq"),
          writes=(), keeps=("qc.json",), run="jikg.validate:qc_stage", libraries=("pyoxigraph",)),
    Stage("reasoning", option="reason",
          reads=DATASET,
          writes=(*DATASET, "summary.json"), keeps=("reasoning.json", "counts.json"),
          run="jikg.reason:reasoning_stage", libraries=("pyoxigraph", "owlrl", "rdflib")),
    Stage("report",
          reads=("counts.json", "shacl.json", "qc.json", "reasoning.json"),
          writes=("summary.txt", "validation-report.txt"), run="jikg.report:report_stage"),
    Stage("graph-files",
          reads=DATASET,
          writes=("dist/graph.ttl", "dist/graph.rdf", "dist/dataset.trig"),
          run="jikg.dist:graph_files_stage", libraries=("pyoxigraph",)),
    Stage("graph-jsonld",
          reads=("dist/graph.nt",),
          writes=("dist/graph.jsonld", "dist/context.jsonld"),
          run="jikg.dist:graph_jsonld_stage", libraries=("pyoxigraph", "pyld")),
    Stage("ontology-files",
          reads=("ontology/*.ttl",),
          writes=("dist/ontology.ttl", "dist/ontology.rdf", "dist/ontology.jsonld", "dist/ontology.html"),
          run="jikg.dist:ontology_stage", libraries=("pyoxigraph", "pyld", "pylode")),
    Stage("commitments",
          reads=("dist/dataset.nq", "metadata/*.ttl", "queries/report/*.rq", "queries/metadata/release.rq"),
          writes=("dist/commitments.csv", "dist/commitments.xlsx", "dist/commitments.csv-metadata.json"),
          run="jikg.commitments:commitments_stage", libraries=("pyoxigraph", "openpyxl")),
    Stage("catalogue",
          reads=("dist/*", "counts.json", "metadata/*.ttl", "queries/metadata/*.rq"),
          writes=("dist/void.ttl", "dist/catalog.ttl", "dist/index.html", "dist/SHA256SUMS"),
          run="jikg.dist:catalogue_stage", libraries=("pyoxigraph", "jinja2")),
    Stage("views",
          reads=("dist/dataset.nq", "queries/views/*.rq"),
          writes=("views/",),
          run="jikg.views.site:views_stage",
          libraries=("pyoxigraph", "networkx", "pyvis", "rustworkx", "igraph", "jinja2")),
)
# fmt: on

#: The stages above it check the data; the outputs below it are made only from data that passed.
GATE = "reasoning"
#: Files of ``dist/`` also written at the top of ``build/`` (hard links: the same bytes).
ALIASES = {name: f"dist/{name}" for name in ("graph.ttl", "graph.nt", "dataset.nq", "dataset.trig")}


def stage(name: str) -> Stage:
    """The row named ``name``."""
    return next(s for s in STAGES if s.name == name)


def is_project_input(pattern: str) -> bool:
    """Whether a read names project files (not the output of an earlier stage)."""
    return pattern == EXTRAS or pattern.split("/", 1)[0] in PROJECT_FOLDERS


#: The folders of a project a stage may read (everything else it reads an earlier stage wrote).
PROJECT_FOLDERS = ("sources", "ontology", "graphs", "shapes", "queries", "metadata")


def written_before(name: str, written: dict[str, object]) -> list[str]:
    """The files written so far that a read names (a glob, or a folder ending in ``/``)."""
    if name.endswith("/"):
        return sorted(n for n in written if n.startswith(name))
    return sorted(n for n in written if fnmatchcase(n, name))


@cache
def code_digest(stage_name: str) -> str:
    """What produces a stage: its module and the ``jikg`` modules it imports, the package's data
    files (templates, assets), its libraries' versions and their requirements', and Python's."""
    row = stage(stage_name)
    digest = hashlib.sha256(sys.version.encode())
    for path in [*sorted(modules_of(row.run.split(":")[0])), *package_data()]:
        digest.update(file_part(path))
    for name, version in sorted(library_versions(row.libraries).items()):
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


@cache
def file_part(path: Path) -> bytes:
    """A package file's name and SHA-256, once per run (the stages share most of their modules)."""
    return path.relative_to(PACKAGE).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest()


def module_path(module: str) -> Path | None:
    """The file of a ``jikg`` module (a package's ``__init__.py``), or None."""
    parts = module.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def imported(path: Path, module: str) -> frozenset[str]:
    """The ``jikg`` modules one file imports, at the top or inside functions (resolved relative imports).

    Imports under ``if TYPE_CHECKING:`` are for annotations only, and are left out.
    """
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in runtime_nodes(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "jikg")
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = f"{base}.{node.module}" if node.level and node.module else (node.module or base)
            if target.split(".")[0] == "jikg":
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)  # `from . import page`
    return frozenset(found)


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every statement of ``tree`` (imports are statements), but those under ``if TYPE_CHECKING:``."""
    nodes, todo = [], [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, STATEMENTS))
    return nodes


#: What can hold a statement (an ``except`` clause and a ``case`` are not statements themselves).
STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def modules_of(module: str) -> set[Path]:
    """The files of ``module`` and of every ``jikg`` module it imports, transitively."""
    seen: set[Path] = set()
    todo = [module, "jikg"]
    while todo:
        name = todo.pop()
        path = module_path(name)
        if path is None or path in seen:
            continue
        seen.add(path)
        todo.extend(imported(path, name))
        parent = name.rsplit(".", 1)[0]
        if parent != name:
            todo.append(parent)  # importing a.b runs a/__init__.py
    return seen


@cache
def package_data() -> tuple[Path, ...]:
    """The package's files that are not Python (templates, scripts and styles of the pages)."""
    files = (p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return tuple(sorted(p for p in files if p.suffix not in (".py", ".pyc")))


def library_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed version of each distribution and of everything it requires (extras left out)."""
    versions: dict[str, str] = {}
    todo = list(names)
    while todo:
        name = canonical_name(todo.pop())
        if name not in versions:
            versions[name], requires = distribution(name)
            todo.extend(requires)
    return versions


@cache
def distribution(name: str) -> tuple[str, tuple[str, ...]]:
    """A distribution's version ("absent" if not installed) and the names it requires unconditionally
    or on this platform (not its extras); looked up once per run."""
    from packaging.requirements import Requirement

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return "absent", ()
    requirements = [Requirement(text) for text in dist.requires or []]
    kept = (r.name for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""}))
    return dist.version, tuple(kept)


def canonical_name(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")
