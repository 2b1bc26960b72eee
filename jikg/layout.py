"""Where a project keeps its inputs and outputs: every path of a project folder, named once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .sources import SOURCE_NAME

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layout:
    """Where a project keeps its inputs."""

    root: Path = PROJECT_ROOT
    #: N-Triples files loaded beside the graphs, each as the named graph of its stem (``jikg synth``).
    extras: tuple[Path, ...] = ()

    @property
    def source(self) -> Path:
        return self.root / "sources" / SOURCE_NAME

    @property
    def ontology(self) -> list[Path]:
        return sorted((self.root / "ontology").glob("*.ttl"))

    @property
    def graphs(self) -> list[Path]:
        return sorted((self.root / "graphs").glob("*.ttl"))

    @property
    def shapes(self) -> list[Path]:
        return sorted((self.root / "shapes").glob("*.ttl"))

    def queries(self, kind: str, pattern: str = "*.rq") -> list[Path]:
        """The ``.rq`` files of ``queries/<kind>/`` (those matching ``pattern``), sorted by name."""
        return sorted((self.root / "queries" / kind).glob(pattern))

    def query(self, kind: str, name: str) -> Path:
        """One query file: ``queries/<kind>/<name>.rq``."""
        return self.root / "queries" / kind / f"{name}.rq"

    @property
    def metadata(self) -> Path:
        """The release's static description, ``metadata/dataset.ttl``."""
        return self.root / "metadata" / "dataset.ttl"

    def inputs(self, pattern: str) -> list[str]:
        """The project's files matching ``pattern`` (a glob under the root), by relative name, sorted."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(pattern) if p.is_file())

    @property
    def releases(self) -> Path:
        """Published versions, ``releases/VERSION/`` (committed, never edited)."""
        return self.root / "releases"

    @property
    def changelog(self) -> Path:
        """``CHANGELOG.md``: a section per published version."""
        return self.root / "CHANGELOG.md"

    @property
    def build(self) -> Path:
        """The default output folder, ``build/``."""
        return self.root / "build"

    @property
    def built_dataset(self) -> Path:
        """The validated dataset the last build wrote, ``build/dataset.nq``."""
        return self.build / "dataset.nq"

    @property
    def cache(self) -> Path:
        """The stage cache, ``.cache/build/``."""
        return self.root / ".cache" / "build"
